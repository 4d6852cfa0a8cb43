"""Case pages: intake, the case page with its steps, own and window lists, the director's board,
and the citizen look-up (no login)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.cases import api, hooks, rules, selectors, services
from servicehall.cases.models import Case
from servicehall.cases.visit_views import center_of, number_in, window_numbered
from servicehall.catalog.selectors import items_of
from servicehall.core import clock, xlsx
from servicehall.core.api_contract import parse_day
from servicehall.core.board import notes_for as board_notes
from servicehall.core.errors import DomainError, NotFound
from servicehall.core.i18n import translate
from servicehall.core.request_context import ip_of
from servicehall.org import access
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center
from servicehall.tickets.models import Ticket


def _case(request, number: str) -> Case:
    try:
        case = selectors.get_case(number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if not selectors.can_read_case(request.user, case):
        raise PermissionDenied(gettext("您不能查看办件 %(number)s。") % {"number": case.number})
    return case


def _intake_window(request, center) -> Window | None:
    number = request.GET.get("window") or request.POST.get("window")
    if number:
        return window_numbered(center, number)
    staff = Staff.objects.filter(user=request.user, center=center).first()
    return selectors.own_window(staff) if staff else None


def _authorised_items(center, window):
    """CAT-7: the items a window takes in — those authorised to it and every item of a department
    it serves (decided behind the window along the item's steps)."""
    if not window:
        return []
    items = items_of(center)
    served = window.departments.values("pk")
    return list(items.filter(Q(current__windows=window) | Q(current__department__in=served)).distinct())


def _current_ticket(window):
    if window is None:
        return None
    return Ticket.objects.filter(window=window, status__in=services.AT_COUNTER).first()


def _applicant(form) -> services.Applicant:
    number = (form.get("number") or "").strip()
    person = form.get("applicant_kind", "person") == "person"
    return services.Applicant(
        name=form.get("name", ""),
        phone=form.get("phone", ""),
        id_number=number if person else "",
        credit_code="" if person else number,
    )


def _agent(form) -> services.Agent | None:
    fields = [form.get(k, "").strip() for k in ("agent_name", "agent_id_number", "agent_phone")]
    return services.Agent(*fields) if any(fields) else None


def _received_at(form):
    text = (form.get("received_at") or "").strip()
    if not text:
        return None
    try:
        return clock.parse_moment(text)
    except ValueError:
        raise DomainError("invalid_received_at", gettext("收件时间格式不正确。")) from None


@login_required
@require_http_methods(["GET", "POST"])
def intake(request):
    """CAS-1 … CAS-4: take in an application at the window, from the called ticket or directly."""
    center = center_of(request)
    if not access.has_role(request.user, center, *services.RECEIVERS):
        raise PermissionDenied(gettext("您在「%(name)s」不能收件。") % {"name": center.name})
    window = _intake_window(request, center)
    staff = Staff.objects.filter(user=request.user, center=center).first()
    if window is not None and not selectors.may_act_for(request.user, center, staff, window):
        raise PermissionDenied(
            gettext("您今天不在%(window)s的 A 岗或 B 岗，也未在该窗口顶岗，不能以该窗口的名义收件。")
            % {"window": window}
        )
    items = _authorised_items(center, window)
    chosen = request.POST.get("item") or request.GET.get("item") or (items[0].code if items else "")
    version = next((i.current for i in items if i.code == chosen), None)
    ticket = _current_ticket(window)
    status, error, form = 200, None, request.POST
    if request.method == "POST":
        try:
            case = services.case_intake(
                actor=request.user,
                center=center,
                item=chosen,
                applicant=_applicant(form),
                materials=form.getlist("materials"),
                window=window,
                agent=_agent(form),
                ticket=ticket if form.get("ticket") and ticket and str(ticket.pk) == form["ticket"] else None,
                received_at=_received_at(form),
                backfill_reason=form.get("backfill_reason", ""),
                eligible=not form.get("not_eligible"),
                reason=form.get("reason", ""),
                basis=form.get("basis", ""),
                result=form.get("result", ""),
            )
        except DomainError as exc:
            status, error = exc.status, exc.as_dict()
        else:
            return redirect("cases:case", number=case.number)
    context = {
        "center": center,
        "window": window,
        "items": items,
        "version": version,
        "materials": list(version.materials.all()) if version else [],
        "ticket": ticket,
        "form": form,
        "checked": set(form.getlist("materials")),
        "error": error,
        "note_limit": rules.NOTE_LIMIT,
        "result_limit": rules.RESULT_LIMIT,
    }
    return render(request, "cases/intake.html", context, status=status)


ACTIONS = {
    "materials": (services.case_add_materials, lambda f: {"materials": f.getlist("materials")}),
    "suspend": (services.case_suspend, lambda f: {"reason": f.get("reason", "")}),
    "resume": (services.case_resume, lambda f: {}),
    "extend": (
        services.case_extend,
        lambda f: {"new_due": _date(f.get("due_date")), "reason": f.get("reason", "")},
    ),
    "deny": (services.case_deny, lambda f: {"reason": f.get("reason", ""), "basis": f.get("basis", "")}),
    "approve": (services.case_decide_denial, lambda f: {"approve": True, "note": f.get("note", "")}),
    "reject": (services.case_decide_denial, lambda f: {"approve": False, "note": f.get("note", "")}),
    "refuse": (services.case_refuse, lambda f: {"reason": f.get("reason", ""), "basis": f.get("basis", "")}),
    "complete": (services.case_complete, lambda f: {"result": f.get("result", "")}),
    "advance": (
        services.case_advance,
        lambda f: {"decision": f.get("decision", ""), "note": f.get("note", "")},
    ),
    "extension-approve": (
        services.case_decide_extension,
        lambda f: {"approve": True, "note": f.get("note", "")},
    ),
    "extension-decline": (
        services.case_decide_extension,
        lambda f: {"approve": False, "note": f.get("note", "")},
    ),
    "urge": (services.case_urge, lambda f: {"note": f.get("note", "")}),
    "notify": (services.case_notify_again, lambda f: {"materials": f.getlist("materials")}),
}


def _date(text):
    try:
        return parse_day(text or "")  # a date of the working-day calendar (2004–2099)
    except ValueError:
        raise DomainError("invalid_date", gettext("请填写日期（YYYY-MM-DD，2004–2099 年）。")) from None


def _case_page(request, case: Case, error=None, status=200, typed=None):
    """``typed``: what was sent with a refused action, by action name (``-`` as ``_``), so its form
    shows it again."""
    case = selectors.with_colours([case])[0]
    file = selectors.case_file(case)
    context = {
        "center": case.center,
        "case": case,
        **file,
        "missing": [m for m in file["materials"] if m.received_at is None],
        "outstanding": selectors.missing_materials(case),
        "allowed": {a for a in rules.ACTIONS if rules.refusal(case.status, a) is None},
        "decider": access.has_role(request.user, case.center, *services.DECIDERS),
        "may_decide_step": services.may_decide_step(request.user, case),
        "today": clock.today(),
        "error": error,
        "typed": typed or {},
        "note_limit": rules.NOTE_LIMIT,
        "result_limit": rules.RESULT_LIMIT,
        "extension_reason_limit": rules.EXTENSION_REASON_LIMIT,
        "steps": selectors.case_steps(case),
        "breaches": selectors.one_time_breaches(case),
        "urges": list(case.holder_urges.select_related("actor").order_by("at", "id")),
        "urger": access.has_role(request.user, case.center, *selectors.URGERS),
        "received": [m for m in file["materials"] if m.received_at is not None],
        "panels": hooks.panels(case, request.user),
    }
    return render(request, "cases/case.html", context, status=status)


@login_required
@require_GET
def case_page(request, number: str):
    """CAS-11: the case, its checklist, every step and every notice, in order."""
    return _case_page(request, _case(request, number))


@login_required
@require_POST
def case_action(request, number: str, action: str):
    """A step of the case from its page; a refusal shows the reason and changes nothing."""
    case = _case(request, number)
    if action not in ACTIONS:
        raise Http404(gettext("没有这个操作。"))
    fn, arguments = ACTIONS[action]
    try:
        fn(actor=request.user, case=case, **arguments(request.POST))
    except DomainError as exc:
        return _case_page(
            request,
            selectors.get_case(number),
            exc.as_dict(),
            exc.status,
            {action.replace("-", "_"): request.POST},
        )
    return redirect("cases:case", number=case.number)


@login_required
@require_GET
def notice_pdf(request, number: str, notice_id: int):
    """A notice as issued, for printing (CAS-10: the stored PDF, byte for byte)."""
    case = _case(request, number)
    notice = case.notices.filter(pk=notice_id).first() if number_in(notice_id) else None
    if notice is None:
        raise Http404(gettext("没有这份通知书。"))
    return api.pdf_response(notice)


@login_required
@require_GET
def mine(request):
    """CAS-14: a staff member's own open cases, the most urgent first."""
    staff = Staff.objects.filter(user=request.user).select_related("center").first()
    if staff is None:
        raise PermissionDenied(gettext("只有工作人员有自己的办件。"))
    cases = selectors.handler_cases(staff)
    return render(request, "cases/list.html", {"center": staff.center, "title": gettext("我的在办件"), "cases": cases})


@login_required
@require_GET
def window_cases(request, code: str, number: int):
    """A window's open cases, then its history newest first, a page at a time."""
    center = _center(code)
    window = window_numbered(center, number)
    try:
        selectors.window_scope(request.user, center, window)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    before = None
    if request.GET.get("before"):
        try:
            at, pk = request.GET["before"].rsplit("_", 1)
            before = (clock.parse_moment(at), int(pk))
        except ValueError:
            raise Http404(gettext("分页参数不正确。")) from None
    history = selectors.window_history(window, before)
    last = history[-1] if len(history) == selectors.PAGE else None
    context = {
        "center": center,
        "title": gettext("%(window)s 办件") % {"window": window},
        "cases": selectors.window_open_cases(window) if before is None else [],
        "history": history,
        "more": f"{last.received_at.isoformat()}_{last.pk}" if last else "",
    }
    return render(request, "cases/list.html", context)


@login_required
@require_GET
def center_cases(request, code: str):
    """The director's list of every case of the center and those below it: search, filters, pages."""
    center = _center(code)
    if not access.has_role(request.user, center, *selectors.OVERSEERS):
        raise PermissionDenied(
            gettext("只有「%(name)s」的领导和监督人员可以查看办件总表。") % {"name": center.name}
        )
    g = request.GET
    error = None
    try:
        filters = selectors.CaseFilters.of(
            q=g.get("q", ""),
            status=g.get("status", ""),
            step=g.get("step", ""),
            colour=g.get("colour", ""),
            window=g.get("window", ""),
            parallel=g.get("parallel", ""),
        )
    except ValueError as exc:
        filters, error = selectors.CaseFilters(), str(exc)
    page = int(g["page"]) if g.get("page", "").isdigit() and 0 < int(g["page"]) < 100000 else 1
    if g.get("format") == "xlsx":
        return xlsx.response(selectors.center_cases_xlsx(center, filters), f"{center.code}-cases.xlsx")
    listing = selectors.center_cases(center, filters, page=page)
    query = g.copy()
    query.pop("page", None)
    context = {
        "center": center,
        "filters": filters,
        "listing": listing,
        "rows": [(c, selectors.case_row(c)) for c in listing.cases],
        "statuses": [(s, rules.STATUS_NAMES[s]) for s in rules.STATUSES],
        "colours": [(c, translate(rules.COLOUR_NAMES[c])) for c in rules.COLOURS],
        "query": query.urlencode(),
        "error": error,
    }
    return render(request, "cases/center_cases.html", context)


def _center(code: str):
    try:
        return get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None


@login_required
@require_GET
def supervision(request, code: str):
    """CAS-14: the director's board for the center and the centers below it."""
    center = _center(code)
    if not access.has_role(request.user, center, *selectors.OVERSEERS):
        raise PermissionDenied(
            gettext("只有「%(name)s」的领导和监督人员可以查看电子监察。") % {"name": center.name}
        )
    board = selectors.board(center)
    now = clock.now()
    notes = board_notes(center, now)  # other apps' flags: a missed suggestion-box opening, …
    context = {"center": center, "board": board, "now": now, "notes": notes}
    return render(request, "cases/supervision.html", context)


@require_http_methods(["GET", "POST"])
def look_up(request):
    """The citizen look-up, no login: case number and query code → status, due date, next step.

    The code is posted, never put in the address (addresses land in access logs and browser
    histories): a GET with ``?code=`` is redirected to the form without it. Wrong codes are
    throttled per case number and per address (``services.case_look_up``)."""
    center = _public_center(request.GET.get("c", ""))
    if request.method == "GET":
        number = request.GET.get("number", "").strip()[:60]
        if "code" in request.GET:
            kept = {"c": center.code} if center else {}
            query = urlencode({**kept, "number": number} if number else kept)
            return redirect(reverse("cases:look_up") + (f"?{query}" if query else ""))
        context = {"number": number, "code": "", "found": None, "center": center}
        return render(request, "cases/look_up.html", context)
    number, code = request.POST.get("number", "").strip(), request.POST.get("code", "").strip()
    found, error, status = None, None, 200
    try:
        found = services.case_look_up(number=number, code=code, address=ip_of(request))
    except DomainError as exc:
        error, status = exc.message, exc.status
    if found:
        center = _public_center(found["center_code"])
    context = {"number": number[:60], "code": "", "found": found, "error": error, "center": center}
    return render(request, "cases/look_up.html", context, status=status)


def _public_center(code: str):
    """The center whose public pages the look-up links back to (``?c=`` from its home page, or
    the center of the case found); none when neither names one."""
    if not code:
        return None
    try:
        return get_center(code)
    except NotFound:
        return None
