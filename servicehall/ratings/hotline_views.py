"""Staff pages of hotline work orders (EVA-2), their monthly sample (EVA-4) and the 恶意差评 flag
on a bad rating (EVA-5). Each write goes through services; a refusal shows its message and keeps
what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from servicehall.core import clock
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.menu import MenuLink
from servicehall.org.models import Staff
from servicehall.ratings import rules, selectors, services
from servicehall.ratings.models import HotlineOrder, Level, Rating, Revisit
from servicehall.ratings.views import positive_int, revisits_page, shows_errors

SAMPLE_READERS = (*services.REVISITORS, Role.SUPERVISOR)
HOTLINE_READERS = (*services.HOTLINE_STAFF, *SAMPLE_READERS)
UNRATED = "none"  # the completion form's answer when the caller gave no rating


def menu_links() -> list[MenuLink]:
    return [MenuLink("ratings:hotline", "code", _("热线工单"), frozenset(HOTLINE_READERS))]


# --- 热线工单 ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def hotline(request, code: str):
    """热线工单: the center's 12345/12348 orders; a form registers a new one."""
    center = access.center_for(request.user, code, *HOTLINE_READERS)
    if request.method == "GET":
        return _hotline_page(request, center)
    form = request.POST
    try:
        order = services.hotline_create(
            actor=request.user,
            center=center,
            hotline=form.get("hotline", ""),
            reference=form.get("reference", ""),
            content=form.get("content", ""),
            handler=_staff(center, form.get("handler")),
            caller_name=form.get("caller_name", ""),
            caller_phone=form.get("caller_phone", ""),
            received_at=_moment(form.get("received_at")),
        )
    except DomainError as exc:
        return _hotline_page(request, center, error=exc, kept={**form.dict(), "form": "create"})
    messages.success(request, gettext("已登记热线工单 %(ref)s。") % {"ref": order.reference})
    return redirect(reverse("ratings:hotline", args=[code]))


@login_required
@require_POST
@shows_errors
def hotline_complete(request, code: str, order_id: int):
    """办结: the result and the caller's answer (one of the five levels, or none given)."""
    center = access.center_for(request.user, code, *HOTLINE_READERS)
    order = HotlineOrder.objects.filter(center=center, pk=order_id).first()
    if order is None:
        raise NotFound(gettext("本中心没有这个热线工单。"), code="hotline_not_found")
    form = request.POST
    try:
        order, rating = services.hotline_complete(
            actor=request.user,
            order=order,
            result=form.get("result", ""),
            level=_answer(form.get("level")),
            reasons=form.getlist("reasons"),
            comment=form.get("comment", ""),
        )
    except DomainError as exc:
        kept = {**form.dict(), "order": order.pk, "reasons": form.getlist("reasons")}
        return _hotline_page(request, center, error=exc, kept=kept)
    if rating is None:
        messages.success(request, gettext("工单 %(ref)s 已办结，来电人未评价。") % {"ref": order.reference})
    elif rating.revisit_id:
        messages.warning(
            request,
            gettext("工单 %(ref)s 已办结。来电人评价“%(level)s”，已列入回访名单，请在期限内回访。")
            % {"ref": order.reference, "level": rating.get_level_display()},
        )
    else:
        messages.success(
            request,
            gettext("工单 %(ref)s 已办结，来电人评价“%(level)s”。")
            % {"ref": order.reference, "level": rating.get_level_display()},
        )
    return redirect(reverse("ratings:hotline", args=[code]))


def _hotline_page(request, center, *, error=None, kept=None):
    rows = selectors.hotline_rows(center)
    may_write = access.has_role(request.user, center, *services.HOTLINE_STAFF)
    context = {
        "center": center,
        "open": [o for o in rows if o.completed_at is None],
        "completed": sorted((o for o in rows if o.completed_at), key=lambda o: o.completed_at, reverse=True),
        "hotlines": HotlineOrder.Hotline.choices,
        "staff": selectors.staff_of(center) if may_write else [],
        "levels": Level.choices,
        "reasons": [(k, gettext(v)) for k, v in rules.REASONS.items()],
        "may_write": may_write,
        "may_sample": access.has_role(request.user, center, *SAMPLE_READERS),
        "may_revisit": access.has_role(request.user, center, *services.REVISITORS),
        "error": error,
        "kept": kept or {},
    }
    return render(request, "ratings/hotline.html", context, status=error.status if error else 200)


def _staff(center, value) -> Staff:
    handler = Staff.objects.filter(center=center, pk=positive_int(value)).first()
    if handler is None:
        raise Invalid("handler_required", gettext("请从本中心的工作人员中选择承办人。"))
    return handler


def _moment(text):
    if not (text or "").strip():
        return None
    try:
        return clock.parse_moment(text.strip())
    except ValueError:
        raise Invalid("invalid_time", gettext("接收时间格式不对，请按“年-月-日 时:分”填写。")) from None


def _answer(value) -> int | None:
    if value == UNRATED:
        return None
    level = positive_int(value)
    if level is None:
        raise Invalid("level_choice_required", gettext("请选择来电人的评价；来电人未评价的，选择“未评价”。"))
    return level


# --- 抽样回访 ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def samples(request, code: str):
    """抽样回访 (EVA-4): draw a finished month's sample; every sample with its seed and its re-check."""
    center = access.center_for(request.user, code, *SAMPLE_READERS)
    if request.method == "GET":
        return _samples_page(request, center, request.GET.get("period", ""))
    period = request.POST.get("period", "").strip()
    try:
        sample = services.hotline_sample_draw(actor=request.user, center=center, period=period)
    except DomainError as exc:
        return _samples_page(request, center, period, error=exc, kept=period)
    messages.success(
        request,
        gettext("已抽取 %(period)s 的热线工单：%(population)s 件中抽中 %(chosen)s 件，已列入回访名单。")
        % {"period": period, "population": len(sample.population), "chosen": len(sample.chosen)},
    )
    return redirect(reverse("ratings:samples", args=[code]) + f"?period={sample.month:%Y-%m}")


def _samples_page(request, center, period: str, *, error=None, kept=""):
    drawn = selectors.hotline_samples(center)
    for s in drawn:
        s.reproduces = services.sample_reproduces(s)
    shown = next((s for s in drawn if f"{s.month:%Y-%m}" == period), drawn[0] if drawn else None)
    context = {
        "center": center,
        "samples": drawn,
        "shown": shown,
        "orders": selectors.sampled_orders(shown) if shown else [],
        "percent": center.policy.hotline_sample_percent,
        "month": kept or rules.previous_month(clock.today()),
        "may_draw": access.has_role(request.user, center, *services.REVISITORS),
        "error": error,
    }
    return render(request, "ratings/samples.html", context, status=error.status if error else 200)


# --- 恶意差评 ------------------------------------------------------------------------------------------


@login_required
@require_POST
@shows_errors
def mark_malicious(request, code: str, rating_id: int):
    """EVA-5: a bad rating marked 恶意差评 with the reason and the approving leader; it stays listed
    on the revisit page with both (no longer due), and leaves the satisfaction rate."""
    center = access.center_for(request.user, code, *services.REVISITORS)
    rating = Rating.objects.filter(center=center, pk=rating_id).select_related("center").first()
    if rating is None:
        raise NotFound(gettext("没有这条评价。"), code="rating_not_found")
    form = request.POST
    try:
        approver = Staff.objects.filter(center=center, pk=positive_int(form.get("approver"))).first()
        if approver is None:
            raise Invalid("approver_required", gettext("请选择批准的领导。"))
        services.rating_mark_malicious(
            actor=request.user, rating=rating, reason=form.get("reason", ""), approver=approver
        )
    except DomainError as exc:
        kept = {"rating": rating.pk, "reason": form.get("reason", ""), "approver": form.get("approver", "")}
        return revisits_page(request, center, error=exc, status=exc.status, kept=kept)
    messages.success(request, gettext("已认定为恶意差评：这条评价仍然保留，但不计入满意率，也不再回访。"))
    return redirect(reverse("ratings:revisits", args=[code]) + _anchor(rating))


def _anchor(rating: Rating) -> str:
    revisit_id = Revisit.objects.filter(rating=rating).values_list("pk", flat=True).first()
    return f"#revisit-{revisit_id}" if revisit_id else ""
