"""Reads of complaints shared by pages and the API: deadlines derived when read (CMP-4), the
officer's board, the complaint book, the complainant's look-up, and what the other apps gather
(to-do items, conduct facts, board notes, menu links)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from servicehall.cases import rules as case_rules
from servicehall.complaints import rules
from servicehall.complaints.models import BoxOpening, Complaint, Explanation, FirstInquiryFailure
from servicehall.core import clock, todo
from servicehall.core.board import BoardNote
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.facts import Evidence, Fact
from servicehall.core.roles import COMPLAINT_HANDLERS, LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, RoleAssignment, Staff
from servicehall.workdays import selectors as workdays

READERS = (*COMPLAINT_HANDLERS, Role.SUPERVISOR)
PAGE = 50
# Words of the rules (rules.py has no Django) shown through gettext: marked here for the catalogue.
RULE_WORDS = (
    gettext_noop("已上报领导处理"),
    gettext_noop("登记受理"),
    gettext_noop("情况说明已答复"),
    gettext_noop("认定首问责任不落实"),
    gettext_noop("我要投诉"),  # the public pages' link to the online form (public/base.html)
)
RELATED = ("center__policy", "against_staff", "against_window", "against_department", "received_by")


def get_complaint(number: str) -> Complaint:
    number = (number or "").strip().upper()[:60]
    complaint = (
        Complaint.objects.select_related(*RELATED).filter(number=number, voided_at__isnull=True).first()
    )
    if complaint is None:
        raise NotFound(gettext("没有这件投诉。"), code="complaint_not_found")
    return complaint


def staff_record(user) -> Staff | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "staff", None)  # one query, then kept on the user (None too)


def is_subject(user, complaint: Complaint) -> bool:
    staff = staff_record(user)
    return staff is not None and complaint.against_staff_id == staff.pk


def require_not_subject(user, complaint: Complaint) -> None:
    """The person complained about never reads or handles it before it is concluded."""
    if complaint.status != rules.CONCLUDED and is_subject(user, complaint):
        raise Forbidden(gettext("这件投诉针对您本人，办结前您不能查看或处理。"), code="complaint_about_self")


def require_reader(user, complaint: Complaint) -> None:
    """The person complained about never before the conclusion; otherwise the complaint officers,
    leaders and supervisors of its center (or a center above it)."""
    require_not_subject(user, complaint)
    if not access.has_role(user, complaint.center, *READERS):
        if any(roles & set(READERS) for roles in access.held_roles(user).values()):
            raise Forbidden(
                gettext("投诉 %(number)s 不属于您所在的中心，您不能查看或处理。")
                % {"number": complaint.number},
                code="complaint_of_other_center",
            )
        raise Forbidden(gettext("只有投诉处理人员、中心领导和监督人员可以查看投诉。"))


def require_center_reader(user, center: Center) -> None:
    if not access.has_role(user, center, *READERS):
        raise Forbidden(
            gettext("只有「%(name)s」的投诉处理人员、领导和监督人员可以查看投诉。") % {"name": center.name},
            code="complaint_of_other_center",
        )


# --- deadlines, derived when read (CMP-4) ------------------------------------------------------------


class Deadlines:
    """Due dates per (center, day of receipt), from each center's calendar and policy, memoised."""

    def __init__(self, today: dt.date):
        self.today = today
        self._cal: dict[int, object] = {}
        self._due: dict[tuple[int, dt.date], dt.date] = {}

    def calendar(self, center: Center):
        if center.pk not in self._cal:
            self._cal[center.pk] = workdays.calendar_for(center)
        return self._cal[center.pk]

    def due(self, center: Center, received: dt.date) -> dt.date:
        key = (center.pk, received)
        if key not in self._due:
            self._due[key] = rules.due_date(
                self.calendar(center), received, center.policy.complaint_answer_days
            )
        return self._due[key]

    def colour(self, center: Center, received: dt.date) -> tuple[str, int]:
        cal, due = self.calendar(center), self.due(center, received)
        colour = rules.colour(cal, due, self.today)
        return colour, rules.overdue_workdays(cal, due, self.today) if colour == rules.RED else 0

    def cutoff(self, center: Center, before: dt.date) -> dt.date:
        """The last day of receipt whose due date is before ``before``."""
        return rules.latest_received(
            self.calendar(center), self.today, center.policy.complaint_answer_days, before=before
        )


def with_deadlines(
    complaints: list[Complaint], now: dt.datetime | None = None, deadlines=None
) -> list[Complaint]:
    """Sets ``due_date``, ``colour`` ("" once concluded), ``overdue_days`` and ``late`` (concluded
    after the due day) on each complaint, from the calendar as it is now."""
    now = now or clock.now()
    deadlines = deadlines or Deadlines(clock.local(now).date())
    for c in complaints:
        c.due_date = deadlines.due(c.center, c.received_day)
        if c.status == rules.CONCLUDED:
            c.colour, c.overdue_days = "", 0
            c.late = clock.local(c.concluded_at).date() > c.due_date
        else:
            c.colour, c.overdue_days = deadlines.colour(c.center, c.received_day)
            c.late = c.colour == rules.RED
        c.colour_name = rules.COLOUR_NAMES.get(c.colour, "")
    return complaints


# The partial index of complaints not concluded holds its condition as literals; SQLite uses such
# an index only when the query states the same condition as literals (a bound parameter proves
# nothing at planning time), and its statistics cannot see that few complaints are open. So the
# condition is written out here, from the rules' own constants.
UNCONCLUDED_SQL = '"complaints_complaint"."status" IN ({})'.format(
    ", ".join(f"'{s}'" for s in rules.UNCONCLUDED)
)


def _unconcluded_of(qs):
    return qs.extra(where=[UNCONCLUDED_SQL])  # noqa: S610 - constants of rules.py, no input


def _unconcluded(center: Center):
    return _unconcluded_of(Complaint.objects.filter(center=center, voided_at__isnull=True))


def _not_about(qs, user):
    """Leave out the complaints about the reader that are not concluded yet."""
    staff = staff_record(user)
    if staff is None:
        return qs
    return qs.exclude(Q(against_staff=staff) & Q(status__in=rules.UNCONCLUDED))


@dataclass
class Board:
    center: Center
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    overdue_days: int = 0
    escalated: int = 0
    urgent: list = field(default_factory=list)  # the oldest not concluded (the most urgent)
    escalations: list = field(default_factory=list)


def board(center: Center, user=None, now: dt.datetime | None = None, limit: int = 20) -> Board:
    """The officer's board: open, due soon, overdue (with the working days), escalated, and the
    most urgent listed. Reads only complaints not concluded (a partial index): three queries
    however long the history."""
    now = now or clock.now()
    deadlines = Deadlines(clock.local(now).date())
    result = Board(center)
    base = _not_about(_unconcluded(center), user)
    # every complaint not concluded, in received order down the partial index (few: they depend
    # on the rate of arrival, not on the length of the history), counted here
    counted: dict[tuple, int] = {}
    for day, status in base.order_by("received_at", "id").values_list("received_day", "status"):
        counted[(day, status)] = counted.get((day, status), 0) + 1
    for (day, status), n in counted.items():
        colour, days = deadlines.colour(center, day)
        result.open += n
        if status == rules.ESCALATED:
            result.escalated += n
        if colour == rules.RED:
            result.overdue += n
            result.overdue_days += n * days
        elif colour == rules.YELLOW:
            result.due_soon += n
    related = base.select_related(*RELATED)
    result.urgent = with_deadlines(list(related.order_by("received_at", "id")[:limit]), now, deadlines)
    result.escalations = with_deadlines(
        list(related.filter(status=rules.ESCALATED).order_by("received_at", "id")[:limit]), now, deadlines
    )
    return result


def book(
    center: Center,
    status: str = "",
    user=None,
    now: dt.datetime | None = None,
    page: int = 1,
    size: int = PAGE,
) -> tuple[list[Complaint], bool]:
    """The complaint book (投诉记录本): the center's complaints newest first, a page at a time,
    filtered by ``status`` (open, overdue, due_soon, escalated, concluded); and whether more follow."""
    now = now or clock.now()
    today = clock.local(now).date()
    deadlines = Deadlines(today)
    qs = Complaint.objects.filter(center=center, voided_at__isnull=True)
    if status in ("open", "overdue", "due_soon"):
        qs = _unconcluded_of(qs)
    elif status in ("escalated", "concluded"):
        qs = qs.filter(status=status)
    if status == "overdue":
        qs = qs.filter(received_day__lte=deadlines.cutoff(center, today))
    elif status == "due_soon":
        soon = deadlines.calendar(center).add(today, 2)[0]
        qs = qs.filter(
            received_day__gt=deadlines.cutoff(center, today), received_day__lte=deadlines.cutoff(center, soon)
        )
    qs = _not_about(qs, user).select_related(*RELATED).order_by("-received_at", "-id")
    start = (max(1, page) - 1) * size
    rows = list(qs[start : start + size + 1])
    return with_deadlines(rows[:size], now, deadlines), len(rows) > size


def complaint_file(complaint: Complaint) -> dict:
    """CMP-8: the complaint's process in order and its explanations."""
    return {
        "events": list(complaint.events.select_related("actor").order_by("at", "id")),
        "explanations": list(
            complaint.explanations.select_related("from_staff", "from_department", "answered_by").order_by(
                "requested_at", "id"
            )
        ),
        "failures": list(complaint.first_inquiry_failures.select_related("staff")),
    }


NEXT_STEPS = {
    rules.OPEN: gettext_lazy("正在调查核实，将在答复期限内答复您。"),
    rules.ESCALATED: gettext_lazy("已上报有关领导或部门处理，处理结果将答复您。"),
    rules.CONCLUDED: gettext_lazy("已办结，答复如下。"),
}


def public_complaint(number: str, code: str) -> dict:
    """The complainant's look-up: status, due date and the answer; nothing about the staff member
    complained about beyond what the answer says. A wrong number and a wrong code read alike."""
    complaint = (
        Complaint.objects.select_related("center__policy")
        .filter(number=number, voided_at__isnull=True)
        .first()
    )
    if complaint is None or not case_rules.query_code_matches(complaint.query_code, code):
        raise NotFound(gettext("投诉编号或查询码不正确。"), code="complaint_not_found")
    with_deadlines([complaint])
    concluded = complaint.status == rules.CONCLUDED
    return {
        "number": complaint.number,
        "center": complaint.center.name,
        "channel": complaint.get_channel_display(),
        "category": complaint.get_category_display(),
        "status": complaint.status,
        "status_name": gettext(rules.STATUS_NAMES[complaint.status]),
        "received_on": complaint.received_day,
        "due_date": complaint.due_date,
        "overdue": complaint.colour == rules.RED,
        "delay_explanation": complaint.delay_explanation,
        "next_step": str(NEXT_STEPS[complaint.status]),
        "concluded_on": clock.local(complaint.concluded_at).date() if concluded else None,
        "answer": complaint.answer if concluded else "",
        "answered_via": complaint.get_answered_via_display() if concluded else "",
    }


# --- the to-do list ("todo") --------------------------------------------------------------------------


def _complaint_item(c: Complaint, kind: str, kind_name: str, now: dt.datetime) -> todo.TodoItem:
    due = todo.end_of_day(c.due_date)
    return todo.TodoItem(
        kind=kind,
        kind_name=kind_name,
        title=f"{c.number} {c.get_category_display()}",
        detail=c.content[:60],
        due=due,
        urgency=todo.urgency_of(due, now),
        colour=c.colour,
        link=reverse("complaints:complaint", args=[c.number]),
        ref=c.number,
        all_day=True,
    )


def todo_items(user, now: dt.datetime, limit: int) -> list[todo.TodoItem]:
    """What waits on ``user`` among complaints: the open complaints of the centers where they are
    the complaint officer; the escalated ones they conclude (leaders: to the leader; supervisors:
    to the discipline office); explanations asked of them (or of their department, for its head);
    and the suggestion box to open today or missed. At most four queries."""
    items: list[todo.TodoItem] = []
    today = clock.local(now).date()
    deadlines = Deadlines(today)
    held = access.held_roles(user)
    staff = staff_record(user)
    officer = sorted(cid for cid, roles in held.items() if Role.COMPLAINT_OFFICER in roles)
    leader = sorted(cid for cid, roles in held.items() if roles & LEADERS)
    supervisor = sorted(cid for cid, roles in held.items() if Role.SUPERVISOR in roles)
    wanted = Q(pk__in=[])
    if officer:
        wanted |= Q(center_id__in=officer, status=rules.OPEN)
    if leader:
        wanted |= Q(center_id__in=leader, status=rules.ESCALATED, escalated_to=rules.TO_LEADER)
    if supervisor:
        wanted |= Q(center_id__in=supervisor, status=rules.ESCALATED, escalated_to=rules.TO_DISCIPLINE)
    if officer or leader or supervisor:
        qs = Complaint.objects.filter(wanted, voided_at__isnull=True).select_related("center__policy")
        if staff is not None:
            qs = qs.exclude(against_staff=staff)
        for c in with_deadlines(list(qs.order_by("received_at", "id")[:limit]), now, deadlines):
            escalated = c.status == rules.ESCALATED
            items.append(
                _complaint_item(
                    c,
                    "complaint_escalated" if escalated else "complaint",
                    gettext("上报投诉待办结") if escalated else gettext("投诉待答复"),
                    now,
                )
            )
    if staff is not None:
        asked = Q(from_staff=staff)
        if staff.department_id and any(Role.DEPARTMENT_HEAD in r for r in held.values()):
            asked |= Q(from_department_id=staff.department_id)
        waiting = (
            Explanation.objects.filter(
                asked, answered_at__isnull=True, complaint__status__in=rules.UNCONCLUDED
            )
            .select_related("complaint")
            .order_by("due_date", "id")[:limit]
        )
        for e in waiting:
            due = todo.end_of_day(e.due_date)
            items.append(
                todo.TodoItem(
                    kind="complaint_explanation",
                    kind_name=gettext("投诉情况说明"),
                    title=gettext("请就投诉 %(number)s 作出情况说明") % {"number": e.complaint.number},
                    detail=e.question[:60],
                    due=due,
                    urgency=todo.urgency_of(due, now),
                    link=reverse("complaints:explanation", args=[e.pk]),
                    ref=f"{e.complaint.number}#{e.pk}",
                    all_day=True,
                )
            )
    if officer:
        items += _box_items(officer, now, today)
    return items


def _box_items(center_ids: list[int], now: dt.datetime, today: dt.date) -> list[todo.TodoItem]:
    centers = {c.pk: c for c in Center.objects.filter(pk__in=center_ids).select_related("policy")}
    since = today - dt.timedelta(days=rules.BOX_LOOK_BACK)
    opened: dict[int, set] = {}
    for cid, day in BoxOpening.objects.filter(center_id__in=center_ids, day__gte=since).values_list(
        "center_id", "day"
    ):
        opened.setdefault(cid, set()).add(day)
    items = []
    for cid, center in centers.items():
        cal = workdays.calendar_for(center)
        days = rules.missed_openings(cal, opened.get(cid, set()), today, None)
        if cal.is_workday(today) and today not in opened.get(cid, set()):
            days.append(today)
        for d in days:
            due = dt.datetime.combine(d, rules.BOX_HOUR, tzinfo=clock.TZ)
            items.append(
                todo.TodoItem(
                    kind="suggestion_box",
                    kind_name=gettext("意见箱开箱"),
                    title=gettext("%(center)s 意见箱 %(day)s 开箱登记")
                    % {"center": center.name, "day": d.isoformat()},
                    due=due,
                    urgency=todo.urgency_of(due, now),
                    link=reverse("complaints:box", args=[center.code]),
                    ref=f"box:{center.code}:{d.isoformat()}",
                )
            )
    return items


# --- the director's board ("board") --------------------------------------------------------------------


def board_notes(center: Center, now: dt.datetime) -> list[BoardNote]:
    """A working day with no suggestion-box opening (from the next morning on), in the centers that
    have a complaint officer; and the complaints past their answer date. Three queries."""
    notes: list[BoardNote] = []
    today = clock.local(now).date()
    if RoleAssignment.objects.filter(center=center, role=Role.COMPLAINT_OFFICER).exists():
        since = today - dt.timedelta(days=rules.BOX_LOOK_BACK)
        opened = set(BoxOpening.objects.filter(center=center, day__gte=since).values_list("day", flat=True))
        link = reverse("complaints:box", args=[center.code])
        for d in rules.missed_openings(workdays.calendar_for(center), opened, today, None):
            notes.append(
                BoardNote(
                    kind="suggestion_box_missed",
                    title=gettext("意见箱未按规定开箱"),
                    link=link,
                    day=d,
                    detail=gettext("%(day)s 为工作日，未登记 17:00 开箱记录。") % {"day": d.isoformat()},
                )
            )
    deadlines = Deadlines(today)
    overdue = n_days = 0
    for day in _unconcluded(center).order_by("received_at", "id").values_list("received_day", flat=True):
        colour, days = deadlines.colour(center, day)
        if colour == rules.RED:
            overdue += 1
            n_days += days
    if overdue:
        notes.append(
            BoardNote(
                kind="complaints_overdue",
                title=gettext("投诉超过答复期限：%(n)s 件") % {"n": overdue},
                link=reverse("complaints:board", args=[center.code]),
                level="danger",
                detail=gettext("共超期 %(days)s 个工作日") % {"days": n_days},
            )
        )
    return notes


# --- conduct facts ("facts") --------------------------------------------------------------------------


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime):
    """complaint_substantiated (CMP-7) against the person complained about, at the conclusion;
    first_inquiry_failure (INQ-3) against the first-inquiry officer. Two queries."""
    ids = list(center_ids)
    found = (
        Complaint.objects.filter(
            center_id__in=ids,
            substantiated=True,
            concluded_at__gte=start,
            concluded_at__lt=end,
            against_staff__isnull=False,
            voided_at__isnull=True,
        )
        .values_list(
            "center_id", "number", "concluded_at", "against_staff__user_id", "against_window_id", "category"
        )
        .order_by("concluded_at", "id")
    )
    for center_id, number, at, user_id, window_id, category in found:
        yield Fact(
            center_id=center_id,
            kind="complaint_substantiated",
            at=at,
            evidence=Evidence("complaint", number, reverse("complaints:complaint", args=[number])),
            staff_id=user_id,
            window_id=window_id,
            note=str(Complaint.Category(category).label),
            source="complaints",
        )
    failures = (
        FirstInquiryFailure.objects.filter(
            center_id__in=ids, at__gte=start, at__lt=end, voided_at__isnull=True
        )
        .select_related("staff", "complaint", "case", "visit")
        .order_by("at", "id")
    )
    for f in failures:
        if f.complaint is not None:
            evidence = Evidence(
                "complaint", f.complaint.number, reverse("complaints:complaint", args=[f.complaint.number])
            )
        elif f.case is not None:
            evidence = Evidence("case", f.case.number, reverse("cases:case", args=[f.case.number]))
        else:
            evidence = Evidence("visit", str(f.visit_id), reverse("cases:visits"))
        yield Fact(
            center_id=f.center_id,
            kind="first_inquiry_failure",
            at=f.at,
            evidence=evidence,
            staff_id=f.staff.user_id,
            window_id=f.visit.window_id if f.visit is not None else (f.case.window_id if f.case else None),
            note=str(FirstInquiryFailure.Kind(f.kind).label),
            source="complaints",
        )


def menu_links():
    from servicehall.org.menu import MenuLink

    return [
        MenuLink("complaints:board", "code", gettext_lazy("投诉处理"), frozenset(READERS)),
        MenuLink("complaints:book", "code", gettext_lazy("投诉记录本"), frozenset(READERS)),
    ]
