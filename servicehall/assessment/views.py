"""Pages: the center's month (person × part, total, rank), a person's month with every line,
the awards and their printable notice, the rulebook, the supervision and duty ledger pages."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from servicehall.assessment import exports, rules, selectors, services
from servicehall.assessment.api import awards_for, person_month
from servicehall.assessment.models import ClosingCheck, Entry, Finding, Meeting
from servicehall.core import clock, errorpages, xlsx
from servicehall.core.api_contract import parse_moment
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center

PART_NAMES = {
    "discipline": _("工作纪律"),
    "service": _("服务质量"),
    "cases": _("办件管理"),
    "online": _("网上办理"),
    "rating": _("服务对象评议"),
}


shows_errors = errorpages.shows_errors("assessment/error.html")


def _period(request) -> str:
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        today = clock.today()
        first = today.replace(day=1) - dt.timedelta(days=1)
        text = f"{first:%Y-%m}"
    return text


def _month(request, center):
    period = _period(request)
    year, month = services.period_of(period)
    if not (
        selectors.may_read_center(request.user, center)
        or access.has_role(request.user, center, Role.DEPARTMENT_HEAD)
    ):
        raise Forbidden(gettext("只有中心领导、监督人员和科室负责人可以查看考核表。"), code="not_allowed")
    m = selectors.month_of(center, year, month)
    return m, selectors.visible_rows(request.user, center, m.rows)


@login_required
@require_GET
@shows_errors
def month_page(request, code: str):
    center = get_center(code)
    m, rows = _month(request, center)
    county = selectors.county_figures(center, m.year, m.month) if center.children.exists() else []
    return render(
        request,
        "assessment/month.html",
        {
            "center": center,
            "m": m,
            "rows": rows,
            "parts": PART_NAMES,
            "county": county,
            "may_publish": access.has_role(request.user, center, Role.DIRECTOR) and m.publication is None,
            "is_director": access.has_role(request.user, center, Role.DIRECTOR),
        },
    )


@login_required
@require_GET
@shows_errors
def month_export(request, code: str):
    center = get_center(code)
    m, rows = _month(request, center)
    return xlsx.response(exports.month_workbook(m, rows), f"assessment-{center.code}-{m.period}.xlsx")


@login_required
@require_GET
@shows_errors
def year_export(request, code: str):
    """ASM-7: the year's result for the performance bonus (average of the months)."""
    center = access.center_for(request.user, code, *selectors.READERS)
    year = int(request.GET.get("year") or clock.today().year)
    if not 2004 <= year <= clock.today().year:
        raise Invalid("invalid_year", gettext("年份无效。"))
    standings = selectors.combined(center, [(year, mo) for mo in range(1, 13)])
    return xlsx.response(
        exports.year_workbook(center, year, standings), f"assessment-{center.code}-{year}.xlsx"
    )


@login_required
@require_POST
@shows_errors
def publish_page(request, code: str):
    center = get_center(code)
    period = _period(request)
    services.publish(request.user, center=center, period=period)
    return redirect(reverse("assessment:month", args=[center.code]) + f"?period={period}")


@login_required
@require_GET
def mine(request):
    """The signed-in person's own month: the menu's way to their score and its evidence."""
    url = reverse("assessment:person", args=[request.user.username])
    if request.GET.get("period"):
        url += "?" + request.GET.urlencode()
    return redirect(url)


@login_required
@require_GET
@shows_errors
def person_page(request, username: str):
    staff, m = person_month(request.user, username, _period(request))
    row = m.rows[0] if m.rows else None
    groups = []
    if row:
        for code, name in PART_NAMES.items():
            groups.append((code, name, row.parts.get(code), [ln for ln in row.lines if ln["part"] == code]))
        groups.append(("bonus", _("加分项目"), row.bonus, [ln for ln in row.lines if ln["part"] == "bonus"]))
        groups.append(
            (
                "eligibility",
                _("取消评先评优资格"),
                None,
                [ln for ln in row.lines if ln["part"] == "eligibility"],
            )
        )
    book = m.book
    appeal_open = bool(
        m.publication
        and request.user.pk == staff.user_id
        and rules.appeal_open(
            clock.local(m.publication.published_at).date(), clock.today(), int(book.get("appeal_days", 5))
        )
    )
    return render(
        request,
        "assessment/person.html",
        {
            "staff": staff,
            "m": m,
            "row": row,
            "groups": groups,
            "appeal_open": appeal_open,
            "is_director": access.has_role(request.user, staff.center, Role.DIRECTOR),
            "no_ratings_points": book.get("no_ratings_points", 9),
        },
    )


@login_required
@require_POST
@shows_errors
def appeal_page(request, line_id: int):
    a = services.appeal(request.user, line_id=line_id, reason=request.POST.get("reason", ""))
    pub = a.line.result.publication
    return redirect(reverse("assessment:person", args=[request.user.username]) + f"?period={pub.period}")


@login_required
@require_POST
@shows_errors
def decide_page(request, line_id: int):
    a = services.decide(
        request.user,
        line_id=line_id,
        decision=request.POST.get("decision", ""),
        reason=request.POST.get("reason", ""),
    )
    result = a.line.result
    return redirect(
        reverse("assessment:person", args=[result.staff.username]) + f"?period={result.publication.period}"
    )


@login_required
@require_GET
@shows_errors
def entry_page(request, entry_id: int):
    """The evidence of a fact this app keeps."""
    entry = (
        Entry.objects.select_related("center", "staff", "window", "recorded_by", "finding")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound(gettext("没有这条记录。"))
    dept = Staff.objects.filter(user_id=entry.staff_id).values_list("department_id", flat=True).first()
    if not (
        selectors.may_read_person(request.user, entry.center, entry.staff_id, dept)
        or access.has_role(request.user, entry.center, Role.DUTY_OFFICER)
    ):
        raise Forbidden(gettext("您不能查看这条记录。"), code="not_allowed")
    name = Staff.objects.filter(user_id=entry.staff_id).values_list("name", flat=True).first()
    return render(request, "assessment/entry.html", {"entry": entry, "name": name})


def _awards_context(request, center):
    quarter = request.GET.get("quarter")
    year = request.GET.get("year")
    if not quarter and not year:
        today = clock.today()
        q = (today.month - 1) // 3 + 1
        quarter = f"{today.year}Q{q}"
    a = awards_for(center, quarter, year)
    return {"center": center, "a": a, "quarter": quarter or "", "year": year or ""}


@login_required
@require_GET
@shows_errors
def awards_page(request, code: str):
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您不是该中心的工作人员。"))
    return render(request, "assessment/awards.html", _awards_context(request, center))


@require_GET
@shows_errors
def public_awards(request, code: str):
    """The center's honours on its public pages: named winners only, no scores of others."""
    center = get_center(code)
    return render(request, "assessment/public_awards.html", _awards_context(request, center))


@require_GET
@shows_errors
def awards_notice(request, code: str):
    """The printable notice (通报表扬) of the quarter's or year's awards."""
    center = get_center(code)
    ctx = _awards_context(request, center)
    return HttpResponse(exports.awards_pdf(center, ctx["a"]), content_type="application/pdf")


@login_required
@require_GET
@shows_errors
def rulebook_page(request, code: str):
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您不是该中心的工作人员。"))
    version, book = selectors.rulebook_for(center, clock.today())
    return render(
        request,
        "assessment/rulebook.html",
        {"center": center, "version": version, "book": book, "units": rules.UNITS},
    )


def _staff_choices(center):
    return list(Staff.objects.filter(center=center, active=True).select_related("user").order_by("name"))


@login_required
@shows_errors
def supervision_page(request, code: str):
    """SUP-1, SUP-2: findings, meetings and leaders' on-site days."""
    center = access.center_for(
        request.user, code, Role.SUPERVISOR, Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER
    )
    message = ""
    if request.method == "POST":
        p = request.POST
        if p.get("form") == "meeting":
            try:
                day = dt.date.fromisoformat(p.get("day", ""))
            except ValueError:
                raise Invalid("invalid_day", gettext("日期无效。")) from None
            services.record_meeting(
                request.user,
                center=center,
                kind=p.get("kind", ""),
                day=day,
                leader=p.get("leader", ""),
                note=p.get("note", ""),
            )
        else:
            try:
                at = parse_moment(p.get("at", ""))
            except ValueError:
                raise Invalid("invalid_moment", gettext("时间无效。")) from None
            window = int(p["window"]) if p.get("window", "").isdigit() else None
            services.record_finding(
                request.user,
                center=center,
                kind=p.get("kind", ""),
                staff=p.get("staff") or None,
                window=window,
                rule=p.get("rule", ""),
                at=at,
                note=p.get("note", ""),
                place=p.get("place", ""),
                notice=p.get("notice") == "on",
            )
        return redirect(reverse("assessment:supervision", args=[center.code]))
    _, book = selectors.rulebook_for(center, clock.today())
    return render(
        request,
        "assessment/supervision.html",
        {
            "center": center,
            "message": message,
            "findings": Finding.objects.filter(center=center)
            .select_related("staff", "window")
            .order_by("-at")[:50],
            "meetings": Meeting.objects.filter(center=center).order_by("-day")[:50],
            "book": book,
            "staff": _staff_choices(center),
            "windows": Window.objects.filter(center=center).order_by("number"),
            "kinds": Finding.Kind.choices,
            "meeting_kinds": Meeting.Kind.choices,
            "notes": selectors.board_notes(center, clock.now()),
        },
    )


@login_required
@shows_errors
def conduct_page(request, code: str):
    """DUT-6, DUT-7: the duty officer's ledger and the closing checklist; the month's sums."""
    center = access.center_for(request.user, code, Role.DUTY_OFFICER, Role.DIRECTOR)
    if request.method == "POST":
        p = request.POST
        if p.get("form") == "closing":
            failures = []
            for window in Window.objects.filter(center=center):
                for item in ClosingCheck.ITEMS:
                    if p.get(f"left_{window.number}_{item}") == "on":
                        failures.append((window.number, item))
            services.record_closing(request.user, center=center, failures=failures)
        else:
            try:
                at = parse_moment(p.get("at", ""))
            except ValueError:
                raise Invalid("invalid_moment", gettext("时间无效。")) from None
            services.record_conduct(
                request.user,
                center=center,
                staff=p.get("staff", ""),
                rule=p.get("rule", ""),
                at=at,
                note=p.get("note", ""),
                photo=request.FILES.get("photo"),
            )
        return redirect(reverse("assessment:conduct", args=[center.code]))
    today = clock.today()
    start, end = selectors.bounds(today.year, today.month)
    _, book = selectors.rulebook_for(center, today)
    ledger_rules = [r for part in book["parts"] for r in part["rules"] if r.get("ledger")]
    entries = list(
        Entry.objects.filter(
            center=center, source__in=["ledger", "closing"], at__gte=start, at__lt=end, voided_at__isnull=True
        )
        .select_related("staff")
        .order_by("-at")
    )
    names = dict(Staff.objects.filter(center=center).values_list("user_id", "name"))
    rule_names = {r["code"]: r["name"] for part in book["parts"] for r in part["rules"]}
    for e in entries:  # what the ledger shows: the person and the rule by name, not by code
        e.person_name = names.get(e.staff_id, "—")
        e.rule_name = rule_names.get(e.rule, e.rule)
    sums: dict = {}
    for e in entries:
        sums[names.get(e.staff_id, "—")] = sums.get(names.get(e.staff_id, "—"), 0) + 1
    return render(
        request,
        "assessment/conduct.html",
        {
            "center": center,
            "rules": ledger_rules,
            "staff": _staff_choices(center),
            "entries": entries,
            "names": names,
            "sums": sorted(sums.items()),
            "windows": Window.objects.filter(center=center).order_by("number"),
            "items": ClosingCheck.ITEMS,
            "checked_today": ClosingCheck.objects.filter(center=center, day=today).exists(),
            "now": clock.local().strftime("%Y-%m-%dT%H:%M"),
        },
    )
