"""Reads of parallel approval shared by the pages, the API and other apps.

* ``participants(case, now)`` — each participating department's standing now: due date (from
  the round's start and its working-day limit, moved by an explanation in time), last opinion,
  deemed approval, lateness, urges, colour and handler. Derived when read; no job keeps it.
* ``participants_out(case)`` — the same as the case detail's ``participants`` list.
* ``conduct_facts(center_ids, start, end)`` — the "facts" protocol: participant overdue, deemed
  approval, unexcused meeting absence.
* ``todo_items(user, now, limit)`` — the "todo" protocol: opinions a participant's staff owe.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext

from servicehall.cases import rules as case_rules
from servicehall.cases.models import Case
from servicehall.catalog.models import Participant
from servicehall.core import clock, todo
from servicehall.core.facts import Evidence, Fact
from servicehall.core.rules import mask_name
from servicehall.core.todo import TodoItem
from servicehall.org import access
from servicehall.org.models import Department, Staff
from servicehall.org.selectors import posts_on
from servicehall.parallel import rules
from servicehall.parallel.models import Decision, Invitation, Meeting, Opinion, Resubmission, Urge
from servicehall.workdays import selectors as workdays


@dataclass
class ParticipantView:
    department: Department
    days: int
    standing: rules.Standing
    round: int
    started_at: dt.datetime
    colour: str = ""
    overdue_days: int = 0
    opinions: list = field(default_factory=list)  # this round's, in order
    urges: list = field(default_factory=list)  # this round's, in order
    handler: Staff | None = None

    @property
    def due_date(self) -> dt.date:
        return self.standing.due_date

    @property
    def deemed(self) -> bool:
        return self.standing.deemed

    @property
    def late(self) -> bool:
        return self.standing.late

    @property
    def pending(self) -> bool:
        return self.standing.pending

    @property
    def opinion(self) -> str | None:
        return self.standing.opinion

    @property
    def opinion_name(self) -> str:
        if self.standing.deemed and not self.standing.late:
            return gettext("超时默认同意")
        names = dict(Opinion.Kind.choices)
        return str(names.get(self.standing.opinion, gettext("待答复")))


def closing(center):
    """The moment a working-day limit expires on ``day``: closing time (end of day if closed)."""

    def at(day: dt.date) -> dt.datetime:
        closes = workdays.closing_time(center, day)
        return closes or dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=clock.TZ)

    return at


def is_parallel(case: Case) -> bool:
    return Participant.objects.filter(version_id=case.item_version_id).exists()


def _views(cases: list[Case], now: dt.datetime) -> dict[int, list[ParticipantView]]:
    """Every participant's standing for these cases, in five queries whatever their number."""
    out: dict[int, list[ParticipantView]] = {c.pk: [] for c in cases}
    sent = [c for c in cases if c.accepted_at is not None]
    if not sent:
        return out
    ids = [c.pk for c in sent]
    by_version: dict[int, list[Participant]] = {}
    for p in (
        Participant.objects.filter(version_id__in={c.item_version_id for c in sent})
        .select_related("department")
        .order_by("id")
    ):
        by_version.setdefault(p.version_id, []).append(p)
    rounds: dict[int, Resubmission] = {}
    for r in Resubmission.objects.filter(case_id__in=ids, voided_at__isnull=True).order_by("round"):
        rounds[r.case_id] = r
    said: dict[tuple[int, int, int], list[Opinion]] = {}
    for o in Opinion.objects.filter(case_id__in=ids, voided_at__isnull=True).select_related("by"):
        said.setdefault((o.case_id, o.round, o.department_id), []).append(o)
    urged: dict[tuple[int, int, int], list[Urge]] = {}
    for u in Urge.objects.filter(case_id__in=ids, voided_at__isnull=True).select_related("by"):
        urged.setdefault((u.case_id, u.round, u.department_id), []).append(u)
    decided = dict(
        Decision.objects.filter(case_id__in=ids, voided_at__isnull=True).values_list("case_id", "at")
    )
    today = clock.local(now).date()
    for case in sent:
        parts = by_version.get(case.item_version_id, [])
        if not parts:
            continue
        cal = workdays.calendar_for(case.center)
        at_close = closing(case.center)
        last = rounds.get(case.pk)
        number, start = (last.round, last.at) if last else (1, case.accepted_at)
        start_day = clock.local(start).date()
        end_day = clock.local(decided[case.pk]).date() if case.pk in decided else today
        for p in parts:
            due, _provisional = cal.add(start_day, p.days)
            opinions = sorted(said.get((case.pk, number, p.department_id), []), key=lambda o: (o.at, o.pk))
            s = rules.standing(
                due_date=due,
                closing=at_close,
                said=[rules.Said(o.kind, o.at, o.expected_date) for o in opinions],
                now=now,
            )
            view = ParticipantView(
                department=p.department,
                days=p.days,
                standing=s,
                round=number,
                started_at=start,
                opinions=opinions,
                urges=sorted(urged.get((case.pk, number, p.department_id), []), key=lambda u: (u.at, u.pk)),
            )
            warn_on = cal.back(s.due_date, 1) if p.days > 1 else s.due_date
            view.colour = rules.colour(s, now, warn_on, today)
            if s.deemed:
                until = clock.local(s.answered_at).date() if s.late else end_day
                view.overdue_days = max(cal.between(s.due_date, until)[0], 0)
            out[case.pk].append(view)
    return out


def handlers(views: list[ParticipantView], center) -> None:
    """Each participant's handler: the staff of its department holding a window post on its due
    day (the A post first), else its first active staff. One query for the posts, one for staff."""
    if not views:
        return
    departments = {v.department.pk for v in views}
    days = [v.due_date for v in views]
    posts = list(
        posts_on(max(days))
        .filter(staff__department_id__in=departments, staff__active=True, start__lte=min(days))
        .select_related("staff__user")
        .order_by("kind", "id")
    )
    staff = list(
        Staff.objects.filter(department_id__in=departments, active=True).select_related("user").order_by("id")
    )
    for v in views:
        held = [
            p.staff
            for p in posts
            if p.staff.department_id == v.department.pk
            and p.start <= v.due_date
            and (p.end is None or p.end >= v.due_date)
        ]
        others = [s for s in staff if s.department_id == v.department.pk]
        v.handler = (held or others or [None])[0]


def handler_of(department: Department, day: dt.date) -> Staff | None:
    post = (
        posts_on(day)
        .filter(staff__department=department, staff__active=True)
        .select_related("staff__user")
        .order_by("kind", "id")
        .first()
    )
    if post is not None:
        return post.staff
    return (
        Staff.objects.filter(department=department, active=True).select_related("user").order_by("id").first()
    )


def participants(
    case: Case, now: dt.datetime | None = None, with_handlers: bool = True
) -> list[ParticipantView]:
    """PAR-1 … PAR-4: the case's participants and where each stands now ([] for a case that is
    not a parallel one, or not accepted yet)."""
    views = _views([case], now or clock.now())[case.pk]
    if with_handlers:
        handlers(views, case.center)
    return views


def participants_out(case: Case) -> list[dict]:
    """The case detail's ``participants`` (issue 14's API)."""
    return [
        {
            "department": v.department.code,
            "department_name": v.department.name,
            "due_date": v.due_date,
            "opinion": v.opinion,
            "deemed": v.deemed,
            "late": v.late,
            "urges": len(v.urges),
            "colour": v.colour,
        }
        for v in participants(case, with_handlers=False)
    ]


def decision_of(case: Case) -> Decision | None:
    return Decision.objects.filter(case=case, voided_at__isnull=True).select_related("by").first()


def meetings_of(case: Case) -> list[Meeting]:
    return list(
        Meeting.objects.filter(case=case, voided_at__isnull=True)
        .prefetch_related("invitations__department", "invitations__representative")
        .order_by("at", "id")
    )


def department_of(user, center) -> Department | None:
    """The department of the signed-in person's staff record in ``center``."""
    staff = Staff.objects.filter(user=user, center=center, active=True).select_related("department").first()
    return staff.department if staff is not None else None


def can_read(user, case: Case) -> bool:
    """The case's readers, and the staff of a department taking part in it."""
    from servicehall.cases.selectors import can_read_case

    if can_read_case(user, case):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    mine = department_of(user, case.center)
    return (
        mine is not None
        and Participant.objects.filter(version_id=case.item_version_id, department=mine).exists()
    )


# --- the "facts" protocol -------------------------------------------------------------------------


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime) -> list[Fact]:
    """PAR-4, PAR-5: against a participant's handler, each silence past the limit (deemed
    approval, and its overdue working days); against a department's representative, each
    unexcused absence from a joint meeting. Derived now; a fixed number of queries."""
    ids = list(center_ids)
    now = clock.now()
    facts: list[Fact] = []
    parallel = Participant.objects.filter(version_id=OuterRef("item_version_id"))
    cases = list(
        Case.objects.filter(
            center_id__in=ids, accepted_at__isnull=False, accepted_at__lt=end, voided_at__isnull=True
        )
        .filter(Exists(parallel))
        .exclude(finished_at__lt=start)
        .select_related("center")
    )
    views = _views(cases, now)
    by_case = {c.pk: c for c in cases}
    deemed = [(by_case[cid], v) for cid, vs in views.items() for v in vs if v.deemed]
    handlers([v for _c, v in deemed], None)
    for case, v in deemed:
        at = v.standing.deadline
        if not start <= at < end:
            continue
        evidence = Evidence("case", case.number, reverse("parallel:case", args=[case.number]))
        who = v.handler.user_id if v.handler else None
        note = f"{v.department.name}（{case.number}）"
        facts.append(
            Fact(case.center_id, "deemed_approval", at, evidence, staff_id=who, note=note, source="parallel")
        )
        if v.overdue_days:
            facts.append(
                Fact(
                    case.center_id,
                    "participant_overdue",
                    at,
                    evidence,
                    staff_id=who,
                    quantity=Decimal(v.overdue_days),
                    note=note,
                    source="parallel",
                )
            )
    absences = (
        Invitation.objects.filter(
            meeting__case__center_id__in=ids,
            meeting__at__gte=start,
            meeting__at__lt=end,
            meeting__voided_at__isnull=True,
            present=False,
            excuse="",
        )
        .select_related("meeting__case", "department", "representative")
        .order_by("meeting__at", "id")
    )
    for inv in absences:
        case = inv.meeting.case
        facts.append(
            Fact(
                case.center_id,
                "meeting_absence",
                inv.meeting.at,
                Evidence("case", case.number, reverse("parallel:case", args=[case.number])),
                staff_id=inv.representative.user_id if inv.representative else None,
                note=f"{inv.department.name} {inv.meeting.get_kind_display()}",
                source="parallel",
            )
        )
    return facts


# --- the "todo" protocol --------------------------------------------------------------------------

CANDIDATES = 500  # open parallel cases of one department read for its to-do list


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """PAR-2: the opinions a participating department owes (deemed ones included: a late opinion
    is still kept), for each of its staff, due soonest first. A fixed number of queries."""
    staff = getattr(user, "staff", None)
    if staff is None or not staff.active or staff.department_id is None:
        return []
    mine = Participant.objects.filter(
        version_id=OuterRef("item_version_id"), department_id=staff.department_id
    )
    done = Decision.objects.filter(case_id=OuterRef("pk"), voided_at__isnull=True)
    cases = list(
        Case.objects.filter(
            center_id=staff.center_id,
            status=case_rules.ACCEPTED,
            voided_at__isnull=True,
            accepted_at__isnull=False,
        )
        .filter(Exists(mine))
        .exclude(Exists(done))
        .select_related("center", "window", "item_version")
        .order_by("accepted_at", "id")[:CANDIDATES]
    )
    views = _views(cases, now)
    items = []
    for case in cases:
        for v in views[case.pk]:
            if v.department.pk != staff.department_id or v.standing.answer is not None:
                continue
            due = v.standing.deadline
            items.append(
                TodoItem(
                    kind="parallel_opinion",
                    kind_name=gettext("并联审批意见"),
                    title=f"{case.number} {case.item_version.name}",
                    detail=gettext("牵头：%(window)s，申请人 %(applicant)s，催办 %(urges)s 次")
                    % {
                        "window": case.window,
                        "applicant": mask_name(case.applicant_name),
                        "urges": len(v.urges),
                    },
                    due=due,
                    urgency=todo.urgency_of(due, now),
                    colour=v.colour,
                    link=reverse("parallel:case", args=[case.number]),
                    ref=case.number,
                )
            )
    items.sort(key=todo.sort_key)
    return items[:limit]


def is_lead(user, case: Case) -> bool:
    """The lead: the case's handler, the holders of its window's posts today, or the center's
    leaders and department heads (who act on any of its cases)."""
    from servicehall.cases.services import CASE_LEADERS

    if not getattr(user, "is_authenticated", False):
        return False
    if access.has_role(user, case.center, *CASE_LEADERS):
        return True
    staff = Staff.objects.filter(user=user, center=case.center, active=True).first()
    return staff is not None and (
        staff.pk == case.handler_id
        or posts_on(clock.today()).filter(staff=staff, window=case.window_id).exists()
    )


def detail(case: Case) -> dict:
    """``GET /api/v1/cases/{number}`` of a parallel case adds its ``participants``."""
    if not is_parallel(case):
        return {}
    return {"participants": participants_out(case)}


# --- the "board" protocol -------------------------------------------------------------------------


def board_notes(center, now: dt.datetime) -> list:
    """PAR-4 on the director's board: each parallel case of the center waiting for the lead's
    decision with a participant deemed to approve (silent past its limit). Derived now."""
    from servicehall.core.board import BoardNote

    parallel = Participant.objects.filter(version_id=OuterRef("item_version_id"))
    done = Decision.objects.filter(case_id=OuterRef("pk"), voided_at__isnull=True)
    cases = list(
        Case.objects.filter(
            center=center, status=case_rules.ACCEPTED, voided_at__isnull=True, accepted_at__isnull=False
        )
        .filter(Exists(parallel))
        .exclude(Exists(done))
        .select_related("center", "item_version")
        .order_by("accepted_at", "id")[:CANDIDATES]
    )
    views = _views(cases, now)
    notes = []
    for case in cases:
        deemed = [v for v in views[case.pk] if v.deemed and not v.late]
        if deemed:
            notes.append(
                BoardNote(
                    kind="parallel_deemed",
                    title=gettext("%(number)s %(item)s：%(names)s超时默认同意")
                    % {
                        "number": case.number,
                        "item": case.item_version.name,
                        "names": "、".join(v.department.name for v in deemed),
                    },
                    link=reverse("parallel:case", args=[case.number]),
                    day=min(v.due_date for v in deemed),
                    level="danger",
                    detail=gettext("超时站所承担相应责任；请牵头站所作出决定。"),
                )
            )
    return notes
