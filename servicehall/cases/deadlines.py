"""Cases' due dates move when their center closes or reopens working days (HRS-2, CAS-5).

Registered with ``servicehall.workdays.shifts`` in ``CasesConfig.ready()``. A case's due date
is stored when its clock starts (and moved by resume and extension), so a closure registered
later must move it: by the working days the closure took from (acceptance, due date], not
counting the days of past suspensions (the clock stood still then and was made up at resume).
The statutory maximum moves the same way. Each moved case gets an event and an audit event,
and its applicant an SMS when the due date changed.
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext

from servicehall.cases import rules, sms
from servicehall.cases.models import Case, CaseEvent
from servicehall.core import audit, clock
from servicehall.core.rules import mask_phone
from servicehall.core.text import gettext_noop
from servicehall.org.models import Staff
from servicehall.workdays import selectors as workdays
from servicehall.workdays.shifts import CalendarChange, MovedDeadline

KIND = "办件"
MOVED = "deadline_moved"
rules.EVENT_NAMES.setdefault(MOVED, gettext_noop("期限调整（停止办公）"))  # how the case page names the step


def _still_spans(case_ids: list[int]) -> dict[int, list[tuple[dt.date, dt.date]]]:
    """Each case's finished suspensions as (suspended on, resumed on)."""
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {}
    opened: dict[int, dt.date] = {}
    events = (
        CaseEvent.objects.filter(case_id__in=case_ids, action__in=(rules.SUSPEND, rules.RESUME))
        .order_by("case_id", "at", "id")
        .values_list("case_id", "action", "at")
    )
    for case_id, action, at in events:
        if action == rules.SUSPEND:
            opened[case_id] = clock.local(at).date()
        elif case_id in opened:
            spans.setdefault(case_id, []).append((opened.pop(case_id), clock.local(at).date()))
    return spans


def _words(d: dt.date) -> str:
    return f"{d:%Y-%m-%d}"


def shift_case_deadlines(change: CalendarChange, *, apply: bool) -> list[MovedDeadline]:
    """Open cases of the changed centers whose counting window crosses the changed days."""
    first_moment = dt.datetime.combine(change.last + dt.timedelta(days=1), dt.time.min, tzinfo=clock.TZ)
    rows = Case.objects.filter(
        Q(due_date__gte=change.first) | Q(statutory_due_date__gte=change.first),
        center__in=[c.pk for c in change.centers],
        status__in=rules.OPEN,
        voided_at__isnull=True,
        accepted_at__isnull=False,
        due_date__isnull=False,
        accepted_at__lt=first_moment,  # accepted before the last changed day ends
    ).order_by("id")
    if apply:
        rows = rows.select_for_update(of=("self",))
    cases = list(rows.select_related("center", "item_version", "window"))
    centers = {c.pk: c for c in change.centers}
    spans = _still_spans([c.pk for c in cases])
    staff = Staff.objects.filter(user=change.actor).first() if getattr(change.actor, "pk", None) else None
    moved = []
    for case in cases:
        center = centers[case.center_id]
        start = clock.local(case.accepted_at).date()
        still = spans.get(case.pk, [])
        due = change.moved_due(center, start, case.due_date, still)
        statutory = case.statutory_due_date
        if statutory is not None:
            statutory = change.moved_due(center, start, statutory, still)
        suspended = max(0, case.suspended_days - sum(change.workdays_lost(center, a, b) for a, b in still))
        if (due, statutory, suspended) == (case.due_date, case.statutory_due_date, case.suspended_days):
            continue
        moved.append(
            MovedDeadline(
                kind=KIND,
                what=f"{case.number} {case.item_version.name}",
                center=center.name,
                before=case.due_date,
                after=due,
                url=f"/cases/{case.pk}/",
            )
        )
        if apply:
            _apply(change, case, center, due, statutory, suspended, staff)
    return moved


def _apply(change: CalendarChange, case: Case, center, due, statutory, suspended, staff) -> None:
    before = audit.snapshot(case)
    old_due, old_statutory = case.due_date, case.statutory_due_date
    cal = change.new_calendar(center)
    if due != old_due:
        case.due_date = due
        case.due_at = workdays.closing_time(center, due) or case.due_at
        case.warn_date = rules.warn_date(cal, due, case.limit_days)
        case.provisional = case.provisional or cal.day(due).provisional
    case.statutory_due_date, case.suspended_days = statutory, suspended
    case.save(
        update_fields=[
            "due_date",
            "due_at",
            "warn_date",
            "provisional",
            "statutory_due_date",
            "suspended_days",
        ]
    )
    verb = gettext("调回") if change.reopened else gettext("顺延至")
    parts = []
    if due != old_due:
        parts.append(gettext("办结日期由 %(value)s %(verb)s %(value1)s") % {"value": _words(old_due), "verb": verb, "value1": _words(due)})
    if statutory != old_statutory:
        parts.append(gettext("法定最长期限由 %(value)s %(verb)s %(value1)s") % {"value": _words(old_statutory), "verb": verb, "value1": _words(statutory)})
    if not parts:
        parts.append(gettext("累计挂起改为 %(suspended)s 个工作日") % {"suspended": suspended})
    CaseEvent.objects.create(
        case=case,
        at=clock.now(),
        actor=staff,
        action=MOVED,
        status=case.status,
        note=f"{change.note}：" + "，".join(parts),
    )
    audit.record(
        actor=change.actor,
        action="case.deadline_moved",
        obj=case,
        center=center,
        before=before,
        after={**audit.snapshot(case), "because": change.note},
    )
    if due != old_due:
        _tell(change, case, center, old_due, staff)


def _tell(change: CalendarChange, case: Case, center, old_due: dt.date, staff) -> None:
    """CAS-7: the applicant (or their agent) learns the new date by SMS; without a mobile
    number, the case asks for a phone call."""
    phone = next((p for p in (case.applicant_phone, case.agent_phone) if rules.is_mobile(p)), "")
    if not phone:
        CaseEvent.objects.create(
            case=case,
            at=clock.now(),
            actor=staff,
            action="notify_by_phone",
            status=case.status,
            note=gettext("无手机号码，请电话告知新的办结日期：%(applicant_phone)s") % {"applicant_phone": case.applicant_phone},
        )
        return
    moved = gettext("提前至") if change.reopened else gettext("顺延至")
    text = (
        gettext("【%(name)s】因%(note)s，您申请的“%(name1)s”（办件编号%(number)s）办结日期由%(old_due)s%(moved)s%(due_date)s。") % {"name": center.name, "note": change.note, "name1": case.item_version.name, "number": case.number, "old_due": format(old_due, gettext("%Y年%m月%d日")), "moved": moved, "due_date": format(case.due_date, gettext("%Y年%m月%d日"))}
    )
    sms.send(phone=phone, text=text, reference=case.number)
    CaseEvent.objects.create(
        case=case,
        at=clock.now(),
        actor=staff,
        action="notified",
        status=case.status,
        note=gettext("已短信告知新的办结日期 %(value)s") % {"value": mask_phone(phone)},
    )
