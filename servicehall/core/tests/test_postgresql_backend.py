"""PostgreSQL without round trips that carry nothing (servicehall/core/postgresql)."""

import time
from pathlib import Path

import psycopg
import pytest
from django.db import DataError, close_old_connections, connection, transaction

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend")


def sent(path: Path) -> list[str]:
    """What the client sent, from a libpq trace: each message's type and start."""
    lines = path.read_text(errors="replace").splitlines()
    return [" ".join(line.split("\t")[3:5])[:80] for line in lines if "\tF\t" in line]


@pytest.fixture
def traced(tmp_path):
    """Trace what this connection sends while the block runs."""

    class Trace:
        def __init__(self):
            self.path = tmp_path / "trace.txt"

        def __enter__(self):
            connection.ensure_connection()
            self.file = self.path.open("w")
            connection.connection.pgconn.trace(self.file.fileno())
            return self

        def __exit__(self, *exc):
            connection.connection.pgconn.untrace()
            self.file.close()
            self.messages = sent(self.path)

    return Trace


def test_health_check_asks_the_socket_not_the_server(transactional_db, traced):
    """A request's health check sends nothing; a connection the server ended is replaced."""
    connection.ensure_connection()
    with traced() as trace:
        assert connection.is_usable()
    assert trace.messages == []
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(100):  # the server's goodbye reaches the socket
        if not connection.is_usable():
            break
        time.sleep(0.02)
    assert not connection.is_usable()
    close_old_connections()  # a request's start: the ended connection is given up
    connection.health_check_done = False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_begin_rides_with_the_first_statement_of_a_transaction(transactional_db, traced):
    with traced() as trace, transaction.atomic(), connection.cursor() as cursor:
        connection.execute_opening(cursor, "SELECT %s::int", [7])
        assert cursor.fetchone() == (7,)
        connection.execute_opening(cursor, "SELECT %s::int", [8])  # not the first: as usual
        assert cursor.fetchone() == (8,)
    assert [m.strip()[:26] for m in trace.messages] == [
        'Query  "BEGIN; SELECT 7::i',
        'Query  "SELECT 8::int"',
        'Query  "COMMIT"',
    ]
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_a_failure_after_the_merged_begin_rolls_back(transactional_db):
    from servicehall.core.models import AuditHead

    with pytest.raises(ZeroDivisionError), transaction.atomic(), connection.cursor() as cursor:
        connection.execute_opening(
            cursor, "INSERT INTO core_audithead (chain, seq, hash, prev_hash) VALUES (%s, 0, '', '')", ["x"]
        )
        raise ZeroDivisionError
    assert not AuditHead.objects.filter(chain="x").exists()
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert connection.get_autocommit()


def test_commit_rides_with_the_last_statement_of_a_transaction(transactional_db, traced):
    """A walk-in take on PostgreSQL: BEGIN with the counter, COMMIT with the ticket and its
    event; nothing is sent on its own, and the chain holds."""
    from servicehall.core import audit
    from servicehall.core.models import AuditHead

    with traced() as trace, transaction.atomic(), connection.cursor() as cursor:
        connection.execute_opening(cursor, "SELECT %s::int", [7])
        audit.record(actor=None, action="probe", center="ridealong", last=True)
    kinds = [m.split()[0] for m in trace.messages]
    assert kinds.count("Query") == 1 and "COMMIT" not in trace.messages[0]  # BEGIN; SELECT 7
    assert kinds.count("Sync") == 1  # the event's statement and its COMMIT: one message
    assert any('"COMMIT"' in m for m in trace.messages)
    assert not connection.in_atomic_block
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert AuditHead.objects.get(chain="ridealong").seq == 1
    assert all(r.ok for r in audit.verify_all())


def test_a_failing_last_statement_commits_nothing(transactional_db):
    """The COMMIT sent with a statement the server refuses is skipped: nothing of the block stays."""
    from servicehall.core.models import AuditHead

    connection.ensure_connection()
    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        connection.execute_opening(
            cursor, "INSERT INTO core_audithead (chain, seq, hash, prev_hash) VALUES (%s, 0, '', '')", ["y"]
        )
        connection.fetch_prepared("SELECT 1 / 0", [], last=True)
    assert not AuditHead.objects.filter(chain="y").exists()
    assert connection.connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert connection.get_autocommit()


def test_a_chains_first_event_starts_its_head_in_the_same_statement(transactional_db, traced):
    from servicehall.core import audit
    from servicehall.core.models import AuditEvent

    with traced() as trace, transaction.atomic():
        audit.record(actor=None, action="first", center="newchain")
    assert sum(1 for m in trace.messages if m.startswith("Execute")) == 1  # no second try after a missing head
    audit.record(actor=None, action="second", center="newchain")
    assert list(AuditEvent.objects.filter(chain="newchain").values_list("seq", flat=True).order_by("seq")) == [1, 2]
    assert all(r.ok for r in audit.verify_all())


def test_a_transaction_of_one_statement_is_one_message(transactional_db, traced):
    """A rating: BEGIN, the rating with its event, COMMIT — pipelined, one round trip."""
    from servicehall.core import audit

    audit.record(actor=None, action="start", center="single")  # the statement is prepared once
    with traced() as trace, transaction.atomic():
        audit.record(actor=None, action="probe", center="single", last=True)
    assert [m.split()[0] for m in trace.messages].count("Sync") == 1, trace.messages
    assert not [m for m in trace.messages if m.startswith("Query")], trace.messages
    statements = [m.split('"')[3] for m in trace.messages if m.startswith("Parse")]
    assert statements == ["BEGIN", "COMMIT"], trace.messages  # the event's statement: prepared before
    assert connection.get_autocommit()
    assert all(r.ok for r in audit.verify_all())
