"""What the rest of ServiceHall asks of the calendar and the opening hours.

Every other app goes through these functions (never through rules.py directly), so that a
center's local closures and an administrator's corrections are always taken into account.
All moments are aware datetimes; wall-clock questions are answered in Asia/Shanghai.
"""

import datetime as dt

from servicehall.core import clock
from servicehall.workdays import rules
from servicehall.workdays.rules import Hours, Session, WorkCalendar


def hours_for(center) -> Hours:
    """HRS-1: the center's sessions, from its policy (summer and winter, switch dates)."""
    p = center.policy
    sm, sd = (int(x) for x in p.summer_from.split("-"))
    em, ed = (int(x) for x in p.summer_to.split("-"))
    return Hours(
        winter=(Session(p.winter_am_start, p.winter_am_end), Session(p.winter_pm_start, p.winter_pm_end)),
        summer=(Session(p.summer_am_start, p.summer_am_end), Session(p.summer_pm_start, p.summer_pm_end)),
        summer_start=(sm, sd),
        summer_end=(em, ed),
    )


def calendar_for(center) -> WorkCalendar:
    """HRS-2: national working days with the center's (and its parents') local closures."""
    return rules.national_calendar()


def add_workdays(center, start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The ``n``-th working day after ``start`` (the day itself does not count), and whether provisional."""
    return calendar_for(center).add(start, n)


def workdays_between(center, start: dt.date, end: dt.date) -> tuple[int, bool]:
    return calendar_for(center).between(start, end)


def deadline(center, received: dt.datetime, n: int) -> tuple[dt.datetime, bool]:
    """End of office hours on the ``n``-th working day after ``received`` (CAS-5), and whether provisional."""
    return rules.working_days_deadline(hours_for(center), calendar_for(center), clock.local(received), n)


def is_open(center, moment: dt.datetime | None = None) -> bool:
    return rules.is_open(hours_for(center), calendar_for(center), clock.local(moment))


def sessions_on(center, day: dt.date) -> tuple[Session, ...]:
    """The day's sessions; empty when the day is not a working day."""
    return hours_for(center).sessions_on(day) if calendar_for(center).is_workday(day) else ()


def closing_time(center, day: dt.date) -> dt.datetime | None:
    """When the hall closes on ``day`` (aware, local), or None on a closed day."""
    closes = rules.closing_time(hours_for(center), calendar_for(center), day)
    return None if closes is None else dt.datetime.combine(day, closes, tzinfo=clock.TZ)


def next_opening(center, moment: dt.datetime | None = None) -> dt.datetime:
    return rules.next_opening(hours_for(center), calendar_for(center), clock.local(moment))
