"""Every write of parallel approval: one transaction, the case locked, an audit event.

The lead window accepts the case through the cases app (``cases.services.case_intake``); from its
acceptance the participants named by the item version (CAT-6) have it with its materials, each
with its own working-day limit (PAR-1). Here: a participant's opinion (PAR-2, PAR-3), the lead's
urging (PAR-3), a second round after rectification (PAR-2), the lead's decision once everyone has
answered or is deemed to approve (PAR-4), and joint meetings with their attendance (PAR-5).
"""

import datetime as dt
import hashlib

from django.db import transaction

from servicehall.cases import notices as case_notices
from servicehall.cases import rules as case_rules
from servicehall.cases import services as case_services
from servicehall.cases.models import Case
from servicehall.core import audit, clock, pdf
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.text import gettext_noop as _
from servicehall.org import access
from servicehall.org.models import Department, Staff
from servicehall.parallel import rules, selectors
from servicehall.parallel.models import Decision, Invitation, Meeting, Opinion, Resubmission, Urge
from servicehall.workdays import selectors as workdays


def _error(error: rules.RuleError) -> Invalid | Conflict:
    return (Conflict if error.conflict else Invalid)(error.code, error.message)


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("center__policy", "window", "item_version__department", "handler")
        .get(pk=case.pk)
    )


def _department(case: Case, code: str) -> Department:
    """A participating department of the case (PAR-1), or 403 for any other."""
    department = Department.objects.filter(center=case.center, code=(code or "")[:42]).first()
    if department is None or not any(v.department.pk == department.pk for v in _views(case)):
        raise Forbidden(
            _("「%(code)s」不是办件 %(number)s 的协办站所。", code=(code or "")[:42], number=case.number),
            code="not_participant",
        )
    return department


def _views(case: Case, now: dt.datetime | None = None):
    return selectors.participants(case, now or clock.now(), with_handlers=False)


def _parallel(case: Case) -> None:
    if not selectors.is_parallel(case):
        raise Conflict("not_parallel", _("办件 %(number)s 的事项不是并联审批事项。", number=case.number))
    if case.accepted_at is None:
        raise Conflict("not_sent", _("办件 %(number)s 尚未受理，还没有抄告协办站所。", number=case.number))


def _lead(actor, case: Case) -> Staff | None:
    """The lead window's staff (or a leader of the center); None only for the system itself."""
    if actor is None:
        return None
    access.require(actor, case.center, *case_services.RECEIVERS)
    if not selectors.is_lead(actor, case):
        raise Forbidden(
            _(
                "只有牵头窗口（%(window)s）的在岗人员、经办人或中心领导可以办理此项。",
                window=str(case.window),
            ),
            code="not_lead",
        )
    return Staff.objects.filter(user=actor, center=case.center).first()


def _view(case: Case, department: Department, now: dt.datetime):
    return next(v for v in _views(case, now) if v.department.pk == department.pk)


def opinion_give(
    *, actor, case: Case, department: str, opinion: str, note: str = "", expected_date: dt.date | None = None
) -> Opinion:
    """PAR-2, PAR-3, PAR-4: a participating department answers (approve, reject with reasons,
    rectify with its requirements), reports upward with the expected date, or explains in writing
    before its limit with a new date (never past the statutory maximum). An answer after the limit
    is kept and marked late; the deemed approval stands."""
    _parallel(case)
    dept = _department(case, department)
    access.require(actor, case.center, *case_services.RECEIVERS)
    staff = Staff.objects.filter(user=actor, center=case.center, active=True).first() if actor else None
    if staff is None or staff.department_id != dept.pk:
        raise Forbidden(
            _("只有%(name)s的工作人员可以答复本站所的意见。", name=dept.name), code="not_of_department"
        )
    note = (note or "").strip()
    with transaction.atomic():
        locked = _lock(case)
        now = clock.now()
        view = _view(locked, dept, now)
        cal = workdays.calendar_for(locked.center)
        try:
            rules.check_opinion(
                kind=opinion,
                note=note,
                expected=expected_date,
                s=view.standing,
                now=now,
                today=clock.local(now).date(),
                maximum=locked.statutory_due_date or locked.due_date,
                is_workday=cal.is_workday,
            )
        except rules.RuleError as error:
            raise _error(error) from None
        row = Opinion.objects.create(
            case=locked,
            department=dept,
            round=view.round,
            kind=opinion,
            note=note,
            expected_date=expected_date if opinion in rules.EXTENDING else None,
            at=now,
            by=staff,
        )
        after = audit.snapshot(row)
        after["late"] = now > view.standing.deadline and opinion in rules.ANSWERS
        audit.record(actor=actor, action="parallel.opinion", obj=row, center=locked.center, after=after)
    return row


def urge(*, actor, case: Case, department: str, note: str) -> Urge:
    """PAR-3: the lead urges a participant (催办): a dated record with a note, shown to it and counted."""
    _parallel(case)
    dept = _department(case, department)
    staff = _lead(actor, case)
    with transaction.atomic():
        locked = _lock(case)
        if selectors.decision_of(locked) is not None:
            raise Conflict("case_decided", _("办件 %(number)s 已经作出并联审批决定。", number=case.number))
        now = clock.now()
        view = _view(locked, dept, now)
        try:
            rules.check_urge(view.standing, note)
        except rules.RuleError as error:
            raise _error(error) from None
        row = Urge.objects.create(
            case=locked, department=dept, round=view.round, note=note.strip()[:500], at=now, by=staff
        )
        audit.record(
            actor=actor, action="parallel.urge", obj=row, center=locked.center, after=audit.snapshot(row)
        )
    return row


def resubmit(*, actor, case: Case, note: str) -> Resubmission:
    """PAR-2: the applicant has corrected what a participant asked; the second round starts now,
    every participant with its full limit again (二次申请)."""
    _parallel(case)
    staff = _lead(actor, case)
    if not (note or "").strip():
        raise Invalid("note_required", _("请填写整改情况。"))
    with transaction.atomic():
        locked = _lock(case)
        if selectors.decision_of(locked) is not None:
            raise Conflict("case_decided", _("办件 %(number)s 已经作出并联审批决定。", number=case.number))
        now = clock.now()
        views = _views(locked, now)
        try:
            rules.check_resubmit([v.standing for v in views])
        except rules.RuleError as error:
            raise _error(error) from None
        row = Resubmission.objects.create(
            case=locked, round=views[0].round + 1, note=note.strip()[:500], at=now, by=staff
        )
        audit.record(
            actor=actor, action="parallel.resubmit", obj=row, center=locked.center, after=audit.snapshot(row)
        )
    return row


def _day(moment) -> str:
    return clock.local(moment).strftime("%Y年%m月%d日")


def decision_content(case: Case, views, result: str, approve: bool, staff, number: str, now) -> dict:
    """What the decision prints: the case, the lead's decision, and every participant's opinion,
    a deemed approval named as such."""
    lines = []
    for v in views:
        s = v.standing
        if s.deemed:
            line = (
                f"{v.department.name}：超时默认同意（办理期限{s.due_date:%Y年%m月%d日}届满未答复、"
                "未作书面说明，视为默认同意，由此产生的后果由该站所承担）"
            )
            if s.late:
                line += f"；逾期意见「{rules.OPINION_NAMES[s.answer]}」已存档，不改变本决定"
        else:
            said = v.opinions[-1] if v.opinions else None
            line = f"{v.department.name}：{rules.OPINION_NAMES.get(s.answer, '')}"
            if said is not None:
                line += f"（{_day(said.at)}）"
                if said.note:
                    line += f"，{said.note}"
        lines.append(line)
    return {
        "title": "并联审批决定书",
        "center_name": case.center.name,
        "number": number,
        "case_number": "",  # in the fields; a decision has no query code line
        "query_code": "",
        "issued_at": clock.local(now).isoformat(),
        "handler": staff.name if staff else "",
        "seal_text": "行政审批专用章",
        "copies": ["第一联  申请人留存", "第二联  窗口存档"],
        "fields": [
            ["办件编号", case.number],
            ["事项名称", case.item_version.name],
            ["申请人", case.applicant_name],  # named in full, as on every notice the applicant is handed
            ["牵头站所", f"{case.item_version.department.name}（{case.window}）"],
            ["受理时间", _day(case.accepted_at)],
            ["审批决定", ("准予许可：" if approve else "不予许可：") + result],
            *[line.split("：", 1) for line in lines],  # one row per participant: its opinion
        ],
        "lists": [],
        "paragraphs": [
            "本决定由牵头站所汇总各协办站所意见后作出（统一受理、抄告相关、同步审批、限时办结）。",
            case_notices.REMEDY,
        ],
    }


HEAD_ROWS = 6  # the decision's rows before the participants' opinions


def opinion_lines(content: dict) -> list[str]:
    """Each participant's opinion as the decision prints it: "站所：意见"."""
    return [f"{label}：{value}" for label, value in content["fields"][HEAD_ROWS:]]


def _document(content: dict) -> pdf.Notice:
    return pdf.Notice(
        **{
            **content,
            "issued_at": dt.datetime.fromisoformat(content["issued_at"]),
            "fields": [tuple(row) for row in content["fields"]],
            "lists": [(heading, list(lines)) for heading, lines in content["lists"]],
            "copies": tuple(content["copies"]),
        }
    )


def pdf_of(decision: Decision) -> bytes:
    """The decision as issued: rendered once from its kept content, then the stored bytes."""
    if not decision.sha256:
        data = pdf.render(_document(decision.content))
        digest = hashlib.sha256(data).hexdigest()
        Decision.objects.filter(pk=decision.pk, sha256="").update(pdf=data, sha256=digest)
        decision.refresh_from_db(fields=["pdf", "sha256"])
    return bytes(decision.pdf)


def decide(*, actor, case: Case, result: str, approve: bool) -> Decision:
    """PAR-4: once every participant has answered or is deemed to approve, the lead decides and
    issues the decision with the approval-seal area. Approved: the case is completed with the
    result; not approved: the denial is filed with the authority the policy names (CAS-6)."""
    _parallel(case)
    staff = _lead(actor, case)
    result = (result or "").strip()
    with transaction.atomic():
        locked = _lock(case)
        if selectors.decision_of(locked) is not None:
            raise Conflict("already_decided", _("办件 %(number)s 已经作出并联审批决定。", number=case.number))
        if locked.status != case_rules.ACCEPTED:
            raise Conflict(
                "case_not_open", _("办件 %(number)s 当前不在办理中，不能作出决定。", number=case.number)
            )
        now = clock.now()
        views = selectors.participants(locked, now)
        try:
            rules.check_decide({v.department.name: v.standing for v in views}, result)
        except rules.RuleError as error:
            raise _error(error) from None
        if len(result) > 2000:
            raise Invalid("too_long", _("决定内容不能超过 2000 字。"))
        year = clock.local(now).year
        seq = case_notices.next_number(locked.center, year, "parallel")
        number = f"{case_rules.short_name(locked.center.name)}并审决〔{year}〕第{seq:04d}号"
        content = decision_content(locked, views, result, approve, staff, number, now)
        missing = pdf.unprintable(pdf.text_of(_document(content)))
        if missing:
            raise Invalid(
                "unprintable_character", _("决定书中有无法打印的字符：%(chars)s", chars="、".join(missing))
            )
        decision = Decision.objects.create(
            case=locked, number=number, approve=approve, result=result, at=now, by=staff, content=content
        )
        audit.record(
            actor=actor,
            action="parallel.decide",
            obj=decision,
            center=locked.center,
            after={
                **audit.snapshot(decision, ["number", "approve", "result", "at"]),
                "deemed": [v.department.code for v in views if v.deemed],
            },
        )
        if approve:
            case_services.case_complete(actor=actor, case=locked, result=result)
        else:
            case_services.case_deny(
                actor=actor, case=locked, reason=result, basis=f"并联审批决定 {number}（各协办站所意见）"
            )
        transaction.on_commit(lambda: pdf_of(decision), robust=True)
    return decision


# --- joint meetings (PAR-5) ---------------------------------------------------------------------


def meeting_convene(
    *, actor, case: Case, kind: str, at: dt.datetime, place: str, departments: list[str]
) -> Meeting:
    """PAR-5: the center convenes a joint review meeting or site inspection for a case: its
    invitees (each with its representative), time and place."""
    _parallel(case)
    staff = _lead(actor, case)
    codes = [(c or "").strip()[:42] for c in departments or []]
    try:
        rules.check_meeting(kind, place, codes)
    except rules.RuleError as error:
        raise _error(error) from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=clock.TZ)
    found = {d.code: d for d in Department.objects.filter(center=case.center, code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise Invalid(
            "unknown_department",
            _("%(center)s没有站所「%(code)s」。", center=case.center.name, code=unknown[0]),
        )
    with transaction.atomic():
        locked = _lock(case)
        meeting = Meeting.objects.create(
            case=locked, kind=kind, at=at, place=place.strip(), convened_at=clock.now(), convened_by=staff
        )
        day = clock.local(at).date()
        Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting=meeting, department=found[c], representative=selectors.handler_of(found[c], day)
                )
                for c in codes
            ]
        )
        audit.record(
            actor=actor,
            action="parallel.meeting",
            obj=meeting,
            center=locked.center,
            after={**audit.snapshot(meeting), "departments": codes},
        )
    return meeting


def attendance_record(
    *, actor, meeting: Meeting, department: str, present: bool, excuse: str = ""
) -> Invitation:
    """PAR-5: an invited department's attendance; an absence without a recorded excuse is kept
    against its representative (a conduct fact)."""
    case = meeting.case
    staff = _lead(actor, case)
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("department", "representative")
            .filter(meeting=meeting, department__code=(department or "")[:42])
            .order_by("id")
            .first()
        )
        if invitation is None:
            raise Invalid(
                "department_not_invited",
                _("「%(code)s」不在本次会议的邀请名单中。", code=(department or "")[:42]),
            )
        try:
            rules.check_attendance(
                at=meeting.at, now=clock.now(), recorded=invitation.recorded_at is not None
            )
        except rules.RuleError as error:
            raise _error(error) from None
        before = audit.snapshot(invitation)
        invitation.present = present
        invitation.excuse = "" if present else (excuse or "").strip()[:300]
        invitation.recorded_at, invitation.recorded_by = clock.now(), staff
        invitation.save()
        audit.record(
            actor=actor,
            action="parallel.attendance",
            obj=invitation,
            center=case.center,
            before=before,
            after=audit.snapshot(invitation),
        )
    return invitation


# --- what the cases app calls (cases.hooks) -----------------------------------------------------


def on_accepted(case: Case, staff) -> None:
    """PAR-1: the lead window accepted a parallel case; it goes with its materials to every
    participating department, each from now on with its own working-day limit (recorded)."""
    if not selectors.is_parallel(case):
        return
    views = selectors.participants(case, clock.now(), with_handlers=False)
    audit.record(
        actor=getattr(staff, "user", None),
        action="parallel.send",
        obj=case,
        center=case.center,
        after={"participants": {v.department.code: v.due_date.isoformat() for v in views}},
    )


def on_urge(*, actor, case: Case, department: str, note: str) -> bool:
    """``POST /api/v1/cases/{number}/urge`` with a department: the lead urges that participant."""
    if not selectors.is_parallel(case):
        return False
    urge(actor=actor, case=case, department=department, note=note)
    return True


def _pending_names(case: Case) -> list[str]:
    views = selectors.participants(case, clock.now(), with_handlers=False)
    return [v.department.name for v in views if v.pending]


def guard_advance(case: Case, decision: str) -> None:
    """PAR-2, PAR-4: while a participant has neither answered nor is deemed, the lead approves no
    step of a parallel case (the joint review would show done with opinions outstanding); a step
    may still be returned."""
    if decision != case_rules.APPROVE or not selectors.is_parallel(case) or case.accepted_at is None:
        return
    pending = _pending_names(case)
    if pending:
        raise Conflict(
            "participants_pending",
            _("以下协办站所尚未答复且未超过办理期限，本环节不能通过：%(names)s", names="、".join(pending)),
        )


def guard_complete(case: Case) -> None:
    """PAR-4: a parallel case is not completed while a participant has neither answered nor is
    deemed, and then only by the lead's decision (``decide``), which issues the decision with its
    seal area and names a deemed approval — never by a plain completion or a step's approval."""
    if not selectors.is_parallel(case) or case.accepted_at is None:
        return
    pending = _pending_names(case)
    if pending:
        raise Conflict(
            "participants_pending",
            _("以下协办站所尚未答复且未超过办理期限，不能办结：%(names)s", names="、".join(pending)),
        )
    if selectors.decision_of(case) is None:
        raise Conflict(
            "decision_required",
            _("并联审批办件由牵头站所在“并联审批办理”页作出决定并出具决定书后办结。"),
        )
