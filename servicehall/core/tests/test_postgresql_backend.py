"""PostgreSQL without round trips that carry nothing (servicehall/core/postgresql)."""

import time
from pathlib import Path

import psycopg
import pytest
from django.db import close_old_connections, connection, transaction

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
