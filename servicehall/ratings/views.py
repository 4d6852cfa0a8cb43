"""Pages of ratings and revisits: the rating device, the rating link (SMS / QR), the revisit list and
its monthly summary (page and Excel), the satisfaction table, appraisal results on the public page."""

import datetime as dt
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from openpyxl import Workbook

from servicehall.core import clock, errorpages, xlsx
from servicehall.core.errors import DomainError, Forbidden, Invalid
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.menu import MenuLink
from servicehall.org.models import Window
from servicehall.org.selectors import get_center
from servicehall.ratings import devices, rules, selectors, services
from servicehall.ratings.models import Level, Rating, RatingDevice, Revisit
from servicehall.tickets import selectors as ticket_selectors

SUMMARY_ROLES = (*LEADERS, Role.SUPERVISOR, Role.COMPLAINT_OFFICER)
# rules.REASONS and the levels, marked for the catalogue (rules.py imports no Django)
_CATALOGUE = (
    _("服务态度差"),
    _("办理时间长、效率低"),
    _("告知不清、多次跑"),
    _("政策或流程不合理"),
    _("大厅环境设施不便"),
    _("其他"),
)
IDLE_SECONDS = 60  # the device returns to idle after this long without an answer


def menu_links() -> list[MenuLink]:
    return [
        MenuLink("ratings:revisits", "code", _("回访"), frozenset({Role.COMPLAINT_OFFICER, Role.DIRECTOR})),
        MenuLink(
            "ratings:satisfaction",
            "code",
            _("满意度"),
            frozenset({*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.COMPLAINT_OFFICER}),
        ),
        MenuLink("ratings:devices", "code", _("评价器"), frozenset({Role.DIRECTOR, Role.SYSADMIN})),
        MenuLink("ratings:appraisal_list", "code", _("民主评议"), frozenset({*LEADERS, Role.DUTY_OFFICER})),
        MenuLink("ratings:peer", "code", _("窗口互评"), frozenset({Role.WINDOW_STAFF})),
    ]


shows_errors = errorpages.shows_errors("ratings/error.html")


def public_address(center, path: str) -> str:
    """An address as printed for citizens: the center's public address (or PUBLIC_BASE_URL) + path."""
    return (center.public_url or settings.PUBLIC_BASE_URL).strip().rstrip("/") + path


def rating_link(center, token: str, channel: str) -> str:
    return public_address(center, f"{reverse('ratings:rate', args=[token])}?c={channel}")


def invite_on_completion(case) -> None:
    """cases.hooks.COMPLETE_GUARDS: the case is being completed, in its transaction — send the
    applicant the rating link by SMS (EVA-2). Never refuses."""
    matter = services.case_matter(case, "completed")
    services.invite_by_sms(matter, rating_link(case.center, matter.token, "sms"))


def notice_rating_link(case, step: str) -> tuple[str, str]:
    """cases.hooks.NOTICE_LINKS: the acceptance and completion notices carry the rating link of
    that step, with its QR code (EVA-2); the token rates the step once it is done."""
    link = rating_link(case.center, services.matter_token(Rating.Kind.CASE, case.pk, step), "qr")
    return gettext_noop("扫码或访问以下地址，评价本次服务"), link


# --- the device ------------------------------------------------------------------------------------


def _window_for_device(request, window_id: int) -> tuple[Window, RatingDevice | None]:
    window = ticket_selectors.get_window(window_id)
    if request.user.is_authenticated and access.roles_in(request.user, window.center):
        return window, None
    device = devices.device_of(request, window_id)
    if device is None:
        raise Forbidden(
            gettext(
                "本评价器尚未启用：请管理员在「评价器」页为本窗口登记，再在本机打开评价器启用页输入令牌。"
            ),
            code="device_refused",
        )
    return window, device


@require_GET
@shows_errors
def device(request, window_id: int):
    """评价器: shows the window's finished matter, five large choices, reasons for the bad ones."""
    window, _device = _window_for_device(request, window_id)
    return render(
        request,
        "ratings/device.html",
        {
            "window": window,
            "center": window.center,
            "api_url": reverse("api:rating_device", args=[window.pk]),
            "rate_url": reverse("api:rating_give"),
            "levels": Level.choices,
            "reasons": [(k, gettext(v)) for k, v in rules.REASONS.items()],
            "idle_seconds": IDLE_SECONDS,
        },
    )


@require_http_methods(["GET", "POST"])
@shows_errors
def device_enrol(request):
    """评价器启用, on the device itself: the token shown once at registration goes into a cookie."""
    error, status = None, 200
    if request.method == "POST":
        token = request.POST.get("token", "").strip()[:100]
        device = devices.by_token(token) if token else None
        if device is None:
            error, status = Forbidden(gettext("评价器令牌无效或已停用。"), code="device_refused"), 403
        else:
            response = redirect(reverse("ratings:device", args=[device.window_id]))
            devices.enrol(response, token)
            return response
    return render(request, "ratings/enrol.html", {"error": error}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def devices_page(request, code: str):
    center = access.center_for(request.user, code, *access.CONFIGURERS)
    error, status, token = None, 200, None
    if request.method == "POST":
        try:
            window = Window.objects.filter(center=center, pk=positive_int(request.POST.get("window"))).first()
            if window is None:
                raise Invalid("window_not_found", gettext("没有这个窗口。"))
            _dev, token = services.device_register(
                actor=request.user,
                window=window,
                name=request.POST.get("name", ""),
                address=request.POST.get("address") or None,
            )
        except DomainError as exc:
            error, status = exc, exc.status
    context = {
        "center": center,
        "windows": Window.objects.filter(center=center).order_by("number"),
        "devices": RatingDevice.objects.filter(center=center)
        .select_related("window")
        .order_by("window__number"),
        "token": token,
        "enrol_url": request.build_absolute_uri(reverse("ratings:enrol")),
        "error": error,
    }
    return render(request, "ratings/devices.html", context, status=status)


def positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# --- the rating link (SMS, QR) ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@shows_errors
def rate(request, token: str):
    """The rating page behind the SMS link and the QR code: the same five levels, no login."""
    kind, matter_id, step = services.parse_token(token)
    matter = services.matter_of(kind, matter_id, step)
    channel = request.GET.get("c") if request.GET.get("c") in ("sms", "qr") else "qr"
    context = {
        "matter": matter,
        "levels": Level.choices,
        "reasons": [(k, gettext(v)) for k, v in rules.REASONS.items()],
        "channel": channel,
        "days": services.rating_days(),
        "rated": Rating.objects.filter(kind=kind, matter_id=matter_id, step=step).first(),
    }
    status = 200
    if request.method == "POST":
        try:
            level = positive_int(request.POST.get("level"))
            if level is None:
                raise Invalid("invalid_level", gettext("请选择一个评价等级。"))
            context["rated"] = services.rate(
                token=token,
                level=level,
                reasons=request.POST.getlist("reasons"),
                comment=request.POST.get("comment", ""),
                channel=channel,
            )
            context["thanks"] = True
        except DomainError as exc:
            context["error"], status = exc, exc.status
    return render(request, "ratings/rate.html", context, status=status)


@require_GET
def qr(request, token: str):
    """The QR code of a matter's rating link (SVG), for a slip or a notice."""
    kind, matter_id, step = services.parse_token(token)
    center_code = None
    if kind == Rating.Kind.TICKET:
        from servicehall.tickets.models import Ticket

        center_code = Ticket.objects.filter(pk=matter_id).values_list("center__code", flat=True).first()
    elif kind == Rating.Kind.CASE:
        from servicehall.cases.models import Case

        center_code = Case.objects.filter(pk=matter_id).values_list("center__code", flat=True).first()
    return qr_svg(rating_link(get_center(center_code or ""), token, "qr"))


def qr_svg(address: str) -> HttpResponse:
    """A QR code as a standalone SVG document (with its namespace, so an <img> shows it)."""
    svg = io.BytesIO()
    segno.make(address, error="m").save(svg, kind="svg", scale=4, xmldecl=False)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


# --- revisits ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def revisits(request, code: str):
    """回访: the revisits due (each with its form) and those done; the month's sample of hotline orders."""
    center = access.center_for(request.user, code, *services.REVISITORS)
    if request.method != "POST":
        return revisits_page(request, center)
    form = request.POST
    revisit = Revisit.objects.filter(center=center, pk=positive_int(form.get("revisit"))).first()
    try:
        if revisit is None:
            raise Invalid("revisit_not_found", gettext("没有这条回访。"))
        services.revisit_record(
            actor=request.user,
            revisit=revisit,
            way=form.get("way", ""),
            progress=form.get("progress", ""),
            opinion=form.get("opinion", ""),
            suggestions=form.get("suggestions", ""),
            justified={"yes": True, "no": False}.get(form.get("justified", "")),
            rectification=form.get("rectification", ""),
            rectified_on=_date(form.get("rectified_on")),
        )
    except DomainError as exc:  # the card stays open with what was typed, the message in it
        typed = {**form.dict(), "revisit": revisit.pk if revisit else None, "error": exc}
        return revisits_page(request, center, error=exc, status=exc.status, typed=typed)
    messages.success(request, gettext("已记录对「%(subject)s」的回访。") % {"subject": revisit.subject})
    return redirect(reverse("ratings:revisits", args=[code]))


def _date(value: str | None) -> dt.date | None:
    if not (value or "").strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("invalid_date", gettext("整改日期应为 YYYY-MM-DD 格式。")) from None


def revisits_page(request, center, *, error=None, status=200, kept=None, typed=None):
    """The revisit page; ``kept``: the 恶意差评 form refused, as typed (its rating id, reason,
    approver); ``typed``: a revisit form refused, as typed (its card opens with it)."""
    due = list(selectors.revisits(center, "due")[:200])
    for r in due:
        r.typed = typed if typed and typed.get("revisit") == r.pk else None
    done = list(selectors.revisits(center, "done")[:50])
    malicious = list(selectors.revisits(center, "malicious")[:50])  # confirmed, not revisited
    contacts = selectors.contacts(due)
    for r in due:
        r.contact = contacts.get(r.pk)
    may_mark = access.has_role(request.user, center, *services.MALICIOUS_MARKERS)
    for r in due + done:
        r.markable = bool(
            may_mark
            and r.rating_id
            and not r.rating.malicious
            and rules.may_be_malicious(r.rating.level, r.justified)
        )
    context = {
        "center": center,
        "due": due,
        "done": done,
        "malicious": malicious,
        "ways": Revisit.Way.choices,
        "leaders": selectors.leaders_of(center) if may_mark else [],
        "error": None if typed and typed.get("revisit") in {r.pk for r in due} else error,
        "kept": kept or {},
        "period": f"{clock.today():%Y-%m}",
    }
    return render(request, "ratings/revisits.html", context, status=status)


def _period(request) -> str:
    period = request.GET.get("period") or f"{clock.today():%Y-%m}"
    try:
        rules.month_bounds(period)
    except ValueError:
        raise Invalid("invalid_period", gettext("月份应为 YYYY-MM 格式。")) from None
    return period


@login_required
@require_GET
@shows_errors
def summary(request, code: str):
    """回访汇总 (十二(八)): the month's revisits for the leaders — the rate must reach 100 % of those due."""
    center = access.center_for(request.user, code, *SUMMARY_ROLES)
    return render(request, "ratings/summary.html", {"s": selectors.revisit_summary(center, _period(request))})


@login_required
@require_GET
@shows_errors
def summary_xlsx(request, code: str):
    center = access.center_for(request.user, code, *SUMMARY_ROLES)
    s = selectors.revisit_summary(center, _period(request))
    wb = Workbook()
    ws = wb.active
    ws.title = gettext("回访汇总")
    ws.append([f"{center.name} {s['period']} " + gettext("回访汇总")])
    ws.append(
        [
            gettext("应回访"),
            s["due"],
            gettext("已回访"),
            s["done"],
            gettext("回访率"),
            rules.percent(s["rate"]),
        ]
    )
    ws.append(
        [
            gettext("差评属实"),
            s["justified"],
            gettext("差评不属实"),
            s["not_justified"],
            gettext("恶意差评"),
            s["malicious"],
        ]
    )
    ws.append([])
    ws.append(
        [
            gettext("生成时间"),
            gettext("回访原因"),
            gettext("回访对象"),
            gettext("说明"),
            gettext("回访时间"),
            gettext("回访方式"),
            gettext("办理进度及结果"),
            gettext("对工作人员的评价"),
            gettext("意见和建议"),
            gettext("差评属实"),
            gettext("整改情况"),
            gettext("整改日期"),
        ]
    )
    for r in s["rows"]:
        ws.append(
            [
                clock.local(r.created_at).strftime("%Y-%m-%d %H:%M"),
                r.get_reason_display(),
                r.subject,
                r.note,
                clock.local(r.done_at).strftime("%Y-%m-%d %H:%M") if r.done_at else _not_done(r),
                r.get_way_display() if r.way else "",
                r.progress,
                r.opinion,
                r.suggestions,
                {True: gettext("属实"), False: gettext("不属实")}.get(r.justified, ""),
                r.rectification,
                r.rectified_on.isoformat() if r.rectified_on else "",
            ]
        )
    return xlsx.response(xlsx.to_bytes(wb), f"revisits-{center.code}-{s['period']}.xlsx")


def _not_done(revisit: Revisit) -> str:
    return gettext("恶意差评已认定，不回访") if revisit.not_revisited else gettext("未回访")


# --- satisfaction and appraisal ---------------------------------------------------------------------


@login_required
@require_GET
@shows_errors
def satisfaction(request, code: str):
    """满意度: per person, window and item, with the definition of the rate on the page."""
    center = access.center_for(request.user, code, *SUMMARY_ROLES, Role.DEPARTMENT_HEAD)
    table = selectors.satisfaction_table(center, _period(request))
    return render(request, "ratings/satisfaction.html", {"center": center, "t": table})


@require_GET
@shows_errors
def public_appraisals(request, code: str):
    """The center's public page of democratic appraisal results (EVA-6), once the director publishes."""
    center = get_center(code)
    results = [selectors.appraisal_results(a) for a in selectors.published_appraisals(center)[:12]]
    return render(request, "ratings/public_appraisals.html", {"center": center, "results": results})


def days_left(finished_at: dt.datetime) -> int:
    return max(0, (rules.rateable_until(finished_at, services.rating_days()) - clock.now()).days)
