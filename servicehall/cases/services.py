"""Every write of the visit register and of cases: one transaction, validation, an audit event."""

from django.db import transaction

from servicehall.cases import rules
from servicehall.cases.models import Visit
from servicehall.cases.selectors import own_window, staff_of
from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Invalid
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, Staff, Window

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


def _check_in_center(center: Center, *, window=None, target_window=None, colleague=None, officer=None):
    for w in (window, target_window):
        if w is not None and w.center_id != center.pk:
            raise Invalid("window_of_other_center", f"{w} 不属于{center.name}。")
    if colleague is not None and (colleague.center_id != center.pk or not colleague.active):
        raise Invalid("staff_of_other_center", f"{colleague.name} 不是{center.name}在岗的工作人员。")
    if colleague is not None and colleague.pk == getattr(officer, "pk", None):
        raise Invalid("handed_to_self", "不能移交给自己。")


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
        raise Invalid("invalid_channel", "请选择来访或来电。")
    if category not in Visit.Category.values:
        raise Invalid("invalid_category", "请选择类别。")
    matter = (matter or "").strip()
    if not matter or len(matter) > 300:
        raise Invalid("matter_required", "请填写事由（300字以内）。")
    agency, note = (agency or "").strip()[:100], (note or "").strip()[:500]
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
    if kept["leader"] is not None and not access.has_role(kept["leader"].user, center, *ESCALATION_ROLES):
        raise Invalid("not_a_leader", f"{kept['leader'].name} 不是本中心的领导或科室负责人。")
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
            visitor_name=(visitor_name or "").strip()[:40],
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
