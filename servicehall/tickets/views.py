"""Pages of the queue: the window console, the kiosk and its ticket slip, the hall display,
statistics with Excel export, appointments and home visits, and the hall devices."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core import clock, errorpages, xlsx
from servicehall.core.api_contract import parse_day, parse_moment
from servicehall.core.errors import DomainError, Forbidden, Invalid, NotFound
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, Staff
from servicehall.org.selectors import get_center, posts_on
from servicehall.tickets import booking, devices, export, rules, selectors, services
from servicehall.tickets.models import Appointment, Device, GreenChannel, HomeVisit, Ticket
from servicehall.workdays import selectors as workdays

STATISTICS_ROLES = (*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)


shows_errors = errorpages.shows_errors("tickets/error.html")


def _staff_center(request, code: str, *roles: str) -> Center:
    center = get_center(code)
    access.require(request.user, center, *roles)
    return center


def _device_or_staff(request, code: str, *kinds: str) -> tuple[Center, Device | None]:
    """A signed-in member of the center, or one of its enrolled devices (devices.py)."""
    center = get_center(code)
    if request.user.is_authenticated and access.roles_in(request.user, center):
        return center, None
    device = devices.device_of(request, code, *kinds)
    if device is None:
        raise Forbidden(
            gettext("本设备尚未启用：请管理员在「大厅设备」中登记本设备，再在本机打开设备启用页输入设备令牌。"),
            code="device_refused",
        )
    return center, device


# --- the staff's start page ---------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    """The windows the user holds today, and the queue pages of their centers."""
    today = clock.today()
    staff = getattr(request.user, "staff", None)
    posts = (
        posts_on(today).filter(staff=staff).select_related("window__center").order_by("window__number")
        if staff
        else []
    )
    centers = []
    for center in access.centers_of(request.user):
        roles = access.roles_in(request.user, center)
        centers.append(
            {
                "center": center,
                "services": bool(roles & set(services.ISSUERS)),
                "statistics": bool(roles & set(STATISTICS_ROLES)),
                "devices": bool(roles & set(access.CONFIGURERS)),
            }
        )
    return render(request, "tickets/index.html", {"posts": posts, "centers": centers})


# --- the window console ----------------------------------------------------------------------------


def _console_window(request, window_id: int):
    window = selectors.get_window(window_id)
    state = selectors.window_state(window)
    staff = getattr(request.user, "staff", None)
    kinds = (
        set(posts_on(clock.today()).filter(window=window, staff=staff).values_list("kind", flat=True))
        if staff
        else set()
    )
    if not kinds and (staff is None or state.operator_id != staff.pk):
        raise Forbidden(gettext("您今日不在%(window)s的 A 岗或 B 岗。") % {"window": window}, code="not_post_holder")
    return window, kinds


def _console_context(request, window, kinds, error=None) -> dict:
    summary = selectors.window_summary(window)
    state = summary["state"]
    staff = request.user.staff
    return {
        "window": window,
        "kinds": kinds,
        "is_operator": state.operator_id == staff.pk,
        "waiting": selectors.callable_waiting(window),
        "lines": selectors.lines_of(window.center),
        "other_windows": window.center.windows.exclude(pk=window.pk).order_by("number"),
        "green_channels": GreenChannel.choices,
        "max_recalls": rules.MAX_RECALLS,
        "error": error,
        **summary,
    }


@login_required
@require_GET
@shows_errors
def console(request, window_id: int):
    window, kinds = _console_window(request, window_id)
    return render(request, "tickets/console.html", _console_context(request, window, kinds))


@login_required
@require_GET
@shows_errors
def console_queue(request, window_id: int):
    """The waiting list alone, refreshed by htmx every few seconds."""
    window, _kinds = _console_window(request, window_id)
    return render(
        request, "tickets/_waiting.html", {"window": window, "waiting": selectors.callable_waiting(window)}
    )


def _ticket_at(window, ticket_id: str) -> Ticket:
    try:
        ticket = selectors.get_ticket(int(ticket_id))
    except (TypeError, ValueError):
        raise Invalid("bad_ticket", gettext("号票编号无效。")) from None
    if ticket.center_id != window.center_id:
        raise NotFound(gettext("本中心没有这张号票。"), code="ticket_not_found")
    return ticket


def _console_action(request, window, action: str):
    """Run one console action through its service; returns a message for the operator."""
    user, post = request.user, request.POST
    if action == "call_next":
        ticket = services.ticket_call_next(actor=user, window=window)
        return gettext("已叫号 %(number)s") % {"number": ticket.number} if ticket else gettext("当前没有等候的群众。")
    if action == "pick":
        ticket = services.ticket_call(
            actor=user,
            window=window,
            ticket=_ticket_at(window, post.get("ticket")),
            reason=post.get("reason", ""),
        )
        return gettext("已指定叫号 %(number)s") % {"number": ticket.number}
    ticket_actions = {
        "recall": services.ticket_recall,
        "no_show": services.ticket_no_show,
        "start": services.ticket_start,
        "finish": services.ticket_finish,
    }
    if action in ticket_actions:
        ticket = ticket_actions[action](actor=user, ticket=_ticket_at(window, post.get("ticket")))
        return f"{ticket.number}：{ticket.get_status_display()}"
    if action == "transfer":
        line = selectors.get_line(window.center, post["line"]) if post.get("line") else None
        target = selectors.get_window(int(post["to_window"])) if post.get("to_window", "").isdigit() else None
        ticket = services.ticket_transfer(
            actor=user, ticket=_ticket_at(window, post.get("ticket")), line=line, window=target
        )
        return gettext("%(number)s 已转至 %(value)s") % {"number": ticket.number, "value": ticket.line.name if line else target}
    if action == "take":
        ticket = services.ticket_take(
            actor=user,
            line=selectors.get_line(window.center, post.get("line", "")),
            green_channel=post.get("green_channel") or None,
            source=Ticket.Source.CONSOLE,
        )
        return gettext("已代取 %(number)s（前面 %(waiting_ahead)s 人）") % {"number": ticket.number, "waiting_ahead": ticket.waiting_ahead}
    if action in rules.TRANSITIONS:
        state = services.window_action(actor=user, window=window, action=action)
        return f"{window}：{selectors.state_label(state.state)}"
    raise Invalid("unknown_action", gettext("未知的操作。"))


@login_required
@require_POST
@shows_errors
def console_act(request, window_id: int):
    window, kinds = _console_window(request, window_id)
    try:
        message = _console_action(request, window, request.POST.get("action", ""))
    except DomainError as exc:
        context = _console_context(request, window, kinds, error=exc)
        return render(request, "tickets/console.html", context, status=exc.status)
    return redirect(reverse("tickets:console", args=[window.pk]) + "?" + urlencode({"done": message}))


# --- kiosk and ticket slip ---------------------------------------------------------------------------


def _kiosk_context(request, center, **extra) -> dict:
    now = clock.now()
    return {
        "center": center,
        "lines": selectors.lines_with_items(center),
        "green_channels": GreenChannel.choices,
        "open": workdays.is_open(center, now),
        "closed_message": services.closed_message(center, now),
        "booking_days": selectors.booking_days(center),
        **extra,
    }


def _kiosk_refused(request, center, exc: DomainError):
    """Back to the kiosk's page, with why in large type."""
    return render(
        request, "tickets/kiosk.html", _kiosk_context(request, center, error=exc), status=exc.status
    )


def _to_slip(request, code: str, ticket: Ticket):
    """On to the ticket's slip, with the people ahead."""
    query = {"ahead": ticket.waiting_ahead}
    return redirect(reverse("tickets:slip", args=[code, ticket.pk]) + "?" + urlencode(query))


@require_GET
@shows_errors
def kiosk(request, code: str):
    """取号机: large buttons per line, the green channel, and (after hours) an appointment."""
    center, _device = _device_or_staff(request, code, Device.Kind.KIOSK)
    return render(request, "tickets/kiosk.html", _kiosk_context(request, center))


@require_POST
@shows_errors
def kiosk_take(request, code: str):
    center, device = _device_or_staff(request, code, Device.Kind.KIOSK)
    try:
        ticket = services.ticket_take(
            actor=None if device else request.user,
            line=selectors.line_for_take(center.code, request.POST.get("line", "")),
            green_channel=request.POST.get("green_channel") or None,
            source=Ticket.Source.KIOSK,
            device=device,
        )
    except DomainError as exc:
        return _kiosk_refused(request, center, exc)
    return _to_slip(request, code, ticket)


@require_GET
@shows_errors
def slip(request, code: str, ticket_id: int):
    """The ticket slip for an 80 mm thermal printer: center, line, number, people ahead, time."""
    center, _device = _device_or_staff(request, code, Device.Kind.KIOSK)
    ticket = selectors.get_ticket(ticket_id)
    if ticket.center_id != center.pk:
        raise NotFound(gettext("本中心没有这张号票。"), code="ticket_not_found")
    ahead = request.GET.get("ahead", "")
    return render(
        request,
        "tickets/slip.html",
        {
            "center": center,
            "ticket": ticket,
            "ahead": int(ahead) if ahead.isdigit() else services.waiting_ahead(ticket, clock.now()),
        },
    )


@require_http_methods(["GET", "POST"])
@shows_errors
def kiosk_book(request, code: str):
    """Book an appointment at the kiosk (online channel): pick a line, a day and a free slot."""
    center, device = _device_or_staff(request, code, Device.Kind.KIOSK)
    line = selectors.get_line(center, request.GET.get("line") or request.POST.get("line") or "A")
    day = _date_param(request.GET.get("day") or request.POST.get("day"), selectors.booking_days(center)[0])
    context = _kiosk_context(request, center, line=line, day=day, slots=selectors.free_slots(line, day))
    if request.method == "POST":
        try:
            start = parse_moment(request.POST.get("slot", ""))
        except ValueError:
            start = None
        try:
            if start is None:
                raise Invalid("no_such_slot", gettext("请选择预约时段。"))
            context["appointment"] = booking.appointment_book(
                actor=None if device else request.user,
                line=line,
                slot_start=start,
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                channel=Appointment.Channel.ONLINE,
                device=device,
            )
        except DomainError as exc:
            context["error"] = exc
            return render(request, "tickets/kiosk_book.html", context, status=exc.status)
        context["slots"] = selectors.free_slots(line, day)  # the place just booked is taken
    return render(request, "tickets/kiosk_book.html", context)


@require_POST
@shows_errors
def kiosk_check_in(request, code: str):
    center, device = _device_or_staff(request, code, Device.Kind.KIOSK)
    try:
        ticket = booking.appointment_check_in(
            actor=None if device else request.user,
            center=center,
            code=request.POST.get("code", ""),
            device=device,
        )
    except DomainError as exc:
        return _kiosk_refused(request, center, exc)
    return _to_slip(request, code, ticket)


# --- hall display ------------------------------------------------------------------------------------


@require_GET
@shows_errors
def display(request, code: str):
    """The hall display: polls the display API every second (ETag) and calls numbers aloud."""
    center, _device = _device_or_staff(request, code)
    return render(
        request,
        "tickets/display.html",
        {
            "center": center,
            "data": selectors.display(center),
            "api_url": reverse("api:display", args=[code]),
            "labels": {
                "paused": gettext("请稍候"),
                "closed": gettext("暂停服务"),
                "window": gettext("号窗口"),
                "waiting": gettext("等候 %(n)s 人"),
                "noVoice": gettext("本机没有中文语音：请看屏幕上的叫号"),
                "blocked": gettext("浏览器未允许自动播报：请点击“启用语音播报”"),
            },
        },
    )


# --- statistics -----------------------------------------------------------------------------------


def _date_param(text: str | None, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return parse_day(text)  # a date of the working-day calendar (2004–2099)
    except ValueError as exc:
        raise Invalid("bad_date", gettext("日期「%(value)s」无效：%(exc)s。") % {"value": text[:20], "exc": exc}) from None


def _period(request) -> tuple[dt.date, dt.date]:
    today = clock.today()
    start = _date_param(request.GET.get("start"), today - dt.timedelta(days=6))
    end = _date_param(request.GET.get("end"), today)
    if end < start:
        raise Invalid("bad_period", gettext("结束日期不能早于开始日期。"))
    if (end - start).days > 366:
        raise Invalid("bad_period", gettext("统计期间最长一年。"))
    return start, end


@login_required
@require_GET
@shows_errors
def statistics(request, code: str):
    """Waiting and service times per line, window and day; extended service; uncovered absences."""
    center = _staff_center(request, code, *STATISTICS_ROLES)
    start, end = _period(request)
    return render(
        request,
        "tickets/statistics.html",
        {"center": center, "start": start, "end": end, **selectors.statistics(center, start, end)},
    )


@login_required
@require_GET
@shows_errors
def statistics_export(request, code: str):
    center = _staff_center(request, code, *STATISTICS_ROLES)
    start, end = _period(request)
    content = export.statistics_workbook(center, start, end, selectors.statistics(center, start, end))
    return xlsx.response(content, f"queue-{center.code}-{start}-{end}.xlsx")


# --- appointments and home visits -------------------------------------------------------------------


def _int_or_none(text: str | None, label: str) -> int | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid("bad_number", gettext("%(label)s须为整数。") % {"label": label}) from None


def _service_action(request, center: Center) -> str:
    post, user, action = request.POST, request.user, request.POST.get("action", "")
    if action == "book":
        try:
            start = parse_moment(post.get("slot", ""))
        except ValueError:
            raise Invalid("no_such_slot", gettext("请选择预约时段。")) from None
        appointment = booking.appointment_book(
            actor=user,
            line=selectors.get_line(center, post.get("line", "")),
            slot_start=start,
            name=post.get("name", ""),
            phone=post.get("phone", ""),
            channel=post.get("channel", "phone"),
        )
        return gettext("已预约，预约码 %(code)s") % {"code": appointment.code}
    if action in ("check_in", "cancel"):
        appointment = Appointment.objects.filter(
            center=center, pk=_int_or_none(post.get("appointment"), "预约")
        ).first()
        if appointment is None:
            raise NotFound(gettext("没有这个预约。"), code="appointment_not_found")
        if action == "cancel":
            booking.appointment_cancel(actor=user, appointment=appointment, reason=post.get("reason", ""))
            return gettext("已取消预约。")
        ticket = booking.appointment_check_in(actor=user, center=center, code=appointment.code)
        return gettext("已签到，号码 %(number)s") % {"number": ticket.number}
    if action == "visit":
        booking.home_visit_request(
            actor=user,
            center=center,
            name=post.get("name", ""),
            phone=post.get("phone", ""),
            address=post.get("address", ""),
            need=post.get("need", ""),
            age=_int_or_none(post.get("age"), "年龄"),
            severely_disabled=bool(post.get("severely_disabled")),
        )
        return gettext("已登记上门服务申请。")
    visit = HomeVisit.objects.filter(center=center, pk=_int_or_none(post.get("visit"), "记录")).first()
    if visit is None:
        raise NotFound(gettext("没有这条上门服务记录。"), code="home_visit_not_found")
    if action == "assign":
        staff = Staff.objects.filter(center=center, pk=_int_or_none(post.get("staff"), "人员")).first()
        if staff is None:
            raise Invalid("staff_of_other_center", gettext("请选择本中心的工作人员。"))
        day = _date_param(post.get("visit_on"), clock.today())
        booking.home_visit_assign(actor=user, visit=visit, staff=staff, visit_on=day)
        return gettext("已安排 %(name)s 于 %(day)s 上门。") % {"name": staff.name, "day": format(day, gettext("%m月%d日"))}
    if action == "outcome":
        booking.home_visit_record_outcome(actor=user, visit=visit, outcome=post.get("outcome", ""))
        return gettext("已登记办理结果。")
    raise Invalid("unknown_action", gettext("未知的操作。"))


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def services_page(request, code: str):
    """预约与上门服务: book by phone, check in, cancel; home-visit requests, assignment, outcome."""
    center = _staff_center(request, code, *services.ISSUERS)
    day = _date_param(request.GET.get("day"), clock.today())
    line = selectors.get_line(center, request.GET.get("line") or "A") if selectors.lines_of(center) else None
    error, status = None, 200
    if request.method == "POST":
        try:
            message = _service_action(request, center)
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            url = reverse("tickets:services", args=[code]) + "?" + urlencode({"day": day, "done": message})
            return redirect(url)
    context = {
        "center": center,
        "day": day,
        "line": line,
        "lines": selectors.lines_of(center),
        "slots": selectors.free_slots(line, day) if line else [],
        "appointments": selectors.appointments_on(center, day),
        "visits": selectors.home_visits(center),
        "staff": center.staff.filter(active=True).order_by("id"),
        "error": error,
    }
    return render(request, "tickets/services.html", context, status=status)


# --- hall devices -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def devices_page(request, code: str):
    """Register a kiosk or display (its token is shown once) or revoke one."""
    center = _staff_center(request, code, *access.CONFIGURERS)
    error, status, token = None, 200, None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revoke":
                device = Device.objects.filter(
                    center=center, pk=_int_or_none(request.POST.get("device"), "设备")
                ).first()
                if device is None:
                    raise NotFound(gettext("没有这个设备。"), code="device_not_found")
                booking.device_revoke(
                    actor=request.user, device=device, reason=request.POST.get("reason", "")
                )
            else:
                _device, token = booking.device_register(
                    actor=request.user,
                    center=center,
                    kind=request.POST.get("kind", ""),
                    name=request.POST.get("name", ""),
                    address=request.POST.get("address") or None,
                )
        except DomainError as exc:
            error, status = exc, exc.status
    context = {
        "center": center,
        "devices": Device.objects.filter(center=center).order_by("voided_at", "kind", "id"),
        "kinds": Device.Kind.choices,
        "token": token,
        "enrol_url": request.build_absolute_uri(reverse("tickets:device_enrol", args=[code])),
        "error": error,
    }
    return render(request, "tickets/devices.html", context, status=status)


@require_http_methods(["GET", "POST"])
@shows_errors
def device_enrol(request, code: str):
    """设备启用, on the device itself: the token the administrator was shown once is entered
    here; the browser keeps it in a cookie (devices.enrol) and opens the device's page."""
    center = get_center(code)
    error, status = None, 200
    if request.method == "POST":
        token = request.POST.get("token", "").strip()[:100]
        try:
            device = devices.by_token(request, center.code, token)
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            page = "tickets:kiosk" if device.kind == Device.Kind.KIOSK else "tickets:display"
            response = redirect(reverse(page, args=[code]))
            devices.enrol(response, token)
            return response
    return render(request, "tickets/device_enrol.html", {"center": center, "error": error}, status=status)
