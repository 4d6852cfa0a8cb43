"""Working-day arithmetic and opening hours over the API (HRS-1, HRS-2, CAS-5).

``/workdays/add`` and ``/workdays/between`` answer anyone signed in with a role in the
center (or above it); ``/centers/{code}/hours`` is public, like the hours on the hall's door
(CAT-4). Bad input is a 400 ``{code, message}`` in Chinese; an unknown center a 404.
"""

import datetime as dt

from ninja import Router, Schema

from servicehall.core import clock
from servicehall.core.errors import Forbidden, Invalid
from servicehall.org import access
from servicehall.org.selectors import get_center
from servicehall.workdays import selectors
from servicehall.workdays.rules import CalendarError

router = Router(tags=["workdays"])


class AddOut(Schema):
    date: dt.date
    provisional: bool


class BetweenOut(Schema):
    days: int
    provisional: bool


class SessionOut(Schema):
    start: str
    end: str


class HoursOut(Schema):
    center: str
    date: dt.date
    workday: bool
    kind: str
    name: str
    provisional: bool
    sessions: list[SessionOut]
    closes: str | None


def _days(value: str) -> int:
    try:
        n = int(value.strip())
    except (ValueError, AttributeError):
        raise Invalid("bad_days", f"工作日天数「{value[:40]}」不是整数。") from None
    if n < 0:
        raise Invalid("negative_days", f"工作日天数不能为负数（{n}）。")
    return n


def _center_for(request, code: str):
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(f"您在「{center.name}」没有任何角色。")
    return center


def _answer(call):
    try:
        return call()
    except CalendarError as exc:
        raise Invalid(exc.code, exc.message) from None


@router.get("/workdays/add", response=AddOut)
def workdays_add(request, center: str, start: str, days: str):
    """The ``days``-th working day after ``start`` (the start itself never counts) in the center's
    calendar, and whether it rests on a provisional day. ``days=0`` answers ``start``."""
    c, s, n = _center_for(request, center), selectors.parse_date(start, "开始日期"), _days(days)
    d, provisional = _answer(lambda: selectors.add_workdays(c, s, n))
    return {"date": d, "provisional": provisional}


@router.get("/workdays/between", response=BetweenOut)
def workdays_between(request, center: str, start: str, end: str):
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    c, s, e = (
        _center_for(request, center),
        selectors.parse_date(start, "开始日期"),
        selectors.parse_date(end, "结束日期"),
    )
    n, provisional = _answer(lambda: selectors.workdays_between(c, s, e))
    return {"days": n, "provisional": provisional}


@router.get("/centers/{code}/hours", response=HoursOut, auth=None)
def center_hours(request, code: str, date: str = ""):
    """HRS-1: the day's sessions (none on a closed day), whether it is a working day, its kind
    and name (holiday, 调休, local closure) and whether that is still provisional. Public."""
    center = get_center(code)
    d = selectors.parse_date(date, "日期") if date else clock.today()
    day = selectors.day(center, d)
    closes = selectors.closing_time(center, d)
    return {
        "center": center.code,
        "date": d,
        "workday": day.workday,
        "kind": day.kind,
        "name": day.name,
        "provisional": day.provisional,
        "sessions": [
            {"start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
            for s in selectors.sessions_on(center, d)
        ],
        "closes": closes.strftime("%H:%M") if closes else None,
    }
