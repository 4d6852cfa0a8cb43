"""SQLite's writers queue on the lock file (core/sqlite/base.py) and leave it however they end."""

import fcntl
import os
import threading

import pytest
from django.db import connection, connections, transaction

from servicehall.core.models import LoginLock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the writers' gate belongs to the SQLite backend; PostgreSQL locks rows")


def test_a_second_writer_waits_at_the_gate_and_enters_when_the_first_commits(monkeypatch):
    """The second writer is seen blocked inside the gate's flock (not in SQLite's busy handler)
    while the first holds the lock file, and enters only after the first commits. Without the
    gate it never reaches the flock; with a gate that does not exclude, it passes it at once."""
    from servicehall.core.sqlite import base

    order = []
    first_in, release = threading.Event(), threading.Event()
    second_at_gate, second_through_gate = threading.Event(), threading.Event()
    real_flock = base.fcntl.flock

    def watched_flock(fd, operation):
        if threading.current_thread().name == "second":
            second_at_gate.set()
            real_flock(fd, operation)
            second_through_gate.set()
        else:
            real_flock(fd, operation)

    monkeypatch.setattr(base.fcntl, "flock", watched_flock)

    def first():
        with transaction.atomic():
            LoginLock.objects.create(username="first")
            order.append("first in")
            first_in.set()
            release.wait(10)
            order.append("first commits")
        connections.close_all()

    def second():
        first_in.wait(10)
        with transaction.atomic():
            order.append("second in")
            LoginLock.objects.create(username="second")
        connections.close_all()

    threads = [threading.Thread(target=first, name="first"), threading.Thread(target=second, name="second")]
    for t in threads:
        t.start()
    try:
        assert first_in.wait(10)
        assert second_at_gate.wait(10), "the second writer never reached the gate"
        # the gate is the first writer's exclusive lock on the lock file: nobody else gets it
        fd = os.open(f"{connection.settings_dict['NAME']}.writers", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                real_flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        assert not second_through_gate.wait(0.3), "the gate let the second writer through"
        assert order == ["first in"]
    finally:
        release.set()
        for t in threads:
            t.join(20)
    assert second_through_gate.is_set()
    assert order == ["first in", "first commits", "second in"]
    assert set(LoginLock.objects.values_list("username", flat=True)) == {"first", "second"}


def test_a_failed_transaction_leaves_the_gate_open():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        LoginLock.objects.create(username="rolled back")
        1 / 0  # noqa: B018
    assert connection._gate is None
    with transaction.atomic():
        LoginLock.objects.create(username="next")
    assert list(LoginLock.objects.values_list("username", flat=True)) == ["next"]
