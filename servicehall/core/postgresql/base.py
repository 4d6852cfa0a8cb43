"""PostgreSQL without the round trips that carry nothing.

* **The health check** at a request's first query (``CONN_HEALTH_CHECKS``) asks the socket,
  not the server: Django's ``SELECT 1`` costs a round trip on every request. A connection that
  sits idle between requests receives nothing unless the server is ending it (a restart, an
  administrator's ``pg_terminate_backend``, a crash), so a socket with something to read, or
  a connection psycopg knows is closed or broken, is unusable and is opened again.
* **A transaction's BEGIN rides with its first statement** (``execute_opening``): psycopg
  sends BEGIN on its own before the first statement of a transaction; the hot writes (taking
  a ticket) send ``BEGIN; <statement>`` in one message instead.
"""

import select
import time

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        conn = self.connection
        if conn is None or conn.closed or conn.broken:
            return False
        if conn.info.transaction_status != pq.TransactionStatus.IDLE:
            return False
        try:
            readable, _w, _x = select.select([conn.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def execute_opening(self, cursor, sql: str, params) -> None:
        """Run ``sql`` on ``cursor`` (one statement, its results to fetch) inside the atomic
        block the caller is in; when it is the transaction's first statement, its BEGIN goes in
        the same message. psycopg then stays in autocommit mode until the block ends: the
        transaction is the server's explicit one, which Django's commit or rollback ends."""
        conn = self.connection
        if (
            not self.in_atomic_block
            or self.get_autocommit()
            or conn.info.transaction_status != pq.TransactionStatus.IDLE
        ):
            cursor.execute(sql, params)
            return
        conn.autocommit = True  # psycopg must not send a BEGIN of its own
        cursor.execute("BEGIN; " + sql, params)
        cursor.nextset()

    def fetch_prepared(self, sql: str, params) -> tuple | None:
        """One statement's first row, the statement prepared on the server once per connection
        (psycopg's server-side binding): the hottest statements are then neither parsed nor
        planned again. Logged like Django's own queries."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        started = time.monotonic()
        with self.wrap_database_errors, psycopg.Cursor(self.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            row = cursor.fetchone()
        if self.queries_logged:
            self.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
        return row
