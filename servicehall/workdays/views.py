"""The year page (a Chinese calendar of 12 months) and the official schedule upload.

The year page is for the system administrator or the director over the center; corrections
of the national calendar and schedule loads for the system administrator of a top-level
center (``selectors.can_manage_calendar``).
"""

import calendar as month_calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core import clock
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.org import access
from servicehall.org.selectors import get_center
from servicehall.workdays import review, selectors, services
from servicehall.workdays.models import CalendarDay, Closure, OfficialSchedule
from servicehall.workdays.rules import FIRST_DATE, LAST_DATE

# The days of the week as the calendar heads them (Monday first), translated where shown.
WEEKDAYS = [
    gettext_noop("一"),
    gettext_noop("二"),
    gettext_noop("三"),
    gettext_noop("四"),
    gettext_noop("五"),
    gettext_noop("六"),
    gettext_noop("日"),
]
KIND_LABELS = dict(CalendarDay.Kind.choices) | {"closure": gettext_lazy("停止办公")}


def _center(request, code: str):
    try:
        center = get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not selectors.can_edit_closures(request.user, center):
        raise PermissionDenied(gettext("只有系统管理员或该中心主任可以查看和编辑工作日历。"))
    return center


def _date(text: str) -> dt.date:
    """A date in the URL: a bad one is a page that does not exist."""
    try:
        return selectors.parse_date(text)
    except Invalid as exc:
        raise Http404(exc.message) from None


def _query_date(text: str) -> dt.date:
    """A date in the query string: a bad one is a 400 that says what is wrong."""
    try:
        return selectors.parse_date(text)
    except Invalid as exc:
        raise BadRequest(exc.message) from None


def _short(name: str) -> str:
    first = name.split("、")[0].removesuffix("调休上班")
    return first if len(first) <= 4 else first[:3] + "…"


def _cell(d: dt.date, day, today: dt.date, selected: dt.date, corrected: set) -> dict:
    if day.kind == "adjusted_workday":
        label = gettext("班")
    elif day.kind in ("holiday", "closure"):
        label = gettext("补休") if day.name.endswith("补休") else _short(day.name) or KIND_LABELS[day.kind]
    else:
        label = ""
    classes = [f"wd-{day.kind.replace('_', '-')}"]
    if day.provisional:
        classes.append("wd-provisional")
    if d in corrected:
        classes.append("wd-corrected")
    if d == today:
        classes.append("wd-today")
    if d == selected:
        classes.append("wd-selected")
    when = gettext("%(month)s月%(day)s日") % {"month": d.month, "day": d.day}
    title = f"{when} {KIND_LABELS[day.kind]} {day.name}".rstrip() + (
        gettext("（暂定）") if day.provisional else ""
    )
    return {"date": d, "day": day, "label": label, "classes": " ".join(classes), "title": title}


def _months(cal, year: int, today: dt.date, selected: dt.date, corrected: set) -> list[dict]:
    weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
    return [
        {
            "number": month,
            "weeks": [
                [_cell(d, cal.day(d), today, selected, corrected) if d.month == month else None for d in week]
                for week in weeks_of(year, month)
            ],
        }
        for month in range(1, 13)
    ]


def _day_context(request, center, d: dt.date, closures: list[Closure]) -> dict:
    day = selectors.day(center, d)
    national = selectors.day(None, d)
    return {
        "center": center,
        "selected": d,
        "selected_weekday": gettext(WEEKDAYS[d.weekday()]),
        "selected_day": day,
        "selected_kind": KIND_LABELS[day.kind],
        "national_day": national,
        "national_kind": KIND_LABELS[national.kind],
        "national_row": CalendarDay.objects.filter(date=d).first(),
        "day_closures": [c for c in closures if c.start <= d <= c.end],
        "can_correct": selectors.can_manage_calendar(request.user),
    }


def _year_response(
    request,
    center,
    year: int,
    selected: dt.date | None,
    status: int = 200,
    error=None,
    form=None,
    confirm=None,
):
    today = clock.today()
    corrections = selectors.corrections_in(year)
    closures = selectors.closures_of(center)
    corrected = {c.date for c in corrections}
    cal = selectors.calendar_for(center)
    selected = selected or (today if today.year == year else dt.date(year, 1, 1))
    context = {
        "year": year,
        "previous": year - 1 if year > FIRST_DATE.year else None,
        "next": year + 1 if year < LAST_DATE.year else None,
        "weekdays": [gettext(w) for w in WEEKDAYS],
        "months": _months(cal, year, today, selected, corrected),
        "warning": selectors.schedule_warning(today),
        "first_provisional": selectors.first_provisional_day(),
        "closures": [c for c in closures if c.start.year <= year <= c.end.year],
        "corrections": corrections,
        "error": error,
        "form": form or {},
        "confirm": confirm,
        **_day_context(request, center, selected, closures),
    }
    return render(request, "workdays/year.html", context, status=status)


@login_required
@require_GET
def index(request):
    """The calendar of the first center the user may edit, this year."""
    for center in access.centers_of(request.user):
        if selectors.can_edit_closures(request.user, center):
            return redirect("workdays:year", code=center.code, year=clock.today().year)
    raise PermissionDenied(gettext("只有系统管理员或中心主任可以查看和编辑工作日历。"))


@login_required
@require_GET
def year_page(request, code: str, year: int):
    center = _center(request, code)
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise Http404(gettext("年份超出工作日历范围（2004–2099）。"))
    selected = _query_date(request.GET["day"]) if request.GET.get("day") else None
    if selected is not None and selected.year != year:
        selected = None
    return _year_response(request, center, year, selected)


@login_required
@require_GET
def day_panel(request, code: str, date: str):
    """One day: what it is, and the forms to correct it or close the center (htmx fragment)."""
    center = _center(request, code)
    d = _date(date)
    if not request.headers.get("HX-Request"):
        return _year_response(request, center, d.year, d)
    context = _day_context(request, center, d, selectors.closures_of(center))
    return render(request, "workdays/_day.html", {**context, "form": {}})


def _back(center, d: dt.date):
    return redirect(f"{reverse('workdays:year', args=[center.code, d.year])}?day={d}")


@login_required
@require_POST
def closure_add(request, code: str):
    center = _center(request, code)
    form = request.POST
    start = None
    try:
        start = selectors.parse_date(form.get("start", ""), "开始日期")
        end = selectors.parse_date(form.get("end") or form.get("start", ""), "结束日期")
        closure = services.closure_add(
            actor=request.user,
            center=center,
            start=start,
            end=end,
            reason=form.get("reason", ""),
            appointments=form.get("appointments") == "1",
            confirm=form.get("confirm") == "1",
        )
    except services.ConfirmationRequired as exc:
        return _confirm_response(request, center, start, exc, reverse("workdays:closure_add", args=[code]))
    except DomainError as exc:
        start = start or clock.today()
        return _year_response(request, center, start.year, start, exc.status, exc.message, form)
    messages.success(
        request,
        gettext("已登记停止办公：%(start)s 至 %(end)s（%(reason)s），顺延期限 %(value)s 件。") % {"start": closure.start, "end": closure.end, "reason": closure.reason, "value": closure.impact['deadlines']},
    )
    return _back(center, start)


def _confirm_response(request, center, d: dt.date, exc, action: str):
    """The year page with what the change would do and a button that sends it again, confirmed."""
    confirm = {
        "message": exc.message,
        "impact": exc.impact,
        "action": action,
        "fields": [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")],
    }
    return _year_response(request, center, d.year, d, exc.status, form=request.POST, confirm=confirm)


@login_required
@require_POST
def closure_void(request, code: str, pk: int):
    center = _center(request, code)
    closure = get_object_or_404(Closure.objects.select_related("center"), pk=pk)
    try:
        closure = services.closure_void(
            actor=request.user,
            closure=closure,
            reason=request.POST.get("reason", ""),
            confirm=request.POST.get("confirm") == "1",
        )
    except services.ConfirmationRequired as exc:
        action = reverse("workdays:closure_void", args=[code, pk])
        return _confirm_response(request, center, closure.start, exc, action)
    except DomainError as exc:
        return _year_response(request, center, closure.start.year, closure.start, exc.status, exc.message)
    messages.success(
        request,
        gettext("已作废停止办公：%(start)s 至 %(end)s，期限调回 %(value)s 件。") % {"start": closure.start, "end": closure.end, "value": closure.impact['deadlines']},
    )
    return _back(center, closure.start)


@login_required
@require_POST
def day_correct(request, code: str, date: str):
    center = _center(request, code)
    d = _date(date)
    form = request.POST
    try:
        services.day_correct(
            actor=request.user,
            date=d,
            workday=form.get("workday") == "1",
            name=form.get("name", ""),
            reason=form.get("reason", ""),
        )
    except DomainError as exc:
        return _year_response(request, center, d.year, d, exc.status, exc.message, form)
    messages.success(request, gettext("已更正 %(d)s。") % {"d": d})
    return _back(center, d)


def _when(value) -> str:
    if isinstance(value, dt.datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if value else "—"


def _calendar_admin(request) -> None:
    if not selectors.can_manage_calendar(request.user):
        raise PermissionDenied(gettext("只有系统管理员可以导入国务院节假日安排。"))


@login_required
@require_http_methods(["GET", "POST"])
def schedule_page(request):
    """Upload the State Council's arrangement for a year (text or .xlsx, docs/calendar.md)."""
    _calendar_admin(request)
    context = {
        "warning": selectors.schedule_warning(),
        "schedules": selectors.schedules(),
        "error": None,
        "form": {},
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            schedule = services.schedule_load(
                actor=request.user,
                content=upload.read() if upload else request.POST.get("text", ""),
                file_name=upload.name if upload else "",
                document=request.POST.get("document", ""),
            )
        except DomainError as exc:
            context.update(error=exc.message, form=request.POST)
            return render(request, "workdays/schedule.html", context, status=exc.status)
        messages.success(request, gettext("已导入 %(year)s 年节假日安排。") % {"year": schedule.year})
        return redirect("workdays:schedule_detail", pk=schedule.pk)
    return render(request, "workdays/schedule.html", context)


@login_required
@require_GET
def schedule_detail(request, pk: int):
    """What a load changed, and the deadlines the other parts of the system ask to review."""
    _calendar_admin(request)
    schedule = get_object_or_404(OfficialSchedule.objects.select_related("loaded_by"), pk=pk)
    changes = [
        {
            **c,
            "date": dt.date.fromisoformat(c["date"]),
            "weekday": gettext(WEEKDAYS[dt.date.fromisoformat(c["date"]).weekday()]),
            "moves_deadlines": c["before"]["workday"] != c["after"]["workday"],
            "before_kind": KIND_LABELS[c["before"]["kind"]],
            "after_kind": KIND_LABELS[c["after"]["kind"]],
        }
        for c in schedule.changes
    ]
    context = {
        "schedule": schedule,
        "changes": changes,
        "to_review": [
            {"row": row, "before": _when(row.before), "after": _when(row.after)}
            for row in review.deadlines_to_review(schedule.changed_workdays)
        ],
    }
    return render(request, "workdays/schedule_detail.html", context)
