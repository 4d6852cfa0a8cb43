"""SQLite whose writers queue on a lock file instead of polling.

SQLite lets one writer in at a time; the others retry on a busy handler that sleeps 1, 2, 5,
10, 15 … ms between tries, so a writer often sleeps well past the moment the lock came free,
and the worker sits idle meanwhile. Here every write transaction (``BEGIN IMMEDIATE``, see
settings) first takes an exclusive ``flock`` on ``<database>.writers``: the kernel wakes the
next writer the moment the last one commits or rolls back, in the order they came. The lock
belongs to the open file, so a worker killed with ``kill -9`` releases it with its files.

SQLite's own locking is unchanged underneath: a writer that does not pass here (the sqlite3
shell, a statement outside a transaction) still waits on the busy timeout, as before.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _gate: int | None = None  # the lock file's descriptor while this connection holds it

    def _gate_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            return None
        return f"{name}.writers"

    def _enter_gate(self) -> None:
        path = self._gate_path()
        if path is None or self._gate is not None:
            return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._gate = fd

    def _leave_gate(self) -> None:
        fd, self._gate = self._gate, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the lock

    def _start_transaction_under_autocommit(self):
        self._enter_gate()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_gate()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_gate()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_gate()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_gate()
