"""HRS-2: one row per day 2004–2099, from chinesecalendar (published years) and the statutory rule."""

from django.db import migrations

from servicehall.workdays.seed import seed


def forwards(apps, schema_editor):
    seed(apps.get_model("workdays", "CalendarDay"), apps.get_model("workdays", "CalendarVersion"))


def backwards(apps, schema_editor):
    apps.get_model("workdays", "CalendarVersion").objects.all().delete()
    apps.get_model("workdays", "CalendarDay").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
