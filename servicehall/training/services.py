"""Training writes: sessions, attendance, self-study (TRN-1 … TRN-3). Each one transaction, audited."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, Staff
from servicehall.training import rules
from servicehall.training.models import Attendance, SelfStudy, Session

ORGANISERS = (*LEADERS, Role.SYSADMIN)  # who plans sessions, records attendance, approves self-study


def _hours(value, limit: Decimal) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise Invalid("invalid_hours", _("学时应为数字。")) from None
    if not hours.is_finite() or not rules.hours_valid(hours, limit):
        raise Invalid("invalid_hours", _("学时应大于 0、不超过 %(max)s，以半小时计。") % {"max": limit})
    return hours


def _staff_of(center: Center, usernames: list[str]) -> list:
    """The users of these active staff of the center (or, for a county session, below it)."""
    found = {
        s.user.username: s.user
        for s in Staff.objects.filter(user__username__in=usernames, active=True).select_related(
            "user", "center"
        )
        if s.center_id == center.pk or center.pk in access.ancestors_and_self(s.center)
    }
    missing = [u for u in usernames if u not in found]
    if missing:
        raise Invalid(
            "staff_of_other_center",
            _("以下人员不是「%(center)s」的在岗人员：%(names)s")
            % {"center": center.name, "names": "、".join(missing)},
        )
    return [found[u] for u in usernames]


def _everyone(center: Center, kind: str) -> list:
    """Who a session invites when no list is given: the center's active staff; for a county-level
    session, also the staff of every center below it."""
    ids, frontier = {center.pk}, [center.pk]
    while kind == rules.COUNTY and frontier:
        frontier = list(Center.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.update(frontier)
    users = get_user_model().objects.filter(staff__center_id__in=ids, staff__active=True)
    return list(users.order_by("pk"))


def session_create(
    *,
    actor,
    center: Center,
    kind: str,
    subject: str,
    topic: str,
    starts_at: dt.datetime,
    hours,
    place: str = "",
    invited: list[str] | None = None,
) -> Session:
    """TRN-1: plan a session (a date in the plan, or one held today); everyone invited is listed
    for attendance. Only the center's leaders (and the administrator) plan."""
    access.require(actor, center, *ORGANISERS)
    if kind not in rules.SESSION_KINDS:
        raise Invalid("invalid_kind", _("培训类别应为中心集中学习或县级集中业务培训。"))
    if subject not in Session.Subject.values:
        raise Invalid("invalid_subject", _("未知的学习内容类别。"))
    if not topic.strip():
        raise Invalid("topic_required", _("请填写学习主题。"))
    amount = _hours(hours, rules.MAX_SESSION_HOURS)
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=clock.TZ)
    people = _staff_of(center, list(dict.fromkeys(invited))) if invited else _everyone(center, kind)
    if not people:
        raise Invalid("nobody_invited", _("没有可参加培训的在岗人员。"))
    with transaction.atomic():
        session = Session.objects.create(
            center=center,
            kind=kind,
            subject=subject,
            topic=topic.strip(),
            starts_at=starts_at,
            hours=amount,
            place=place.strip(),
            created_by=actor if getattr(actor, "pk", None) else people[0],
            created_at=clock.now(),
        )
        Attendance.objects.bulk_create([Attendance(session=session, staff=u) for u in people])
        after = audit.snapshot(session) | {"invited": [u.username for u in people]}
        audit.record(actor=actor, action="training.session_create", obj=session, center=center, after=after)
    return session


def attendance_record(
    *, actor, session: Session, username: str, present: bool, excuse: str = ""
) -> Attendance:
    """TRN-3: who came. An absence with an excuse is excused; without one, unexcused (a conduct
    fact). Recorded once the session has begun; a correction is recorded and audited again."""
    access.require(actor, session.center, *ORGANISERS)
    if session.is_void:
        raise Conflict("session_void", _("该培训已作废。"))
    if clock.now() < session.starts_at:
        raise Conflict("session_not_started", _("培训尚未开始，不能登记出勤。"))
    excuse = excuse.strip()
    if present and excuse:
        raise Invalid("excuse_for_present", _("出席人员不填请假事由。"))
    with transaction.atomic():
        row = (
            Attendance.objects.select_for_update()
            .select_related("staff")
            .filter(session=session, staff__username=username)
            .first()
        )
        if row is None:
            raise NotFound(_("「%(name)s」不在该培训的参加名单中。") % {"name": username}, code="not_invited")
        before = audit.snapshot(row, ["status", "excuse"])
        row.status = rules.attendance_status(present, excuse)
        row.excuse = excuse
        row.recorded_by = actor if getattr(actor, "pk", None) else None
        row.recorded_at = clock.now()
        row.save(update_fields=["status", "excuse", "recorded_by", "recorded_at"])
        audit.record(
            actor=actor,
            action="training.attendance",
            obj=row,
            center=session.center,
            before=before,
            after=audit.snapshot(row, ["status", "excuse"]),
        )
    return row


def self_study_declare(*, actor, center: Center, day: dt.date, topic: str, hours) -> SelfStudy:
    """A person declares their own self-study; a leader approves it (TRN-2 counts it apart)."""
    staff = getattr(actor, "staff", None) if getattr(actor, "pk", None) else None
    if (
        staff is None
        or not staff.active
        or (staff.center_id != center.pk and center.pk not in access.ancestors_and_self(staff.center))
    ):
        raise Forbidden(_("只有本中心的在岗人员可以申报自学。"), code="not_staff_here")
    if day > clock.today():
        raise Invalid("date_in_future", _("自学日期不能晚于今天。"))
    if day.year < clock.today().year - 1:
        raise Invalid("date_too_old", _("只能申报今年和去年的自学。"))
    if not topic.strip():
        raise Invalid("topic_required", _("请填写学习内容。"))
    amount = _hours(hours, rules.MAX_SELF_STUDY_HOURS)
    with transaction.atomic():
        study = SelfStudy.objects.create(
            center=center, staff=actor, day=day, topic=topic.strip(), hours=amount, declared_at=clock.now()
        )
        audit.record(
            actor=actor, action="training.self_study", obj=study, center=center, after=audit.snapshot(study)
        )
    return study


def self_study_decide(*, actor, study: SelfStudy, approve: bool, note: str = "") -> SelfStudy:
    access.require(actor, study.center, *ORGANISERS)
    if study.staff_id == getattr(actor, "pk", None):
        raise Forbidden(_("不能审核自己申报的自学。"), code="own_declaration")
    if not approve and not note.strip():
        raise Invalid("note_required", _("不予认定时请写明理由。"))
    with transaction.atomic():
        study = SelfStudy.objects.select_for_update().get(pk=study.pk)
        if study.status != SelfStudy.Status.PENDING:
            raise Conflict("already_decided", _("该自学申报已审核。"))
        study.status = SelfStudy.Status.APPROVED if approve else SelfStudy.Status.REJECTED
        study.decided_by, study.decided_at, study.decision_note = actor, clock.now(), note.strip()
        study.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            actor=actor,
            action="training.self_study_decide",
            obj=study,
            center=study.center,
            after={"status": study.status, "note": study.decision_note},
        )
    return study
