"""QUE-1 under load: many threads take and call at once, on SQLite and on PostgreSQL.

Numbers stay unique and gap-free per line and day, and no ticket is ever called by two windows.
Each thread has its own database connection; the tests are transactional (real commits).
"""

import threading
from collections import Counter

import pytest
from django.db import connections

from servicehall.core import audit, clock
from servicehall.org.models import Center, Window
from servicehall.org.selectors import posts_on
from servicehall.tickets import demo as tickets_demo
from servicehall.tickets import selectors, services
from servicehall.tickets.models import Ticket

MONDAY = "2026-11-23T09:30"
LINE_A_WINDOWS = [1, 2, 6, 7]


@pytest.fixture
def hall(transactional_db):
    from servicehall.org import demo as org_demo

    org_demo.load()
    tickets_demo.load()
    with clock.freeze(MONDAY):
        yield Center.objects.get(code="kaiyuan")


def run_threads(n, work):
    """Run ``work(i)`` in ``n`` threads started together; re-raise the first error."""
    barrier = threading.Barrier(n)
    errors, results = [], [None] * n

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def open_windows(numbers):
    windows = []
    for number in numbers:
        w = Window.objects.select_related("center__policy", "center__parent").get(
            center__code="kaiyuan", number=number
        )
        clerk = posts_on(clock.today()).get(window=w, kind="A").staff.user
        services.window_action(actor=clerk, window=w, action="open")
        windows.append((w, clerk))
    return windows


def take_many(count, prefixes="AB"):
    def work(i):
        out = []
        for k in range(count):
            line = selectors.get_line("kaiyuan", prefixes[(i + k) % len(prefixes)])
            out.append(services.ticket_take(actor=None, line=line).number)
        return out

    return work


def assert_gap_free():
    for prefix in "AB":
        seqs = sorted(Ticket.objects.filter(origin_line__prefix=prefix).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1)), f"line {prefix}: {seqs}"


def call_until_empty(windows):
    def work(i):
        w, clerk = windows[i]
        called = []
        while (ticket := services.ticket_call_next(actor=clerk, window=w)) is not None:
            called.append(ticket.pk)
            services.ticket_no_show(actor=clerk, ticket=ticket)
        return called

    return work


@pytest.mark.django_db(transaction=True)
def test_que_1_numbers_are_unique_and_gap_free_under_concurrent_takes(hall):
    numbers = [n for chunk in run_threads(8, take_many(12)) for n in chunk]
    assert len(numbers) == 96 and len(set(numbers)) == 96
    assert_gap_free()
    assert all(r.ok for r in audit.verify_all())


@pytest.mark.django_db(transaction=True)
def test_que_1_no_ticket_is_called_by_two_windows(hall):
    windows = open_windows(LINE_A_WINDOWS)
    take_many(40, "A")(0)
    called = [pk for chunk in run_threads(len(windows), call_until_empty(windows)) for pk in chunk]
    assert len(called) == 40 and len(set(called)) == 40
    assert Ticket.objects.filter(status="no_show").count() == 40
    assert all(r.ok for r in audit.verify_all())


@pytest.mark.django_db(transaction=True)
def test_que_1_takers_and_callers_at_once(hall):
    windows = open_windows(LINE_A_WINDOWS)
    takers = take_many(10, "A")
    callers = call_until_empty(windows)
    seen = run_threads(8, lambda i: takers(i) if i < 4 else callers(i - 4))
    called = [pk for chunk in seen[4:] for pk in chunk]
    assert len(called) == len(set(called))
    remaining = call_until_empty(windows)(0)  # whatever arrived after the callers stopped
    assert len(called) + len(remaining) == 40
    assert_gap_free()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_que_1_heavy_load(hall):
    """16 takers and 4 windows for a few hundred tickets (SLOW=1)."""
    windows = open_windows(LINE_A_WINDOWS)
    takers = take_many(40)
    callers = call_until_empty(windows)
    seen = run_threads(20, lambda i: takers(i) if i < 16 else callers(i - 16))
    numbers = [n for chunk in seen[:16] for n in chunk]
    assert len(numbers) == 640 and len(set(numbers)) == 640
    called = Counter(pk for chunk in seen[16:] for pk in chunk)
    assert all(n == 1 for n in called.values())
    assert_gap_free()
    assert all(r.ok for r in audit.verify_all())
