"""Every write of the visit register and of cases: one transaction, validation, an audit event."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from servicehall.cases import guards, hooks, notices, rules, sms
from servicehall.cases.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    Notice,
    StepAction,
    Urge,
    Visit,
)
from servicehall.cases.notices import next_number
from servicehall.cases.selectors import (
    URGERS,
    may_act_for,
    missing_materials,
    own_window,
    planned_steps,
    public_case,
    serves_item,
    staff_of,
)
from servicehall.catalog import rules as rules_catalog
from servicehall.catalog.models import ItemVersion
from servicehall.catalog.selectors import guide, is_authorised
from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import LEADERS, Role
from servicehall.core.rules import mask_phone
from servicehall.core.text import gettext_noop
from servicehall.org import access
from servicehall.org.models import Center, Staff, Window
from servicehall.org.selectors import posts_on
from servicehall.tickets.models import Ticket
from servicehall.workdays import selectors as workdays

# Who receives visitors and applicants (the first-inquiry officers) and who files cases.
RECEIVERS = (
    Role.WINDOW_STAFF,
    Role.DEPARTMENT_HEAD,
    Role.DUTY_OFFICER,
    Role.COMPLAINT_OFFICER,
    Role.DIRECTOR,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
)
ESCALATION_ROLES = (*LEADERS, Role.DEPARTMENT_HEAD)


def rule_error(error: rules.RuleError) -> Invalid | Conflict:
    """A refusal of the rules as the domain error the API and the pages show."""
    return (Conflict if error.conflict else Invalid)(error.code, error.message)


def _check_acts_for(actor, center: Center, officer: Staff, window: Window | None) -> None:
    """ORG-3: a person acts only in the name of a window they hold or cover today (or, as a leader
    or department head, any window of the center)."""
    if (
        window is not None
        and window.center_id == center.pk
        and not may_act_for(actor, center, officer, window)
    ):
        raise Forbidden(
            gettext("您今天不在%(window)s的 A 岗或 B 岗，也未在该窗口顶岗，不能以该窗口的名义办理。")
            % {"window": window},
            code="not_window_holder",
        )


def _check_in_center(center: Center, *, window=None, target_window=None, colleague=None, officer=None):
    for w in (window, target_window):
        if w is not None and w.center_id != center.pk:
            raise Invalid(
                "window_of_other_center", gettext("%(w)s 不属于%(name)s。") % {"w": w, "name": center.name}
            )
    if colleague is not None and (colleague.center_id != center.pk or not colleague.active):
        raise Invalid(
            "staff_of_other_center",
            gettext("%(name)s 不是%(name1)s在岗的工作人员。")
            % {"name": colleague.name, "name1": center.name},
        )
    if colleague is not None and colleague.pk == getattr(officer, "pk", None):
        raise Invalid("handed_to_self", gettext("不能移交给自己。"))


def visit_record(
    *,
    actor,
    center: Center,
    channel: str,
    category: str,
    matter: str,
    outcome: str,
    window: Window | None = None,
    colleague: Staff | None = None,
    target_window: Window | None = None,
    leader: Staff | None = None,
    agency: str = "",
    note: str = "",
    visitor_name: str = "",
    visitor_phone: str = "",
) -> Visit:
    """INQ-1, INQ-2: the first-inquiry officer (the actor) registers a visit or call and its outcome."""
    access.require(actor, center, *RECEIVERS)
    officer = staff_of(actor, center)
    if channel not in Visit.Channel.values:
        raise Invalid("invalid_channel", gettext("请选择来访或来电。"))
    if category not in Visit.Category.values:
        raise Invalid("invalid_category", gettext("请选择类别。"))
    matter = (matter or "").strip()
    if not matter or len(matter) > 300:
        raise Invalid("matter_required", gettext("请填写事由（300字以内）。"))
    agency, note = (agency or "").strip(), (note or "").strip()  # too long: refused on save
    named = {
        "colleague": colleague,
        "window": target_window,
        "leader": leader,
        "agency": agency,
        "note": note,
    }
    try:
        rules.check_visit_outcome(outcome, named)
        phone = rules.check_phone(visitor_phone) if (visitor_phone or "").strip() else ""
    except rules.RuleError as error:
        raise rule_error(error) from None
    need = rules.OUTCOME_NEEDS[outcome]
    kept = {k: (v if k == need else None) for k, v in named.items() if k != "note"}
    window = window or own_window(officer)
    _check_in_center(
        center, window=window, target_window=kept["window"], colleague=kept["colleague"], officer=officer
    )
    _check_acts_for(actor, center, officer, window)
    if kept["leader"] is not None and not access.has_role(kept["leader"].user, center, *ESCALATION_ROLES):
        raise Invalid(
            "not_a_leader", gettext("%(name)s 不是本中心的领导或科室负责人。") % {"name": kept["leader"].name}
        )
    now = clock.now()
    with transaction.atomic():
        visit = Visit.objects.create(
            center=center,
            window=window,
            officer=officer,
            at=now,
            day=clock.local(now).date(),
            channel=channel,
            category=category,
            matter=matter,
            visitor_name=(visitor_name or "").strip(),
            visitor_phone=phone,
            outcome=outcome,
            colleague=kept["colleague"],
            target_window=kept["window"],
            leader=kept["leader"],
            agency=kept["agency"] or "",
            note=note,
        )
        audit.record(
            actor=actor, action="visit.record", obj=visit, center=center, after=audit.snapshot(visit)
        )
    return visit


# --- cases ---------------------------------------------------------------------------------------

CASE_LEADERS = (*LEADERS, Role.DEPARTMENT_HEAD)  # act on any case of their center
DECIDERS = tuple(LEADERS)  # decide a denial filing (CAS-6)
AT_COUNTER = (Ticket.Status.CALLED, Ticket.Status.SERVING)
DEFAULT_RESULT = "当场办结，结果已当场交付申请人。"


@dataclass(frozen=True)
class Applicant:
    """CAS-2: a person (citizen ID number) or an organisation (unified social credit code)."""

    name: str
    phone: str
    id_number: str = ""
    credit_code: str = ""


@dataclass(frozen=True)
class Agent:
    """CAS-13: someone applying on the applicant's behalf (代办)."""

    name: str
    id_number: str
    phone: str


def _checked_applicant(applicant: Applicant, today) -> dict:
    name = (applicant.name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("applicant_name_required", gettext("请填写申请人姓名或单位名称。"))
    if bool(applicant.id_number) == bool(applicant.credit_code):
        raise Invalid(
            "applicant_number_required",
            gettext("个人须填写身份证号码，单位须填写统一社会信用代码（二者选一）。"),
        )
    try:
        if applicant.id_number:
            kind, number = Case.ApplicantKind.PERSON, rules.check_id_number(applicant.id_number, today).number
        else:
            kind, number = Case.ApplicantKind.ORGANISATION, rules.check_credit_code(applicant.credit_code)
        phone = rules.check_phone(applicant.phone)
    except rules.RuleError as error:
        raise rule_error(error) from None
    return {
        "applicant_kind": kind,
        "applicant_name": name,
        "applicant_number": number,
        "applicant_phone": phone,
    }


def _checked_agent(agent: Agent | None, today) -> dict:
    if agent is None or not any((agent.name, agent.id_number, agent.phone)):
        return {}
    name = (agent.name or "").strip()
    if not name or len(name) > 40:
        raise Invalid("agent_name_required", gettext("请填写代办人姓名。"))
    try:
        number = rules.check_id_number(agent.id_number, today).number
        phone = rules.check_phone(agent.phone)
    except rules.RuleError as error:
        raise Invalid(
            f"agent_{error.code}", gettext("代办人：%(message)s") % {"message": error.message}
        ) from None
    return {"agent_name": name, "agent_id_number": number, "agent_phone": phone}


def _version(center: Center, item: str) -> ItemVersion:
    try:
        return guide(center, item or "")
    except NotFound as exc:
        raise Invalid("item_not_found", exc.message) from None


def _event(case: Case, staff, action: str, note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, at=clock.now(), actor=staff, action=action, status=case.status, note=note
    )


def _set_due(case: Case, due_date, cal) -> None:
    """The due date, the moment it expires (closing time that day) and the warning day (CAS-14)."""
    case.due_date = due_date
    case.due_at = workdays.closing_time(case.center, due_date)
    case.warn_date = rules.warn_date(cal, due_date, case.limit_days)


def _start_clock(case: Case, at) -> None:
    """CAS-4, CAS-5: accepted at ``at``; due after the committed limit, at most the statutory one."""
    version = case.item_version
    case.accepted_at = at
    case.limit_days = version.committed_days if version.kind == rules.COMMITTED else 0
    due_at, case.provisional = workdays.deadline(case.center, at, case.limit_days)
    if version.statutory_days is not None:
        statutory_at, _ = workdays.deadline(case.center, at, version.statutory_days)
        case.statutory_due_date = clock.local(statutory_at).date()
    _set_due(case, clock.local(due_at).date(), workdays.calendar_for(case.center))


def _materials(case: Case) -> tuple[list, list]:
    """The case's checklist as (missing required, received) catalog materials, in catalog order."""
    rows = list(case.materials.select_related("material").order_by("material__position"))
    missing = [r.material for r in rows if r.received_at is None and r.material.required]
    received = [r.material for r in rows if r.received_at is not None]
    return missing, received


def _finish(case: Case, staff, status: str, note: str) -> None:
    case.status, case.finished_at = status, clock.now()
    case.save()
    _event(case, staff, status, note)


def _tell_completed(case: Case, staff) -> None:
    """CAS-7: the applicant (or their agent) is told by SMS; without a mobile number, by phone."""
    phone = next((p for p in (case.applicant_phone, case.agent_phone) if rules.is_mobile(p)), "")
    if not phone:
        _event(case, staff, "notify_by_phone", gettext("无手机号码，请电话告知：%(applicant_phone)s") % {"applicant_phone": case.applicant_phone})
        return
    text = (
        gettext("【%(name)s】您申请的“%(name1)s”（办件编号%(number)s）已办结，请凭办结通知书到%(window)s领取结果。") % {"name": case.center.name, "name1": case.item_version.name, "number": case.number, "window": case.window}
    )
    sms.send(phone=phone, text=text, reference=case.number)
    _event(case, staff, "notified", gettext("已短信告知 %(value)s") % {"value": mask_phone(phone)})


def case_intake(
    *,
    actor,
    center: Center,
    item: str,
    applicant: Applicant,
    materials: list[str],
    window: Window | None = None,
    agent: Agent | None = None,
    ticket: Ticket | None = None,
    received_at=None,
    backfill_reason: str = "",
    eligible: bool = True,
    reason: str = "",
    basis: str = "",
    result: str = "",
) -> Case:
    """CAS-1 … CAS-4, CAS-12, CAS-13: take in an application, with exactly one outcome.

    All there → accepted with its due date (committed item) or completed on the spot (immediate);
    something missing → awaiting materials, with the one-time notice listing every missing
    material; not eligible → refused in writing. The intake is recorded at the server's time; an
    earlier stated receipt beyond the policy's tolerance is a back-fill and needs a reason.
    """
    access.require(actor, center, *RECEIVERS)
    officer = staff_of(actor, center)
    now, today = clock.now(), clock.today()
    if received_at is not None and received_at.tzinfo is None:  # a wall-clock time at the hall
        received_at = received_at.replace(tzinfo=clock.TZ)
    version = _version(center, item)
    window = window or own_window(officer)
    if window is None:
        raise Invalid("window_required", gettext("您今天没有窗口岗位，请选择受理窗口。"))
    _check_in_center(center, window=window)
    _check_acts_for(actor, center, officer, window)
    if ticket is not None and (ticket.window_id != window.pk or ticket.status not in AT_COUNTER):
        raise Invalid(
            "ticket_not_at_window",
            gettext("号票 %(number)s 不是%(window)s正在叫号或办理的号。")
            % {"number": ticket.number, "window": window},
        )
    # CAT-7, 003 art.9: every window serving the item's department takes it in; only an authorised
    # one decides it itself, otherwise it is accepted once and decided along the item's steps.
    authorised = is_authorised(version, window)
    if not authorised and not serves_item(version, window):
        raise Invalid(
            "item_not_at_window",
            gettext("%(window)s不受理「%(name)s」，请到%(name1)s的窗口办理。") % {"window": window, "name": version.name, "name1": version.department.name},
        )
    people = {**_checked_applicant(applicant, today), **_checked_agent(agent, today)}
    listed = list(version.materials.all())
    try:
        rules.check_materials([m.code for m in listed], list(materials))
        backfilled = rules.check_received(
            clock.local(received_at or now),
            clock.local(now),
            center.policy.backfill_tolerance_minutes,
            backfill_reason,
            cal=workdays.calendar_for(center),
            max_workdays=center.policy.backfill_max_workdays,
            not_before=clock.local(ticket.issued_at) if ticket is not None else None,
        )
    except rules.RuleError as error:
        raise rule_error(error) from None
    reason, basis, result = checked_note(reason, "reason"), checked_note(basis, "basis"), checked_note(result, "result")
    if not eligible and not (reason and basis):
        raise Invalid("reason_required", gettext("不予受理须写明理由和依据。"))
    given = set(materials)
    missing = rules.missing_required([m.code for m in listed if m.required], sorted(given))
    status = rules.intake_status(
        kind=version.kind if authorised else rules.COMMITTED,
        missing=bool(missing),
        eligible=eligible,
        backfilled=backfilled,
    )
    with transaction.atomic():
        year = clock.local(now).year
        case = Case(
            number=rules.case_number(center.code, year, next_number(center, year, "case")),
            query_code=rules.new_query_code(),
            center=center,
            window=window,
            item_version=version,
            kind=version.kind,
            status=status,
            officer=officer,
            handler=officer,
            ticket=ticket,
            received_at=received_at or now,
            recorded_at=now,
            backfilled=backfilled,
            backfill_reason=backfill_reason.strip() if backfilled else "",
            reason=reason if not eligible else "",
            basis=basis if not eligible else "",
            authorised=authorised,
            parallel=version.participants.exists(),
            **people,
        )
        if status in (rules.ACCEPTED, rules.COMPLETED):
            _start_clock(case, case.received_at)
        if status in rules.FINISHED:
            case.finished_at = now
            case.result = (result.strip() or DEFAULT_RESULT) if status == rules.COMPLETED else ""
        case.save()
        CaseMaterial.objects.bulk_create(
            [
                CaseMaterial(case=case, material=m, received_at=now if m.code in given else None)
                for m in listed
            ]
        )
        note = gettext("补录：%(backfill_reason)s") % {"backfill_reason": case.backfill_reason} if backfilled else ""
        _event(case, officer, "intake", note)
        received_rows = _materials(case)[1]
        if status == rules.AWAITING:
            notices.issue(
                case,
                Notice.Kind.ONE_TIME,
                notices.one_time(case, missing_materials(case), received_rows),
                officer,
            )
        elif status == rules.ACCEPTED:
            notices.issue(case, Notice.Kind.ACCEPTANCE, notices.acceptance(case, received_rows), officer)
            _enter_steps(case, officer)
        elif status == rules.REFUSED:
            notices.issue(case, Notice.Kind.REFUSAL, notices.refusal(case), officer)
        else:
            hooks.guard_complete(case)  # completed on the spot: as at any completion (the rating link)
            notices.issue(case, Notice.Kind.COMPLETION, notices.completion(case), officer)
            _tell_completed(case, officer)
        audit.record(actor=actor, action="case.intake", obj=case, center=center, after=audit.snapshot(case))
    return case


def _acting_staff(actor, case: Case, roles=CASE_LEADERS):
    """Who may move a case: its handler, the holders of its window's posts today (the B post covers
    the A post), or the center's leaders and department heads. Returns the acting Staff (or None
    for the system itself)."""
    if actor is None:
        return None
    access.require(actor, case.center, *RECEIVERS)
    staff = Staff.objects.filter(user=actor).first()
    if access.has_role(actor, case.center, *roles):
        return staff
    if staff is not None and (
        staff.pk == case.handler_id
        or posts_on(clock.today()).filter(staff=staff, window=case.window_id).exists()
    ):
        return staff
    raise Forbidden(
        gettext("只有经办人、%(window)s的在岗人员或中心领导可以办理 %(number)s。")
        % {"window": case.window, "number": case.number}
    )


@contextmanager
def _step(actor, case: Case, action: str, *, missing=None, roles=CASE_LEADERS):
    """Lock the case, check who acts and whether the rules allow ``action``; yield (case, staff,
    next status). The caller changes the case; the audit event is written on the way out.

    ``missing`` (whether required materials are still missing afterwards) is a function of the
    locked case; by default, whether any are missing now. The state is checked before it runs,
    so an action on a finished case is always ``case_finished``."""
    staff = _acting_staff(actor, case, roles)
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("center__policy", "window", "item_version__department", "handler")
            .get(pk=case.pk)
        )
        refused = rules.refusal(locked.status, action)
        if refused is not None:
            raise rule_error(refused)
        still_missing = missing(locked) if missing else bool(_materials(locked)[0])
        after = rules.next_status(locked.status, action, missing=still_missing)
        before = audit.snapshot(locked)
        yield locked, staff, after
        audit.record(
            actor=actor,
            action=f"case.{action}",
            obj=locked,
            center=locked.center,
            before=before,
            after=audit.snapshot(locked),
        )


def checked_note(value: str, field: str, limit: int | None = None) -> str:
    """A reason, basis, opinion or result written with a case action, stripped; refused with
    ``too_long`` (naming the field) over its limit, nothing changed."""
    try:
        return rules.check_note(field, value, limit)
    except rules.RuleError as error:
        raise Invalid(error.code, error.message, fields={field: "too_long"}) from None


def _required_text(
    value: str, code: str, message: str, field: str = "reason", limit: int | None = None
) -> str:
    value = checked_note(value, field, limit)
    if not value:
        raise Invalid(code, message)
    return value


def case_add_materials(*, actor, case: Case, materials: list[str]) -> Case:
    """CAS-2, CAS-12: materials brought later; when the last required one comes, the case is
    accepted under the same number and the clock starts."""
    codes = list(dict.fromkeys(materials or []))
    if not codes:
        raise Invalid("materials_required", gettext("请选择收到的材料。"))
    new = []

    def still_missing(locked: Case) -> bool:
        rows = {r.material.code: r for r in locked.materials.select_related("material")}
        try:
            rules.check_materials(list(rows), codes)
        except rules.RuleError as error:
            raise rule_error(error) from None
        new.extend(rows[c] for c in codes if rows[c].received_at is None)
        if not new:
            raise Conflict("materials_already_received", gettext("这些材料此前已经收到。"))
        return any(r.received_at is None and r.material.required and c not in codes for c, r in rows.items())

    with _step(actor, case, rules.MATERIALS, missing=still_missing) as (case, staff, after):
        now = clock.now()
        CaseMaterial.objects.filter(pk__in=[r.pk for r in new]).update(received_at=now)
        accepting = case.status == rules.AWAITING and after == rules.ACCEPTED
        case.status = after
        if accepting:
            _start_clock(case, now)
        case.save()
        _event(case, staff, "materials", gettext("收到：") + "、".join(r.material.name for r in new))
        if accepting:
            _event(case, staff, "accept")
            notices.issue(case, Notice.Kind.ACCEPTANCE, notices.acceptance(case, _materials(case)[1]), staff)
            _enter_steps(case, staff)
    return case


def case_suspend(*, actor, case: Case, reason: str) -> Case:
    """CAS-8: the applicant acts (supplements, corrects); the clock stops from now."""
    reason = _required_text(reason, "reason_required", gettext("挂起须写明理由。"))
    with _step(actor, case, rules.SUSPEND) as (case, staff, after):
        case.status, case.suspended_at = after, clock.now()
        case.save()
        _event(case, staff, "suspend", reason)
    return case


def case_resume(*, actor, case: Case) -> Case:
    """CAS-8: the clock runs again; the due date moves by exactly the working days suspended."""
    with _step(actor, case, rules.RESUME) as (case, staff, after):
        cal = workdays.calendar_for(case.center)
        days = rules.suspended_workdays(cal, clock.local(case.suspended_at).date(), clock.today())
        if case.statutory_due_date is not None:
            case.statutory_due_date = rules.shift(cal, case.statutory_due_date, days)
        _set_due(case, rules.shift(cal, case.due_date, days), cal)
        case.status, case.suspended_at = after, None
        case.suspended_days += days
        case.save()
        _event(case, staff, "resume", gettext("挂起%(days)s个工作日，办结日期顺延至%(due_date)s") % {"days": days, "due_date": format(case.due_date, "%Y-%m-%d")})
    return case


def _checked_extension(case: Case, new_due, reason: str) -> int:
    try:
        return rules.check_extension(
            cal=workdays.calendar_for(case.center),
            due=case.due_date,
            new_due=new_due,
            maximum=case.statutory_due_date,
            today=clock.today(),
            reason=reason or "",
        )
    except rules.RuleError as error:
        raise rule_error(error) from None


def _may_approve_extension(actor, staff, case: Case) -> bool:
    """CAS-5: the department head of the item's department, or the center's leaders."""
    if actor is None:
        return True
    held = access.roles_in(actor, case.center)
    if held & set(LEADERS):
        return True
    own = staff is None or staff.department_id in (None, case.item_version.department_id)
    return Role.DEPARTMENT_HEAD in held and own


def _apply_extension(case: Case, staff, new_due, reason: str, added: int) -> None:
    cal = workdays.calendar_for(case.center)
    old_due = case.due_date
    case.limit_days += added
    _set_due(case, new_due, cal)
    case.extension_due, case.extension_reason, case.extension_by = None, "", None
    case.save()
    _event(case, staff, "extend", gettext("%(reason)s；%(old_due)s 延至 %(new_due)s") % {"reason": reason, "old_due": format(old_due, "%Y-%m-%d"), "new_due": format(new_due, "%Y-%m-%d")})
    notices.issue(case, Notice.Kind.EXTENSION, notices.extension(case, old_due, reason), staff)


def case_extend(*, actor, case: Case, new_due, reason: str) -> Case:
    """CAS-5: a written extension with reason and new date, never past the statutory maximum,
    copied to the center. The department head of the item's department or the center's leaders
    extend at once (the notice is issued); a window clerk's extension is a request that waits
    for their approval (``case_decide_extension``)."""
    reason = checked_note(reason, "reason", rules.EXTENSION_REASON_LIMIT)
    with _step(actor, case, rules.EXTEND) as (case, staff, after):
        added = _checked_extension(case, new_due, reason)
        case.status = after
        if _may_approve_extension(actor, staff, case):
            _apply_extension(case, staff, new_due, reason, added)
        else:
            case.extension_due, case.extension_reason, case.extension_by = (
                new_due,
                reason,
                staff,
            )
            case.save()
            _event(case, staff, "extend_request", gettext("申请延至 %(new_due)s：%(value)s") % {"new_due": format(new_due, "%Y-%m-%d"), "value": reason})
    return case


def case_decide_extension(*, actor, case: Case, approve: bool, note: str = "") -> Case:
    """CAS-5: the department head or the center approves a requested extension (the notice is
    issued then) or declines it with a note."""
    note = checked_note(note, "note")
    with _step(actor, case, rules.EXTEND) as (case, staff, after):
        if case.extension_due is None:
            raise Conflict("no_extension_requested", gettext("本办件没有待审批的延期申请。"))
        if not _may_approve_extension(actor, staff, case):
            raise Forbidden(gettext("延期须由本事项所属科室负责人或中心领导审批。"), code="not_authorised_for_step")
        if approve:
            added = _checked_extension(case, case.extension_due, case.extension_reason)
            _apply_extension(case, staff, case.extension_due, case.extension_reason, added)
        else:
            note = _required_text(note, "note_required", gettext("不同意延期须写明意见。"), "note")
            case.extension_due, case.extension_reason, case.extension_by = None, "", None
            case.save()
            _event(case, staff, "extend_declined", note)
    return case


def case_deny(*, actor, case: Case, reason: str, basis: str) -> Case:
    """CAS-6: a case that cannot be done is registered and escalated to the authority the policy names."""
    reason = _required_text(reason, "reason_required", gettext("否定报备须写明不能办理的理由。"))
    basis = _required_text(basis, "basis_required", gettext("否定报备须写明依据。"), "basis")
    with _step(actor, case, rules.DENY) as (case, staff, after):
        case.status, case.reason, case.basis = after, reason, basis
        case.save()
        _event(
            case, staff, "deny", gettext("已报备%(denial_escalation_to)s：%(reason)s（依据：%(basis)s）") % {"denial_escalation_to": case.center.policy.denial_escalation_to, "reason": reason, "basis": basis}
        )
    return case


def case_decide_denial(*, actor, case: Case, approve: bool, note: str = "") -> Case:
    """CAS-6: the leader decides; a confirmed denial is answered in writing with reason and basis."""
    access.require(actor, case.center, *DECIDERS)
    action = rules.APPROVE_DENIAL if approve else rules.REJECT_DENIAL
    note = checked_note(note, "note")
    if not approve:
        note = _required_text(note, "note_required", gettext("退回否定报备须写明意见。"), "note")
    with _step(actor, case, action, roles=DECIDERS) as (case, staff, after):
        if approve:
            _finish(case, staff, after, note)
            decided_by = staff.name if staff else gettext("中心")
            notice = notices.denial(case, case.center.policy.denial_escalation_to, decided_by)
            notices.issue(case, Notice.Kind.DENIAL, notice, staff)
        else:
            case.status, case.reason, case.basis = after, "", ""
            case.save()
            _event(case, staff, "reject_denial", note)
    return case


def case_refuse(*, actor, case: Case, reason: str, basis: str) -> Case:
    """CAS-2: a case awaiting materials found not eligible is refused in writing."""
    reason = _required_text(reason, "reason_required", gettext("不予受理须写明理由。"))
    basis = _required_text(basis, "basis_required", gettext("不予受理须写明依据。"), "basis")
    with _step(actor, case, rules.REFUSE) as (case, staff, after):
        case.reason, case.basis = reason, basis
        _finish(case, staff, after, reason)
        notices.issue(case, Notice.Kind.REFUSAL, notices.refusal(case), staff)
    return case


_STEP_NOTE = StepAction._meta.get_field("note").max_length


def case_complete(*, actor, case: Case, result: str) -> Case:
    """CAS-12, CAS-7: complete only with every required material in, with its result; the
    applicant is told by SMS."""
    result = _required_text(result, "result_required", gettext("办结须填写办理结果。"), "result")
    with _step(actor, case, rules.COMPLETE) as (case, staff, after):
        if _materials(case)[0]:
            raise Conflict("materials_missing", gettext("必需材料尚未补齐，不能办结。"))
        if not case.authorised and case.step is not None:
            plan = planned_steps(case)
            if case.step < len(plan):
                raise Conflict(
                    "steps_pending",
                    gettext("本办件须按审批环节办理，当前在「%(step_name)s」环节，尚未到最后一个环节。") % {"step_name": case.step_name},
                )
            _check_step_authority(actor, staff, case, plan[-1])
        hooks.guard_complete(case)
        if case.step is not None:  # the window decides the steps left at once (003 art.9)
            StepAction.objects.bulk_create(
                [
                    StepAction(
                        case=case,
                        position=p.position,
                        name=p.name,
                        role=p.role,
                        decision=StepAction.Decision.APPROVE,
                        actor=staff,
                        at=clock.now(),
                        note=result[:_STEP_NOTE],  # the whole result is the case's own
                    )
                    for p in planned_steps(case)[case.step - 1 :]
                ]
            )
        case.result = result
        case.step, case.step_name, case.step_since = None, "", None
        _finish(case, staff, after, result)
        notices.issue(case, Notice.Kind.COMPLETION, notices.completion(case), staff)
        _tell_completed(case, staff)
    return case


# --- steps and time nodes (CAS-9, 000 三.2–3) ---------------------------------------------------


def _enter_steps(case: Case, staff) -> None:
    """An accepted case starts its item's steps; the first, when it is the window's (受理), is the
    acceptance itself. Other apps then see it accepted (``hooks.ACCEPTED``)."""
    plan = planned_steps(case)
    now = clock.now()
    case.step, case.step_name, case.step_since = plan[0].position, plan[0].name, now
    if len(plan) > 1 and plan[0].role == rules_catalog.WINDOW_STAFF:
        StepAction.objects.create(
            case=case,
            position=plan[0].position,
            name=plan[0].name,
            role=plan[0].role,
            decision=StepAction.Decision.APPROVE,
            actor=staff,
            at=now,
            note=gettext("窗口受理"),
        )
        case.step, case.step_name = plan[1].position, plan[1].name
    case.save(update_fields=["step", "step_name", "step_since"])
    hooks.accepted(case, staff)


def _check_step_authority(actor, staff, case: Case, step: rules.PlannedStep) -> None:
    """000 三.2: only the authority the item names for a step (or a higher one) decides it; a
    department head decides only the steps of their own department's items."""
    if actor is None:
        return
    held = access.roles_in(actor, case.center)
    above = {
        r
        for r in held
        if rules_catalog.ROLE_RANKS.get(r, 0) > rules_catalog.ROLE_RANKS[rules_catalog.DEPARTMENT_HEAD]
    }
    if step.role == rules_catalog.WINDOW_STAFF:
        return  # _acting_staff already found the actor at the case's window, or a leader
    if rules_catalog.may_act_on(step.role, above):
        return
    own = staff is not None and staff.department_id in (None, case.item_version.department_id)
    if step.role == rules_catalog.DEPARTMENT_HEAD and Role.DEPARTMENT_HEAD in held and own:
        return
    raise Forbidden(
        gettext("「%(name)s」环节须由%(value)s审批，您没有该环节的审批权限。") % {"name": step.name, "value": rules_catalog.ROLE_NAMES[step.role]},
        code="not_authorised_for_step",
    )


def may_decide_step(actor, case: Case) -> bool:
    """Whether ``actor`` may approve or return the case's current step (``case_advance`` would not
    refuse them for who they are): the case page offers the step's form only to them."""
    if case.step is None:
        return False
    try:
        staff = _acting_staff(actor, case)
        _check_step_authority(actor, staff, case, planned_steps(case)[case.step - 1])
    except Forbidden:
        return False
    return True


def case_advance(*, actor, case: Case, decision: str, note: str = "") -> Case:
    """CAS-9: the current step is approved (the case moves to the next; the last completes it) or
    returned to the previous one with a reason — by the authority the item names for the step."""
    note = checked_note(note, "note")
    if decision not in rules.DECISIONS:
        raise Invalid("invalid_decision", gettext("请选择同意或退回。"))
    if decision == rules.RETURN and not note:
        raise Invalid("reason_required", gettext("退回须写明理由。"))
    with _step(actor, case, rules.ADVANCE) as (case, staff, after):
        if case.step is None:
            raise Conflict("no_step", gettext("本办件没有待审批的环节。"))
        plan = planned_steps(case)
        current = plan[case.step - 1]
        _check_step_authority(actor, staff, case, current)
        hooks.guard_advance(case, decision)
        try:
            nxt = rules.after_decision(current.position, len(plan), decision)
        except rules.RuleError as error:
            raise rule_error(error) from None
        if nxt is None:
            if _materials(case)[0]:
                raise Conflict("materials_missing", gettext("必需材料尚未补齐，不能办结。"))
            hooks.guard_complete(case)
        now = clock.now()
        StepAction.objects.create(
            case=case,
            position=current.position,
            name=current.name,
            role=current.role,
            decision=decision,
            actor=staff,
            at=now,
            note=note,
        )
        if nxt is None:
            case.result = note or gettext("经%(value)s审批同意，准予办理。") % {"value": rules_catalog.ROLE_NAMES[current.role]}
            case.step, case.step_name, case.step_since = None, "", None
            _event(case, staff, "step_approve", f"{current.name}：{note or '同意'}")
            _finish(case, staff, rules.COMPLETED, case.result)
            notices.issue(case, Notice.Kind.COMPLETION, notices.completion(case), staff)
            _tell_completed(case, staff)
        else:
            target = plan[nxt - 1]
            case.step, case.step_name, case.step_since = target.position, target.name, now
            case.status = after
            case.save()
            action = "step_approve" if decision == rules.APPROVE else "step_return"
            _event(case, staff, action, f"{current.name} → {target.name}：{note or '同意'}")
    return case


def case_urge(*, actor, case: Case, note: str) -> Urge:
    """催办: the center's leaders urge whoever holds the case's current step, with a dated note
    shown on the case."""
    note = _required_text(note, "note_required", gettext("请填写催办意见。"), "note")
    access.require(actor, case.center, *URGERS)
    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        if locked.status in rules.FINISHED:
            raise Conflict("case_finished", gettext("本办件已%(value)s，无需催办。") % {"value": rules.STATUS_NAMES[locked.status]})
        staff = Staff.objects.filter(user=actor).first() if actor is not None else None
        urge = Urge.objects.create(
            case=locked, at=clock.now(), actor=staff, step=locked.step, step_name=locked.step_name, note=note
        )
        _event(locked, staff, "urge", f"{locked.step_name or rules.STATUS_NAMES[locked.status]}：{note}")
        audit.record(actor=actor, action="case.urge", obj=locked, center=locked.center, after={"note": note})
    return urge


def case_notify_again(*, actor, case: Case, materials: list[str]) -> Case:
    """CAS-3, CAS-12: a further one-time notice, for materials found missing or not acceptable
    after the first. It lists everything still missing; one that names a material the first did
    not is a breach of the one-time rule, kept against the handler (``selectors.one_time_breaches``)."""
    codes = list(dict.fromkeys(materials or []))
    if not codes:
        raise Invalid("materials_required", gettext("请选择仍缺少或不符合要求的材料。"))
    with _step(actor, case, rules.NOTIFY) as (case, staff, after):
        rows = {r.material.code: r for r in case.materials.select_related("material")}
        try:
            rules.check_materials(list(rows), codes)
        except rules.RuleError as error:
            raise rule_error(error) from None
        CaseMaterial.objects.filter(pk__in=[rows[c].pk for c in codes]).update(received_at=None)
        case.status = after
        case.save()
        _event(case, staff, rules.NOTIFY, gettext("仍需：") + "、".join(rows[c].material.name for c in codes))
        received = _materials(case)[1]
        notices.issue(
            case, Notice.Kind.ONE_TIME, notices.one_time(case, missing_materials(case), received), staff
        )
    return case


# --- the citizen look-up -------------------------------------------------------------------------


def case_look_up(*, number: str, code: str, address: str) -> dict:
    """The citizen look-up with the case number and the query code (no login), guarded per case
    number and per client address (``guards.guarded``)."""
    number = (number or "").strip()[:60]
    normal = rules.normal_case_number(number) or number.upper()
    return guards.guarded(
        f"case:{normal}",
        address,
        lambda: public_case(number, code),
        lambda minutes: gettext_noop(
            "查询码输错次数过多，为保护申请人信息，请 %(minutes)s 分钟后再查询。", minutes=minutes
        ),
        "case.look_up_locked",
    )
