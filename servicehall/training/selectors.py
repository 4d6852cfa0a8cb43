"""Training reads (TRN-1 … TRN-3): a person's year, a center's year, and what other apps ask
through the protocols (to-do items, conduct facts, board notes). Hours are summed when read."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Q, Subquery, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from servicehall.core import clock, todo
from servicehall.core.board import BoardNote
from servicehall.core.facts import Evidence, Fact
from servicehall.core.todo import TodoItem
from servicehall.org import access
from servicehall.org.models import Center, Policy, Staff
from servicehall.training import rules
from servicehall.training.models import Attendance, SelfStudy, Session
from servicehall.training.services import ORGANISERS

TODO_AHEAD = dt.timedelta(days=7)  # a session shows on the invited person's list a week ahead


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=clock.TZ)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=clock.TZ)


def _live_sessions():
    return Session.objects.filter(voided_at__isnull=True)


def county_session_held(center: Center, year: int) -> bool:
    """TRN-2 (002 十(二)): a county-level session held this year, at this center or above it,
    and held means someone's attendance was recorded."""
    start, end = year_bounds(year)
    return Attendance.objects.filter(
        session__in=_live_sessions().filter(
            center_id__in=access.ancestors_and_self(center),
            kind=rules.COUNTY,
            starts_at__gte=start,
            starts_at__lt=end,
        ),
        status=rules.PRESENT,
    ).exists()


@dataclass
class PersonYear:
    year: int
    required: int
    hours: Decimal  # centralised hours attended: what the minimum counts
    self_study_hours: Decimal  # approved self-study, shown beside it
    rows: list = field(default_factory=list)  # the person's Attendance rows, with their session
    studies: list = field(default_factory=list)
    unexcused: int = 0
    county_held: bool = False

    @property
    def behind(self) -> bool:
        return self.hours < self.required

    @property
    def missing(self) -> Decimal:
        return max(Decimal(self.required) - self.hours, Decimal(0))


def person_year(staff: Staff, year: int) -> PersonYear:
    """A person's study this year (four queries)."""
    start, end = year_bounds(year)
    rows = list(
        Attendance.objects.filter(
            staff_id=staff.user_id,
            session__voided_at__isnull=True,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .select_related("session", "session__center")
        .order_by("session__starts_at", "pk")
    )
    studies = list(
        SelfStudy.objects.filter(staff_id=staff.user_id, day__year=year, voided_at__isnull=True).order_by(
            "day", "pk"
        )
    )
    attended = [(r.session.kind, r.session.hours) for r in rows if r.status == rules.PRESENT]
    return PersonYear(
        year=year,
        required=staff.center.policy.training_hours_per_year,
        hours=rules.counted_hours(attended),
        self_study_hours=sum((s.hours for s in studies if s.status == SelfStudy.Status.APPROVED), Decimal(0)),
        rows=rows,
        studies=studies,
        unexcused=sum(1 for r in rows if rules.is_unexcused(r.status)),
        county_held=county_session_held(staff.center, year),
    )


@dataclass
class CenterYear:
    year: int
    required: int
    sessions: list
    people: list  # dicts: staff, hours, self_study_hours, unexcused, behind
    months_without: list[int]
    county_held: bool
    pending_studies: list


def center_year(center: Center, year: int) -> CenterYear:
    """The center's plan and everyone's hours this year, in a fixed number of queries."""
    start, end = year_bounds(year)
    sessions = list(
        _live_sessions()
        .filter(center=center, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
    )
    staff = list(Staff.objects.filter(center=center, active=True).select_related("user").order_by("pk"))
    by_user = {
        s.user_id: {"staff": s, "hours": Decimal(0), "self_study_hours": Decimal(0), "unexcused": 0}
        for s in staff
    }
    attendance = Attendance.objects.filter(
        staff_id__in=by_user,
        session__voided_at__isnull=True,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).values_list("staff_id", "status", "session__kind", "session__hours")
    for user_id, status, kind, hours in attendance:
        row = by_user[user_id]
        if status == rules.PRESENT:
            row["hours"] += rules.counted_hours([(kind, hours)])
        row["unexcused"] += rules.is_unexcused(status)
    studies = SelfStudy.objects.filter(staff_id__in=by_user, day__year=year, voided_at__isnull=True)
    pending = []
    for study in studies.select_related("staff").order_by("day", "pk"):
        if study.status == SelfStudy.Status.APPROVED:
            by_user[study.staff_id]["self_study_hours"] += study.hours
        elif study.status == SelfStudy.Status.PENDING:
            pending.append(study)
    required = center.policy.training_hours_per_year
    today = clock.today()
    for row in by_user.values():
        row["behind"] = (
            rules.behind(row["hours"], required, today) if year == today.year else row["hours"] < required
        )
    held = {s.starts_at.astimezone(clock.TZ).month for s in sessions if s.kind == rules.CENTRALISED}
    return CenterYear(
        year=year,
        required=required,
        sessions=sessions,
        people=list(by_user.values()),
        months_without=rules.months_without_session(held, year, today)
        if center.policy.monthly_training_session
        else [],
        county_held=county_session_held(center, year),
        pending_studies=pending,
    )


# --- protocols -----------------------------------------------------------------------------------


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime):
    """TRN-3: each unexcused absence from a session held in the period, against the person."""
    rows = (
        Attendance.objects.filter(
            status=rules.ABSENT,
            session__center_id__in=list(center_ids),
            session__voided_at__isnull=True,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .select_related("session", "session__center")
        .order_by("session__starts_at", "pk")
    )
    for row in rows:
        session = row.session
        yield Fact(
            center_id=session.center_id,
            kind="training_absence",
            at=session.starts_at,
            staff_id=row.staff_id,
            evidence=Evidence(
                kind="training_session",
                ref=str(session.pk),
                url=reverse("training:session", args=[session.center.code, session.pk]),
            ),
            note=session.topic,
            source="training",
        )


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """Sessions the person is invited to within a week; for leaders, self-study to approve and
    attendance still to record. Three queries whatever the number of sessions."""
    items: list[TodoItem] = []
    invited = (
        Attendance.objects.filter(
            staff_id=user.pk,
            status=rules.INVITED,
            session__voided_at__isnull=True,
            session__starts_at__gte=now,
            session__starts_at__lt=now + TODO_AHEAD,
        )
        .select_related("session", "session__center")
        .order_by("session__starts_at", "pk")[:limit]
    )
    for row in invited:
        s = row.session
        items.append(
            TodoItem(
                kind="training",
                kind_name=_("学习培训"),
                title=s.topic,
                detail=f"{s.place} · {s.hours} {_('学时')}" if s.place else f"{s.hours} {_('学时')}",
                due=s.starts_at,
                urgency=todo.urgency_of(s.starts_at, now),
                link=reverse("training:session", args=[s.center.code, s.pk]),
                ref=f"T{s.pk}",
            )
        )
    held = access.held_roles(user)
    led = [cid for cid, roles in held.items() if roles & set(ORGANISERS)]
    if led:
        below = Q(center_id__in=led) | Q(center__parent_id__in=led)
        for study in (
            SelfStudy.objects.filter(below, status=SelfStudy.Status.PENDING, voided_at__isnull=True)
            .exclude(staff_id=user.pk)
            .select_related("center", "staff")
            .order_by("declared_at", "pk")[:limit]
        ):
            items.append(
                TodoItem(
                    kind="self_study",
                    kind_name=_("自学认定"),
                    title=f"{study.staff.first_name or study.staff.username} · {study.topic}",
                    detail=f"{study.day:%Y-%m-%d} · {study.hours} {_('学时')}",
                    due=None,
                    urgency=todo.LATER,
                    link=reverse("training:center", args=[study.center.code]),
                    ref=f"S{study.pk}",
                )
            )
        unrecorded = (
            _live_sessions()
            .filter(
                below,
                starts_at__lt=now,
                starts_at__gte=now - dt.timedelta(days=31),
                attendance__status=rules.INVITED,
            )
            .select_related("center")
            .distinct()
            .order_by("starts_at", "pk")[:limit]
        )
        for s in unrecorded:
            due = todo.end_of_day(clock.local(s.starts_at).date())
            items.append(
                TodoItem(
                    kind="training_attendance",
                    kind_name=_("培训出勤登记"),
                    title=s.topic,
                    detail=f"{clock.local(s.starts_at):%Y-%m-%d %H:%M}",
                    due=due,
                    all_day=True,
                    urgency=todo.urgency_of(due, now),
                    link=reverse("training:session", args=[s.center.code, s.pk]),
                    ref=f"A{s.pk}",
                )
            )
    return items


def behind_item(staff: Staff, now: dt.datetime) -> TodoItem | None:
    """The person's own reminder when their hours are behind the plan (TRN-2). Only where the
    center holds sessions this year: a center with none has nothing to attend, and its missing
    sessions are on the director's board instead. One query."""
    today = clock.local(now).date()
    start, end = year_bounds(today.year)
    held = _live_sessions().filter(center_id=staff.center_id, starts_at__gte=start, starts_at__lt=end)
    attended = (
        Attendance.objects.filter(
            staff_id=staff.user_id,
            status=rules.PRESENT,
            session__voided_at__isnull=True,
            session__kind__in=rules.COUNTED_KINDS,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .values("staff_id")
        .annotate(hours=Sum("session__hours"))
        .values("hours")
    )
    plan = (
        Policy.objects.filter(center_id=staff.center_id)
        .annotate(held=Exists(held), hours=Subquery(attended))
        .values("training_hours_per_year", "held", "hours")
        .first()
    )
    if plan is None or not plan["held"]:
        return None
    required, hours = plan["training_hours_per_year"], plan["hours"] or Decimal(0)
    if not rules.behind(hours, required, today):
        return None
    due = todo.end_of_day(dt.date(today.year, 12, 31))
    return TodoItem(
        kind="training_hours",
        kind_name=_("学习学时"),
        title=_("今年集中学习 %(hours)s / %(required)s 学时，落后于计划")
        % {"hours": hours, "required": required},
        due=due,
        all_day=True,
        urgency=todo.urgency_of(due, now),
        link=reverse("training:mine"),
        ref=f"H{today.year}",
    )


def todo_with_hours(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """The ``"todo"`` protocol: the items above and the person's own hours reminder."""
    items = todo_items(user, now, limit)
    staff = getattr(user, "staff", None)  # a missing staff record raises an AttributeError kind
    if staff is not None and staff.active:
        item = behind_item(staff, now)
        if item is not None:
            items.append(item)
    return items


def board_notes(center: Center, now: dt.datetime) -> list[BoardNote]:
    """TRN-1: completed months of this year without a centralised session; TRN-2: no
    county-level session held yet this year (shown from the fourth quarter)."""
    today = clock.local(now).date()
    notes = []
    if center.policy.monthly_training_session:
        start, end = year_bounds(today.year)
        held = {
            clock.local(at).month
            for at in _live_sessions()
            .filter(center=center, kind=rules.CENTRALISED, starts_at__gte=start, starts_at__lt=end)
            .values_list("starts_at", flat=True)
        }
        missed = rules.months_without_session(held, today.year, today)
        if missed:
            months = "、".join(str(m) for m in missed)
            notes.append(
                BoardNote(
                    kind="training_month_missed",
                    title=_("%(year)s年 %(months)s 月没有集中学习") % {"year": today.year, "months": months},
                    link=reverse("training:center", args=[center.code]),
                    day=dt.date(today.year, missed[-1], 1),
                )
            )
    if today.month >= 10 and not county_session_held(center, today.year):
        notes.append(
            BoardNote(
                kind="county_training_missing",
                title=_("今年尚未参加县级集中业务培训"),
                link=reverse("training:center", args=[center.code]),
            )
        )
    return notes
