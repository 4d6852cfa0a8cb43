"""Parallel approval behind the lead window (PAR-1 … PAR-5): participants, opinions, urging, deemed approval, joint meetings."""

import datetime as dt

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from servicehall.cases import selectors as case_selectors
from servicehall.cases.models import Case
from servicehall.core.api_contract import Day, Flag, Id, Moment, stated
from servicehall.core.errors import Forbidden, NotFound
from servicehall.parallel import rules, selectors, services
from servicehall.parallel.models import Meeting

router = Router(tags=["parallel"])

Text = Field(**stated(minLength=1, pattern=r"\S"))
DepartmentCode = Field(**stated(minLength=1, maxLength=42, pattern=r"^[a-z][a-z0-9-]{1,40}$"))


class ParallelParticipantOut(Schema):
    department: str
    department_name: str
    due_date: dt.date
    opinion: str | None
    deemed: bool
    late: bool
    urges: int
    colour: str


class ParticipantsOut(Schema):
    number: str
    decided: bool
    participants: list[ParallelParticipantOut]


class OpinionIn(Schema):
    department: str = DepartmentCode
    opinion: str = Field(**stated(enum=list(rules.OPINIONS)))
    note: str = ""
    expected_date: Day | None = None


class ResubmitIn(Schema):
    note: str = Field(**stated(minLength=1, maxLength=500, pattern=r"\S"))


class ParallelDecideIn(Schema):
    result: str = Field(**stated(minLength=1, maxLength=2000, pattern=r"\S"))
    approve: Flag


class DecisionOut(Schema):
    number: str
    case: str
    status: str
    approve: bool
    deemed: list[str]
    url: str


class JointMeetingIn(Schema):
    kind: str = Field(**stated(enum=list(rules.MEETING_KINDS)))
    at: Moment
    place: str = Field(**stated(minLength=1, maxLength=200, pattern=r"\S"))
    departments: list[str] = Field(**stated(minItems=1, uniqueItems=True))


class AttendanceIn(Schema):
    department: str = DepartmentCode
    present: Flag
    excuse: str = ""


class InvitationOut(Schema):
    department: str
    representative: str
    present: bool | None
    excuse: str


class JointMeetingOut(Schema):
    id: int
    case: str
    kind: str
    at: dt.datetime
    place: str
    invitations: list[InvitationOut]


def _readable(request, number: str) -> Case:
    case = case_selectors.get_case(number)
    if not selectors.can_read(request.user, case):
        raise Forbidden(gettext("您不能查看办件 %(number)s。") % {"number": case.number})
    return case


def _participants(case: Case) -> dict:
    return {
        "number": case.number,
        "decided": selectors.decision_of(case) is not None,
        "participants": selectors.participants_out(case),
    }


@router.get("/cases/{number}/participants", response=ParticipantsOut)
def participants(request, number: str):
    """PAR-1 … PAR-4: each participating department of a parallel case, its due date, last
    opinion, whether it is deemed to approve or answered late, and how often it was urged."""
    return _participants(_readable(request, number))


@router.post("/cases/{number}/opinions", response={201: ParticipantsOut})
def opinion_create(request, number: str, payload: OpinionIn):
    """PAR-2, PAR-3, PAR-4: a participating department's opinion (approve, reject with reasons,
    rectify, reported_up with the expected date, explained with a new date before its limit).
    A department not invited: 403; an answer after the limit is kept and marked late."""
    case = case_selectors.get_case(number)
    services.opinion_give(
        actor=request.user,
        case=case,
        department=payload.department,
        opinion=payload.opinion,
        note=payload.note,
        expected_date=payload.expected_date,
    )
    return Status(201, _participants(case))


@router.post("/cases/{number}/resubmit", response={201: ParticipantsOut})
def resubmit(request, number: str, payload: ResubmitIn):
    """PAR-2: the applicant's corrected application after a rectification starts a second round."""
    case = case_selectors.get_case(number)
    services.resubmit(actor=request.user, case=case, note=payload.note)
    return Status(201, _participants(case))


def _decision_out(case: Case, decision) -> dict:
    case.refresh_from_db(fields=["status"])
    return {
        "number": decision.number,
        "case": case.number,
        "status": case.status,
        "approve": decision.approve,
        "deemed": [
            line.split("：", 1)[0]
            for line in services.opinion_lines(decision.content)
            if "超时默认同意" in line
        ],
        "url": reverse("api:parallel_decision", kwargs={"number": case.number}),
    }


@router.post("/cases/{number}/decide", response={201: DecisionOut})
def decide(request, number: str, payload: ParallelDecideIn):
    """PAR-4: the lead decides once every participant has answered or is deemed to approve
    (before that: 409 participants_pending); the decision names a deemed approval as such."""
    case = case_selectors.get_case(number)
    decision = services.decide(actor=request.user, case=case, result=payload.result, approve=payload.approve)
    return Status(201, _decision_out(case, decision))


@router.get("/cases/{number}/decision", url_name="parallel_decision")
def decision_pdf(request, number: str):
    """PAR-4: the decision as issued (A4 PDF with the approval-seal area), byte for byte."""
    case = _readable(request, number)
    decision = selectors.decision_of(case)
    if decision is None:
        raise NotFound(
            gettext("办件 %(number)s 尚未作出并联审批决定。") % {"number": case.number},
            code="decision_not_found",
        )
    response = HttpResponse(services.pdf_of(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-decision.pdf"'
    response["ETag"] = f'"{decision.sha256}"'
    return response


def _meeting_out(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "case": meeting.case.number,
        "kind": meeting.kind,
        "at": meeting.at,
        "place": meeting.place,
        "invitations": [
            {
                "department": i.department.code,
                "representative": i.representative.name if i.representative else "",
                "present": i.present,
                "excuse": i.excuse,
            }
            for i in meeting.invitations.select_related("department", "representative").order_by("id")
        ],
    }


@router.post("/cases/{number}/meetings", response={201: JointMeetingOut})
def meeting_create(request, number: str, payload: JointMeetingIn):
    """PAR-5: convene a joint review meeting (review) or joint site inspection (site) for a case."""
    case = case_selectors.get_case(number)
    meeting = services.meeting_convene(
        actor=request.user,
        case=case,
        kind=payload.kind,
        at=payload.at,
        place=payload.place,
        departments=payload.departments,
    )
    return Status(201, _meeting_out(meeting))


def _meeting(meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(pk=meeting_id, voided_at__isnull=True).select_related("case__center").first()
        if 0 < meeting_id < 2**63
        else None
    )
    if meeting is None:
        raise NotFound(gettext("没有这次会议。"), code="meeting_not_found")
    return meeting


@router.get("/meetings/{meeting_id}", response=JointMeetingOut)
def meeting_detail(request, meeting_id: Id):
    """PAR-5: a meeting with its invitees and their attendance."""
    meeting = _meeting(meeting_id)
    _readable(request, meeting.case.number)
    return _meeting_out(meeting)


@router.post("/meetings/{meeting_id}/attendance", response=JointMeetingOut)
def attendance(request, meeting_id: Id, payload: AttendanceIn):
    """PAR-5: an invited department's attendance; an absence without an excuse is kept against
    its representative."""
    meeting = _meeting(meeting_id)
    services.attendance_record(
        actor=request.user,
        meeting=meeting,
        department=payload.department,
        present=payload.present,
        excuse=payload.excuse,
    )
    return _meeting_out(meeting)
