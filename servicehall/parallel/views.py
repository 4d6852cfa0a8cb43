"""Parallel approval pages: the case's participants with their colours, the participant's opinion
form (for its own staff), urging, second rounds and meetings, and the lead's decision and print."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from servicehall.cases import selectors as case_selectors
from servicehall.cases.models import Case
from servicehall.core import clock
from servicehall.core.api_contract import parse_day, parse_moment
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.parallel import rules, selectors, services
from servicehall.parallel.models import Meeting, Opinion


def _case(request, number: str) -> Case:
    try:
        case = case_selectors.get_case(number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not selectors.can_read(request.user, case):
        raise PermissionDenied(gettext("您不能查看办件 %(number)s。") % {"number": case.number})
    return case


def _context(request, case: Case, error=None) -> dict:
    views = selectors.participants(case)
    mine = selectors.department_of(request.user, case.center)
    own = next((v for v in views if mine is not None and v.department.pk == mine.pk), None)
    lead = selectors.is_lead(request.user, case)
    decision = selectors.decision_of(case)
    return {
        "case": case,
        "views": views,
        "own": own,
        "lead": lead,
        "decision": decision,
        "pending": [v for v in views if v.pending],
        "rectify": any(v.standing.answer == rules.RECTIFY for v in views),
        "meetings": selectors.meetings_of(case),
        "departments": list(case.center.departments.order_by("id")),
        "kinds": Meeting.Kind.choices,
        "answers": Opinion.Kind.choices,
        "today": clock.today(),
        "now": clock.now(),  # attendance is recorded once a meeting has begun
        "error": error,
    }


@login_required
@require_GET
def case_page(request, number: str):
    """PAR-1 … PAR-5: the parallel case as the lead and each participant see it."""
    case = _case(request, number)
    if not selectors.is_parallel(case):
        return redirect("cases:case", number=case.number)
    return render(request, "parallel/case.html", _context(request, case))


def _day(form, name):
    text = (form.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        raise Invalid("invalid_date", str(exc)) from None


def _moment(form, name) -> dt.datetime:
    try:
        return parse_moment((form.get(name) or "").strip())
    except ValueError as exc:
        raise Invalid("invalid_date", str(exc)) from None


def _meeting(case: Case, form) -> Meeting:
    raw = (form.get("meeting") or "").strip()
    ok = raw.isdigit() and 0 < int(raw) < 2**63
    meeting = Meeting.objects.filter(case=case, pk=int(raw)).first() if ok else None
    if meeting is None:
        raise Invalid("meeting_not_found", gettext("没有这次会议。"))
    return meeting


ACTIONS = {
    "opinion": lambda r, c: services.opinion_give(
        actor=r.user,
        case=c,
        department=r.POST.get("department", ""),
        opinion=r.POST.get("opinion", ""),
        note=r.POST.get("note", ""),
        expected_date=_day(r.POST, "expected_date"),
    ),
    "urge": lambda r, c: services.urge(
        actor=r.user, case=c, department=r.POST.get("department", ""), note=r.POST.get("note", "")
    ),
    "resubmit": lambda r, c: services.resubmit(actor=r.user, case=c, note=r.POST.get("note", "")),
    "decide": lambda r, c: services.decide(
        actor=r.user, case=c, result=r.POST.get("result", ""), approve=r.POST.get("approve") == "1"
    ),
    "meeting": lambda r, c: services.meeting_convene(
        actor=r.user,
        case=c,
        kind=r.POST.get("kind", ""),
        at=_moment(r.POST, "at"),
        place=r.POST.get("place", ""),
        departments=r.POST.getlist("departments"),
    ),
    "attendance": lambda r, c: services.attendance_record(
        actor=r.user,
        meeting=_meeting(c, r.POST),
        department=r.POST.get("department", ""),
        present=r.POST.get("present") == "1",
        excuse=r.POST.get("excuse", ""),
    ),
}


@login_required
@require_POST
def case_action(request, number: str, action: str):
    """An opinion, an urge, a second round, the decision or a meeting from the page; a refusal
    shows its reason and changes nothing."""
    case = _case(request, number)
    if action not in ACTIONS:
        raise Http404(gettext("没有这个操作。"))
    try:
        ACTIONS[action](request, case)
    except DomainError as exc:
        context = _context(request, case_selectors.get_case(number), exc.as_dict())
        return render(request, "parallel/case.html", context, status=exc.status)
    return redirect("parallel:case", number=case.number)


@login_required
@require_GET
def decision_pdf(request, number: str):
    """PAR-4: the decision as issued, for printing."""
    case = _case(request, number)
    decision = selectors.decision_of(case)
    if decision is None:
        raise Http404(gettext("尚未作出并联审批决定。"))
    response = HttpResponse(services.pdf_of(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-decision.pdf"'
    return response


def panel(case: Case, user) -> str | None:
    """The participants on the cases app's case page (``cases.hooks.PAGE_PANELS``)."""
    if not selectors.is_parallel(case):
        return None
    return render_to_string(
        "parallel/_participants.html",
        {
            "case": case,
            "views": selectors.participants(case),
            "decision": selectors.decision_of(case),
            "panel": True,
        },
    )
