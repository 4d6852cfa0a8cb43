"""Each process keeps its calendars in memory and rebuilds them only when the calendar changes.

* ``CalendarVersion`` holds one random stamp. Every service that changes the calendar table
  or a closure writes a new stamp in the same transaction.
* A request reads the stamp once — one primary-key query, the first time it asks for a
  calendar (``request_started`` clears the memo, which lasts until ``request_finished`` and
  at most MEMO_SECONDS). Outside a request (commands, jobs) every call reads it: a job that
  counts many deadlines takes ``calendar_for(center)`` once. A rebuild always reads the
  stamp again rather than trust a memo.
* A stamp read outside a transaction (so committed) also serves the process's next requests
  for SHARED_SECONDS: a kiosk's take is not one query more for a calendar that changes a few
  times a year. A change made in this process is seen at once (``forget``); one made in
  another process, within SHARED_SECONDS.
* When the stamp is not the one cached, the process loads the table (one query), the active
  closures and the center tree (one query each) and builds the national calendar again; a
  center's calendar (national days plus the closures of the center and its ancestors) is
  built on its first use and kept until the next change.
* Without a version row (an emptied table: a flushed test database) the calendar is the rules'
  own, which is what the seed holds; the services seed the table again before they write.

See docs/calendar.md, "Caching".
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection

from servicehall.org.models import Center
from servicehall.workdays import rules
from servicehall.workdays.models import CalendarDay, CalendarVersion, Closure
from servicehall.workdays.rules import Day, WorkCalendar

_UNSET = object()
_request = threading.local()


@dataclass
class Snapshot:
    stamp: object
    national: WorkCalendar
    closures: dict[int, list[tuple[dt.date, dt.date, str, bool]]]  # start, end, reason, appointments
    parents: dict[int, int | None]
    centers: dict[int, WorkCalendar] = field(default_factory=dict)

    @cached_property
    def first_provisional(self) -> dt.date | None:
        return next((day.date for day in self.national.days() if day.provisional), None)


_snapshot: Snapshot | None = None


# A request's memo of the stamp lasts until the request ends, and never longer than this: a
# harness that never closes its responses (so request_finished never comes) cannot leave a
# thread on an old stamp.
MEMO_SECONDS = 5.0
SHARED_SECONDS = 1.0
_shared: tuple[object, float] = (_UNSET, 0.0)  # the last committed stamp read, and until when


def request_started(**kwargs) -> None:
    _request.stamp, _request.until = _UNSET, time.monotonic() + MEMO_SECONDS


def request_finished(**kwargs) -> None:
    _request.stamp, _request.until = _UNSET, 0.0


def forget() -> None:
    """After a write in this thread: the next read looks at the stamp again."""
    global _shared
    _request.stamp = _UNSET
    _shared = (_UNSET, 0.0)


_STAMP_SQL = "SELECT stamp FROM {} WHERE id = 1"


def _read_stamp() -> str | None:
    # The hot path of every deadline: a plain cursor costs a fifth of the ORM's query.
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL.format(connection.ops.quote_name(CalendarVersion._meta.db_table)))
        row = cursor.fetchone()
    return row[0] if row else None


def _shared_stamp(now: float) -> str | None:
    global _shared
    stamp, until = _shared
    if connection.in_atomic_block:  # may be this transaction's own, uncommitted stamp
        return _read_stamp()
    if stamp is _UNSET or now >= until:
        stamp = _read_stamp()
        _shared = (stamp, now + SHARED_SECONDS)
    return stamp


def _stamp() -> str | None:
    now = time.monotonic()
    in_request = now < getattr(_request, "until", 0.0)
    stamp = getattr(_request, "stamp", _UNSET) if in_request else _UNSET
    if stamp is _UNSET:
        stamp = _shared_stamp(now) if in_request else _read_stamp()
        if in_request:
            _request.stamp = stamp
    return stamp


def _tree() -> dict[int, int | None]:
    return dict(Center.objects.values_list("id", "parent_id"))


def _load(stamp: str | None) -> Snapshot:
    if stamp is None:
        national = rules.national_calendar()
    else:
        rows = CalendarDay.objects.order_by("date").values_list(
            "date", "workday", "kind", "name", "provisional"
        )
        national = WorkCalendar([Day(*row) for row in rows])
    closures: dict[int, list[tuple[dt.date, dt.date, str, bool]]] = {}
    active = Closure.objects.filter(voided_at__isnull=True).values_list(
        "center_id", "start", "end", "reason", "appointments"
    )
    for center_id, *closure in active:
        closures.setdefault(center_id, []).append(tuple(closure))
    snap = Snapshot(stamp, national, closures, _tree())
    if stamp is not None and _read_stamp() != stamp:  # changed while loading: use once, do not keep
        snap.stamp = _UNSET
    return snap


def snapshot() -> Snapshot:
    global _snapshot
    current = _snapshot
    if current is None or current.stamp != _stamp():
        forget()
        stamp = _stamp()  # a rebuild never trusts a memo: read the stamp again
        current = _snapshot if _snapshot is not None and _snapshot.stamp == stamp else None
        if current is None:
            current = _snapshot = _load(stamp)
    return current


def lineage(center, snap: Snapshot | None = None) -> list[int]:
    """The ids of the center and of every center above it, from the cached tree."""
    snap = snap or snapshot()
    if snap.parents.get(center.pk, _UNSET) != center.parent_id:  # a new or moved center
        snap.parents, snap.centers = _tree(), {}
    ids, node = [], center.pk
    while node is not None and node not in ids:
        ids.append(node)
        node = snap.parents.get(node)
    return ids


def _closed_days(snap: Snapshot, center_ids: list[int]) -> list[Day]:
    """Every day closed for a center by its own closures or an ancestor's (HRS-2)."""
    national = snap.national
    closed: dict[dt.date, Day] = {}
    for center_id in center_ids:
        for start, end, reason, _appointments in snap.closures.get(center_id, ()):
            d, last = max(start, national.first), min(end, national.last)
            while d <= last:
                closed.setdefault(d, Day(d, False, "closure", reason))
                d += rules.ONE_DAY
    return list(closed.values())


def closure_on(center, d: dt.date) -> tuple[str, bool] | None:
    """The local closure over ``d`` for the center (its own or an ancestor's): its reason and
    whether appointments go on; None when no closure covers the day."""
    snap = snapshot()
    for center_id in lineage(center, snap):
        for start, end, reason, appointments in snap.closures.get(center_id, ()):
            if start <= d <= end:
                return reason, appointments
    return None


def calendar_for(center, snap: Snapshot | None = None) -> WorkCalendar:
    """The center's calendar in ``snap`` (by default the current one)."""
    snap = snap or snapshot()
    if center is None or center.pk is None:
        return snap.national
    ids = lineage(center, snap)
    cal = snap.centers.get(center.pk)
    if cal is None:
        closed = _closed_days(snap, ids)
        cal = snap.centers[center.pk] = snap.national.with_overrides(closed) if closed else snap.national
    return cal
