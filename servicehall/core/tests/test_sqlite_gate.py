"""SQLite's writers queue on the lock file (core/sqlite/base.py) and leave it however they end."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from servicehall.core.models import LoginLock

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the writers' gate belongs to the SQLite backend; PostgreSQL locks rows")


def test_a_second_writer_waits_at_the_gate_and_enters_when_the_first_commits():
    order = []
    first_in, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            LoginLock.objects.create(username="first")
            order.append("first in")
            first_in.set()
            release.wait(5)
            order.append("first commits")
        connections.close_all()

    def second():
        first_in.wait(5)
        with transaction.atomic():
            order.append("second in")
            LoginLock.objects.create(username="second")
        connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_in.wait(5)
    time.sleep(0.2)  # the second writer has had time to try
    assert order == ["first in"]
    release.set()
    for t in threads:
        t.join(10)
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
