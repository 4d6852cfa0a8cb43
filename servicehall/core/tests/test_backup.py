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
    backup.restore_postgres(target, name)
    try:
        count = int(backup.query_postgres(name, "SELECT count(*) FROM core_auditevent")[0][0])
        return backup.query_postgres(name, CHAIN_SQL), count
    finally:
        backup.drop_postgres(name)


def test_restore_helpers_reach_the_server_the_database_url_names(monkeypatch, tmp_path):
    """Host, port, user and password of DATABASE_URL reach every client program (not only
    pg_dump): a server on another port, or one that asks for a password, is restored too."""
    calls = []

    def run(args, **kwargs):
        calls.append((args, kwargs.get("env", {})))
        return subprocess.CompletedProcess(args, 0, stdout="1\tx\n", stderr="")

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setenv("PGPASSWORD", "not-this-one")
    url = {"HOST": "db.example", "PORT": 6543, "USER": "hall", "PASSWORD": "s3cret", "NAME": "servicehall"}
    backup.restore_postgres(tmp_path / "x.dump", "restore_1", settings_dict=url)
    assert backup.query_postgres("restore_1", "SELECT 1", settings_dict=url) == [("1", "x")]
    backup.drop_postgres("restore_1", settings_dict=url)
    assert [args[0] for args, _env in calls] == ["createdb", "pg_restore", "psql", "dropdb"]
    for args, env in calls:
        joined = " ".join(map(str, args))
        assert "-h db.example" in joined and "-p 6543" in joined and "-U hall" in joined, joined
        assert env["PGPASSWORD"] == "s3cret"


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
