"""Pages: the month's roster (printable, Excel), leave requests and their approval, the clock-in
import, and attendance of a center and of a person (pages and Excel)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from servicehall.core import clock, errorpages, xlsx
from servicehall.core.api_contract import parse_day
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.core.roles import HALL_ROLES, Role
from servicehall.duty import clockfile, selectors, services
from servicehall.duty.api import VIEWERS
from servicehall.duty.models import Leave, LeaveStep
from servicehall.org import access
from servicehall.org.menu import MenuLink
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center


def menu_links() -> list[MenuLink]:
    return [
        MenuLink("duty:roster", "code", gettext_lazy("值班表"), HALL_ROLES),
        MenuLink("duty:leave_list", None, gettext_lazy("请假"), HALL_ROLES),
        MenuLink("duty:attendance", "code", gettext_lazy("考勤"), frozenset(VIEWERS)),
        MenuLink("duty:my_attendance", None, gettext_lazy("我的考勤"), frozenset({Role.WINDOW_STAFF})),
        MenuLink(
            "duty:clock_import", "code", gettext_lazy("打卡导入"), frozenset({Role.DIRECTOR, Role.SYSADMIN})
        ),
    ]


shows_errors = errorpages.shows_errors("duty/error.html")


def _month(request) -> tuple[int, int, str]:
    text = request.GET.get("month") or clock.today().strftime("%Y-%m")
    year, month = selectors.parse_month(text)
    return year, month, f"{year:04d}-{month:02d}"


def _neighbours(year: int, month: int) -> tuple[str, str]:
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    nxt = (first + dt.timedelta(days=32)).strftime("%Y-%m")
    return prev, nxt


# --- the roster ---------------------------------------------------------------------------------


def _center_member(request, code):
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise NotFound(_("没有这个中心。"), code="center_not_found")
    return center


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def roster(request, code):
    center = _center_member(request, code)
    year, month, label = _month(request)
    error = None
    if request.method == "POST":
        try:
            day = parse_day(request.POST.get("date", ""))
            who = request.POST.get("staff") or None
            if request.POST.get("kind") == "duty":
                services.roster_set(
                    actor=request.user, center=center, seats=[], duty=[{"date": day, "staff": who}]
                )
            else:
                number = int(request.POST.get("window") or 0)
                services.roster_set(
                    actor=request.user,
                    center=center,
                    seats=[{"date": day, "window": number, "staff": who}],
                    duty=[],
                )
            return redirect(f"{reverse('duty:roster', kwargs={'code': code})}?month={day:%Y-%m}")
        except (DomainError, ValueError) as exc:
            error = exc.message if isinstance(exc, DomainError) else _("输入有误。")
    days = selectors.roster(center, year, month)
    windows = list(Window.objects.filter(center=center).order_by("number"))
    prev, nxt = _neighbours(year, month)
    return render(
        request,
        "duty/roster.html",
        {
            "center": center,
            "month": label,
            "days": days,
            "windows": windows,
            "prev": prev,
            "next": nxt,
            "error": error,
            "can_edit": access.has_role(request.user, center, *services.ROSTER_EDITORS),
            "staff": Staff.objects.filter(center=center, active=True).select_related("user").order_by("id"),
        },
    )


@login_required
@require_GET
@shows_errors
def roster_xlsx(request, code):
    center = _center_member(request, code)
    year, month, label = _month(request)
    days = selectors.roster(center, year, month)
    windows = list(Window.objects.filter(center=center).order_by("number"))
    wb = Workbook()
    ws = wb.active
    ws.title = label
    ws.append([f"{center.name} {label} 值班表"])
    ws.append(["日期", "星期", "值日人员", *[f"{w.number}号 {w.name}" for w in windows]])
    weekdays = "一二三四五六日"
    for d in days:
        seats = {s.window.pk: s for s in d.seats}
        row = [d.day.isoformat(), f"周{weekdays[d.day.weekday()]}", d.duty.name if d.duty else ""]
        for w in windows:
            s = seats.get(w.pk)
            if s is None:
                row.append("")
            elif s.uncovered:
                row.append(f"空岗（{s.absent.name}请假）")
            elif s.source == "substitute":
                row.append(f"{s.staff.name}（顶{s.absent.name}）")
            else:
                row.append(s.staff.name if s.staff else "")
        ws.append(row)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    return xlsx.response(xlsx.to_bytes(wb), f"roster-{center.code}-{label}.xlsx")


# --- leave --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def leave_list(request):
    me = Staff.objects.filter(user=request.user).select_related("center").first()
    error = None
    if request.method == "POST" and me is not None:
        try:
            leave = services.leave_file(
                actor=request.user,
                staff=request.user.username,
                kind=request.POST.get("kind", ""),
                start=f"{request.POST.get('start_date', '')}{request.POST.get('start_half', '')}",
                end=f"{request.POST.get('end_date', '')}{request.POST.get('end_half', '')}",
                reason=request.POST.get("reason", ""),
                substitute=request.POST.get("substitute") or None,
                urgent=request.POST.get("urgent") == "on",
            )
            return redirect("duty:leave_detail", leave_id=leave.pk)
        except DomainError as exc:
            error = exc.message
            if exc.code == "bad_half_day":  # the API's wording ("2026-11-24am") is not this form's
                error = _("请选择请假的开始日期和结束日期。")
    centers = [c.pk for c in access.centers_of(request.user) if access.has_role(request.user, c, *VIEWERS)]
    leaves = selectors.leaves_for(request.user, centers)
    colleagues = (
        Staff.objects.filter(center=me.center, active=True)
        .exclude(pk=me.pk)
        .select_related("user")
        .order_by("id")
        if me
        else []
    )
    return render(
        request,
        "duty/leave_list.html",
        {
            "me": me,
            "leaves": leaves,
            "colleagues": colleagues,
            "kinds": Leave.Kind.choices,
            "error": error,
            "form": request.POST if request.method == "POST" else {},
            "tomorrow": clock.today() + dt.timedelta(days=1),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def leave_detail(request, leave_id):
    leave = selectors.get_leave(leave_id)
    steps = selectors.steps_of(leave)
    visible = (
        request.user.pk in (leave.staff.user_id, leave.substitute.user_id if leave.substitute_id else None)
        or any(s.approver_id == request.user.pk for s in steps)
        or access.roles_in(request.user, leave.center) & {*VIEWERS}
    )
    if not visible:
        raise NotFound(_("没有这条请假记录。"), code="leave_not_found")
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("approve", "reject"):
                services.leave_decide(
                    actor=request.user,
                    leave_id=leave.pk,
                    approve=action == "approve",
                    note=request.POST.get("note", ""),
                )
            elif action == "confirm":
                services.leave_confirm_cover(actor=request.user, leave_id=leave.pk)
            else:
                raise Invalid("bad_action", _("未知操作。"))
            return redirect("duty:leave_detail", leave_id=leave.pk)
        except DomainError as exc:
            error = exc.message
    current = next((s for s in steps if s.status == LeaveStep.Status.PENDING), None)
    may_decide = (
        current is not None
        and request.user.pk != leave.staff.user_id
        and access.has_role(request.user, leave.center, current.role)
    )
    may_confirm = (
        leave.substitute_id
        and request.user.pk == leave.substitute.user_id
        and leave.cover_confirmed_at is None
        and leave.status != Leave.Status.REJECTED
    )
    return render(
        request,
        "duty/leave_detail.html",
        {
            "leave": leave,
            "steps": steps,
            "current": current,
            "may_decide": may_decide,
            "may_confirm": may_confirm,
            "error": error,
            "roles": dict(Role.choices),
        },
    )


# --- clock-ins ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def clock_import(request, code):
    center = access.center_for(request.user, code, *services.CLOCK_EDITORS)
    result, error, rows = None, None, []
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Invalid("file_required", _("请选择要导入的文件。"))
            result = services.clock_import(
                actor=request.user, center=center, content=upload.read(), filename=upload.name or ""
            )
        except services.BadRows as exc:
            error, rows = exc.message, exc.errors[:200]
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "duty/clock_import.html",
        {
            "center": center,
            "result": result,
            "error": error,
            "rows": rows,
            "layout": services.layout_of(center),
        },
    )


@login_required
@require_GET
def clock_template(request):
    return xlsx.response(xlsx.to_bytes(clockfile.template()), "clock-in-template.xlsx")


# --- attendance ---------------------------------------------------------------------------------


def _legend():
    return {k: _(v) for k, v in selectors.STATUS_LABELS.items()}


@login_required
@require_GET
@shows_errors
def attendance(request, code):
    center = access.center_for(request.user, code, *VIEWERS)
    year, month, label = _month(request)
    rows = selectors.attendance(center, year, month)
    prev, nxt = _neighbours(year, month)
    days = selectors.month_days(year, month)
    return render(
        request,
        "duty/attendance.html",
        {
            "center": center,
            "month": label,
            "rows": rows,
            "days": days,
            "prev": prev,
            "next": nxt,
            "labels": _legend(),
        },
    )


def _attendance_sheet(ws, rows, labels):
    ws.append(["姓名", "用户名", "日期", "状态", "迟到分钟", "顶岗", "首次打卡", "末次打卡"])
    for row in rows:
        for r in row["days"]:
            ws.append(
                [
                    row["staff"].name,
                    row["staff"].user.username,
                    r.day.isoformat(),
                    labels.get(r.status, r.status),
                    r.late_minutes or None,
                    None if r.covered is None else ("是" if r.covered else "否"),
                    r.first.strftime("%H:%M:%S") if r.first else None,
                    r.last.strftime("%H:%M:%S") if r.last else None,
                ]
            )


@login_required
@require_GET
@shows_errors
def attendance_xlsx(request, code):
    center = access.center_for(request.user, code, *VIEWERS)
    year, month, label = _month(request)
    wb = Workbook()
    ws = wb.active
    ws.title = label
    _attendance_sheet(ws, selectors.attendance(center, year, month), selectors.STATUS_LABELS)
    return xlsx.response(xlsx.to_bytes(wb), f"attendance-{center.code}-{label}.xlsx")


def _person(request, username):
    staff = (
        Staff.objects.filter(user__username=username)
        .select_related("user", "center__policy", "center__parent")
        .first()
    )
    if staff is None or (
        request.user.pk != staff.user_id and not access.roles_in(request.user, staff.center) & {*VIEWERS}
    ):
        raise NotFound(_("没有这位工作人员。"), code="staff_not_found")
    return staff


@login_required
@require_GET
def my_attendance(request):
    """The signed-in person's own month of attendance, reached from the menu."""
    url = reverse("duty:person_attendance", args=[request.user.username])
    if request.GET.get("month"):
        url += "?" + request.GET.urlencode()
    return redirect(url)


@login_required
@require_GET
@shows_errors
def person_attendance(request, username):
    staff = _person(request, username)
    year, month, label = _month(request)
    row = selectors.attendance(staff.center, year, month, staff=staff)[0]
    prev, nxt = _neighbours(year, month)
    return render(
        request,
        "duty/person_attendance.html",
        {"staff": staff, "month": label, "row": row, "prev": prev, "next": nxt, "labels": _legend()},
    )


@login_required
@require_GET
@shows_errors
def person_attendance_xlsx(request, username):
    staff = _person(request, username)
    year, month, label = _month(request)
    wb = Workbook()
    ws = wb.active
    ws.title = label
    _attendance_sheet(
        ws, selectors.attendance(staff.center, year, month, staff=staff), selectors.STATUS_LABELS
    )
    return xlsx.response(xlsx.to_bytes(wb), f"attendance-{username}-{label}.xlsx")
