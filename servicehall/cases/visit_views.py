"""The visit register pages (INQ-1 … INQ-4): record in a few clicks, the day's list, the month."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from servicehall.cases import ledger, selectors, services
from servicehall.cases.models import Visit
from servicehall.core import clock, xlsx
from servicehall.core.errors import DomainError, NotFound
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import RoleAssignment, Staff, Window
from servicehall.org.selectors import get_center


def center_of(request):
    """The center a page is about: ``?center=code``, else the user's own (staff) center."""
    code = request.GET.get("center") or request.POST.get("center")
    if not code:
        own = Staff.objects.filter(user=request.user).select_related("center").first()
        centers = [own.center] if own else access.centers_of(request.user)
        if not centers:
            raise PermissionDenied(gettext("您尚未被分配任何中心的角色。"))
        return centers[0]
    try:
        return get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def number_in(text) -> int | None:
    """A positive number from a URL or a form, or None: never one the database cannot hold."""
    text = str(text or "")
    return int(text) if text.isdigit() and len(text) <= 9 else None


def window_numbered(center, text) -> Window:
    """The center's window with this number, or a 404."""
    number = number_in(text)
    window = (
        Window.objects.filter(center=center, number=number).first() if number and number < 32768 else None
    )
    if window is None:
        raise Http404(gettext("没有这个窗口。"))
    return window


def _window(center, text: str | None) -> Window | None:
    return window_numbered(center, text) if text else None


def _day(text: str | None) -> dt.date:
    """The ``?day=`` of the address; a date that does not exist is a 400 that says so."""
    try:
        return dt.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        raise BadRequest(
            gettext(
                "日期「%(value)s」不存在或格式不对：请按 YYYY-MM-DD 填写一个实际存在的日期，例如 %(value1)s。"
            )
            % {"value": text[:20], "value1": format(clock.today(), "%Y-%m-%d")}
        ) from None


def _month(text: str | None) -> tuple[int, int]:
    try:
        first = dt.date.fromisoformat(f"{text}-01") if text else clock.today().replace(day=1)
    except ValueError:
        raise BadRequest(
            gettext("月份「%(value)s」不对：请按 YYYY-MM 填写，例如 %(value1)s。")
            % {"value": text[:20], "value1": format(clock.today(), "%Y-%m")}
        ) from None
    return first.year, first.month


def _scope(request, center, window):
    try:
        return selectors.window_scope(request.user, center, window)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None


def _choices(center):
    leader_ids = RoleAssignment.objects.filter(
        center__in=access.ancestors_and_self(center), role__in=[*LEADERS, Role.DEPARTMENT_HEAD]
    ).values_list("user_id", flat=True)
    staff = list(Staff.objects.filter(center=center, active=True).order_by("id"))
    return {
        "colleagues": staff,
        "leaders": [s for s in staff if s.user_id in set(leader_ids)],
        "windows": list(Window.objects.filter(center=center).order_by("number")),
    }


def _by_id(model, center, value):
    if not value:
        return None
    pk = number_in(value)
    found = model.objects.filter(center=center, pk=pk).first() if pk else None
    if found is None:
        raise DomainError("not_found", gettext("所选的人员或窗口不存在。"))
    return found


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """INQ-1: the first-inquiry officer records a visit or call; below, the day's list."""
    center = center_of(request)
    window = _scope(request, center, _window(center, request.GET.get("window")))
    day = _day(request.GET.get("day"))
    status, error, form = 200, None, {}
    if request.method == "POST":
        form = request.POST
        try:
            services.visit_record(
                actor=request.user,
                center=center,
                channel=form.get("channel", ""),
                category=form.get("category", ""),
                matter=form.get("matter", ""),
                outcome=form.get("outcome", ""),
                colleague=_by_id(Staff, center, form.get("colleague")),
                target_window=_by_id(Window, center, form.get("target_window")),
                leader=_by_id(Staff, center, form.get("leader")),
                agency=form.get("agency", ""),
                note=form.get("note", ""),
                visitor_name=form.get("visitor_name", ""),
                visitor_phone=form.get("visitor_phone", ""),
            )
        except DomainError as exc:
            status, error = exc.status, exc.as_dict()
        else:
            messages.success(request, gettext("已登记。"))
            return redirect(f"{reverse('cases:visits')}?center={center.code}")
    context = {
        "center": center,
        "window": window,
        "day": day,
        "visits": selectors.visits_on(center, day, window),
        "channels": Visit.Channel.choices,
        "categories": Visit.Category.choices,
        "outcomes": Visit.Outcome.choices,
        "form": form,
        "error": error,
        **_choices(center),
    }
    return render(request, "cases/visits.html", context, status=status)


@login_required
@require_GET
def summary(request):
    """INQ-4, ANA-1: the month per window, by channel, category and outcome."""
    center = center_of(request)
    window = _scope(request, center, _window(center, request.GET.get("window")))
    year, month = _month(request.GET.get("month"))
    rows = selectors.monthly_summary(center, year, month, window)
    context = {
        "center": center,
        "window": window,
        "month": f"{year}-{month:02d}",
        "rows": rows,
        "overseer": access.has_role(request.user, center, *selectors.OVERSEERS),
        "channels": Visit.Channel.choices,
        "categories": Visit.Category.choices,
        "outcomes": Visit.Outcome.choices,
    }
    return render(request, "cases/visit_summary.html", context)


@login_required
@require_GET
def export(request):
    """The day's register (``?day=``) or the month's summary (``?month=``) as an Excel file."""
    center = center_of(request)
    window = _scope(request, center, _window(center, request.GET.get("window")))
    if request.GET.get("month"):
        year, month = _month(request.GET["month"])
        data = ledger.monthly_workbook(
            center.name, year, month, selectors.monthly_summary(center, year, month, window)
        )
        name = f"visits-{center.code}-{year}-{month:02d}.xlsx"
    else:
        day = _day(request.GET.get("day"))
        data = ledger.daily_workbook(center.name, day, selectors.visits_on(center, day, window))
        name = f"visits-{center.code}-{day:%Y-%m-%d}.xlsx"
    return xlsx.response(data, name)


@login_required
@require_GET
def agency_ledger(request):
    """CAS-13, ANA-3: the month's agency ledger (代办台帐, ``?month=YYYY-MM``) as an Excel file,
    for those who read the whole center's registers."""
    center = center_of(request)
    if not access.has_role(request.user, center, *selectors.OVERSEERS):
        raise PermissionDenied(
            gettext("只有「%(name)s」的领导和监督人员可以导出代办台帐。") % {"name": center.name}
        )
    year, month = _month(request.GET.get("month"))
    cases = selectors.agency_cases(center, *selectors.month_range(year, month))
    return xlsx.response(
        ledger.agency_workbook(center.name, year, month, cases), f"agency-{center.code}-{year}-{month:02d}.xlsx"
    )
