"""docs/deploy.md promises a tested restore: back up the live database, restore it, check it."""

import sqlite3
import subprocess
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from servicehall.core import backup
from servicehall.core.models import AuditEvent

CHAIN_SQL = "SELECT prev_hash, hash FROM core_auditevent WHERE chain = 'kaiyuan' ORDER BY seq"


def _restored_rows_sqlite(target):
    restored = sqlite3.connect(target)
    assert restored.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    return restored.execute(CHAIN_SQL).fetchall(), restored.execute(
        "SELECT count(*) FROM core_auditevent"
    ).fetchone()[0]


def _restored_rows_postgres(target):
    name = f"restore_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    conn = ["-h", db["HOST"] or "127.0.0.1", "-U", db["USER"] or "postgres"]
    backup.restore_postgres(target, name)
    try:
        psql = ["psql", *conn, "-d", name, "-tA", "-F", " ", "-c"]
        count = int(subprocess.check_output([*psql, "SELECT count(*) FROM core_auditevent"]).strip())
        out = subprocess.check_output([*psql, CHAIN_SQL], text=True)
        return [tuple(line.split(" ")) for line in out.strip().splitlines()], count
    finally:
        subprocess.run(["dropdb", *conn, name], check=False)


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_every_audit_event_and_the_chain(tmp_path):
    from servicehall.org import demo

    demo.load()
    events = AuditEvent.objects.count()
    sqlite = connection.vendor == "sqlite"
    target = tmp_path / ("servicehall.sqlite3" if sqlite else "servicehall.dump")
    call_command("backup", str(target))
    rows, count = _restored_rows_sqlite(target) if sqlite else _restored_rows_postgres(target)
    assert count == events
    assert len(rows) > 10 and all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))
