"""Working-day arithmetic and opening hours over the API (HRS-1, HRS-2, CAS-5).

``/workdays/add`` and ``/workdays/between`` answer anyone signed in with a role in the
center (or above it); ``/centers/{code}/hours`` is public, like the hours on the hall's door
(CAT-4). Bad input is a 400 ``{code, message}`` in Chinese; an unknown center a 404.
"""

import datetime as dt
from typing import Literal

from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from servicehall.core import clock
from servicehall.core.api import ErrorOut
from servicehall.core.api_contract import Day, DaysText, DayText, Flag, Id, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.org import access
from servicehall.org.selectors import get_center
from servicehall.workdays import selectors, services
from servicehall.workdays.models import Closure
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
        raise Invalid("bad_days", gettext("工作日天数「%(value)s」不是整数。") % {"value": value[:40]}) from None
    if n < 0:
        raise Invalid("negative_days", gettext("工作日天数不能为负数（%(n)s）。") % {"n": n})
    return n


def _center_for(request, code: str):
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": center.name})
    return center


def _answer(call):
    try:
        return call()
    except CalendarError as exc:
        raise Invalid(exc.code, exc.message) from None


@router.get("/workdays/add", response=AddOut)
def workdays_add(request, center: str, start: DayText, days: DaysText):
    """The ``days``-th working day after ``start`` (the start itself never counts) in the center's
    calendar, and whether it rests on a provisional day. ``days=0`` answers ``start``."""
    c, s, n = _center_for(request, center), selectors.parse_date(start, "开始日期"), _days(days)
    d, provisional = _answer(lambda: selectors.add_workdays(c, s, n))
    return {"date": d, "provisional": provisional}


@router.get("/workdays/between", response=BetweenOut)
def workdays_between(request, center: str, start: DayText, end: DayText):
    """Working days in (start, end]; negative when ``end`` is before ``start``."""
    c, s, e = (
        _center_for(request, center),
        selectors.parse_date(start, "开始日期"),
        selectors.parse_date(end, "结束日期"),
    )
    n, provisional = _answer(lambda: selectors.workdays_between(c, s, e))
    return {"days": n, "provisional": provisional}


@router.get("/centers/{code}/hours", response=HoursOut, auth=None)
def center_hours(request, code: str, date: DayText | Literal[""] = ""):
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


# --- local closures (HRS-2) ---------------------------------------------------------------------


class RunOut(Schema):
    start: dt.date
    end: dt.date


class MovedOut(Schema):
    kind: str
    what: str
    center: str
    before: dt.date
    after: dt.date
    url: str


class ImpactOut(Schema):
    reopening: bool  # true: the days open again (a closure voided)
    working_days: int  # working days of the center that close (or open again)
    past_days: int  # of which already past
    kiosk: list[RunOut]  # when the hall and its kiosk stop (or resume) taking tickets
    days: list[dt.date]
    deadlines: int  # open deadlines that move, of every kind
    by_kind: dict[str, int]
    moved: list[MovedOut]  # the first 50 of them


class ClosureIn(Schema):
    start: Day
    end: Day | None = None  # default: the start day only
    reason: str = Field(**stated(minLength=1, pattern=r"\S"))
    appointments: Flag = False  # booked appointments go on during the closure
    confirm: Flag = False  # needed for more than 3 working days, or days in the past


class ClosureVoidIn(Schema):
    reason: str
    confirm: Flag = False


class ClosureOut(Schema):
    id: int
    center: str
    start: dt.date
    end: dt.date
    reason: str
    appointments: bool
    void: bool
    impact: ImpactOut | None = None


class ConflictOut(Schema):
    code: str  # confirmation_required, closure_overlaps, already_void
    message: str
    impact: ImpactOut | None = None  # with confirmation_required: what the change would do


def _closure_out(closure: Closure) -> dict:
    return {
        "id": closure.pk,
        "center": closure.center.code,
        "start": closure.start,
        "end": closure.end,
        "reason": closure.reason,
        "appointments": closure.appointments,
        "void": closure.is_void,
        "impact": getattr(closure, "impact", None),
    }


def _editable(request, center):
    if not selectors.can_edit_closures(request.user, center):
        raise Forbidden(gettext("只有系统管理员或「%(name)s」的主任可以登记停止办公。") % {"name": center.name})
    return center


@router.get("/centers/{code}/closures", response={200: list[ClosureOut], 403: ErrorOut, 404: ErrorOut})
def closure_list(request, code: str):
    """The local closures in force for the center: its own and those of the centers above it."""
    center = _editable(request, get_center(code))
    return Status(200, [_closure_out(c) for c in selectors.closures_of(center)])


@router.post(
    "/centers/{code}/closures",
    response={201: ClosureOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
)
def closure_add(request, code: str, payload: ClosureIn):
    """HRS-2: close the center and every center below it from ``start`` to ``end``. Open
    deadlines running across the closed working days move on by the days lost (SMS to each
    applicant). More than 3 working days, or days in the past, answer 409
    ``confirmation_required`` with the ``impact`` and save nothing: send again with
    ``confirm: true`` to apply."""
    center = get_center(code)
    closure = services.closure_add(
        actor=request.user,
        center=center,
        start=payload.start,
        end=payload.end or payload.start,
        reason=payload.reason,
        appointments=payload.appointments,
        confirm=payload.confirm,
    )
    return Status(201, _closure_out(closure))


@router.post(
    "/closures/{closure_id}/void",
    response={200: ClosureOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ConflictOut},
)
def closure_void(request, closure_id: Id, payload: ClosureVoidIn):
    """HRS-2: reopen — the closure is voided (kept, with the reason) and the deadlines it moved
    move back. The same confirmation as for adding one applies."""
    closure = (
        Closure.objects.select_related("center").filter(pk=closure_id).first()
        if 0 < closure_id < 2**63
        else None
    )
    if closure is None:
        raise NotFound(gettext("没有这条停止办公登记。"), code="closure_not_found")
    closure = services.closure_void(
        actor=request.user, closure=closure, reason=payload.reason, confirm=payload.confirm
    )
    return Status(200, _closure_out(closure))
