"""Deadlines to review when an official schedule turns working days round.

An app that keeps deadlines (cases, complaints, referrals) registers a source once, in its
``AppConfig.ready()``::

    from servicehall.workdays.review import DeadlineToReview, register_deadline_source

    def open_cases(changed: list[date]) -> list[DeadlineToReview]:
        ...  # rows whose counting window includes one of the changed dates

    register_deadline_source(open_cases)

After a load the administrator sees every source's rows (``deadlines_to_review``); the
calendar is already the new one then, so a source can recompute a deadline through the
selectors and compare it with the one it printed.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class DeadlineToReview:
    what: str  # e.g. "办件 KY-2027-0012 营业执照变更登记"
    center: str  # the center's name
    before: dt.datetime | dt.date | None  # the deadline as printed or stored
    after: dt.datetime | dt.date | None  # the deadline by the new calendar
    url: str = ""


Source = Callable[[list[dt.date]], Iterable[DeadlineToReview]]
_sources: list[Source] = []


def register_deadline_source(fn: Source) -> Source:
    """Add a source of deadlines to review (once; usable as a decorator)."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def unregister_deadline_source(fn: Source) -> None:
    if fn in _sources:
        _sources.remove(fn)


def deadlines_to_review(changed: list[dt.date]) -> list[DeadlineToReview]:
    """Every registered source's rows for these changed dates (none when nothing changed)."""
    if not changed:
        return []
    return [row for source in _sources for row in source(sorted(changed))]
