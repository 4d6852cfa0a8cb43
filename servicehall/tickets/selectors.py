"""Reads of the queue that pages and the API share: the hall display, the console, statistics."""

import datetime as dt

from django.db.models import Count, F, Min, Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import Item
from servicehall.core import audit, clock, rows, todo
from servicehall.core.errors import NotFound
from servicehall.core.memo import Kept
from servicehall.core.rules import mask_name, mask_phone
from servicehall.core.todo import TodoItem
from servicehall.org.models import Center, Window
from servicehall.org.selectors import get_center, posts_on
from servicehall.tickets import rules
from servicehall.tickets.models import (
    Absence,
    Appointment,
    ExtendedService,
    HomeVisit,
    Line,
    Ticket,
    WindowState,
)
from servicehall.workdays import selectors as workdays

LAST_CALLS = 8
CONSOLE_WAITING = 30


def lines_of(center: Center) -> list[Line]:
    return list(Line.objects.filter(center=center, voided_at__isnull=True).order_by("prefix"))


def lines_with_items(center: Center) -> list[Line]:
    """The center's lines, each with the items in force it serves (their current versions)."""
    items = Item.objects.filter(voided_at__isnull=True, current__isnull=False).select_related("current")
    return list(
        Line.objects.filter(center=center, voided_at__isnull=True)
        .prefetch_related(Prefetch("items", queryset=items.order_by("code")))
        .order_by("prefix")
    )


def get_line(center: Center | str, prefix: str) -> Line:
    """The center's active line with this letter (``center``: the center or its code), with its
    center and policy: one query."""
    where = {"center__code": center} if isinstance(center, str) else {"center": center}
    line = (
        Line.objects.filter(**where, prefix=(prefix or "").strip().upper()[:1], voided_at__isnull=True)
        .select_related("center__policy", "center__parent")
        .first()
    )
    if line is None:
        if isinstance(center, str):
            center = get_center(center)
        names = "、".join(f"{x.prefix}（{x.name}）" for x in lines_of(center)) or gettext("无")
        raise NotFound(gettext("本中心没有业务线「%(value)s」。可选：%(names)s。") % {"value": (prefix or '')[:10], "names": names}, code="line_not_found")
    return line


# The kiosk's lines and the windows (with their center and its policy) are configuration that
# changes a few times a year, read by the hall's hottest requests: each process keeps what it
# read for MEMO_SECONDS. A change in this process is seen at once (``forget_config``, on every
# save of a line, window, center or policy); in the other workers within MEMO_SECONDS.
MEMO_SECONDS = 10
_config = Kept(MEMO_SECONDS)


def line_for_take(center_code: str, prefix: str) -> Line:
    """``get_line`` for the kiosk and the take API, kept in this process. A line voided
    meanwhile is still refused, by the counter's upsert (``services._next_seq``)."""
    key = ("line", center_code, (prefix or "").strip().upper()[:1])
    return _config.get(key, lambda: get_line(center_code, prefix))


def forget_config(**_signal) -> None:
    """After a change to a line, a window, a center or its policy in this process."""
    _config.forget()


_WINDOW = rows.Prepared(
    lambda window_id: (
        Window.objects.select_related("center__policy", "center__parent").filter(pk=window_id).order_by()
    )
)
_TICKET = rows.Prepared(  # its window comes from get_window: a seven-table join took 1 ms to plan
    lambda ticket_id: Ticket.objects.select_related("line", "center").filter(pk=ticket_id).order_by()
)


def get_window(window_id: int) -> Window:
    """The window with its center, the center's parent and policy (kept in this process)."""

    def load():
        window = _WINDOW.first(window_id)
        if window is None:
            raise NotFound(gettext("没有这个窗口。"), code="window_not_found")
        return window

    return _config.get(("window", window_id), load)


def get_ticket(ticket_id: int) -> Ticket:
    ticket = _TICKET.first(ticket_id)
    if ticket is None:
        raise NotFound(gettext("没有这张号票。"), code="ticket_not_found")
    if ticket.window_id is not None:
        ticket.window = get_window(ticket.window_id)
    return ticket


def state_label(state: str) -> str:
    return str(WindowState.State(state).label)


def is_extended(center: Center, now: dt.datetime) -> bool:
    """HRS-3: past today's closing time, the windows still at work are in extended service."""
    closing = workdays.closing_time(center, clock.local(now).date())
    return closing is not None and now >= closing


# --- hall display (QUE-1, QUE-5) -------------------------------------------------------------


# The display's version is the length of the center's audit chain: every change a display shows
# is a write, and every write appends one event there (in the same transaction), so the ETag
# moves with each call, take or pause without a counter of its own to update. Other writes of
# the center move it too; that costs one full answer to the next poll.
# An unchanged poll is answered from this process's memo of the version for up to
# VERSION_MEMO_SECONDS, without touching the database; a write in this process forgets it at
# once. With displays polling every second, a new call shows within 1.5 s on any worker.
VERSION_MEMO_SECONDS = 0.5
_versions = Kept(VERSION_MEMO_SECONDS)


def display_version(center_code: str) -> int | None:
    """The center's display version (None for a center that has written nothing yet)."""
    return _versions.get(center_code, lambda: audit.chain_length(center_code))


def forget_display_versions() -> None:
    """After a write in this process: the next poll reads the database."""
    _versions.forget()


def display_etag(version: int, now: dt.datetime) -> str:
    """Changes with every queue change, and once a minute (the clock and extended service show)."""
    return f'"{version}-{clock.local(now):%Y%m%d%H%M}"'


def display(center: Center) -> dict:
    """What the hall display shows: each window's state and current number, the last calls
    with their voice text, and how many wait per line."""
    now = clock.now()
    today = clock.local(now).date()
    windows = list(
        Window.objects.filter(center=center)
        .select_related("queue_state__current")
        .prefetch_related(Prefetch("lines", queryset=Line.objects.filter(voided_at__isnull=True)))
        .order_by("number")
    )
    waiting = dict(
        Ticket.objects.filter(center=center, day=today, status=Ticket.Status.WAITING)
        .values_list("line_id")
        .annotate(n=Count("id"))
        .values_list("line_id", "n")
    )
    calls = (
        Ticket.objects.filter(center=center, day=today, called_at__isnull=False)
        .select_related("window")
        .order_by("-called_at", "-id")[:LAST_CALLS]
    )
    window_rows = []
    for w in windows:
        state = getattr(w, "queue_state", None)
        current = state.current if state else None
        code = state.state if state else rules.CLOSED
        window_rows.append(
            {
                "id": w.pk,
                "number": w.number,
                "name": w.name,
                "state": code,
                "state_label": state_label(code),
                "current": current.number if current else None,
                "lines": [line.prefix for line in w.lines.all()],
            }
        )
    return {
        "center": center.name,
        "now": clock.local(now).strftime("%H:%M"),
        "extended": is_extended(center, now),
        "windows": window_rows,
        "calls": [
            {
                "key": f"{t.pk}-{t.called_at.timestamp():.3f}",
                "number": t.number,
                "window": t.window.number,
                "called_at": clock.local(t.called_at).strftime("%H:%M:%S"),
                "phrase": rules.call_phrase(t.number, t.window.number),
            }
            for t in calls
            if t.window_id is not None
        ],
        "lines": [
            {"prefix": line.prefix, "name": line.name, "waiting": waiting.get(line.pk, 0)}
            for line in lines_of(center)
        ],
    }


# --- the window console ----------------------------------------------------------------------


def window_state(window: Window) -> WindowState:
    state = (
        WindowState.objects.select_related("operator", "current__line", "paused_by")
        .filter(window=window)
        .first()
    )
    return state or WindowState(window=window, state=rules.CLOSED, since=clock.now())


def pause_minutes(state: WindowState, now: dt.datetime) -> int | None:
    return rules.minutes_between(state.paused_at, now) if state.state == rules.PAUSED else None


def callable_tickets(window: Window, day: dt.date):
    """Waiting tickets of the day this window may call: its lines', and those sent to it."""
    lines = Line.windows.through.objects.filter(window_id=window.pk).values("line_id")
    return Ticket.objects.filter(day=day, status=Ticket.Status.WAITING).filter(
        Q(line_id__in=lines, target_window__isnull=True) | Q(target_window=window)
    )


def callable_waiting(window: Window, limit: int = CONSOLE_WAITING) -> list[Ticket]:
    """The tickets this window may call, in issue order (the console's list to pick from)."""
    return list(
        callable_tickets(window, clock.today()).select_related("line").order_by("issued_at", "id")[:limit]
    )


def window_summary(window: Window) -> dict:
    """Everything the console shows besides the lists: state, pause time, extended service."""
    now = clock.now()
    state = window_state(window)
    minutes = pause_minutes(state, now)
    threshold = window.center.policy.brief_absence_minutes
    return {
        "state": state,
        "state_label": state_label(state.state),
        "pause_minutes": minutes,
        "pause_over": minutes is not None and minutes > threshold,
        "threshold": threshold,
        "extended": is_extended(window.center, now) and state.state != rules.CLOSED,
        "closing": workdays.closing_time(window.center, clock.local(now).date()),
    }


def window_details(center: Center, windows: list[Window]) -> dict[int, dict]:
    """For the center detail API: the lines each window serves and its state."""
    ids = [w.pk for w in windows]
    states = dict(WindowState.objects.filter(window_id__in=ids).values_list("window_id", "state"))
    served: dict[int, list[dict]] = {}
    for line in Line.objects.filter(windows__in=ids, voided_at__isnull=True).values(
        "windows", "prefix", "name"
    ):
        served.setdefault(line["windows"], []).append({"prefix": line["prefix"], "name": line["name"]})
    return {
        pk: {
            "lines": sorted(served.get(pk, []), key=lambda x: x["prefix"]),
            "state": states.get(pk, rules.CLOSED),
        }
        for pk in ids
    }


# --- appointments, statistics ------------------------------------------------------------------


REGULAR, LUNCH, HOLIDAY = "regular", "lunch", "holiday"
# HRS-3: what a slot outside the ordinary hours is called (001 一(六)2–3, 000 二.7).
SLOT_SERVICES = {REGULAR: "", LUNCH: _("午间预约"), HOLIDAY: _("节假日预约")}


def day_slots(center: Center, day: dt.date) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """QUE-4/HRS-3: the bookable slots of a day and the service each belongs to: the day's
    sessions (``regular``), over lunch when the policy offers lunch-hour appointments
    (``lunch``); on a rest day, the next working day's hours when it offers holiday
    appointments (``holiday``). A local closure offers none unless it says appointments go on."""
    policy = center.policy
    sessions = workdays.sessions_on(center, day)
    rest_day = not sessions
    if rest_day:
        closure = workdays.closure_on(center, day)
        if not (closure[1] if closure is not None else policy.holiday_appointments):
            return []
        start_of_day = dt.datetime.combine(day, dt.time.min, tzinfo=clock.TZ)
        sessions = workdays.sessions_on(center, workdays.next_opening(center, start_of_day).date())
    pairs = rules.appointment_slots([(s.start, s.end) for s in sessions], lunch=policy.lunch_appointments)
    lunch = (sessions[0].end, sessions[-1].start) if len(sessions) > 1 else None

    def service(a: dt.time, b: dt.time) -> str:
        if rest_day:
            return HOLIDAY
        return LUNCH if lunch and a < lunch[1] and b > lunch[0] else REGULAR

    return [
        (
            dt.datetime.combine(day, a, tzinfo=clock.TZ),
            dt.datetime.combine(day, b, tzinfo=clock.TZ),
            service(a, b),
        )
        for a, b in pairs
    ]


def slots_on(center: Center, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The bookable slots of a day as (start, end), see ``day_slots``."""
    return [(a, b) for a, b, _service in day_slots(center, day)]


def slot_capacity(line: Line) -> int:
    """As many bookings per slot as windows serve the line."""
    return max(1, line.windows.count())


def free_slots(line: Line, day: dt.date) -> list[dict]:
    """Each bookable slot of the day still ahead (a past slot is never offered), with how many
    places are left and its service (``regular``, ``lunch`` 午间预约, ``holiday`` 节假日预约)."""
    now = clock.now()
    slots = [s for s in day_slots(line.center, day) if s[0] > now]
    if not slots:
        return []
    capacity = slot_capacity(line)
    taken = dict(
        Appointment.objects.filter(line=line, day=day, voided_at__isnull=True)
        .values_list("slot_start")
        .annotate(n=Count("id"))
        .values_list("slot_start", "n")
    )
    return [
        {
            "start": a,
            "end": b,
            "free": max(0, capacity - taken.get(a, 0)),
            "service": service,
            "label": str(SLOT_SERVICES[service]),
        }
        for a, b, service in slots
    ]


def booking_days(center: Center, days: int = 14) -> list[dt.date]:
    """The coming days with bookable slots (today's only while a slot is still ahead)."""
    now = clock.now()
    out = []
    for i in range(days):
        day = clock.today() + dt.timedelta(days=i)
        if any(start > now for start, _end in slots_on(center, day)):
            out.append(day)
    return out or [clock.today()]


def home_visits(center: Center) -> list[HomeVisit]:
    return list(
        HomeVisit.objects.filter(center=center, voided_at__isnull=True)
        .select_related("assigned_to")
        .order_by("status", "-requested_at")[:100]
    )


def appointments_on(center: Center, day: dt.date) -> list[Appointment]:
    """The day's appointments, each with ``phone_masked`` (SEC-5)."""
    rows = list(
        Appointment.objects.filter(center=center, day=day, voided_at__isnull=True)
        .select_related("line", "ticket")
        .order_by("slot_start", "id")
    )
    for row in rows:
        row.phone_masked = mask_phone(row.phone)
    return rows


def ticket_rows(center: Center, start: dt.date, end: dt.date) -> list[dict]:
    """One row per ticket of the period, with its line, window and times; a ticket never
    called has waited until now (today) or until its day's service ended (``waited_until``)."""
    rows = list(
        Ticket.objects.filter(center=center, day__range=(start, end)).values(
            "day",
            "status",
            "issued_at",
            "first_called_at",
            "started_at",
            "finished_at",
            "line__prefix",
            "line__name",
            "window__number",
            "window__name",
        )
    )
    now = clock.now()
    today = clock.local(now).date()
    ends: dict[dt.date, dt.datetime] = {}
    for row in rows:
        if row["first_called_at"] is None and row["status"] == Ticket.Status.WAITING:
            day = row["day"]
            if day not in ends:
                closing = workdays.closing_time(center, day) if day < today else None
                ends[day] = min(
                    now, closing or dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), clock.TZ)
                )
            row["waited_until"] = ends[day]
    return rows


def statistics(center: Center, start: dt.date, end: dt.date) -> dict:
    """Waiting and service times per line, window and day; extended service and absences."""
    rows = ticket_rows(center, start, end)
    return {
        "by_line": rules.tally(rows, lambda r: f"{r['line__prefix']} {r['line__name']}"),
        "by_window": rules.tally(
            [r for r in rows if r["window__number"] is not None],
            lambda r: gettext("%(value)s号 %(value1)s") % {"value": format(r['window__number'], "02d"), "value1": r['window__name']},
        ),
        "by_day": rules.tally(rows, lambda r: r["day"]),
        "extended": list(
            ExtendedService.objects.filter(window__center=center, day__range=(start, end))
            .select_related("window")
            .order_by("day", "window__number")
        ),
        "absences": list(
            Absence.objects.filter(window__center=center, day__range=(start, end))
            .select_related("window", "staff")
            .order_by("started_at")
        ),
    }


# --- the director's home: the hall at a glance -----------------------------------------------------


def hall_now(center: Center, now: dt.datetime | None = None) -> dict:
    """What the director sees first: per line how many wait and the longest wait so far; the
    windows open, paused, closed and uncovered (paused past the policy's brief absence with
    nobody covering); and the green-channel tickets waiting longer than the policy allows.
    Three queries whatever the length of the queue."""
    now = now or clock.now()
    today = clock.local(now).date()
    policy = center.policy
    waiting = Ticket.objects.filter(center=center, day=today, status=Ticket.Status.WAITING)
    per_line = {
        row["line_id"]: row
        for row in waiting.values("line_id").annotate(n=Count("id"), first=Min("issued_at")).order_by()
    }
    lines = []
    for line in lines_of(center):
        row = per_line.get(line.pk)
        lines.append(
            {
                "prefix": line.prefix,
                "name": line.name,
                "waiting": row["n"] if row else 0,
                "longest_minutes": rules.minutes_between(row["first"], now) if row else None,
            }
        )
    states = {
        s.window_id: s for s in WindowState.objects.filter(window__center=center).select_related("window")
    }
    counts = {"open": 0, "paused": 0, "closed": 0, "uncovered": 0}
    uncovered = []
    for window in Window.objects.filter(center=center).order_by("number"):
        state = states.get(window.pk)
        code = state.state if state else rules.CLOSED
        if code in (rules.OPEN, rules.COVERED):
            counts["open"] += 1
        elif code == rules.PAUSED:
            counts["paused"] += 1
            minutes = pause_minutes(state, now)
            if minutes is not None and minutes > policy.brief_absence_minutes:
                counts["uncovered"] += 1
                uncovered.append({"number": window.number, "name": window.name, "minutes": minutes})
        else:
            counts["closed"] += 1
    limit = policy.green_channel_wait_minutes
    green = [
        {
            "number": t.number,
            "group": t.get_green_channel_display(),
            "line": t.line.name,
            "minutes": rules.minutes_between(t.issued_at, now),
        }
        for t in waiting.filter(green_channel__gt="", issued_at__lt=now - dt.timedelta(minutes=limit))
        .select_related("line")
        .order_by("issued_at", "id")
    ]
    return {
        "lines": lines,
        "waiting": sum(x["waiting"] for x in lines),
        "longest_minutes": max((x["longest_minutes"] or 0 for x in lines), default=0),
        "windows": counts,
        "uncovered": uncovered,
        "green_overdue": green,
        "green_limit": limit,
        "brief_absence": policy.brief_absence_minutes,
    }


# --- 我的待办: the queue's part of a person's to-do list (core.todo's "todo" protocol) ------------


NOT_YET_SERVED = (Ticket.Status.WAITING, Ticket.Status.CALLED, Ticket.Status.SERVING)


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """What waits on ``user`` in the queue, the most urgent first, at most ``limit`` of each kind:

    * ``home_visit``: the home visits assigned to them and not yet done (QUE-3), due on their day;
    * ``appointment``: today's appointments on the lines of the windows where they hold a post
      today or that they operate now (QUE-4): booked and still able to check in, or checked in
      and not yet served, due at the slot's start.

    Two queries whatever the number of visits and appointments (and the person's staff record,
    shared with the other apps' items)."""
    staff = getattr(user, "staff", None)  # one query, then kept on the user (None too)
    if staff is None or not staff.active:
        return []
    today = clock.local(now).date()
    items: list[TodoItem] = []
    visits = (
        HomeVisit.objects.filter(assigned_to=staff, status=HomeVisit.Status.ASSIGNED, voided_at__isnull=True)
        .select_related("center")
        .order_by(F("visit_on").asc(nulls_last=True), "id")[:limit]
    )
    for visit in visits:
        due = todo.end_of_day(visit.visit_on) if visit.visit_on else None
        items.append(
            TodoItem(
                kind="home_visit",
                kind_name=gettext("上门服务"),
                title=visit.need,
                detail=gettext("服务对象 %(name)s") % {"name": mask_name(visit.name)},
                due=due,
                all_day=True,
                urgency=todo.urgency_of(due, now),
                link=reverse("tickets:services", args=[visit.center.code]),
                ref=str(visit.pk),
            )
        )
    posts = posts_on(today).filter(staff=staff).values("window_id")
    operated = WindowState.objects.filter(operator=staff).values("window_id")
    served = Line.objects.filter(Q(windows__in=posts) | Q(windows__in=operated)).values("id")
    booked = (
        Appointment.objects.filter(day=today, line_id__in=served, voided_at__isnull=True)
        .filter(
            Q(status=Appointment.Status.BOOKED, slot_end__gte=now)
            | Q(status=Appointment.Status.CHECKED_IN, ticket__status__in=NOT_YET_SERVED)
        )
        .select_related("line", "center")
        .order_by("slot_start", "id")[:limit]
    )
    for appointment in booked:
        items.append(
            TodoItem(
                kind="appointment",
                kind_name=gettext("预约"),
                title=f"{appointment.line.prefix} {appointment.line.name} {clock.local(appointment.slot_start):%H:%M}",
                detail=gettext("预约人 %(name)s，预约码 %(code)s")
                % {"name": mask_name(appointment.name), "code": appointment.code},
                due=appointment.slot_start,
                urgency=todo.urgency_of(appointment.slot_start, now),
                link=reverse("tickets:services", args=[appointment.center.code]) + f"?day={today:%Y-%m-%d}",
                ref=appointment.code,
            )
        )
    return items
