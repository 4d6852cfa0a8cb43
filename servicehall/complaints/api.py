"""Complaints (CMP-1 … CMP-8, INQ-3): register by every channel, answer within the policy's working days, follow until concluded."""

import datetime as dt
from typing import Annotated

from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from servicehall.cases import guards
from servicehall.cases.models import Case, Visit
from servicehall.complaints import rules, selectors, services
from servicehall.complaints.models import Complaint, FirstInquiryFailure
from servicehall.core import clock, xlsx
from servicehall.core.api import ErrorOut
from servicehall.core.api_contract import Day, Flag, Id, Moment, Number, stated
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.request_context import ip_of
from servicehall.core.text import gettext_noop
from servicehall.org import access
from servicehall.org.models import Department, Staff, Window
from servicehall.org.selectors import get_center

router = Router(tags=["complaints"])
public_router = Router(tags=["public"], auth=None)  # mounted under /api/v1/public

Text = Annotated[str, Field(max_length=2000, **stated(minLength=1, pattern=r"\S"))]
ShortText = Annotated[str, Field(max_length=2000)]
# empty for an anonymous complaint (a letter in the box); else checked by the service (invalid_phone)
Phone = Annotated[str, Field(**stated(pattern=r"^\s*((1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})\s*)?$"))]
UserName = Annotated[str, Field(description="a user name", max_length=150)]


class ComplainantIn(BaseModel):
    name: str = Field("", max_length=40)
    phone: Phone | None = None


class ComplaintAgainstIn(BaseModel):
    staff: UserName | None = None  # the user name of the staff member complained about
    window: Annotated[int, Field(ge=1, le=32767)] | None = None  # the window's number
    department: Annotated[str, Field(max_length=42)] | None = None  # the department's code


class ComplaintIn(Schema):
    center: str
    channel: str = Field(**stated(enum=list(rules.CHANNELS)))
    complainant: ComplainantIn = ComplainantIn()
    content: Text
    category: str = Field(**stated(enum=Complaint.Category.values))
    against: ComplaintAgainstIn = ComplaintAgainstIn()
    received_at: Moment | None = None  # earlier than now only for box, letter and transfer
    transfer_from: str = Field("", max_length=100)
    transfer_reference: str = Field("", max_length=60)
    reply_to: str = Field("", max_length=200)


class PublicComplaintIn(Schema):
    complainant: ComplainantIn = ComplainantIn()
    content: Text
    category: str = Field(**stated(enum=Complaint.Category.values))
    against: ComplaintAgainstIn = ComplaintAgainstIn()


class ComplaintCreated(Schema):
    number: str
    query_code: str
    due_date: dt.date
    status: str


class ComplaintRow(Schema):
    number: str
    channel: str
    category: str
    status: str
    received_at: dt.datetime
    due_date: dt.date
    colour: str
    overdue_days: int
    against: str
    escalated_to: str
    concluded_at: dt.datetime | None
    substantiated: bool | None


class ComplaintList(Schema):
    center: str
    status: str
    page: int
    more: bool
    complaints: list[ComplaintRow]


class ComplaintEventOut(Schema):
    at: dt.datetime
    action: str
    actor: str
    note: str


class ComplaintExplanationOut(Schema):
    id: int
    to: str
    question: str
    due_date: dt.date
    answer: str
    proposal: str
    answered_at: dt.datetime | None


class ComplaintDetail(ComplaintRow):
    complainant: str
    phone: str
    content: str
    transfer_from: str
    transfer_reference: str
    reply_to: str
    delay_explanation: str
    finding: str
    action: str
    answer: str
    answered_via: str
    transfer_reply: str
    events: list[ComplaintEventOut]
    explanations: list[ComplaintExplanationOut]


class ComplaintExplanationIn(Schema):
    from_: str = Field(
        ..., alias="from", max_length=150, **stated(minLength=1)
    )  # a user name or a department code
    due_date: Day
    question: Text


class ComplaintAnswerIn(Schema):
    answer: Text
    proposal: ShortText = ""


class ComplaintEscalateIn(Schema):
    to: str = Field(**stated(enum=[rules.TO_LEADER, rules.TO_DISCIPLINE]))
    note: ShortText = ""


class ComplaintDelayIn(Schema):
    explanation: Text


class ComplaintConcludeIn(Schema):
    substantiated: Flag
    finding: Text
    action: ShortText = ""
    answer: Text
    answered_via: str = Field(**stated(enum=Complaint.AnsweredVia.values))
    transfer_reply: ShortText = ""
    first_inquiry_failure: str = Field("", **stated(enum=["", *FirstInquiryFailure.Kind.values]))
    visit: Id | None = None
    case: str | None = Field(None, max_length=60)
    staff: str | None = Field(
        None,
        max_length=150,
        description="username of the person found responsible, when the complaint named only a window "
        "or a department",
    )


class ComplaintOpeningIn(Schema):
    opened_at: Moment
    letters: Annotated[Number, Field(ge=0, le=999)]
    note: str = Field("", max_length=300)


class ComplaintOpeningOut(Schema):
    id: int
    day: dt.date
    opened_at: dt.datetime
    letters: int


class ComplaintFailureIn(Schema):
    staff: UserName
    kind: str = Field(**stated(enum=FirstInquiryFailure.Kind.values))
    visit: Id | None = None
    case: str | None = Field(None, max_length=60)
    note: str = Field("", max_length=500)


class ComplaintFailureOut(Schema):
    id: int
    staff: str
    kind: str
    at: dt.datetime


class ComplaintBoardOut(Schema):
    center: str
    at: dt.datetime
    open: int
    due_soon: int
    overdue: int
    overdue_days: int
    escalated: int
    urgent: list[ComplaintRow]
    escalations: list[ComplaintRow]


class PublicComplaintOut(Schema):
    number: str
    center: str
    channel: str
    category: str
    status: str
    status_name: str
    received_on: dt.date
    due_date: dt.date
    overdue: bool
    delay_explanation: str
    next_step: str
    concluded_on: dt.date | None
    answer: str
    answered_via: str


class ComplaintLookUpIn(Schema):
    number: str = Field(max_length=60)
    code: str = Field(max_length=12)


# --- helpers ---------------------------------------------------------------------------------------


def _against(center, against: ComplaintAgainstIn) -> services.Against:
    staff = window = department = None
    if against.staff:
        staff = Staff.objects.filter(center=center, user__username=against.staff[:150]).first()
        if staff is None:
            raise Invalid(
                "staff_of_other_center",
                gettext_noop(
                    "%(center)s没有用户名为「%(against)s」的工作人员。",
                    center=center.name,
                    against=against.staff[:40],
                ),
            )
    if against.window is not None:
        window = Window.objects.filter(center=center, number=against.window).first()
        if window is None:
            raise Invalid(
                "window_not_found",
                gettext_noop(
                    "%(center)s没有 %(against)s 号窗口。", center=center.name, against=against.window
                ),
            )
    if against.department:
        department = Department.objects.filter(center=center, code=against.department[:42]).first()
        if department is None:
            raise Invalid(
                "unknown_department",
                gettext_noop(
                    "%(center)s没有编码为「%(against)s」的科室。",
                    center=center.name,
                    against=against.department[:42],
                ),
            )
    return services.Against(staff=staff, window=window, department=department)


def _row(c: Complaint) -> dict:
    against = [
        str(x)
        for x in (c.against_staff and c.against_staff.name, c.against_window, c.against_department)
        if x
    ]
    return {
        "number": c.number,
        "channel": c.channel,
        "category": c.category,
        "status": c.status,
        "received_at": c.received_at,
        "due_date": c.due_date,
        "colour": c.colour,
        "overdue_days": c.overdue_days,
        "against": "、".join(against),
        "escalated_to": c.escalated_to,
        "concluded_at": c.concluded_at,
        "substantiated": c.substantiated,
    }


def _created(c: Complaint) -> dict:
    selectors.with_deadlines([c])
    return {"number": c.number, "query_code": c.query_code, "due_date": c.due_date, "status": c.status}


def _readable(request, number: str) -> Complaint:
    complaint = selectors.get_complaint(number)
    selectors.require_reader(request.user, complaint)
    return complaint


ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- staff operations -------------------------------------------------------------------------------


@router.post("/complaints", response={201: ComplaintCreated, **ERRORS})
def complaint_create(request, payload: ComplaintIn):
    """CMP-1, CMP-2: register a complaint by any channel (on site, phone, suggestion box, letter,
    fax, online, transferred with its reference and reply-to); numbered per center and year."""
    center = get_center(payload.center)
    access.require(request.user, center, *services.RECEIVERS)
    complaint = services.complaint_register(
        actor=request.user,
        center=center,
        channel=payload.channel,
        complainant_name=payload.complainant.name,
        complainant_phone=payload.complainant.phone or "",
        content=payload.content,
        category=payload.category,
        against=_against(center, payload.against),
        received_at=payload.received_at,
        transfer_from=payload.transfer_from,
        transfer_reference=payload.transfer_reference,
        reply_to=payload.reply_to,
    )
    return Status(201, _created(complaint))


@router.get("/centers/{code}/complaints", response={200: ComplaintList, **ERRORS})
def complaint_list(request, code: str, status: str = "", page: int = Query(1, ge=1, le=100000)):
    """The complaint book of a center, newest first, 50 a page; ``status`` open, overdue, due_soon,
    escalated or concluded. Due date, colour and overdue working days derived now (CMP-4)."""
    center = get_center(code)
    selectors.require_center_reader(request.user, center)
    if status and status not in rules.FILTERS:
        raise Invalid(
            "invalid_status", gettext_noop("状态应为 open、overdue、due_soon、escalated 或 concluded。")
        )
    rows, more = selectors.book(center, status, request.user, page=page)
    return {
        "center": center.code,
        "status": status,
        "page": page,
        "more": more,
        "complaints": [_row(c) for c in rows],
    }


@router.get("/centers/{code}/complaints/board", response={200: ComplaintBoardOut, **ERRORS})
def complaint_board(request, code: str):
    """The officer's board: open, due soon, overdue (with working days), escalated — derived now."""
    center = get_center(code)
    selectors.require_center_reader(request.user, center)
    now = clock.now()
    b = selectors.board(center, request.user, now)
    return {
        "center": center.code,
        "at": now,
        "open": b.open,
        "due_soon": b.due_soon,
        "overdue": b.overdue,
        "overdue_days": b.overdue_days,
        "escalated": b.escalated,
        "urgent": [_row(c) for c in b.urgent],
        "escalations": [_row(c) for c in b.escalations],
    }


@router.get("/centers/{code}/complaints.xlsx", response={200: None, **ERRORS})
def complaint_book_xlsx(request, code: str):
    """The complaint book (投诉记录本) as an Excel workbook: content, process and result (CMP-8)."""
    from servicehall.complaints.export import book_xlsx

    center = get_center(code)
    selectors.require_center_reader(request.user, center)
    return xlsx.response(book_xlsx(center, request.user), f"complaints-{center.code}.xlsx")


@router.get("/complaints/{complaint_number}", response={200: ComplaintDetail, **ERRORS})
def complaint_detail(request, complaint_number: str):
    """A complaint with its process and explanations (CMP-8); not to the person it is about
    before it is concluded (403 complaint_about_self)."""
    c = selectors.with_deadlines([_readable(request, complaint_number)])[0]
    file = selectors.complaint_file(c)
    return {
        **_row(c),
        "complainant": c.complainant_name,
        "phone": c.complainant_phone,
        "content": c.content,
        "transfer_from": c.transfer_from,
        "transfer_reference": c.transfer_reference,
        "reply_to": c.reply_to,
        "delay_explanation": c.delay_explanation,
        "finding": c.finding,
        "action": c.action,
        "answer": c.answer,
        "answered_via": c.answered_via,
        "transfer_reply": c.transfer_reply,
        "events": [
            {"at": e.at, "action": e.action, "actor": e.actor.name if e.actor else "", "note": e.note}
            for e in file["events"]
        ],
        "explanations": [_explanation(e) for e in file["explanations"]],
    }


def _explanation(e) -> dict:
    return {
        "id": e.pk,
        "to": e.from_staff.name if e.from_staff else e.from_department.name,
        "question": e.question,
        "due_date": e.due_date,
        "answer": e.answer,
        "proposal": e.proposal,
        "answered_at": e.answered_at,
    }


@router.post("/complaints/{complaint_number}/explanations", response={201: ComplaintExplanationOut, **ERRORS})
def explanation_create(request, complaint_number: str, payload: ComplaintExplanationIn):
    """CMP-6: ask a staff member (user name) or a department (code) for an explanation and proposed
    handling by a date; it shows in their to-do list."""
    complaint = _readable(request, complaint_number)
    center = complaint.center
    target = payload.from_[:150]
    staff = Staff.objects.filter(center=center, user__username=target).first()
    department = None if staff else Department.objects.filter(center=center, code=target[:42]).first()
    if staff is None and department is None:
        raise Invalid(
            "explainer_not_found",
            gettext_noop(
                "%(center)s没有用户名或科室编码为「%(target)s」的人员或科室。",
                center=center.name,
                target=target[:40],
            ),
        )
    e = services.explanation_request(
        actor=request.user,
        complaint=complaint,
        staff=staff,
        department=department,
        due_date=payload.due_date,
        question=payload.question,
    )
    return Status(201, _explanation(e))


@router.post(
    "/complaints/{complaint_number}/explanations/{explanation_id}/answer",
    response={200: ComplaintExplanationOut, **ERRORS},
)
def explanation_answer(request, complaint_number: str, explanation_id: Id, payload: ComplaintAnswerIn):
    """CMP-6: the explanation and proposed handling, by the person or department asked."""
    complaint = selectors.get_complaint(complaint_number)
    e = (
        complaint.explanations.select_related("complaint__center", "from_staff", "from_department")
        .filter(pk=explanation_id)
        .first()
    )
    if e is None:
        raise NotFound(gettext_noop("没有这份情况说明。"), code="explanation_not_found")
    e = services.explanation_answer(
        actor=request.user, explanation=e, answer=payload.answer, proposal=payload.proposal
    )
    return _explanation(e)


def _handled(request, complaint_number: str) -> Complaint:
    complaint = selectors.get_complaint(complaint_number)
    selectors.require_reader(request.user, complaint)
    return complaint


@router.post("/complaints/{complaint_number}/escalate", response={200: ComplaintRow, **ERRORS})
def complaint_escalate(request, complaint_number: str, payload: ComplaintEscalateIn):
    """CMP-5: to the deputy leader (leader) or, for conduct, the discipline office (discipline)."""
    c = services.complaint_escalate(
        actor=request.user, complaint=_handled(request, complaint_number), to=payload.to, note=payload.note
    )
    return _row(selectors.with_deadlines([c])[0])


@router.post("/complaints/{complaint_number}/delay", response={200: ComplaintRow, **ERRORS})
def complaint_delay(request, complaint_number: str, payload: ComplaintDelayIn):
    """CMP-4: the explanation to the complainant when it cannot be answered in time; it stays open
    and visibly late until concluded."""
    c = services.complaint_delay(
        actor=request.user, complaint=_handled(request, complaint_number), explanation=payload.explanation
    )
    return _row(selectors.with_deadlines([c])[0])


def _visit_and_case(center, visit_id: int | None, number: str | None) -> tuple[Visit | None, Case | None]:
    """The visit and the case a conclusion or a first-inquiry failure names, each of this center
    (None where not given)."""
    visit = Visit.objects.filter(pk=visit_id, center=center).first() if visit_id else None
    if visit_id and visit is None:
        raise Invalid("visit_not_found", gettext_noop("本中心没有这条来访登记。"))
    case = Case.objects.filter(number=number.strip().upper(), center=center).first() if number else None
    if number and case is None:
        raise Invalid("case_not_found", gettext_noop("本中心没有这个办件。"))
    return visit, case


@router.post("/complaints/{complaint_number}/conclude", response={200: ComplaintRow, **ERRORS})
def complaint_conclude(request, complaint_number: str, payload: ComplaintConcludeIn):
    """The conclusion: substantiated or not, finding, action, answer and how answered; the reply to
    the sending office for a transfer. Substantiated against a person: a conduct fact (CMP-7);
    a first-inquiry failure named: recorded against them with the visit or case (INQ-3).
    ``staff`` names the person found responsible when the complaint named only a window or a
    department. Concluding twice: 409 already_concluded; naming someone other than the person
    complained about: 409 against_staff_named."""
    complaint = _handled(request, complaint_number)
    center = complaint.center
    visit, case = _visit_and_case(center, payload.visit, payload.case)
    responsible = None
    if payload.staff:
        responsible = Staff.objects.filter(center=center, user__username=payload.staff[:150]).first()
        if responsible is None:
            raise Invalid("staff_not_found", gettext_noop("本中心没有这名工作人员。"))
    c = services.complaint_conclude(
        actor=request.user,
        complaint=complaint,
        substantiated=payload.substantiated,
        finding=payload.finding,
        action=payload.action,
        answer=payload.answer,
        answered_via=payload.answered_via,
        transfer_reply=payload.transfer_reply,
        first_inquiry_failure=payload.first_inquiry_failure,
        visit=visit,
        case=case,
        responsible=responsible,
    )
    return _row(selectors.with_deadlines([c])[0])


@router.post("/centers/{code}/suggestion-box/openings", response={201: ComplaintOpeningOut, **ERRORS})
def box_opening(request, code: str, payload: ComplaintOpeningIn):
    """002 八(二): the day's suggestion-box opening at 17:00 and the letters found (each then
    registered with channel ``box``); a working day without one is flagged the next morning."""
    center = get_center(code)
    o = services.box_opening_record(
        actor=request.user,
        center=center,
        opened_at=payload.opened_at,
        letters=payload.letters,
        note=payload.note,
    )
    return Status(201, {"id": o.pk, "day": o.day, "opened_at": o.opened_at, "letters": o.letters})


@router.post("/centers/{code}/first-inquiry-failures", response={201: ComplaintFailureOut, **ERRORS})
def failure_create(request, code: str, payload: ComplaintFailureIn):
    """INQ-3: a leader records a first-inquiry failure against the officer, with the visit or case."""
    center = get_center(code)
    access.require(request.user, center, *services.FAILURE_RECORDERS)
    staff = Staff.objects.filter(center=center, user__username=payload.staff[:150]).first()
    if staff is None:
        raise Invalid(
            "staff_of_other_center",
            gettext_noop(
                "%(center)s没有用户名为「%(payload)s」的工作人员。",
                center=center.name,
                payload=payload.staff[:40],
            ),
        )
    visit, case = _visit_and_case(center, payload.visit, payload.case)
    f = services.first_inquiry_failure_record(
        actor=request.user,
        center=center,
        staff=staff,
        kind=payload.kind,
        visit=visit,
        case=case,
        note=payload.note,
    )
    return Status(201, {"id": f.pk, "staff": staff.name, "kind": f.kind, "at": f.at})


# --- public --------------------------------------------------------------------------------------------


@public_router.post(
    "/centers/{code}/complaints", response={201: ComplaintCreated, 400: ErrorOut, 404: ErrorOut}
)
def public_complaint_create(request, code: str, payload: PublicComplaintIn):
    """The online complaint form (no login): a receipt number and a query code for the look-up."""
    center = get_center(code)
    complaint = services.complaint_register(
        actor="public",
        center=center,
        channel=rules.ONLINE,
        complainant_name=payload.complainant.name,
        complainant_phone=payload.complainant.phone or "",
        content=payload.content,
        category=payload.category,
        against=_against(center, payload.against),
    )
    return Status(201, _created(complaint))


QUERY_CODE_HEADER = "X-Query-Code"
LOOK_UP_ERRORS = {400: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def _look_up(request, number: str, code: str):
    try:
        return services.complaint_look_up(number=number, code=code, address=ip_of(request))
    except guards.LookUpThrottled as exc:
        response = JsonResponse(exc.as_dict(), status=429)
        response["Retry-After"] = str(exc.minutes * 60)
        return response


@public_router.post("/complaints/look-up", response={200: PublicComplaintOut, **LOOK_UP_ERRORS})
def public_complaint_look_up(request, payload: ComplaintLookUpIn):
    """The complainant's look-up with the number and query code in the body: status, due date and
    the answer, nothing about the staff member beyond what the answer says (throttled, 429)."""
    return _look_up(request, payload.number, payload.code)


@public_router.get("/complaints/{complaint_number}", response={200: PublicComplaintOut, **LOOK_UP_ERRORS})
def public_complaint_get(request, complaint_number: str):
    """The same look-up with the query code in the ``X-Query-Code`` header; as for cases, a query
    code never travels in a URL (``?code=`` is refused: 400 code_in_url)."""
    if "code" in request.GET:
        raise Invalid(
            "code_in_url",
            gettext_noop(
                "查询码不能放在网址中（网址会记入访问日志）：请放在 %(QUERY)s 请求头中，或使用 POST /api/v1/public/complaints/look-up。",
                QUERY=QUERY_CODE_HEADER,
            ),
        )
    return _look_up(request, complaint_number, request.headers.get(QUERY_CODE_HEADER, "")[:12])
