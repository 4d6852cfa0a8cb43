"""Duty roster, leave, clock-ins and attendance (DUT-1 … DUT-5)."""

import datetime as dt
from typing import Annotated, Literal

from django.utils.translation import gettext
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile

from servicehall.core.api import ErrorOut
from servicehall.core.api_contract import Day, Flag, Id, Moment, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.roles import LEADERS, Role
from servicehall.duty import selectors, services
from servicehall.duty.models import ClockIn, Leave
from servicehall.org import access
from servicehall.org.models import Staff
from servicehall.org.selectors import get_center

router = Router(tags=["duty"])

MONTH = r"^20(0[4-9]|[1-9][0-9])-(0[1-9]|1[0-2])$"
HALF_DAY = r"^20(0[4-9]|[1-9][0-9])-[0-9]{2}-[0-9]{2}(am|pm)$"
Month = Annotated[str, Field(pattern=MONTH, description="YYYY-MM")]
HalfDay = Annotated[str, Field(**stated(pattern=HALF_DAY), description="a date and its half: 2026-11-24am")]
Username = Annotated[
    str, Field(**stated(minLength=1, maxLength=150), description="a staff member's user name")
]
Text = Annotated[str, Field(max_length=300, **stated(minLength=1, pattern=r"\S"))]
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
VIEWERS = (*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


# --- the roster (DUT-1) ------------------------------------------------------------------------


class RosterPersonOut(Schema):
    username: str
    name: str


class RosterSeatOut(Schema):
    window: int
    window_name: str
    staff: RosterPersonOut | None
    source: str = Field(description="post (from the A/B posts), hand (changed by hand), substitute, gap")
    absent: RosterPersonOut | None = Field(description="who is on leave, when someone covers or nobody does")
    uncovered: bool


class RosterDayOut(Schema):
    date: dt.date
    workday: bool
    duty_officer: RosterPersonOut | None
    seats: list[RosterSeatOut]


class RosterOut(Schema):
    center: str
    month: str
    days: list[RosterDayOut]


class RosterSeatIn(Schema):
    date: Day
    window: int = Field(ge=1, le=32767)
    staff: Username | None = Field(None, description="None leaves the window empty that day")


class RosterDutyIn(Schema):
    date: Day
    staff: Username | None = None


class RosterIn(Schema):
    seats: list[RosterSeatIn] = Field(..., max_length=2000, description="may be empty")
    duty: list[RosterDutyIn] = Field(default_factory=list, max_length=400)


def _roster(center, month: str) -> dict:
    year, m = selectors.parse_month(month)
    return selectors.roster_as_dict(center, year, m, selectors.roster(center, year, m))


@router.get("/centers/{code}/roster/{month}", response={200: RosterOut, **ERRORS})
def roster_get(request, code: str, month: str = Path(..., pattern=MONTH)):
    """DUT-1: who sits at each window on each working day of the month, and the duty officer."""
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有角色。") % {"name": center.name})
    return _roster(center, month)


@router.put("/centers/{code}/roster/{month}", response={200: RosterOut, **ERRORS})
def roster_put(request, code: str, payload: RosterIn, month: str = Path(..., pattern=MONTH)):
    """DUT-1: hand changes (the director): a window's sitter or the duty officer of a day."""
    center = get_center(code)
    year, m = selectors.parse_month(month)
    seats = [s.dict() for s in payload.seats]
    duty = [d.dict() for d in payload.duty]
    for row in seats + duty:
        if (row["date"].year, row["date"].month) != (year, m):
            raise Invalid(
                "date_not_in_month",
                gettext("%(day)s 不在 %(month)s 月内。") % {"day": row["date"], "month": month},
            )
    services.roster_set(actor=request.user, center=center, seats=seats, duty=duty)
    return _roster(center, month)


# --- leave (DUT-2, DUT-3) ----------------------------------------------------------------------


class LeaveStepOut(Schema):
    role: str
    action: str
    approver: str | None
    status: str


class LeaveOut(Schema):
    id: int
    status: str
    kind: str
    staff: str
    start: str
    end: str
    half_days: int
    registered_after: bool
    substitute: str | None
    cover_confirmed: bool
    steps: list[LeaveStepOut]


class LeaveIn(Schema):
    staff: Username
    kind: Literal["personal", "sick", "annual", "swap", "trip"]
    start: HalfDay
    end: HalfDay
    reason: Text
    substitute: Username | None = Field(None, description="required: who covers the window")
    urgent: Flag = Field(False, description="an urgent trip registered afterwards (flagged)")


class LeaveDecisionIn(Schema):
    note: str = Field("", max_length=300)


def _leave_out(leave: Leave) -> dict:
    return selectors.leave_as_dict(selectors.get_leave(leave.pk), selectors.steps_of(leave))


@router.post("/leave", response={201: LeaveOut, **ERRORS})
def leave_file(request, payload: LeaveIn):
    """DUT-2/DUT-3: ask for leave, a swap or a trip with a substitute; the chain follows its
    length (up to half a day: the deputy leader; one day or more: the deputy reviews, the
    principal approves). Refused: too_late, substitute_required, leave_overlaps."""
    leave = services.leave_file(actor=request.user, **payload.dict())
    return Status(201, _leave_out(leave))


def _may_see(user, leave: Leave) -> bool:
    if user.pk in (leave.staff.user_id, leave.substitute.user_id if leave.substitute_id else None):
        return True
    return bool(access.roles_in(user, leave.center) & {*VIEWERS})


@router.get("/leave/{leave_id}", response={200: LeaveOut, **ERRORS})
def leave_get(request, leave_id: Id):
    leave = selectors.get_leave(leave_id)
    if not _may_see(request.user, leave) and not leave.steps.filter(approver=request.user).exists():
        raise NotFound(gettext("没有这条请假记录。"), code="leave_not_found")
    return selectors.leave_as_dict(leave, selectors.steps_of(leave))


@router.post("/leave/{leave_id}/approve", response={200: LeaveOut, **ERRORS})
def leave_approve(request, leave_id: Id, payload: LeaveDecisionIn | None = None):
    """DUT-3: the current step approves (or reviews). Refused: own_leave, wrong_approver (403)."""
    leave = services.leave_decide(
        actor=request.user, leave_id=leave_id, approve=True, note=payload.note if payload else ""
    )
    return _leave_out(leave)


@router.post("/leave/{leave_id}/reject", response={200: LeaveOut, **ERRORS})
def leave_reject(request, leave_id: Id, payload: LeaveDecisionIn | None = None):
    leave = services.leave_decide(
        actor=request.user, leave_id=leave_id, approve=False, note=payload.note if payload else ""
    )
    return _leave_out(leave)


@router.post("/leave/{leave_id}/confirm-cover", response={200: LeaveOut, **ERRORS})
def leave_confirm_cover(request, leave_id: Id):
    """DUT-2: the named substitute confirms they cover the window."""
    leave = services.leave_confirm_cover(actor=request.user, leave_id=leave_id)
    return _leave_out(leave)


# --- clock-ins (DUT-4) -------------------------------------------------------------------------


class ClockRowError(Schema):
    row: int
    column: str
    message: str


class ClockImportOut(Schema):
    added: int
    duplicates: int
    errors: list[ClockRowError]


@router.post("/centers/{code}/clock-ins/import", response={200: ClockImportOut, **ERRORS})
def clock_import(request, code: str, file: File[UploadedFile]):
    """DUT-4: the fingerprint machine's export (CSV in UTF-8 or GBK, or xlsx). All or nothing: a
    file with bad rows is refused (400 bad_rows) with every bad row in ``errors``; the same file
    twice adds nothing (its punches count as ``duplicates``)."""
    center = get_center(code)
    return services.clock_import(
        actor=request.user, center=center, content=file.read(), filename=file.name or ""
    )


class ClockLayoutIn(Schema):
    username: str = Field("", max_length=40)
    badge: str = Field("", max_length=40)
    name: str = Field("", max_length=40)
    time: str = Field(..., **stated(minLength=1, maxLength=40))
    device: str = Field("", max_length=40)


class ClockLayoutOut(Schema):
    username: str
    badge: str
    name: str
    time: str
    device: str


@router.put("/centers/{code}/clock-ins/layout", response={200: ClockLayoutOut, **ERRORS})
def clock_layout(request, code: str, payload: ClockLayoutIn):
    """DUT-4: another machine's column names (kept per center)."""
    center = get_center(code)
    row = services.layout_set(actor=request.user, center=center, **payload.dict())
    return {k: getattr(row, k) for k in ("username", "badge", "name", "time", "device")}


class ClockInIn(Schema):
    staff: Username
    at: Moment
    reason: Text


class ClockInOut(Schema):
    id: int
    staff: str
    at: dt.datetime
    source: str
    reason: str
    void: bool


class ClockVoidIn(Schema):
    reason: Text


def _clock_out(row: ClockIn) -> dict:
    username = Staff.objects.filter(pk=row.staff_id).values_list("user__username", flat=True).first()
    return {
        "id": row.pk,
        "staff": username,
        "at": row.at,
        "source": row.source,
        "reason": row.reason,
        "void": row.is_void,
    }


@router.post("/centers/{code}/clock-ins", response={201: ClockInOut, **ERRORS})
def clock_in_add(request, code: str, payload: ClockInIn):
    """DUT-4: a manual correction (a punch the machine missed), with a reason; audited."""
    center = get_center(code)
    row = services.clock_in_add(actor=request.user, center=center, **payload.dict())
    return Status(201, _clock_out(row))


@router.post("/clock-ins/{clock_in_id}/void", response={200: ClockInOut, **ERRORS})
def clock_in_void(request, clock_in_id: Id, payload: ClockVoidIn):
    """DUT-4: a wrong punch voided with a reason; audited."""
    row = services.clock_in_void(actor=request.user, clock_in_id=clock_in_id, reason=payload.reason)
    return _clock_out(row)


# --- attendance (DUT-5) ------------------------------------------------------------------------


class AttendanceDayOut(Schema):
    date: dt.date
    status: str = Field(
        description="on_time, late, early_leave, late_early_leave, absent_half_day, absent_day, leave, trip, rest, not_due"
    )
    late_minutes: int
    covered: bool | None


class AttendancePersonOut(Schema):
    username: str
    name: str
    days: list[AttendanceDayOut]


class AttendanceCenterOut(Schema):
    center: str
    month: str
    staff: list[AttendancePersonOut]


def _person_month(row) -> dict:
    return {
        "username": row["staff"].user.username,
        "name": row["staff"].name,
        "days": [selectors.day_as_dict(r) for r in row["days"]],
    }


@router.get("/centers/{code}/attendance", response={200: AttendanceCenterOut, **ERRORS})
def center_attendance(request, code: str, month: str = Query(..., pattern=MONTH)):
    """DUT-5: every person's days of the month, derived when read."""
    center = get_center(code)
    access.require(request.user, center, *VIEWERS)
    year, m = selectors.parse_month(month)
    rows = selectors.attendance(center, year, m)
    return {"center": center.code, "month": month, "staff": [_person_month(r) for r in rows]}


@router.get("/staff/{staff_username}/attendance", response={200: AttendancePersonOut, **ERRORS})
def staff_attendance(request, staff_username: str, month: str = Query(..., pattern=MONTH)):
    """DUT-5: a person's days of the month (the person, or the center's leaders)."""
    staff = (
        Staff.objects.filter(user__username=staff_username)
        .select_related("user", "center__policy", "center__parent")
        .first()
    )
    if staff is None:
        raise NotFound(gettext("没有这位工作人员。"), code="staff_not_found")
    if request.user.pk != staff.user_id:
        if not access.roles_in(request.user, staff.center) & {*VIEWERS}:
            raise NotFound(gettext("没有这位工作人员。"), code="staff_not_found")
    year, m = selectors.parse_month(month)
    rows = selectors.attendance(staff.center, year, m, staff=staff)
    return _person_month(rows[0])
