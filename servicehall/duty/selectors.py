"""Reads of the roster, leave and attendance, shared by pages, the API and the protocols.

Everything here is derived when read, in a fixed number of queries per center and period: the
month's seats from the posts, the hand changes and approved leave; a person's day from the
punches, the hours of the season, the calendar, leave and the queue's uncovered absences.
"""

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from servicehall.core import clock
from servicehall.core.board import BoardNote
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.facts import Evidence, Fact
from servicehall.core.roles import Role
from servicehall.core.todo import TodoItem, end_of_day, urgency_of
from servicehall.duty import rules
from servicehall.duty.models import ClockIn, Leave, LeaveStep, RosterEntry
from servicehall.org import access
from servicehall.org.models import Center, Post, RoleAssignment, Staff, Window
from servicehall.tickets.models import Absence
from servicehall.workdays import selectors as workdays

TZ = clock.TZ


def parse_month(text: str) -> tuple[int, int]:
    """``2026-11`` → (2026, 11), inside the calendar's years, or a 400."""
    try:
        year, month = (int(x) for x in (text or "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise Invalid(
            "bad_month", _("月份「%(month)s」无效，应为 YYYY-MM。") % {"month": (text or "")[:20]}
        ) from None
    if not 2004 <= year <= 2099:
        raise Invalid(
            "date_out_of_range", _("月份 %(month)s 超出工作日历范围（2004 至 2099 年）。") % {"month": text}
        )
    return year, month


def month_days(year: int, month: int) -> list[dt.date]:
    last = pycalendar.monthrange(year, month)[1]
    return [dt.date(year, month, d) for d in range(1, last + 1)]


def _covers(leave, day: dt.date) -> set[str]:
    """The halves of ``day`` that ``leave`` covers."""
    if not leave.start <= day <= leave.end:
        return set()
    halves = {rules.AM, rules.PM}
    if day == leave.start and leave.start_half == rules.PM:
        halves.discard(rules.AM)
    if day == leave.end and leave.end_half == rules.AM:
        halves.discard(rules.PM)
    return halves


# --- the roster (DUT-1) ------------------------------------------------------------------------


@dataclass
class Seat:
    window: Window
    staff: Staff | None
    source: str  # "post", "hand", "substitute", "gap"
    absent: Staff | None = None  # who is on leave, when someone covers or nobody does
    uncovered: bool = False


@dataclass
class RosterDay:
    day: dt.date
    workday: bool
    duty: Staff | None
    seats: list[Seat] = field(default_factory=list)


def duty_officers(center_ids) -> dict[int, list[Staff]]:
    """Per center, the staff holding its duty officer role (the default rotation), by id."""
    users = RoleAssignment.objects.filter(center_id__in=list(center_ids), role=Role.DUTY_OFFICER)
    out: dict[int, list[Staff]] = defaultdict(list)
    by_user = {}
    for center_id, user_id in users.values_list("center_id", "user_id"):
        by_user.setdefault(user_id, []).append(center_id)
    for staff in Staff.objects.filter(user_id__in=by_user, active=True).select_related("user").order_by("id"):
        for center_id in by_user[staff.user_id]:
            out[center_id].append(staff)
    return out


def approved_leaves(center_ids, first: dt.date, last: dt.date, staff_ids=None):
    qs = Leave.objects.filter(
        center_id__in=list(center_ids),
        status=Leave.Status.APPROVED,
        voided_at__isnull=True,
        start__lte=last,
        end__gte=first,
    )
    if staff_ids is not None:
        qs = qs.filter(staff_id__in=list(staff_ids))
    return list(qs.select_related("staff__user", "substitute__user"))


def roster(center: Center, year: int, month: int, days: list[dt.date] | None = None) -> list[RosterDay]:
    """DUT-1: the month's seats and duty officers, working days only (and any day a hand change
    names: a holiday appointment). Five queries whatever the size of the month."""
    days = days or month_days(year, month)
    first, last = days[0], days[-1]
    cal = workdays.calendar_for(center)
    windows = list(Window.objects.filter(center=center).order_by("number"))
    posts = list(
        Post.objects.filter(window__center=center, voided_at__isnull=True, start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .select_related("staff__user")
        .order_by("start", "id")
    )
    posts_of: dict[int, list[Post]] = defaultdict(list)
    for p in posts:
        posts_of[p.window_id].append(p)
    hand = {}
    for entry in (
        RosterEntry.objects.filter(center=center, day__range=(first, last), voided_at__isnull=True)
        .select_related("staff__user")
        .order_by("set_at", "id")
    ):
        hand[(entry.day, entry.kind, entry.window_id)] = entry
    leaves = approved_leaves([center.pk], first, last)
    officers = duty_officers([center.pk]).get(center.pk, [])
    hand_days = {d for d, _k, _w in hand}
    out = []
    index = sum(1 for d in month_days(first.year, first.month) if d < first and cal.is_workday(d))
    for day in days:
        workday = cal.is_workday(day)
        if not workday and day not in hand_days:
            continue
        duty_entry = hand.get((day, RosterEntry.Kind.DUTY, None))
        duty = duty_entry.staff if duty_entry else (rules.duty_rotation(officers, index) if workday else None)
        if workday:
            index += 1
        rd = RosterDay(day, workday, duty)
        on_leave = {}
        for leave in leaves:
            if _covers(leave, day):
                on_leave[leave.staff_id] = leave
        for window in windows:
            entry = hand.get((day, RosterEntry.Kind.SEAT, window.pk))
            if entry is not None:
                staff, source = entry.staff, "hand"
            else:
                holders = {
                    p.kind: p.staff
                    for p in posts_of.get(window.pk, ())
                    if p.start <= day and (p.end is None or p.end >= day)
                }
                staff, source = holders.get("A") or holders.get("B"), "post"
            if staff is None and source == "post":
                if entry is None and not workday:
                    continue
            leave = on_leave.get(staff.pk) if staff is not None else None
            if leave is not None:
                if leave.substitute_id and leave.cover_confirmed_at:
                    rd.seats.append(Seat(window, leave.substitute, "substitute", absent=staff))
                else:
                    rd.seats.append(Seat(window, None, "gap", absent=staff, uncovered=True))
            else:
                rd.seats.append(Seat(window, staff, source))
        out.append(rd)
    return out


def roster_as_dict(center: Center, year: int, month: int, days: list[RosterDay]) -> dict:
    def person(s):
        return None if s is None else {"username": s.user.username, "name": s.name}

    return {
        "center": center.code,
        "month": f"{year:04d}-{month:02d}",
        "days": [
            {
                "date": d.day,
                "workday": d.workday,
                "duty_officer": person(d.duty),
                "seats": [
                    {
                        "window": s.window.number,
                        "window_name": s.window.name,
                        "staff": person(s.staff),
                        "source": s.source,
                        "absent": person(s.absent),
                        "uncovered": s.uncovered,
                    }
                    for s in d.seats
                ],
            }
            for d in days
        ],
    }


# --- leave (DUT-2, DUT-3) ----------------------------------------------------------------------


def get_leave(leave_id: int) -> Leave:
    leave = (
        Leave.objects.filter(pk=leave_id, voided_at__isnull=True)
        .select_related("center", "staff__user", "substitute__user")
        .first()
    )
    if leave is None:
        raise NotFound(_("没有这条请假记录。"), code="leave_not_found")
    return leave


def steps_of(leave: Leave) -> list[LeaveStep]:
    return list(leave.steps.select_related("approver", "decided_by").order_by("order"))


def leave_as_dict(leave: Leave, steps: list[LeaveStep]) -> dict:
    return {
        "id": leave.pk,
        "status": leave.status,
        "kind": leave.kind,
        "staff": leave.staff.user.username,
        "start": f"{leave.start.isoformat()}{leave.start_half}",
        "end": f"{leave.end.isoformat()}{leave.end_half}",
        "half_days": leave.half_days,
        "registered_after": leave.registered_after,
        "substitute": leave.substitute.user.username if leave.substitute_id else None,
        "cover_confirmed": leave.cover_confirmed_at is not None,
        "steps": [
            {
                "role": s.role,
                "action": s.action,
                "approver": s.approver.username if s.approver_id else None,
                "status": s.status,
            }
            for s in steps
        ],
    }


def leaves_for(user, center_ids=None, limit: int = 100) -> list[Leave]:
    """The person's own requests, the ones they cover, and (for leaders) the center's."""
    q = Q(staff__user=user) | Q(substitute__user=user) | Q(steps__approver=user)
    if center_ids:
        q |= Q(center_id__in=list(center_ids))
    return list(
        Leave.objects.filter(q, voided_at__isnull=True)
        .select_related("staff__user", "substitute__user", "center")
        .distinct()
        .order_by("-start", "-id")[:limit]
    )


# --- attendance (DUT-4, DUT-5) -----------------------------------------------------------------


def _sessions(hours, day: dt.date):
    sessions = hours.sessions_on(day)
    return tuple((s.start, s.end) for s in sessions)


def attendance(center: Center, year: int, month: int, staff: Staff | None = None) -> list[dict]:
    """DUT-5: per person and working day of the month, derived from the punches, the season's
    hours, the roster, leave and the queue's uncovered absences. Eight queries whatever the
    number of people: ``[{"staff": Staff, "days": [DayResult]}]``."""
    days = month_days(year, month)
    first, last = days[0], days[-1]
    cal = workdays.calendar_for(center)
    hours = workdays.hours_for(center)
    policy = center.policy
    posts = Post.objects.filter(window__center=center, voided_at__isnull=True, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    if staff is not None:
        posts = posts.filter(staff=staff)
    people: dict[int, Staff] = {}
    for post in posts.select_related("staff__user").order_by("staff_id"):
        people.setdefault(post.staff_id, post.staff)
    if staff is not None:
        people.setdefault(staff.pk, staff)
    roster_days = roster(center, year, month, days)
    duty_on = {d.day: d.duty.pk for d in roster_days if d.duty is not None}
    for d in roster_days:
        if d.duty is not None and staff is None:
            people.setdefault(d.duty.pk, d.duty)
    ids = list(people) if staff is None else [staff.pk]
    start = dt.datetime.combine(first, dt.time(0), tzinfo=TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    punches: dict[int, dict[dt.date, list]] = defaultdict(lambda: defaultdict(list))
    clocks = ClockIn.objects.filter(center=center, at__gte=start, at__lt=end, voided_at__isnull=True)
    if staff is not None:
        clocks = clocks.filter(staff=staff)
    for staff_id, at in clocks.values_list("staff_id", "at").iterator(chunk_size=5000):
        local = at.astimezone(TZ).replace(tzinfo=None)
        punches[staff_id][local.date()].append(local)
    if staff is None:  # the days the center's machine recorded anyone
        recorded = {day for by_day in punches.values() for day in by_day}
    else:
        everyone = ClockIn.objects.filter(center=center, at__gte=start, at__lt=end, voided_at__isnull=True)
        recorded = {d.date() for d in everyone.datetimes("at", "day", tzinfo=TZ)}
    leave_map: dict[int, dict[dt.date, dict]] = defaultdict(lambda: defaultdict(dict))
    for leave in approved_leaves([center.pk], first, last, None if staff is None else [staff.pk]):
        covered = bool(leave.substitute_id and leave.cover_confirmed_at)
        for day in days:
            for half in _covers(leave, day):
                leave_map[leave.staff_id][day][half] = (leave.kind, covered)
    absences: dict[int, dict[dt.date, list]] = defaultdict(lambda: defaultdict(list))
    queue = Absence.objects.filter(window__center=center, day__range=(first, last))
    if staff is not None:
        queue = queue.filter(staff=staff)
    for staff_id, day, minutes, counts in queue.values_list("staff_id", "day", "minutes", "counts_as_late"):
        absences[staff_id][day].append((minutes, counts))
    now = clock.local().replace(tzinfo=None)
    today = now.date()
    out = []
    workday = {d: cal.is_workday(d) for d in days}
    sessions = {d: _sessions(hours, d) for d in days}
    for staff_id in ids:
        person = people[staff_id]
        results = []
        for day in days:
            if day > today:
                results.append(rules.DayResult(day, rules.REST if not workday[day] else rules.NOT_DUE))
                continue
            results.append(
                rules.attendance_day(
                    rules.DayInput(
                        day=day,
                        workday=workday[day],
                        sessions=sessions[day],
                        punches=punches[staff_id].get(day, []),
                        leave_halves=leave_map[staff_id].get(day, {}),
                        early_minutes=policy.duty_early_minutes if duty_on.get(day) == staff_id else 0,
                        absences=absences[staff_id].get(day, []),
                        now=now if day == today else None,
                        recorded=day in recorded,
                    )
                )
            )
        out.append({"staff": person, "days": results})
    return out


STATUS_LABELS = {
    rules.ON_TIME: gettext_noop("正常"),
    rules.LATE: gettext_noop("迟到"),
    rules.EARLY: gettext_noop("早退"),
    rules.LATE_EARLY: gettext_noop("迟到早退"),
    rules.ABSENT_HALF: gettext_noop("旷工半天"),
    rules.ABSENT_DAY: gettext_noop("旷工一天"),
    rules.LEAVE: gettext_noop("请假"),
    rules.TRIP: gettext_noop("下乡/出差"),
    rules.REST: gettext_noop("休息日"),
    rules.NOT_DUE: "—",
    rules.NO_RECORD: gettext_noop("无打卡数据"),
}


def day_as_dict(r: rules.DayResult) -> dict:
    return {"date": r.day, "status": r.status, "late_minutes": r.late_minutes, "covered": r.covered}


# --- the protocols ------------------------------------------------------------------------------


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime):
    """DUT-5: late, early, absent and uncovered-absence days of these centers in ``[start, end)``,
    from the derived attendance (a day's fact at its opening)."""
    centers = list(Center.objects.filter(pk__in=list(center_ids)).select_related("policy", "parent"))
    first = clock.local(start).date()
    last = clock.local(end - dt.timedelta(microseconds=1)).date()
    months = set()
    d = first.replace(day=1)
    while d <= last:
        months.add((d.year, d.month))
        d = (d + dt.timedelta(days=32)).replace(day=1)
    for center in centers:
        hours = workdays.hours_for(center)
        for year, month in sorted(months):
            for row in attendance(center, year, month):
                person = row["staff"]
                for r in row["days"]:
                    if not first <= r.day <= last:
                        continue
                    sessions = hours.sessions_on(r.day)
                    opening = sessions[0].start if sessions else dt.time(8, 0)
                    at = dt.datetime.combine(r.day, opening, tzinfo=TZ)
                    if not start <= at < end:
                        continue
                    for kind, quantity, note in r.events:
                        yield Fact(
                            center_id=center.pk,
                            kind=kind,
                            at=at,
                            evidence=Evidence(
                                "attendance",
                                f"{person.user.username}:{r.day.isoformat()}",
                                reverse("duty:person_attendance", kwargs={"username": person.user.username})
                                + f"?month={r.day:%Y-%m}",
                            ),
                            staff_id=person.user_id,
                            quantity=quantity,
                            note=note,
                            source="duty",
                        )


def board_notes(center: Center, now: dt.datetime) -> list[BoardNote]:
    """A window left uncovered by approved leave, one note for every working day it covers
    (from today on)."""
    today = clock.local(now).date()
    cal = workdays.calendar_for(center)
    leaves = (
        Leave.objects.filter(
            center=center,
            status=Leave.Status.APPROVED,
            voided_at__isnull=True,
            end__gte=today,
            cover_confirmed_at__isnull=True,
        )
        .select_related("staff")
        .order_by("start", "id")[:50]
    )
    notes = []
    for leave in leaves:
        day = max(leave.start, today)
        while day <= leave.end:
            if cal.is_workday(day) and _covers(leave, day):
                notes.append(
                    BoardNote(
                        kind="window_uncovered",
                        title=_("%(name)s 请假，窗口无人顶岗") % {"name": leave.staff.name},
                        link=reverse("duty:leave_detail", kwargs={"leave_id": leave.pk}),
                        day=day,
                        level="danger",
                        detail=_("%(kind)s，顶岗人员未确认") % {"kind": leave.get_kind_display()},
                    )
                )
            day += dt.timedelta(days=1)
    return notes


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """Leave steps waiting on the person, covers to confirm, and their day as duty officer."""
    items = []
    steps = (
        LeaveStep.objects.filter(
            approver=user, status=LeaveStep.Status.PENDING, leave__voided_at__isnull=True
        )
        .select_related("leave__staff")
        .order_by("leave__start", "id")[:limit]
    )
    for step in steps:
        leave = step.leave
        due = end_of_day(leave.start)  # a leave is due on its first day, not at a time
        items.append(
            TodoItem(
                kind="leave_step",
                title=_("%(name)s 的%(kind)s申请待您%(action)s")
                % {
                    "name": leave.staff.name,
                    "kind": leave.get_kind_display(),
                    "action": step.get_action_display(),
                },
                due=due,
                urgency=urgency_of(due, now),
                link=reverse("duty:leave_detail", kwargs={"leave_id": leave.pk}),
                ref=str(leave.pk),
                detail=leave.period,
                all_day=True,
                kind_name=_("请假审批"),
            )
        )
    covers = (
        Leave.objects.filter(
            substitute__user=user,
            cover_confirmed_at__isnull=True,
            voided_at__isnull=True,
            status__in=[Leave.Status.PENDING, Leave.Status.APPROVED],
        )
        .select_related("staff")
        .order_by("start", "id")[:limit]
    )
    for leave in covers:
        due = end_of_day(leave.start)  # a leave is due on its first day, not at a time
        items.append(
            TodoItem(
                kind="leave_cover",
                title=_("请确认为 %(name)s 顶岗") % {"name": leave.staff.name},
                due=due,
                urgency=urgency_of(due, now),
                link=reverse("duty:leave_detail", kwargs={"leave_id": leave.pk}),
                ref=str(leave.pk),
                detail=leave.period,
                all_day=True,
                kind_name=_("顶岗确认"),
            )
        )
    items.extend(_duty_day(user, now))
    return items[:limit]


def _duty_day(user, now: dt.datetime) -> list[TodoItem]:
    """The person's day as duty officer (值日) today: by a hand change to the roster, or by the
    rotation of a center where they hold the duty officer role. One query for a person without
    that role (the roles are the ones the request has read already), four with it."""
    today = clock.local(now).date()
    duty_centers = [cid for cid, held in access.held_roles(user).items() if Role.DUTY_OFFICER in held]
    q = Q(staff__user=user)
    if duty_centers:
        q |= Q(center_id__in=duty_centers)
    entries = RosterEntry.objects.filter(q, day=today, kind=RosterEntry.Kind.DUTY, voided_at__isnull=True)
    decided: dict[int, RosterEntry] = {}
    for entry in entries.select_related("staff", "center__policy", "center__parent").order_by("set_at", "id"):
        decided[entry.center_id] = entry  # the latest change of the day decides
    mine = [e.center for e in decided.values() if e.staff_id and e.staff.user_id == user.pk]
    rest = [cid for cid in duty_centers if cid not in decided]
    if rest:
        officers = duty_officers(rest)
        for center in Center.objects.filter(pk__in=rest).select_related("policy", "parent"):
            cal = workdays.calendar_for(center)
            if not cal.is_workday(today):
                continue
            index = sum(1 for d in month_days(today.year, today.month) if d < today and cal.is_workday(d))
            officer = rules.duty_rotation(officers.get(center.pk, []), index)
            if officer is not None and officer.user_id == user.pk:
                mine.append(center)
    items = []
    for center in mine:
        sessions = workdays.hours_for(center).sessions_on(today)
        due = end_of_day(today)
        if sessions:
            due = dt.datetime.combine(today, sessions[0].start, tzinfo=TZ) - dt.timedelta(
                minutes=center.policy.duty_early_minutes
            )
        items.append(
            TodoItem(
                kind="duty_day",
                title=_("今天您值日：请提前 %(m)s 分钟到岗") % {"m": center.policy.duty_early_minutes},
                due=due,
                urgency=urgency_of(due, now),
                link=reverse("duty:roster", kwargs={"code": center.code}) + f"?month={today:%Y-%m}",
                ref=f"duty:{center.code}:{today.isoformat()}",
                detail=center.name,
                kind_name=_("值日"),
            )
        )
    return items
