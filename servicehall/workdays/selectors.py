"""What the rest of ServiceHall asks of the calendar and the opening hours.

Every other app goes through these functions (never through rules.py directly), so that a
center's local closures and an administrator's corrections are always taken into account.
All moments are aware datetimes; wall-clock questions are answered in Asia/Shanghai.
"""

import datetime as dt

from django.utils.translation import gettext

from servicehall.core import clock
from servicehall.core.errors import Invalid
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import RoleAssignment
from servicehall.workdays import cache, rules
from servicehall.workdays.models import Closure, DayCorrection, OfficialSchedule
from servicehall.workdays.rules import Day, Hours, Session, WorkCalendar


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
    """HRS-2: national working days with the center's (and its parents') local closures.

    The calendar table with administrators' corrections and official schedules; ``None``
    gives the national calendar alone. Cached per process: at most one query (the version
    stamp) per request, see cache.py.
    """
    return cache.calendar_for(center)


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


def closure_on(center, day: dt.date) -> tuple[str, bool] | None:
    """The local closure over ``day`` (the center's or an ancestor's) as (reason, whether
    appointments go on), or None. From the cached calendar: no query of its own."""
    return cache.closure_on(center, day)


def closing_time(center, day: dt.date) -> dt.datetime | None:
    """When the hall closes on ``day`` (aware, local), or None on a closed day."""
    closes = rules.closing_time(hours_for(center), calendar_for(center), day)
    return None if closes is None else dt.datetime.combine(day, closes, tzinfo=clock.TZ)


def next_opening(center, moment: dt.datetime | None = None) -> dt.datetime:
    return rules.next_opening(hours_for(center), calendar_for(center), clock.local(moment))


# --- the calendar itself: pages, the API, administrators ------------------------------------


def parse_date(text: str, label: str = gettext("日期")) -> dt.date:
    """A YYYY-MM-DD date from a form or a query, inside 2004–2099, or a 400 in Chinese."""
    try:
        d = dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise Invalid("bad_date", gettext("%(label)s「%(value)s」不是有效日期，应为 YYYY-MM-DD。") % {"label": label, "value": (text or '')[:40]}) from None
    if not rules.FIRST_DATE <= d <= rules.LAST_DATE:
        raise Invalid(
            "date_out_of_range", gettext("%(label)s %(d)s 超出工作日历范围（%(FIRST_DATE)s 至 %(LAST_DATE)s）。") % {"label": label, "d": d, "FIRST_DATE": rules.FIRST_DATE, "LAST_DATE": rules.LAST_DATE}
        )
    return d


def day(center, d: dt.date) -> Day:
    """The center's day (a closure shows as kind ``closure``)."""
    return calendar_for(center).day(d)


def first_provisional_day() -> dt.date | None:
    """The first date whose working status is still provisional (None when all are known)."""
    return cache.snapshot().first_provisional


def schedule_warning(today: dt.date | None = None) -> str | None:
    """The warning shown from 60 days before the last published year ends (or after it)."""
    return rules.schedule_warning(today or clock.today(), first_provisional_day())


def can_manage_calendar(user) -> bool:
    """Corrections and official schedules change every center's calendar: the system
    administrator of a top-level center only."""
    if not getattr(user, "is_authenticated", False):
        return False
    return RoleAssignment.objects.filter(user=user, role=Role.SYSADMIN, center__parent__isnull=True).exists()


def can_edit_closures(user, center) -> bool:
    """The year page and local closures: the system administrator or the director over the center."""
    return access.has_role(user, center, *access.CONFIGURERS)


def closures_of(center) -> list[Closure]:
    """Active closures that apply to the center: its own and its ancestors'."""
    return list(
        Closure.objects.filter(center_id__in=cache.lineage(center), voided_at__isnull=True)
        .select_related("center", "created_by")
        .order_by("start", "id")
    )


def corrections_in(year: int) -> list[DayCorrection]:
    return list(
        DayCorrection.objects.filter(date__year=year)
        .select_related("corrected_by")
        .order_by("-corrected_at", "-id")
    )


def schedules(limit: int = 20) -> list[OfficialSchedule]:
    return list(OfficialSchedule.objects.select_related("loaded_by").order_by("-loaded_at", "-id")[:limit])
