"""Pages of the democratic appraisal (EVA-6; 001 三(一)3(2)): the center's 民主评议 page (open an
appraisal, issue questionnaire codes as a printable sheet, enter on-site ratings, results,
publish), the clerks' peer rating of the other windows, and the citizens' anonymous questionnaire.

The questionnaire codes are shown once, on the sheet that answers their issue: only their hashes
are kept, so nobody can print them again, and nothing the citizen's form sends is joined to a code.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core.errors import DomainError, Invalid
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Window
from servicehall.org.selectors import get_center
from servicehall.ratings import rules, selectors, services
from servicehall.ratings.models import AppraisalVote, Level
from servicehall.ratings.views import public_address, qr_svg, shows_errors

ORGANISERS = (*LEADERS,)  # open an appraisal, issue codes (services.appraisal_create, codes_issue)
ONSITE = (*LEADERS, Role.DUTY_OFFICER)  # enter on-site ratings (services.onsite_vote)
PAGE_ROLES = ONSITE
PEER_ROLES = (Role.WINDOW_STAFF, Role.DIRECTOR)


def questionnaire_url(center) -> str:
    return public_address(center, reverse("ratings:questionnaire", args=[center.code]))


def _appraisal(center, appraisal_id: int):
    appraisal = selectors.get_appraisal(appraisal_id)
    if appraisal.center_id != center.pk:
        raise Invalid("appraisal_not_found", gettext("没有这次评议。"))
    return appraisal


def _answers(post, subjects: list[dict]) -> list[dict]:
    """The levels chosen on an appraisal form (a subject left blank is not rated)."""
    answers = []
    for s in subjects:
        w = s["window"].pk
        for key, staff in [(s["key"], None), *[(p["key"], p["staff"].pk) for p in s["people"]]]:
            value = post.get(key, "")
            if not value:
                continue
            if value not in {str(v) for v in rules.LEVELS}:
                raise Invalid("invalid_level", gettext("评价等级应为 1（非常满意）至 5（非常不满意）。"))
            answers.append({"window": w, "staff": staff, "level": int(value)})
    return answers


def _form(subjects: list[dict], post=None) -> dict:
    """The context of the shared level grid; what was chosen stays chosen after a refusal."""
    for s in subjects:
        for row in [s, *s["people"]]:
            row["value"] = post.get(row["key"], "") if post else ""
    return {"subjects": subjects, "levels": Level.choices}


def _shown(results: dict) -> dict:
    """Each row's rate as a percentage, and its votes by way (questionnaire, on-site, peer)."""
    for row in [*results["windows"], *results["persons"]]:
        row["pct"] = rules.percent(row["rate"])
        row["sources"] = []
        for value, label in AppraisalVote.Source.choices:
            part = row["by_source"].get(value)
            row["sources"].append(
                (label, part["votes"] if part else 0, rules.percent(part["rate"]) if part else "—")
            )
    return results


# --- the center's page ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def appraisals(request, code: str):
    """民主评议: the center's appraisals and a form to open one (title, month or year)."""
    center = access.center_for(request.user, code, *PAGE_ROLES)
    error, status = None, 200
    if request.method == "POST":
        try:
            appraisal = services.appraisal_create(
                actor=request.user,
                center=center,
                title=request.POST.get("title", ""),
                period=request.POST.get("period", "").strip(),
            )
            return redirect(reverse("ratings:appraisal", args=[code, appraisal.pk]))
        except DomainError as exc:
            error, status = exc, exc.status
    context = {
        "center": center,
        "appraisals": selectors.appraisals(center)[:50],
        "may_create": access.has_role(request.user, center, *ORGANISERS),
        "error": error,
        "form": request.POST if error else {},
    }
    return render(request, "ratings/appraisals.html", context, status=status)


def _detail(request, center, appraisal, error=None, status=200, post=None):
    roles = access.roles_in(request.user, center)
    context = {
        "center": center,
        "a": appraisal,
        "counts": selectors.code_counts(appraisal),
        "results": _shown(selectors.appraisal_results(appraisal)),
        "comments": selectors.appraisal_comments(appraisal),
        "may_issue": bool(roles & set(ORGANISERS)) and appraisal.published_at is None,
        "may_enter": bool(roles & set(ONSITE)) and appraisal.published_at is None,
        "may_publish": Role.DIRECTOR in roles and appraisal.published_at is None,
        "questionnaire_url": questionnaire_url(center),
        "max_codes": services.MAX_CODES,
        "error": error,
        **_form(selectors.subjects(center), post),
    }
    return render(request, "ratings/appraisal.html", context, status=status)


@login_required
@require_GET
@shows_errors
def appraisal(request, code: str, appraisal_id: int):
    """One appraisal: codes issued and answered, on-site entry, results per window and person."""
    center = access.center_for(request.user, code, *PAGE_ROLES)
    return _detail(request, center, _appraisal(center, appraisal_id))


@login_required
@require_POST
@shows_errors
def onsite(request, code: str, appraisal_id: int):
    """现场测评: the levels given on the day, entered as one sheet."""
    center = access.center_for(request.user, code, *PAGE_ROLES)
    appraisal = _appraisal(center, appraisal_id)
    try:
        n = services.onsite_vote(
            actor=request.user,
            appraisal=appraisal,
            answers=_answers(request.POST, selectors.subjects(center)),
        )
    except DomainError as exc:
        return _detail(request, center, appraisal, exc, exc.status, request.POST)
    messages.success(request, gettext("已录入 %(n)s 项现场测评。") % {"n": n})
    return redirect(reverse("ratings:appraisal", args=[code, appraisal.pk]))


@login_required
@require_POST
@shows_errors
def publish(request, code: str, appraisal_id: int):
    center = access.center_for(request.user, code, *PAGE_ROLES)
    appraisal = _appraisal(center, appraisal_id)
    try:
        services.appraisal_publish(actor=request.user, appraisal=appraisal)
    except DomainError as exc:
        return _detail(request, center, appraisal, exc, exc.status)
    messages.success(request, gettext("评议结果已在中心公开页面公布。"))
    return redirect(reverse("ratings:appraisal", args=[code, appraisal.pk]))


@login_required
@require_POST
@shows_errors
def codes(request, code: str, appraisal_id: int):
    """Issue questionnaire codes and answer with their A4 sheet of slips to cut apart: the only
    time the codes are shown (not cached, never stored in the clear)."""
    center = access.center_for(request.user, code, *PAGE_ROLES)
    appraisal = _appraisal(center, appraisal_id)
    try:
        count = int(request.POST.get("count", ""))
    except ValueError:
        count = 0
    try:
        issued = services.codes_issue(actor=request.user, appraisal=appraisal, count=count)
    except DomainError as exc:
        return _detail(request, center, appraisal, exc, exc.status)
    context = {"center": center, "a": appraisal, "codes": issued, "url": questionnaire_url(center)}
    response = render(request, "ratings/appraisal_codes.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@shows_errors
def questionnaire_qr(request, code: str):
    """The QR code of the questionnaire's address (SVG), printed on every slip."""
    return qr_svg(questionnaire_url(get_center(code)))


# --- peer rating ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@shows_errors
def peer(request, code: str):
    """窗口互评: a clerk rates the other windows for their own window, once each; their own window
    is never offered (and the service refuses it)."""
    center = access.center_for(request.user, code, *PEER_ROLES)
    if access.has_role(request.user, center, Role.DIRECTOR):
        raters = list(Window.objects.filter(center=center).order_by("number"))
    else:
        raters = selectors.windows_of(request.user, center)
    wanted = request.POST.get("rater") or request.GET.get("window")
    rater = next((w for w in raters if str(w.pk) == wanted), raters[0] if raters else None)
    open_ = list(selectors.open_appraisals(center)[:5])
    error, status, post = None, 200, None
    if request.method == "POST":
        appraisal = next((a for a in open_ if str(a.pk) == request.POST.get("appraisal")), None)
        try:
            if appraisal is None:
                raise Invalid("appraisal_not_found", gettext("这次评议已结束或不存在。"))
            if rater is None:
                raise Invalid("window_not_found", gettext("您今天没有在任何窗口上岗，不能参加窗口互评。"))
            rated = selectors.peer_rated(appraisal, rater)
            subjects = [s for s in selectors.subjects(center, rater) if s["window"].pk not in rated]
            n = services.peer_vote(
                actor=request.user, appraisal=appraisal, rater=rater, answers=_answers(request.POST, subjects)
            )
            messages.success(request, gettext("已提交 %(n)s 项互评。") % {"n": n})
            return redirect(f"{reverse('ratings:peer', args=[code])}?window={rater.pk}")
        except DomainError as exc:
            error, status, post = exc, exc.status, request.POST
    forms = []
    if rater is not None:
        for a in open_:
            rated = selectors.peer_rated(a, rater)
            subjects = [s for s in selectors.subjects(center, rater) if s["window"].pk not in rated]
            forms.append({"a": a, **_form(subjects, post)})
    context = {"center": center, "raters": raters, "rater": rater, "forms": forms, "error": error}
    return render(request, "ratings/peer.html", context, status=status)


# --- the citizens' questionnaire ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@shows_errors
def questionnaire(request, code: str):
    """The anonymous questionnaire (no login): the code from the slip, a level per window and
    person (none chosen beforehand), an optional comment. The code is spent; the answer keeps
    nothing that leads back to it."""
    center = get_center(code)
    subjects = selectors.subjects(center)
    context = {"center": center, "open": selectors.open_appraisals(center).exists(), **_form(subjects)}
    status = 200
    if request.method == "POST":
        try:
            services.questionnaire_answer(
                code=re.sub(r"[\s-]", "", request.POST.get("code", ""))[:40],
                answers=_answers(request.POST, subjects),
                comment=request.POST.get("comment", ""),
            )
            return render(request, "ratings/questionnaire_done.html", {"center": center})
        except DomainError as exc:
            context.update(_form(subjects, request.POST), error=exc)
            status = exc.status
    return render(request, "ratings/questionnaire.html", context, status=status)
