"""SEC-2: the database itself refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE) on the audit log."""

from django.db import migrations

from servicehall.core.db import install_audit_guards, remove_audit_guards


def install(apps, schema_editor):
    install_audit_guards(schema_editor.connection)


def remove(apps, schema_editor):
    remove_audit_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
