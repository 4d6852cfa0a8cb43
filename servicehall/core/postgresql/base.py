"""PostgreSQL without the round trips that carry nothing.

* **The health check** at a request's first query (``CONN_HEALTH_CHECKS``) asks the socket,
  not the server: Django's ``SELECT 1`` costs a round trip on every request. A connection that
  sits idle between requests receives nothing unless the server is ending it (a restart, an
  administrator's ``pg_terminate_backend``, a crash), so a socket with something to read, or
  a connection psycopg knows is closed or broken, is unusable and is opened again.
* **A transaction's BEGIN rides with its first statement** (``execute_opening``): psycopg
  sends BEGIN on its own before the first statement of a transaction; the hot writes (taking
  a ticket) send ``BEGIN; <statement>`` in one message instead.
* **A transaction's COMMIT rides with its last statement** (``fetch_prepared(..., last=True)``):
  where the caller's transaction ends with a prepared statement, the statement and the COMMIT
  (and the BEGIN, when it is also the first) are pipelined in one message; Django's commit at
  the block's end then finds nothing to send.
"""

import select
import time

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq

# psycopg prepares a statement asked for with ``prepare=True`` only where its threshold is set;
# Django leaves it unset (None). Set so high that nothing else is ever prepared on its own.
ONLY_WHEN_ASKED = 2**31 - 1


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        conn.prepare_threshold = ONLY_WHEN_ASKED
        return conn

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

    def _ends_with_statement(self) -> str | None:
        """Whether the caller's transaction may end with the next statement, sent with its
        COMMIT: "open", the transaction has not begun (its BEGIN goes in the same message too);
        "begun", it is the explicit one ``execute_opening`` began; None otherwise. Only in the
        outermost atomic block, with no savepoint to keep and nothing marked for rollback."""
        if not self.in_atomic_block or any(self.savepoint_ids) or self.needs_rollback:  # None: no savepoint
            return None
        status, autocommit = self.connection.info.transaction_status, self.connection.autocommit
        if status == pq.TransactionStatus.IDLE and not autocommit:
            return "open"
        if status == pq.TransactionStatus.INTRANS and autocommit:
            return "begun"
        return None

    def fetch_prepared(self, sql: str, params, last: bool = False) -> tuple | None:
        """One statement's first row, the statement prepared on the server once per connection
        (psycopg's server-side binding): the hottest statements are then neither parsed nor
        planned again. Logged like Django's own queries.

        ``last``: nothing follows the statement in the caller's transaction. Where the
        transaction is the outermost atomic block's, its COMMIT is sent in the same message
        (and its BEGIN, when the statement is also its first); a failing statement makes the
        server skip the COMMIT, and the block's rollback ends the transaction."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        started = time.monotonic()
        conn = self.connection
        ending = self._ends_with_statement() if last else None
        with self.wrap_database_errors, psycopg.Cursor(conn) as cursor:
            if ending is None:
                cursor.execute(sql, params, prepare=True)
            else:
                if ending == "open":  # as in execute_opening: the transaction is the server's explicit one
                    conn.autocommit = True
                with conn.pipeline():
                    if ending == "open":
                        conn.execute("BEGIN")
                    cursor.execute(sql, params, prepare=True)
                    conn.execute("COMMIT")
            row = cursor.fetchone()
        if self.queries_logged:
            self.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
        return row
