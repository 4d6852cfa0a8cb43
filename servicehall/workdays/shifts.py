"""Deadlines that move when a center's working days close or open again (HRS-2, CAS-5).

A local closure takes working days away from every open deadline that runs across it; voiding
the closure (reopening) gives them back. Each app that keeps deadlines (cases today; later
complaints, leave, referrals) registers one shifter in its ``AppConfig.ready()``, so this app
never imports the others::

    from servicehall.workdays.shifts import register_deadline_shifter

    def shift_case_deadlines(change: CalendarChange, *, apply: bool) -> list[MovedDeadline]:
        ...  # open rows of change.centers whose counting window crosses change.first..last:
             # new = change.moved_due(center, start, due); with apply, save it, record an
             # event on the row and tell the person concerned

    register_deadline_shifter(shift_case_deadlines)

The closure service calls every shifter inside its own transaction, after the closure is
written, with ``apply=False`` to state the impact before a confirmation and ``apply=True``
to move the deadlines; a refusal anywhere rolls everything back.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from servicehall.workdays import cache, rules
from servicehall.workdays.rules import WorkCalendar


@dataclass(frozen=True)
class MovedDeadline:
    kind: str  # what kind of deadline, e.g. "办件"
    what: str  # e.g. "KAIYUAN-2026-000012 营业执照变更登记"
    center: str  # the center's name
    before: dt.date
    after: dt.date
    url: str = ""

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "what": self.what,
            "center": self.center,
            "before": self.before.isoformat(),
            "after": self.after.isoformat(),
            "url": self.url,
        }


@dataclass
class CalendarChange:
    """Days ``first``..``last`` closed (``reopened`` False) or opened again, for ``centers``
    (the closure's center and every center below it); ``old`` and ``new`` are the calendar
    snapshots before and after, ``note`` says why in words for events and messages."""

    centers: list
    first: dt.date
    last: dt.date
    reopened: bool
    note: str
    actor: object
    old: cache.Snapshot
    new: cache.Snapshot
    _cals: dict = field(default_factory=dict)

    def calendars(self, center) -> tuple[WorkCalendar, WorkCalendar]:
        if center.pk not in self._cals:
            self._cals[center.pk] = (
                cache.calendar_for(center, self.old),
                cache.calendar_for(center, self.new),
            )
        return self._cals[center.pk]

    def moved_due(self, center, start: dt.date, due: dt.date, still=()) -> dt.date:
        """``due`` of a limit counted from ``start`` in the center's new calendar (see
        ``rules.moved_due``; ``still``: spans (a, b] when the clock stood still)."""
        old, new = self.calendars(center)
        return rules.moved_due(old, new, start, due, still)

    def workdays_lost(self, center, start: dt.date, end: dt.date) -> int:
        old, new = self.calendars(center)
        return rules.workdays_lost(old, new, start, end)

    def new_calendar(self, center) -> WorkCalendar:
        return self.calendars(center)[1]


Shifter = Callable[..., list[MovedDeadline]]
_shifters: list[Shifter] = []


def register_deadline_shifter(fn: Shifter) -> Shifter:
    """Add a shifter (once; usable as a decorator)."""
    if fn not in _shifters:
        _shifters.append(fn)
    return fn


def unregister_deadline_shifter(fn: Shifter) -> None:
    if fn in _shifters:
        _shifters.remove(fn)


def shift_deadlines(change: CalendarChange, *, apply: bool) -> list[MovedDeadline]:
    """Every registered shifter's moved deadlines (moved for real with ``apply``)."""
    return [row for fn in _shifters for row in fn(change, apply=apply)]
