"""Every write of complaints: one transaction, the checks first, an audit event (CMP-1 … CMP-8, INQ-3)."""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from servicehall.cases import guards
from servicehall.cases import rules as case_rules
from servicehall.cases.models import Case, Visit
from servicehall.cases.notices import next_number
from servicehall.complaints import rules, selectors
from servicehall.complaints.models import (
    BoxOpening,
    Complaint,
    ComplaintEvent,
    Explanation,
    FirstInquiryFailure,
)
from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, DomainError, Forbidden, Invalid
from servicehall.core.roles import COMPLAINT_HANDLERS, LEADERS, Role
from servicehall.core.text import gettext_noop
from servicehall.org import access
from servicehall.org.models import Center, Department, Staff, Window
from servicehall.workdays import selectors as workdays

# Who takes in a complaint by any staff channel (001 三(二)1: the complaint desk, and the leaders).
RECEIVERS = (*COMPLAINT_HANDLERS, Role.DUTY_OFFICER)
# Who concludes an escalated one (CMP-5): the leaders, or the discipline office for conduct.
CONCLUDERS = {rules.TO_LEADER: tuple(LEADERS), rules.TO_DISCIPLINE: (Role.SUPERVISOR,)}
# Who records a first-inquiry failure directly (INQ-3: 请示领导 … 给予批评教育).
FAILURE_RECORDERS = (*LEADERS, Role.SUPERVISOR)


def rule_error(error: rules.RuleError) -> DomainError:
    return Conflict(error.code, error.message) if error.conflict else Invalid(error.code, error.message)


@dataclass(frozen=True)
class Against:
    staff: Staff | None = None
    window: Window | None = None
    department: Department | None = None


def _acting_staff(actor, center: Center) -> Staff | None:
    if actor is None:
        return None
    return Staff.objects.filter(user=actor).order_by("-active", "id").first()


def _event(complaint: Complaint, staff, action: str, note: str = "") -> None:
    # the step's own record keeps the whole text; the process line may shorten it
    ComplaintEvent.objects.create(
        complaint=complaint, at=clock.now(), actor=staff, action=action, note=note[:2000]
    )


def _text(value: str) -> str:
    return (value or "").strip()


def _check_against(center: Center, against: Against) -> None:
    for thing in (against.staff, against.window, against.department):
        if thing is not None and thing.center_id != center.pk:
            raise Invalid(
                "against_of_other_center",
                gettext_noop("被投诉的人员、窗口或科室不属于%(center)s。", center=center.name),
            )


def complaint_register(
    *,
    actor,
    center: Center,
    channel: str,
    complainant_name: str,
    complainant_phone: str,
    content: str,
    category: str,
    against: Against = Against(),
    received_at: dt.datetime | None = None,
    transfer_from: str = "",
    transfer_reference: str = "",
    reply_to: str = "",
    answer_on_the_spot: str = "",
) -> Complaint:
    """CMP-1, CMP-2, CMP-8: register a complaint by any channel, numbered per center and year.

    ``actor`` None with channel online is the public form (no login). A receipt time earlier
    than now is accepted only for the suggestion box, letters and transfers, never in the future.
    """
    if channel == rules.ONLINE:
        if actor is not None and actor != "public":
            access.require(actor, center, *RECEIVERS)
        staff = None if actor in (None, "public") else _acting_staff(actor, center)
    else:
        access.require(actor, center, *RECEIVERS)
        staff = _acting_staff(actor, center)
    if channel not in rules.CHANNELS:
        raise Invalid("invalid_channel", gettext_noop("投诉渠道不正确。"))
    if category not in Complaint.Category.values:
        raise Invalid("invalid_category", gettext_noop("投诉类别不正确。"))
    content = _text(content)
    if not content:
        raise Invalid("content_required", gettext_noop("请填写投诉内容。"))
    now = clock.now()
    if received_at is not None and received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=clock.TZ)
    received = received_at or now
    try:
        rules.check_received(channel=channel, received=received, now=now)
        rules.check_transfer(channel=channel, transfer_from=transfer_from, reply_to=reply_to)
    except rules.RuleError as error:
        raise rule_error(error) from None
    _check_against(center, against)
    phone = _text(complainant_phone)
    if phone:
        try:
            phone = case_rules.check_phone(phone)
        except case_rules.RuleError as error:
            raise Invalid(error.code, error.message) from None
    with transaction.atomic():
        year = clock.local(now).year
        complaint = Complaint(
            number=f"TS-{center.code.upper()}-{year}-{next_number(center, year, 'complaint'):05d}",
            query_code=case_rules.new_query_code(),
            center=center,
            channel=channel,
            category=category,
            complainant_name=_text(complainant_name),
            complainant_phone=phone,
            content=content,
            against_staff=against.staff,
            against_window=against.window,
            against_department=against.department,
            received_at=received,
            received_day=clock.local(received).date(),
            recorded_at=now,
            received_by=staff,
            transfer_from=_text(transfer_from) if channel == rules.TRANSFER else "",
            transfer_reference=_text(transfer_reference) if channel == rules.TRANSFER else "",
            reply_to=_text(reply_to) if channel == rules.TRANSFER else "",
        )
        complaint.save()
        _event(complaint, staff, "register", complaint.get_channel_display())
        audit.record(
            actor=actor if actor not in (None, "public") else ("anonymous" if actor == "public" else None),
            action="complaint.register",
            obj=complaint,
            center=center,
            after=audit.snapshot(complaint),
        )
    if _text(answer_on_the_spot):  # CMP-4: answered on the spot when possible
        complaint = complaint_conclude(
            actor=actor,
            complaint=complaint,
            substantiated=False,
            finding=answer_on_the_spot,
            action="当场答复",
            answer=answer_on_the_spot,
            answered_via=Complaint.AnsweredVia.ON_SITE,
        )
    return complaint


@contextmanager
def _step(actor, complaint: Complaint, action: str, roles=COMPLAINT_HANDLERS, *, open_only: bool = True):
    """Check who acts (in the complaint's center), lock it, check it is still open; yield (locked,
    staff). The audit event is written on the way out; a refusal inside changes nothing."""
    access.require(actor, complaint.center, *roles)
    selectors.require_not_subject(actor, complaint)
    staff = _acting_staff(actor, complaint.center)
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update(of=("self",)).select_related("center").get(pk=complaint.pk)
        )
        if open_only:
            try:
                rules.check_open(locked.status, rules.EVENT_NAMES.get(action, action))
            except rules.RuleError as error:
                raise rule_error(error) from None
        before = audit.snapshot(locked)
        yield locked, staff
        audit.record(
            actor=actor,
            action=f"complaint.{action}",
            obj=locked,
            center=locked.center,
            before=before,
            after=audit.snapshot(locked),
        )


def explanation_request(
    *,
    actor,
    complaint: Complaint,
    staff: Staff | None = None,
    department: Department | None = None,
    due_date,
    question: str,
) -> Explanation:
    """CMP-6: ask a person or a department concerned for an explanation and proposed handling by
    a date; it shows in their to-do list."""
    question = _text(question)
    if not question:
        raise Invalid("question_required", gettext_noop("请写明需要说明的问题。"))
    if (staff is None) == (department is None):
        raise Invalid("explainer_required", gettext_noop("请指定一位工作人员或一个科室作出说明。"))
    _check_against(complaint.center, Against(staff=staff, department=department))
    today = clock.today()
    try:
        rules.check_explanation_due(
            due=due_date, today=today, is_workday=workdays.calendar_for(complaint.center).is_workday(due_date)
        )
    except rules.RuleError as error:
        raise rule_error(error) from None
    with _step(actor, complaint, "explanation") as (locked, officer):
        explanation = Explanation.objects.create(
            complaint=locked,
            from_staff=staff,
            from_department=department,
            question=question,
            due_date=due_date,
            requested_at=clock.now(),
            requested_by=officer,
        )
        _event(locked, officer, "explanation", f"{staff.name if staff else department.name}：{question}")
    return explanation


def may_answer(actor, explanation: Explanation) -> bool:
    """The person asked, a head of the department asked, or the complaint's handlers (recording a
    written answer they received)."""
    staff = Staff.objects.filter(user=actor).first()
    if staff is not None and explanation.from_staff_id == staff.pk:
        return True
    if (
        explanation.from_department_id
        and staff is not None
        and staff.department_id == explanation.from_department_id
        and access.has_role(actor, explanation.complaint.center, Role.DEPARTMENT_HEAD)
    ):
        return True
    return access.has_role(
        actor, explanation.complaint.center, *COMPLAINT_HANDLERS
    ) and not selectors.is_subject(actor, explanation.complaint)


def explanation_answer(*, actor, explanation: Explanation, answer: str, proposal: str = "") -> Explanation:
    answer = _text(answer)
    if not answer:
        raise Invalid("answer_required", gettext_noop("请填写情况说明。"))
    if not may_answer(actor, explanation):
        raise Forbidden(gettext_noop("只有被要求说明的人员、科室负责人或投诉处理人员可以答复这份说明。"))
    staff = _acting_staff(actor, explanation.complaint.center)
    with transaction.atomic():
        locked = (
            Explanation.objects.select_for_update(of=("self",))
            .select_related("complaint__center")
            .get(pk=explanation.pk)
        )
        if locked.answered_at is not None:
            raise Conflict("already_answered", gettext_noop("这份情况说明已经答复。"))
        if locked.complaint.status == rules.CONCLUDED:
            raise Conflict("already_concluded", gettext_noop("该投诉已办结，不能再答复说明。"))
        before = audit.snapshot(locked)
        locked.answer, locked.proposal = answer, _text(proposal)
        locked.answered_at, locked.answered_by = clock.now(), staff
        locked.save(update_fields=["answer", "proposal", "answered_at", "answered_by"])
        _event(locked.complaint, staff, "explained", answer[:200])
        audit.record(
            actor=actor,
            action="complaint.explained",
            obj=locked,
            center=locked.complaint.center,
            before=before,
            after=audit.snapshot(locked),
        )
    return locked


def complaint_delay(*, actor, complaint: Complaint, explanation: str) -> Complaint:
    """CMP-4: the explanation given to the complainant when it cannot be answered in time; the
    complaint stays open and followed, visibly late, until concluded."""
    explanation = _text(explanation)
    if not explanation:
        raise Invalid("explanation_required", gettext_noop("请写明向投诉人说明的情况。"))
    with _step(actor, complaint, "delay") as (locked, staff):
        locked.delay_explanation, locked.delayed_at = explanation, clock.now()
        locked.save(update_fields=["delay_explanation", "delayed_at"])
        _event(locked, staff, "delay", explanation)
    return locked


def complaint_escalate(*, actor, complaint: Complaint, to: str, note: str = "") -> Complaint:
    """CMP-5: a major complaint to the deputy leader, or to the discipline office for conduct."""
    if to not in CONCLUDERS:
        raise Invalid(
            "invalid_target", gettext_noop("上报对象应为分管领导（leader）或纪工委/效能办（discipline）。")
        )
    with _step(actor, complaint, "escalate") as (locked, staff):
        try:
            rules.check_escalation(locked.status, locked.escalated_to, to)
        except rules.RuleError as error:
            raise rule_error(error) from None
        locked.status, locked.escalated_to, locked.escalated_at = rules.ESCALATED, to, clock.now()
        locked.escalation_note = _text(note)
        locked.save(update_fields=["status", "escalated_to", "escalated_at", "escalation_note"])
        _event(
            locked, staff, "escalate", f"{locked.get_escalated_to_display()} {locked.escalation_note}".strip()
        )
    return locked


def concluders(complaint: Complaint) -> tuple:
    return CONCLUDERS[complaint.escalated_to] if complaint.status == rules.ESCALATED else COMPLAINT_HANDLERS


def complaint_conclude(
    *,
    actor,
    complaint: Complaint,
    substantiated: bool,
    finding: str,
    action: str,
    answer: str,
    answered_via: str,
    transfer_reply: str = "",
    first_inquiry_failure: str = "",
    visit: Visit | None = None,
    case: Case | None = None,
    responsible: Staff | None = None,
) -> Complaint:
    """The conclusion: substantiated or not, the finding, the action, the answer and how it was
    given; for a transfer, the reply to the sending office. A substantiated complaint against a
    person is a conduct fact against them (CMP-7), and a first-inquiry failure found is recorded
    against the person complained about with the visit or case (INQ-3). A complaint that named
    only a window or a department (a citizen seldom knows the clerk's name) gets the person the
    investigation found responsible (``responsible``), so the fact reaches them."""
    if answered_via and answered_via not in Complaint.AnsweredVia.values:
        raise Invalid("invalid_answered_via", gettext_noop("答复方式不正确。"))
    if first_inquiry_failure and first_inquiry_failure not in FirstInquiryFailure.Kind.values:
        raise Invalid("invalid_failure_kind", gettext_noop("首问责任不落实的情形不正确。"))
    if actor is not None and actor != "public":
        roles = concluders(complaint)
        if not access.has_role(actor, complaint.center, *roles):
            if access.has_role(actor, complaint.center, *COMPLAINT_HANDLERS, Role.SUPERVISOR):
                raise Forbidden(
                    gettext_noop(
                        "投诉 %(complaint)s 已上报%(complaint2)s，由其办结。",
                        complaint=complaint.number,
                        complaint2=complaint.get_escalated_to_display(),
                    ),
                    code="escalated_elsewhere",
                )
    with _step(
        actor if actor != "public" else None, complaint, "conclude", concluders(complaint), open_only=False
    ) as (
        locked,
        staff,
    ):
        try:
            rules.check_open(locked.status, "办结")
            rules.check_conclusion(
                status=locked.status,
                answer=answer,
                finding=finding,
                answered_via=answered_via,
                channel=locked.channel,
                transfer_reply=transfer_reply,
            )
        except rules.RuleError as error:
            if error.code == "answer_required":  # concluding without an answer: a refusal of the step
                raise Conflict(error.code, error.message) from None
            raise rule_error(error) from None
        if responsible is not None:
            if responsible.center_id != locked.center_id:
                _check_against(locked.center, Against(staff=responsible))
            if locked.against_staff_id not in (None, responsible.pk):
                raise Conflict(
                    "against_staff_named",
                    gettext_noop(
                        "投诉已指明被投诉人%(name)s，不能改为其他人员。", name=locked.against_staff.name
                    ),
                )
            locked.against_staff = responsible
        if first_inquiry_failure and locked.against_staff_id is None:
            raise Invalid("failure_needs_staff", gettext_noop("认定首问责任不落实须有具体的被投诉人。"))
        now = clock.now()
        locked.status, locked.concluded_at, locked.concluded_by = rules.CONCLUDED, now, staff
        locked.substantiated = bool(substantiated)
        locked.finding, locked.action, locked.answer = _text(finding), _text(action), _text(answer)
        locked.answered_via = answered_via
        locked.transfer_reply = _text(transfer_reply) if locked.channel == rules.TRANSFER else ""
        locked.save(
            update_fields=[
                "status",
                "concluded_at",
                "concluded_by",
                "substantiated",
                "finding",
                "action",
                "answer",
                "answered_via",
                "transfer_reply",
                "against_staff",
            ]
        )
        verdict = "经查属实" if locked.substantiated else "经查不属实"
        _event(locked, staff, "conclude", f"{verdict}。{locked.finding}")
        if first_inquiry_failure:
            FirstInquiryFailure.objects.create(
                center=locked.center,
                staff=locked.against_staff,
                kind=first_inquiry_failure,
                at=now,
                visit=visit,
                case=case,
                complaint=locked,
                recorded_by=actor if actor not in (None, "public") else None,
                note=locked.finding[:500],
            )
            _event(
                locked, staff, "first_inquiry_failure", FirstInquiryFailure.Kind(first_inquiry_failure).label
            )
    return locked


def first_inquiry_failure_record(
    *,
    actor,
    center: Center,
    staff: Staff,
    kind: str,
    visit: Visit | None = None,
    case: Case | None = None,
    note: str = "",
) -> FirstInquiryFailure:
    """INQ-3: a leader records a first-inquiry failure directly, with the visit or case."""
    access.require(actor, center, *FAILURE_RECORDERS)
    if kind not in FirstInquiryFailure.Kind.values:
        raise Invalid("invalid_failure_kind", gettext_noop("首问责任不落实的情形不正确。"))
    if visit is None and case is None:
        raise Invalid("visit_or_case_required", gettext_noop("请指明所涉及的来访登记或办件。"))
    if staff.center_id != center.pk or any(x is not None and x.center_id != center.pk for x in (visit, case)):
        raise Invalid(
            "staff_of_other_center", gettext_noop("人员、来访或办件不属于%(center)s。", center=center.name)
        )
    with transaction.atomic():
        failure = FirstInquiryFailure.objects.create(
            center=center,
            staff=staff,
            kind=kind,
            at=clock.now(),
            visit=visit,
            case=case,
            recorded_by=actor,
            note=_text(note)[:500],
        )
        audit.record(
            actor=actor,
            action="complaint.first_inquiry_failure",
            obj=failure,
            center=center,
            after=audit.snapshot(failure),
        )
    return failure


def box_opening_record(
    *, actor, center: Center, opened_at: dt.datetime, letters: int, note: str = ""
) -> BoxOpening:
    """002 八(二): the day's suggestion-box opening (the letters found are then registered each)."""
    access.require(actor, center, *RECEIVERS)
    if opened_at.tzinfo is None:
        opened_at = opened_at.replace(tzinfo=clock.TZ)
    day, now = clock.local(opened_at).date(), clock.now()
    if opened_at > now + dt.timedelta(minutes=1):
        raise Invalid("opened_in_future", gettext_noop("开箱时间不能晚于现在。"))
    try:
        rules.check_opening(
            day=day,
            today=clock.today(),
            is_workday=workdays.calendar_for(center).is_workday(day),
            letters=letters,
        )
    except rules.RuleError as error:
        raise rule_error(error) from None
    with transaction.atomic():
        if BoxOpening.objects.filter(center=center, day=day).exists():
            raise Conflict(
                "already_opened", gettext_noop("%(day)s 的开箱已经登记。", day=format(day, "%Y-%m-%d"))
            )
        opening = BoxOpening.objects.create(
            center=center,
            day=day,
            opened_at=opened_at,
            letters=letters,
            opened_by=_acting_staff(actor, center),
            recorded_at=now,
            note=_text(note)[:300],
        )
        audit.record(
            actor=actor,
            action="complaint.box_opened",
            obj=opening,
            center=center,
            after=audit.snapshot(opening),
        )
    return opening


# --- the complainant's look-up ----------------------------------------------------------------------


def complaint_look_up(*, number: str, code: str, address: str) -> dict:
    """The complainant's look-up with the number and the query code (no login), guarded like the
    case look-up (wrong codes counted per complaint number and per client address)."""
    normal = (number or "").strip().upper()[:60]
    return guards.guarded(
        f"complaint:{normal}",
        address,
        lambda: selectors.public_complaint(normal, code),
        lambda minutes: gettext_noop("查询码输错次数过多，请 %(minutes)s 分钟后再查询。", minutes=minutes),
        "complaint.look_up_locked",
    )
