"""The cases API: the visit register, cases and their steps, supervision, the citizen look-up."""

import datetime as dt
from typing import Annotated

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from servicehall.cases import guards, hooks, notices, rules, selectors, services
from servicehall.cases.models import Case, Visit
from servicehall.core import clock, xlsx
from servicehall.core.api import ErrorOut
from servicehall.core.api_contract import Day, Flag, Id, Moment, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.request_context import ip_of
from servicehall.core.rules import mask_name
from servicehall.org import access
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center
from servicehall.tickets.models import Ticket

router = Router(tags=["cases"])


WindowNumber = Annotated[int, Field(description="a window's number in the center")]
UserName = Annotated[str, Field(description="a user name")]
# Checked by the services with their own codes (rules.check_phone: invalid_phone, ...).
Phone = Annotated[str, Field(**stated(pattern=r"^\s*(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\s*$"))]
# What is written with a case action: refused over its limit with too_long (rules.check_note).
Text = Annotated[str, Field(**stated(minLength=1, maxLength=rules.NOTE_LIMIT, pattern=r"\S"))]
Note = Annotated[str, Field(**stated(maxLength=rules.NOTE_LIMIT))]
Result = Annotated[str, Field(**stated(maxLength=rules.RESULT_LIMIT))]
ExtensionReason = Annotated[
    str, Field(**stated(minLength=1, maxLength=rules.EXTENSION_REASON_LIMIT, pattern=r"\S"))
]


class VisitIn(Schema):
    center: str
    channel: str = Field(**stated(enum=Visit.Channel.values))
    category: str = Field(**stated(enum=Visit.Category.values))
    matter: str = Field(**stated(minLength=1, maxLength=300, pattern=r"\S"))
    outcome: str = Field(**stated(enum=Visit.Outcome.values))
    window: WindowNumber | None = None  # the receiving window's number; default the officer's own
    colleague: UserName | None = None  # user name of the colleague it was handed to
    target_window: WindowNumber | None = None  # number of the window the visitor was guided to
    leader: UserName | None = None  # user name of the leader asked
    agency: str = ""
    note: str = ""
    visitor_name: str = ""
    visitor_phone: str = ""


class VisitOut(Schema):
    id: int
    at: str
    officer: str
    window: str | None
    channel: str
    category: str
    outcome: str


def _window(center, number):
    if number is None:
        return None
    window = Window.objects.filter(center=center, number=number).first() if 0 < number < 32768 else None
    if window is None:
        raise Invalid(
            "window_not_found",
            gettext("%(name)s没有 %(number)s 号窗口。") % {"name": center.name, "number": number},
        )
    return window


def _staff(center, username):
    if not username:
        return None
    staff = Staff.objects.filter(center=center, user__username=username[:150]).select_related("user").first()
    if staff is None:
        raise Invalid(
            "staff_of_other_center",
            gettext("%(name)s没有用户名为「%(value)s」的工作人员。")
            % {"name": center.name, "value": username[:40]},
        )
    return staff


@router.post("/visits", response={201: VisitOut})
def visit_create(request, payload: VisitIn):
    """INQ-1, INQ-2: register a visit or call, recorded by the signed-in first-inquiry officer."""
    center = get_center(payload.center)
    access.require(request.user, center, *services.RECEIVERS)
    visit = services.visit_record(
        actor=request.user,
        center=center,
        channel=payload.channel,
        category=payload.category,
        matter=payload.matter,
        outcome=payload.outcome,
        window=_window(center, payload.window),
        colleague=_staff(center, payload.colleague),
        target_window=_window(center, payload.target_window),
        leader=_staff(center, payload.leader),
        agency=payload.agency,
        note=payload.note,
        visitor_name=payload.visitor_name,
        visitor_phone=payload.visitor_phone,
    )
    return Status(201, _visit_out(visit))


def _visit_out(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "at": visit.at.isoformat(),
        "officer": visit.officer.name,
        "window": str(visit.window) if visit.window else None,
        "channel": visit.channel,
        "category": visit.category,
        "outcome": visit.outcome,
    }


# --- cases -------------------------------------------------------------------------------------------


class ApplicantIn(Schema):
    name: str = Field(**stated(minLength=1, maxLength=100, pattern=r"\S"))
    phone: Phone
    id_number: str = ""
    credit_code: str = ""


class AgentIn(Schema):
    name: str = Field(**stated(minLength=1, maxLength=40, pattern=r"\S"))
    id_number: str
    phone: Phone


class CaseIn(Schema):
    center: str
    item: str = Field(**stated(minLength=1))
    applicant: ApplicantIn
    materials: list[str] = []
    ticket: int | None = None  # an id no database holds is ticket_not_found, like any other
    window: WindowNumber | None = None  # the window's number; default the officer's own
    agent: AgentIn | None = None
    received_at: Moment | None = None  # earlier than now beyond the policy's tolerance: a back-fill
    backfill_reason: str = ""
    eligible: Flag = True
    reason: Note = ""  # refusal reason and basis when not eligible
    basis: Note = ""
    result: Result = ""  # an immediate item completed on the spot


class NoticeOut(Schema):
    kind: str
    number: str
    url: str


class CaseOut(Schema):
    number: str
    status: str
    due_date: dt.date | None
    provisional: bool
    query_code: str
    notices: list[NoticeOut]


class MaterialOut(Schema):
    code: str
    name: str
    required: bool
    received: bool


class EventOut(Schema):
    at: dt.datetime
    action: str
    status: str
    actor: str
    note: str


class StepOut(Schema):
    position: int
    name: str
    role: str  # window_staff, department_head, deputy_leader, director, principal_leader
    role_name: str
    days: int
    due_date: dt.date | None
    status: str  # done, current, pending
    actor: str  # who approved it (a step done)
    holder: str  # who holds it now (the current step)
    colour: str  # green, yellow, red for the current step of a running case; "" otherwise


class ParticipantOut(Schema):
    """A department taking part in a parallel case (filled by the parallel approval app)."""

    department: str
    due_date: dt.date | None = None
    opinion: str | None = None
    deemed: bool = False
    late: bool = False
    urges: int = 0


class BreachOut(Schema):
    notice: str
    at: dt.datetime
    handler: str
    materials: list[str]


class CaseDetailOut(CaseOut):
    center: str
    window: int
    item: str
    item_version: int
    applicant: str
    handler: str
    received_at: dt.datetime
    accepted_at: dt.datetime | None
    due_at: dt.datetime | None
    statutory_due_date: dt.date | None
    colour: str
    overdue_days: int
    backfilled: bool
    materials: list[MaterialOut]
    events: list[EventOut]
    authorised: bool
    parallel: bool
    steps: list[StepOut]
    current_step: StepOut | None
    extension_requested: dt.date | None
    urges: int
    one_time_breaches: list[BreachOut]
    participants: list[ParticipantOut] | None = None


class MaterialsIn(Schema):
    materials: list[str] = Field(**stated(minItems=1))


class ReasonIn(Schema):
    reason: Text


class ExtendIn(Schema):
    due_date: Day
    reason: ExtensionReason


class DenyIn(Schema):
    reason: Text
    basis: Text


class DecisionIn(Schema):
    approve: Flag
    note: Note = ""


class CompleteIn(Schema):
    result: Annotated[str, Field(**stated(minLength=1, maxLength=rules.RESULT_LIMIT, pattern=r"\S"))]


def notice_url(case: Case, notice) -> str:
    return reverse("api:case_notice", kwargs={"number": case.number, "notice_id": notice.pk})


def _case_out(case: Case) -> dict:
    issued = case.notices.defer("pdf", "content").order_by("issued_at", "id")
    return {
        "number": case.number,
        "status": case.status,
        "due_date": case.due_date,
        "provisional": case.provisional,
        "query_code": case.query_code,
        "notices": [{"kind": n.kind, "number": n.number, "url": notice_url(case, n)} for n in issued],
    }


def _ticket(center, ticket_id):
    if ticket_id is None:
        return None
    ticket = Ticket.objects.filter(pk=ticket_id, center=center).first() if 0 < ticket_id < 2**63 else None
    if ticket is None:
        raise Invalid("ticket_not_found", gettext("%(name)s没有这张号票。") % {"name": center.name})
    return ticket


@router.post("/cases", response={201: CaseOut})
def case_create(request, payload: CaseIn):
    """CAS-1 … CAS-4, CAS-12, CAS-13: take in an application; the outcome is completed, accepted,
    awaiting_materials or refused, with its notices."""
    center = get_center(payload.center)
    access.require(request.user, center, *services.RECEIVERS)
    agent = services.Agent(**payload.agent.dict()) if payload.agent else None
    case = services.case_intake(
        actor=request.user,
        center=center,
        item=payload.item,
        applicant=services.Applicant(**payload.applicant.dict()),
        materials=payload.materials,
        window=_window(center, payload.window),
        agent=agent,
        ticket=_ticket(center, payload.ticket),
        received_at=payload.received_at,
        backfill_reason=payload.backfill_reason,
        eligible=payload.eligible,
        reason=payload.reason,
        basis=payload.basis,
        result=payload.result,
    )
    return Status(201, _case_out(case))


def _readable(request, number: str) -> Case:
    case = selectors.get_case(number)
    selectors.require_case_reader(request.user, case)
    return case


@router.get("/cases/{number}", response=CaseDetailOut)
def case_detail(request, number: str):
    """The case with its checklist, every step in order and its notices (CAS-11)."""
    case = selectors.with_colours([_readable(request, number)])[0]
    file = selectors.case_file(case)
    return {
        **_case_out(case),
        "center": case.center.code,
        "window": case.window.number,
        "item": case.item_version.name,
        "item_version": case.item_version.number,
        "applicant": mask_name(case.applicant_name),
        "handler": case.handler.name,
        "received_at": case.received_at,
        "accepted_at": case.accepted_at,
        "due_at": case.due_at,
        "statutory_due_date": case.statutory_due_date,
        "colour": case.colour,
        "overdue_days": case.overdue_days,
        "backfilled": case.backfilled,
        "materials": [
            {
                "code": m.material.code,
                "name": m.material.name,
                "required": m.material.required,
                "received": m.received_at is not None,
            }
            for m in file["materials"]
        ],
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "status": e.status,
                "actor": e.actor.name if e.actor else "",
                "note": e.note,
            }
            for e in file["events"]
        ],
        **_steps_out(case),
        **hooks.details(case),
    }


def _steps_out(case: Case) -> dict:
    steps = [vars(s) for s in selectors.case_steps(case)]
    return {
        "authorised": case.authorised,
        "parallel": case.parallel,
        "steps": steps,
        "current_step": next((s for s in steps if s["status"] == "current"), None),
        "extension_requested": case.extension_due,
        "urges": case.holder_urges.count(),
        "one_time_breaches": [
            {"notice": b.notice_number, "at": b.at, "handler": b.handler, "materials": b.materials}
            for b in selectors.one_time_breaches(case)
        ],
    }


@router.get("/cases/{number}/notices/{notice_id}", url_name="case_notice")
def case_notice(request, number: str, notice_id: Id):
    """A notice as issued: the stored PDF, byte for byte (CAS-10)."""
    case = _readable(request, number)
    notice = case.notices.filter(pk=notice_id).first() if 0 < notice_id < 2**63 else None
    if notice is None:
        raise NotFound(gettext("没有这份通知书。"), code="notice_not_found")
    return pdf_response(notice)


def pdf_response(notice) -> HttpResponse:
    data = notices.pdf_of(notice)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{notice.case.number}-{notice.kind}.pdf"'
    response["ETag"] = f'"{notice.sha256}"'
    return response


def _step(request, number: str, fn, **kw) -> dict:
    case = selectors.get_case(number)
    return _case_out(fn(actor=request.user, case=case, **kw))


@router.post("/cases/{number}/materials", response=CaseOut)
def case_materials(request, number: str, payload: MaterialsIn):
    """CAS-2: materials brought later; the last required one accepts the case."""
    return _step(request, number, services.case_add_materials, materials=payload.materials)


@router.post("/cases/{number}/suspend", response=CaseOut)
def case_suspend(request, number: str, payload: ReasonIn):
    """CAS-8: suspend while the applicant acts; the clock stops."""
    return _step(request, number, services.case_suspend, reason=payload.reason)


@router.post("/cases/{number}/resume", response=CaseOut)
def case_resume(request, number: str):
    """CAS-8: resume; the due date moves by the working days suspended."""
    return _step(request, number, services.case_resume)


@router.post("/cases/{number}/extend", response=CaseOut)
def case_extend(request, number: str, payload: ExtendIn):
    """CAS-5: extend to a new date with a reason, never past the statutory maximum."""
    return _step(request, number, services.case_extend, new_due=payload.due_date, reason=payload.reason)


@router.post("/cases/{number}/deny", response=CaseOut)
def case_deny(request, number: str, payload: DenyIn):
    """CAS-6: file a denial (否定报备), escalated to the authority the policy names."""
    return _step(request, number, services.case_deny, reason=payload.reason, basis=payload.basis)


@router.post("/cases/{number}/denial", response=CaseOut)
def case_denial_decision(request, number: str, payload: DecisionIn):
    """CAS-6: a leader confirms the denial (answered in writing) or returns the case to work."""
    return _step(request, number, services.case_decide_denial, approve=payload.approve, note=payload.note)


@router.post("/cases/{number}/refuse", response=CaseOut)
def case_refuse(request, number: str, payload: DenyIn):
    """CAS-2: a case awaiting materials found not eligible is refused in writing."""
    return _step(request, number, services.case_refuse, reason=payload.reason, basis=payload.basis)


@router.post("/cases/{number}/complete", response=CaseOut)
def case_complete(request, number: str, payload: CompleteIn):
    """CAS-12, CAS-7: complete with every required material in and a result; the applicant is told.
    A parallel case is completed only by the lead's decision (409 participants_pending or
    decision_required)."""
    return _step(request, number, services.case_complete, result=payload.result)


class AdvanceIn(Schema):
    decision: str = Field(**stated(enum=["approve", "return"]))
    note: Note = ""


@router.post("/cases/{number}/advance", response=CaseOut)
def case_advance(request, number: str, payload: AdvanceIn):
    """CAS-9: approve the current step (the last completes the case) or return it to the previous
    one with a reason; only by the authority the item names for the step (403
    not_authorised_for_step, the case unchanged). On a parallel case no step is approved while a
    participant is pending (409 participants_pending)."""
    return _step(request, number, services.case_advance, decision=payload.decision, note=payload.note)


@router.post("/cases/{number}/extension", response=CaseOut)
def case_extension_decision(request, number: str, payload: DecisionIn):
    """CAS-5: the department head or the center approves a clerk's extension request (the notice
    is issued then) or declines it with a note."""
    return _step(request, number, services.case_decide_extension, approve=payload.approve, note=payload.note)


class NotifyIn(Schema):
    materials: list[str] = Field(**stated(minItems=1))


@router.post("/cases/{number}/one-time-notice", response=CaseOut)
def case_notify_again(request, number: str, payload: NotifyIn):
    """CAS-3, CAS-12: a further one-time notice for materials still missing or not acceptable; one
    naming a material the first did not is a breach of the one-time rule against its issuer."""
    return _step(request, number, services.case_notify_again, materials=payload.materials)


class UrgeIn(Schema):
    note: Text
    department: str | None = None  # a participating department of a parallel case


class UrgeOut(Schema):
    number: str
    step: str
    at: dt.datetime
    note: str


@router.post("/cases/{number}/urge", response={201: UrgeOut})
def case_urge(request, number: str, payload: UrgeIn):
    """催办: a leader urges whoever holds the case's current step; with ``department``, a
    participating department of a parallel case (400 not_a_participant when none is)."""
    case = selectors.get_case(number)
    if payload.department:  # the urging app checks who may (the lead window urges its participants)
        services.checked_note(payload.note, "note")  # the limit the schema states, whoever is urged
        if not hooks.urge(actor=request.user, case=case, department=payload.department, note=payload.note):
            access.require(request.user, case.center, *selectors.OVERSEERS)
            raise Invalid("not_a_participant", gettext("本办件没有这个协办科室。"))
        return Status(
            201, {"number": case.number, "step": payload.department, "at": clock.now(), "note": payload.note}
        )
    urge = services.case_urge(actor=request.user, case=case, note=payload.note)
    return Status(201, {"number": case.number, "step": urge.step_name, "at": urge.at, "note": urge.note})


# --- the director's center-wide case list ---------------------------------------------------------------


class CaseRowOut(Schema):
    number: str
    item: str
    window: int
    applicant: str
    id_number: str  # masked
    status: str
    step: str
    holder: str
    colour: str
    overdue_days: int
    due_date: dt.date | None
    received_at: dt.datetime
    parallel: bool


class CaseListOut(Schema):
    count: int
    page: int
    pages: int
    results: list[CaseRowOut]


Page = Annotated[int, Field(ge=1, le=100000)]


def _listed(request, code, q, status, step, colour, window, parallel):
    center = get_center(code)
    if not access.has_role(request.user, center, *selectors.OVERSEERS):
        raise Forbidden(gettext("只有「%(name)s」的领导和监督人员可以查看办件总表。") % {"name": center.name})
    try:
        filters = selectors.CaseFilters.of(
            q=q, status=status, step=step, colour=colour, window=window, parallel=parallel
        )
    except ValueError as exc:
        raise Invalid("invalid_filter", str(exc)) from None
    return center, filters


@router.get("/centers/{code}/cases", response=CaseListOut)
def center_cases(
    request,
    code: str,
    q: str = "",
    status: str = "",
    step: str = "",
    colour: str = "",
    window: str = "",
    parallel: str = "",
    page: Page = 1,
):
    """The director's list of every case of the center and those below it: search by number,
    applicant name or ID number (masked in the list), filter by status, step, colour, window
    and parallel or not; 50 a page, newest first."""
    center, filters = _listed(request, code, q, status, step, colour, window, parallel)
    listing = selectors.center_cases(center, filters, page=page)
    return {
        "count": listing.count,
        "page": listing.page,
        "pages": listing.pages,
        "results": [selectors.case_row(c) for c in listing.cases],
    }


@router.get("/centers/{code}/cases.xlsx")
def center_cases_xlsx(
    request,
    code: str,
    q: str = "",
    status: str = "",
    step: str = "",
    colour: str = "",
    window: str = "",
    parallel: str = "",
):
    """The same list as an Excel workbook (at most 10,000 rows)."""
    center, filters = _listed(request, code, q, status, step, colour, window, parallel)
    return xlsx.response(selectors.center_cases_xlsx(center, filters), f"{center.code}-cases.xlsx")


# --- supervision and the citizen look-up ----------------------------------------------------------------


class FiguresOut(Schema):
    center: str
    name: str
    awaiting: int
    suspended: int
    green: int
    yellow: int
    red: int
    overdue_days: int
    backfilled: int


class UrgentOut(Schema):
    number: str
    center: str
    item: str
    window: str
    handler: str
    due_date: dt.date
    colour: str
    overdue_days: int
    days_left: int
    backfilled: bool
    step: str  # CAS-9: the current step ("" for a case outside its steps)
    parallel: bool


class BoardOut(Schema):
    at: dt.datetime
    total: FiguresOut
    centers: list[FiguresOut]
    urgent: list[UrgentOut]


def _figures(f) -> dict:
    names = ("awaiting", "suspended", "green", "yellow", "red", "overdue_days", "backfilled")
    return {"center": f.center.code, "name": f.center.name, **{n: getattr(f, n) for n in names}}


@router.get("/centers/{code}/supervision", response=BoardOut)
def supervision(request, code: str):
    """CAS-14: open cases of the center and the centers below it by colour, overdue working days,
    back-filled intakes, and the most urgent cases — derived now, whether or not any job ran."""
    center = get_center(code)
    if not access.has_role(request.user, center, *selectors.OVERSEERS):
        raise Forbidden(gettext("只有「%(name)s」的领导和监督人员可以查看电子监察。") % {"name": center.name})
    now = clock.now()
    board = selectors.board(center, now)
    return {
        "at": now,
        "total": _figures(board.total),
        "centers": [_figures(f) for f in board.centers],
        "urgent": [
            {
                "number": c.number,
                "center": c.center.code,
                "item": c.item_version.name,
                "window": str(c.window),
                "handler": c.handler.name,
                "due_date": c.due_date,
                "colour": c.colour,
                "overdue_days": c.overdue_days,
                "days_left": c.days_left,
                "backfilled": c.backfilled,
                "step": c.step_name,
                "parallel": c.parallel,
            }
            for c in board.urgent
        ],
    }


class PublicCaseOut(Schema):
    number: str
    item: str
    center: str
    window: str
    applicant: str
    status: str
    status_name: str
    received_on: dt.date
    due_date: dt.date | None
    provisional: bool
    finished_on: dt.date | None
    next_step: str
    missing: list[str]


QUERY_CODE_HEADER = "X-Query-Code"
LOOK_UP_ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


class LookUpIn(Schema):
    number: str = Field(max_length=60)
    code: str = Field(max_length=12)


def _look_up(request, number: str, code: str):
    """The guarded look-up; a refusal for too many wrong codes carries Retry-After."""
    try:
        return services.case_look_up(number=number, code=code, address=ip_of(request))
    except guards.LookUpThrottled as exc:
        response = JsonResponse(exc.as_dict(), status=429)
        response["Retry-After"] = str(exc.minutes * 60)
        return response


@router.post("/public/cases/look-up", response={200: PublicCaseOut, **LOOK_UP_ERRORS}, auth=None)
def public_case_look_up(request, payload: LookUpIn):
    """The citizen look-up with the case number and the query code from the notice, in the body:
    status, due date and next step; nothing personal beyond a masked name. Wrong codes are
    throttled per case number and per client address (429 with Retry-After)."""
    return _look_up(request, payload.number, payload.code)


@router.get("/public/cases/{number}", response={200: PublicCaseOut, **LOOK_UP_ERRORS}, auth=None)
def public_case(request, number: str):
    """The same look-up with the query code in the ``X-Query-Code`` header. A query code never
    travels in a URL (addresses land in access logs): ``?code=`` is refused (400 code_in_url)."""
    if "code" in request.GET:
        raise Invalid(
            "code_in_url",
            gettext(
                "查询码不能放在网址中（网址会记入访问日志）：请放在 %(QUERY_CODE_HEADER)s 请求头中，或使用 POST /api/v1/public/cases/look-up。"
            )
            % {"QUERY_CODE_HEADER": QUERY_CODE_HEADER},
        )
    return _look_up(request, number, request.headers.get(QUERY_CODE_HEADER, "")[:12])
