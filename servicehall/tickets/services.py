"""Every write of the queue: lines, taking a ticket, calling and serving it, the windows' states.

Concurrency (QUE-1):
* A number comes from the line's counter row for the day, incremented by one upsert in the
  same transaction as the ticket's insert: the row stays locked until commit, so numbers are
  unique and without gaps (a rolled-back take rolls the counter back too).
* Call-next locks the window's state row, then the first waiting ticket with
  ``SELECT … FOR UPDATE SKIP LOCKED``: two windows calling at once get different tickets and
  never wait on each other (PostgreSQL). SQLite runs every transaction ``BEGIN IMMEDIATE``,
  one writer at a time, which gives the same guarantees.
"""

from django.db import connection, transaction
from django.utils.translation import gettext

from servicehall.catalog.models import Item
from servicehall.core import audit, clock, rows
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Center, Department, Window
from servicehall.org.selectors import posts_on
from servicehall.tickets import rules, selectors
from servicehall.tickets.models import (
    Absence,
    Appointment,
    Device,
    ExtendedService,
    GreenChannel,
    Line,
    LineDay,
    Ticket,
    WindowState,
    WindowStateChange,
)
from servicehall.workdays import selectors as workdays

ISSUERS = (Role.WINDOW_STAFF, Role.DUTY_OFFICER, Role.DEPARTMENT_HEAD, Role.DIRECTOR)
WINDOW_ROLES = (Role.WINDOW_STAFF, Role.DEPARTMENT_HEAD, Role.DIRECTOR)
ACTIVE = (rules.OPEN, rules.PAUSED, rules.COVERED)
AT_COUNTER = (Ticket.Status.CALLED, Ticket.Status.SERVING)

# --- lines ----------------------------------------------------------------------------------


def line_create(
    *,
    actor,
    center: Center,
    prefix: str,
    name: str,
    windows: list[Window] = (),
    departments: list[Department] = (),
    items: list[Item] = (),
) -> Line:
    """QUE-1: a service line with its letter, the departments and items it serves, and the
    windows serving it."""
    access.require(actor, center, *access.CONFIGURERS)
    prefix = (prefix or "").strip().upper()
    if not rules.is_valid_prefix(prefix):
        raise Invalid("invalid_prefix", gettext("业务线字母须为 A–Z 中的一个大写字母。"))
    if not (name or "").strip():
        raise Invalid("name_required", gettext("请填写业务线名称。"))
    if any(x.center_id != center.pk for x in [*windows, *departments, *items]):
        raise Invalid("other_center", gettext("业务线只能使用本中心的窗口、科室和事项。"))
    with transaction.atomic():
        if Line.objects.filter(center=center, prefix=prefix, voided_at__isnull=True).exists():
            raise Conflict("duplicate_prefix", gettext("本中心已有字母为「%(prefix)s」的业务线。") % {"prefix": prefix})
        line = Line.objects.create(center=center, prefix=prefix, name=name.strip())
        line.windows.set(windows)
        line.departments.set(departments)
        line.items.set(items)
        _record(
            actor=actor,
            action="line.create",
            obj=line,
            center=center,
            after={
                **audit.snapshot(line),
                "windows": [w.pk for w in windows],
                "departments": [d.pk for d in departments],
                "items": [i.pk for i in items],
            },
        )
    return line


# --- helpers ----------------------------------------------------------------------------------


def _record(
    *,
    actor,
    action: str,
    obj,
    center,
    before: dict | None = None,
    after: dict | None = None,
    insert: bool = False,
    last: bool = False,
) -> None:
    """The audit event of a queue change (``insert``: of a new ``obj``, inserted with it;
    ``last``: the transaction's last write); the event also moves the hall display's version
    (``selectors.display_version``), so its next poll gets a new ETag."""
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        center=center,
        before=before,
        after=after,
        insert=insert,
        last=last,
    )
    selectors.forget_display_versions()
    transaction.on_commit(selectors.forget_display_versions)


_COUNTERS = LineDay._meta.db_table
_LINES = Line._meta.db_table
_NEXT_SEQ = (
    f"INSERT INTO {_COUNTERS} (line_id, day, last_number, waiting) "  # noqa: S608
    f"SELECT id, %s, 1, 1 FROM {_LINES} WHERE id = %s AND voided_at IS NULL "
    f"ON CONFLICT (line_id, day) DO UPDATE SET last_number = {_COUNTERS}.last_number + 1, "
    f"waiting = {_COUNTERS}.waiting + 1 RETURNING last_number, waiting"
)
_SHIFT_WAITING = (
    f"INSERT INTO {_COUNTERS} (line_id, day, last_number, waiting) VALUES (%s, %s, 0, %s) "  # noqa: S608
    f"ON CONFLICT (line_id, day) DO UPDATE SET waiting = {_COUNTERS}.waiting + %s"
)


def _next_seq(line: Line, day) -> tuple[int, int]:
    """The line's next number today, and how many then wait in the line with it: one upsert
    that locks the counter row until commit, and refuses a line voided meanwhile."""
    params = [connection.ops.adapt_datefield_value(day), line.pk]
    with connection.cursor() as cursor:
        if hasattr(connection, "execute_opening"):  # PostgreSQL: with the transaction's BEGIN
            connection.execute_opening(cursor, _NEXT_SEQ, params)
        else:
            cursor.execute(_NEXT_SEQ, params)
        row = cursor.fetchone()
    if row is None:
        raise Invalid("line_closed", gettext("业务线「%(name)s」已停用。") % {"name": line.name})
    return row[0], row[1]


def _shift_waiting(ticket: Ticket, by: int) -> None:
    """A ticket starts (+1) or stops (-1) waiting in its line: the line's counter follows."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SHIFT_WAITING, [ticket.line_id, connection.ops.adapt_datefield_value(ticket.day), by, by]
        )


def _class_of(ticket: Ticket, now) -> str:
    return rules.ticket_class(green_channel=ticket.green_channel, slot_start=ticket.slot_start, now=now)


def closed_message(center: Center, now) -> str:
    opening = clock.local(workdays.next_opening(center, now))
    closing = workdays.closing_time(center, clock.local(now).date())
    if closing is not None and now >= closing:
        reason = gettext("今日办公时间已于 %(closing)s 结束") % {"closing": format(closing, "%H:%M")}
    else:
        reason = gettext("现在不是办公时间")
    return gettext("%(reason)s，现场取号已停止。请于 %(opening)s 后再来，或预约办理。") % {"reason": reason, "opening": format(opening, gettext("%m月%d日 %H:%M"))}


def _green(value: str | None) -> str:
    if not value:
        return ""
    if value not in GreenChannel.values:
        names = "、".join(f"{v}（{label}）" for v, label in GreenChannel.choices)
        raise Invalid("unknown_green_channel", gettext("未知的绿色通道类别「%(value)s」。可选：%(names)s。") % {"value": value[:30], "names": names})
    return value


def _issuer(actor, device: Device | None, center: Center):
    """Who the audit names for a take: the signed-in staff member, or the device."""
    if device is not None:
        if device.center_id != center.pk or device.kind != Device.Kind.KIOSK:
            raise Forbidden(gettext("该设备不能为本中心取号。"), code="device_refused")
        return f"{device.get_kind_display()}：{device.name}"
    access.require(actor, center, *ISSUERS)
    return actor


def issue_ticket(
    *, who, line: Line, green: str, source: str, appointment: Appointment | None = None, last: bool = False
) -> Ticket:
    """Inside the caller's transaction: the number, the ticket and its audit event (which also
    moves the hall display's version); ``last``: the caller writes nothing after it. For
    walk-ins use ``ticket_take``."""
    center = line.center
    day = clock.today()
    seq, waiting = _next_seq(line, day)
    now = clock.now()  # read under the counter's lock: issue order is number order
    ticket = Ticket(
        center=center,
        line=line,
        origin_line=line,
        day=day,
        seq=seq,
        number=rules.ticket_number(line.prefix, seq),
        green_channel=green,
        source=source,
        appointment=appointment,
        slot_start=appointment.slot_start if appointment else None,
        issued_at=now,
    )
    _record(  # the kiosk's hot path: the ticket is inserted with its event (core/rows.py)
        actor=who,
        action="ticket.take",
        obj=ticket,
        center=center,
        after={"number": ticket.number, "line": line.prefix, "green_channel": green, "source": source},
        insert=True,
        last=last,
    )
    ticket.waiting_in_line = waiting  # itself included, at its issue
    return ticket


_TICKETS = Ticket._meta.db_table
_WAITING = f"SELECT COUNT(*) FROM {_TICKETS} WHERE line_id = %s AND day = %s AND status = %s AND id <> %s"  # noqa: S608
_DUE = "slot_start <= %s"  # NULL never compares: a walk-in is never due
_NOT_DUE = "(slot_start IS NULL OR slot_start > %s)"
_CLASS_WHERE = {  # rules.ticket_class as SQL, each one range of an index
    rules.APPOINTMENT: _DUE,
    rules.GREEN: f"{_NOT_DUE} AND green_channel > ''",
    rules.NORMAL: f"{_NOT_DUE} AND green_channel = ''",
}


def waiting_ahead(ticket: Ticket, now) -> int:
    """How many waiting tickets of the line come before this one in the usual order (QUE-2):
    those of a higher class, and those of its class issued before it. One statement, each part
    one range of an index; a kiosk's new normal ticket reads its line's counter instead."""
    mine = _class_of(ticket, now)
    key = [ticket.line_id, connection.ops.adapt_datefield_value(ticket.day), Ticket.Status.WAITING, ticket.pk]
    at = connection.ops.adapt_datetimefield_value(now)
    parts, params = [], []
    for cls in rules.USUAL_ORDER[: rules.USUAL_ORDER.index(mine) + 1]:
        if cls == mine:
            parts.append(f"({_WAITING} AND {_CLASS_WHERE[cls]} AND issued_at <= %s)")
            params += [*key, at, connection.ops.adapt_datetimefield_value(ticket.issued_at)]
        else:
            parts.append(f"({_WAITING} AND {_CLASS_WHERE[cls]})")
            params += [*key, at]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(parts), params)
        return cursor.fetchone()[0]


# --- taking a ticket (QUE-1, QUE-2, HRS-3) -----------------------------------------------------


def ticket_take(
    *,
    actor,
    line: Line,
    green_channel: str | None = None,
    source: str = Ticket.Source.API,
    device: Device | None = None,
) -> Ticket:
    """QUE-1: a walk-in ticket from the kiosk, the console or the API (``ticket.waiting_ahead`` set).

    HRS-3: after closing time (and outside office hours) walk-ins are refused with
    ``center_closed``; appointments are checked in with ``appointment_check_in``.
    """
    center = line.center
    who = _issuer(actor, device, center)
    green = _green(green_channel)
    if line.voided_at is not None:
        raise Invalid("line_closed", gettext("业务线「%(name)s」已停用。") % {"name": line.name})
    now = clock.now()
    if not workdays.is_open(center, now):
        raise Conflict("center_closed", closed_message(center, now))
    with transaction.atomic():  # two statements on PostgreSQL: BEGIN rides with the first, COMMIT with the last
        ticket = issue_ticket(who=who, line=line, green=green, source=source, last=True)
    if _class_of(ticket, ticket.issued_at) == rules.NORMAL:
        # the newest normal ticket: everyone then waiting in the line is ahead of it
        ticket.waiting_ahead = ticket.waiting_in_line - 1
    else:
        ticket.waiting_ahead = waiting_ahead(ticket, ticket.issued_at)  # after commit: no lock held
    return ticket


# --- the window's operator -------------------------------------------------------------------


def _staff_of(actor):
    staff = getattr(actor, "staff", None) if actor is not None else None
    if staff is None:
        raise Forbidden(gettext("只有中心工作人员可以操作窗口。"), code="not_staff")
    return staff


_STATE = rows.Prepared(  # the window's state, locked, with who operates it and whom it serves
    lambda window_id: (
        WindowState.objects.select_for_update(of=("self",))
        .select_related("operator", "current")
        .filter(window_id=window_id)
    )
)


def _locked_state(window: Window) -> WindowState:
    state = _STATE.first(window.pk)
    if state is None:
        WindowState.objects.bulk_create(
            [WindowState(window=window, since=clock.now())], ignore_conflicts=True
        )
        state = _STATE.first(window.pk)
    state.window = window
    return state


def _operating_state(actor, window: Window) -> WindowState:
    """The locked state of a window the actor is operating now (open or covering)."""
    access.require(actor, window.center, *WINDOW_ROLES)
    state = _STATE.first(window.pk)
    if state is not None:
        state.window = window
    if state is None or state.state not in rules.SERVING_STATES:
        label = WindowState.State(state.state).label if state else WindowState.State.CLOSED.label
        raise Conflict("window_not_open", gettext("%(window)s当前为「%(label)s」，请先开窗或恢复服务。") % {"window": window, "label": label})
    if actor is not None and (state.operator is None or state.operator.user_id != actor.pk):
        name = state.operator.name if state.operator else "—"
        raise Forbidden(gettext("%(window)s当前由 %(name)s 操作；请先开窗或顶岗。") % {"window": window, "name": name}, code="not_window_operator")
    return state


def _busy(state: WindowState) -> Conflict:
    """Refusal while a citizen is at the counter; names the ticket so a console can resume it."""
    return Conflict(
        "window_busy",
        gettext("请先处理当前号 %(number)s（办结、过号或转移）。") % {"number": state.current.number},
        fields={"ticket": state.current_id},
    )


def _call(*, actor, ticket: Ticket, state: WindowState, now, action: str, reason: str = "") -> Ticket:
    window = state.window
    today = clock.local(now).date()
    run = state.priority_run if state.run_day == today else 0
    called_class = _class_of(ticket, now)
    _shift_waiting(ticket, -1)
    ticket.status = Ticket.Status.CALLED
    ticket.window = window
    ticket.target_window = None
    ticket.served_by = state.operator
    ticket.called_at = now
    ticket.first_called_at = ticket.first_called_at or now
    ticket.recalls = 0
    rows.update(
        ticket, "status", "window", "target_window", "served_by", "called_at", "first_called_at", "recalls"
    )
    state.current = ticket
    state.priority_run = rules.next_priority_run(run, called_class)
    state.run_day = today
    rows.update(state, "current", "priority_run", "run_day")
    after = {"number": ticket.number, "window": window.number, "class": called_class}
    if reason:
        after["reason"] = reason
    _record(actor=actor, action=action, obj=ticket, center=window.center, after=after)
    return ticket


# --- calling (QUE-2, HRS-3) --------------------------------------------------------------------


def ticket_call_next(*, actor, window: Window) -> Ticket | None:
    """The main action of a window: call the next ticket by QUE-2's order; None when nobody waits.

    Office hours do not matter here (HRS-3): every ticket of the day stays callable after closing.
    """
    with transaction.atomic():
        state = _operating_state(actor, window)
        if state.current_id is not None:
            raise _busy(state)
        now = clock.now()
        today = clock.local(now).date()
        run = state.priority_run if state.run_day == today else 0
        ticket = _next_in_order(window, today, now, run)
        if ticket is None:
            return None
        return _call(actor=actor, ticket=ticket, state=state, now=now, action="ticket.call")


_FIRST_OF_CLASS = (
    f"SELECT * FROM (SELECT id, issued_at, green_channel, slot_start FROM {_TICKETS} "  # noqa: S608
    "WHERE line_id = %s AND day = %s AND status = %s AND target_window_id IS NULL AND {where} "
    "ORDER BY issued_at, id LIMIT 1) AS {alias}"
)
_SENT_TO_WINDOW = (
    f"SELECT id, issued_at, green_channel, slot_start FROM {_TICKETS} "  # noqa: S608
    "WHERE day = %s AND status = %s AND target_window_id = %s"
)


def _candidates(window: Window, today, now, taken: set[int]) -> list[rules.Waiting]:
    """In one statement: the tickets sent to this window, and the first of each class in each
    of its lines (all QUE-2's order needs to choose from); ``taken`` left out."""
    day = connection.ops.adapt_datefield_value(today)
    at = connection.ops.adapt_datetimefield_value(now)
    parts, params = [_SENT_TO_WINDOW], [day, Ticket.Status.WAITING, window.pk]
    lines = Line.windows.through.objects.filter(window_id=window.pk).values_list("line_id", flat=True)
    for line_id in lines:
        for cls, where in _CLASS_WHERE.items():
            parts.append(_FIRST_OF_CLASS.format(where=where, alias=f"{cls}_{line_id}"))
            params += [line_id, day, Ticket.Status.WAITING, at]
    rows = Ticket.objects.raw(" UNION ALL ".join(parts), params)
    return [
        rules.Waiting(id=t.pk, issued_at=t.issued_at, green_channel=t.green_channel, slot_start=t.slot_start)
        for t in rows
        if t.pk not in taken
    ]


_WAITING_TICKET = rows.Prepared(  # still waiting, and no other window is calling it now
    lambda ticket_id: (
        Ticket.objects.filter(pk=ticket_id, status=Ticket.Status.WAITING)
        .select_related("line")
        .select_for_update(skip_locked=True, of=("self",))
    )
)


def _next_in_order(window: Window, today, now, run: int) -> Ticket | None:
    """QUE-2: the ticket ``rules.pick_next`` chooses, from a few candidates (``_candidates``)
    rather than by sorting the whole queue, locked ``FOR UPDATE SKIP LOCKED``. When another
    window took it first (PostgreSQL), the next is tried; SQLite runs one writer at a time."""
    limit = window.center.policy.priority_run_limit
    taken: set[int] = set()
    while True:
        found = _candidates(window, today, now, taken)
        pick = rules.pick_next(found, priority_run=run, limit=limit, now=now)
        if pick is None:
            return None
        ticket = _WAITING_TICKET.first(pick.id)
        if ticket is not None:
            return ticket
        taken.add(pick.id)


def ticket_call(*, actor, window: Window, ticket: Ticket, reason: str) -> Ticket:
    """Call a particular ticket out of order: needs a reason, and the audit keeps it."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", gettext("指定叫号须填写原因。"))
    with transaction.atomic():
        state = _operating_state(actor, window)
        if state.current_id is not None:
            raise _busy(state)
        now = clock.now()
        locked = (
            selectors.callable_tickets(window, clock.local(now).date())
            .filter(pk=ticket.pk)
            .select_related("line")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if locked is None:
            raise Conflict("ticket_not_waiting", gettext("%(number)s 已不在本窗口的等候队列中。") % {"number": ticket.number})
        return _call(actor=actor, ticket=locked, state=state, now=now, action="ticket.pick", reason=reason)


_LOCKED_TICKET = rows.Prepared(
    lambda ticket_id: (
        Ticket.objects.select_for_update(of=("self",)).select_related("line").filter(pk=ticket_id)
    )
)


def _at_counter(actor, ticket: Ticket, *statuses: str) -> tuple[Ticket, WindowState]:
    """Lock the window the ticket is at (the actor must be operating it), then the ticket."""
    if ticket.window_id is None or ticket.status not in AT_COUNTER:
        raise Conflict("ticket_not_at_window", gettext("%(number)s 当前不在窗口办理。") % {"number": ticket.number})
    state = _operating_state(actor, ticket.window)
    locked = _LOCKED_TICKET.first(ticket.pk)
    if locked.window_id != state.window_id or locked.status not in statuses:
        label = Ticket.Status(locked.status).label
        raise Conflict("ticket_state", gettext("%(number)s 当前为「%(label)s」，不能执行此操作。") % {"number": locked.number, "label": label})
    return locked, state


def _leave_counter(state: WindowState, now) -> None:
    state.current = None
    rows.update(state, "current")
    _record_extended(state.window, now)


def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """Call the same number again (at most ``rules.MAX_RECALLS`` times, then it is a no-show)."""
    with transaction.atomic():
        ticket, state = _at_counter(actor, ticket, Ticket.Status.CALLED)
        if ticket.recalls >= rules.MAX_RECALLS:
            raise Conflict("recall_limit", gettext("%(number)s 已重呼 %(MAX_RECALLS)s 次，请按过号处理。") % {"number": ticket.number, "MAX_RECALLS": rules.MAX_RECALLS})
        ticket.recalls += 1
        ticket.called_at = clock.now()
        ticket.save(update_fields=["recalls", "called_at"])
        _record(
            actor=actor,
            action="ticket.recall",
            obj=ticket,
            center=state.window.center,
            after={"number": ticket.number, "recalls": ticket.recalls},
        )
    return ticket


def _finish(actor, ticket: Ticket, status_from: str, status_to: str, action: str) -> Ticket:
    with transaction.atomic():
        ticket, state = _at_counter(actor, ticket, status_from)
        now = clock.now()
        before = ticket.status
        ticket.status = status_to
        fields = ["status"]
        if status_to == Ticket.Status.SERVING:
            ticket.started_at = now
            fields.append("started_at")
        else:
            if status_to == Ticket.Status.DONE:
                ticket.finished_at = now
                fields.append("finished_at")
            _leave_counter(state, now)
        rows.update(ticket, *fields)
        _record(
            actor=actor,
            action=action,
            obj=ticket,
            center=state.window.center,
            before={"status": before},
            after={"status": status_to, "number": ticket.number},
        )
    return ticket


def ticket_no_show(*, actor, ticket: Ticket) -> Ticket:
    """过号: the called citizen did not come; the window is free for the next."""
    return _finish(actor, ticket, Ticket.Status.CALLED, Ticket.Status.NO_SHOW, "ticket.no_show")


def ticket_start(*, actor, ticket: Ticket) -> Ticket:
    return _finish(actor, ticket, Ticket.Status.CALLED, Ticket.Status.SERVING, "ticket.start")


def ticket_finish(*, actor, ticket: Ticket) -> Ticket:
    return _finish(actor, ticket, Ticket.Status.SERVING, Ticket.Status.DONE, "ticket.finish")


def ticket_transfer(
    *, actor, ticket: Ticket, line: Line | None = None, window: Window | None = None
) -> Ticket:
    """Send the ticket at the counter to another line, or to a particular window; it keeps its
    number and issue time, so it waits there in its original place (QUE-2)."""
    if (line is None) == (window is None):
        raise Invalid("transfer_target", gettext("请指定转往的业务线或窗口（二选一）。"))
    with transaction.atomic():
        ticket, state = _at_counter(actor, ticket, *AT_COUNTER)
        center = state.window.center
        target = line or window
        if target.center_id != center.pk:
            raise Invalid("other_center", gettext("只能转往本中心的业务线或窗口。"))
        if window is not None and window.pk == state.window_id:
            raise Invalid("same_window", gettext("不能转往本窗口。"))
        if line is not None and line.pk == ticket.line_id:
            raise Invalid("same_line", gettext("%(number)s 已在「%(name)s」。") % {"number": ticket.number, "name": line.name})
        if line is not None and line.voided_at is not None:
            raise Invalid("line_closed", gettext("业务线「%(name)s」已停用。") % {"name": line.name})
        serving = WindowState.objects.filter(state__in=ACTIVE)
        serving = serving.filter(window=window) if window else serving.filter(window__lines=line)
        if not serving.exists():
            raise Conflict("no_window_open", gettext("「%(target)s」目前没有开放的窗口，无法转入。") % {"target": target})
        before = {"line": ticket.line.prefix, "window": state.window.number, "status": ticket.status}
        ticket.status = Ticket.Status.WAITING
        ticket.line = line or ticket.line
        ticket.target_window = window
        ticket.window = None
        ticket.called_at = None
        ticket.started_at = None
        ticket.recalls = 0
        ticket.save(
            update_fields=["status", "line", "target_window", "window", "called_at", "started_at", "recalls"]
        )
        _shift_waiting(ticket, +1)
        _leave_counter(state, clock.now())
        _record(
            actor=actor,
            action="ticket.transfer",
            obj=ticket,
            center=center,
            before=before,
            after={"line": ticket.line.prefix, "window": window.number if window else None},
        )
    return ticket


# --- window states (QUE-5, HRS-3) ---------------------------------------------------------------


def _record_extended(window: Window, now) -> None:
    """HRS-3: serving past closing time extends the window's day; keep the latest moment."""
    day = clock.local(now).date()
    closing = workdays.closing_time(window.center, day)
    minutes = rules.extended_minutes(closing, now)
    if not minutes:
        return
    row, created = ExtendedService.objects.get_or_create(
        window=window, day=day, defaults={"closing_at": closing, "until": now, "minutes": minutes}
    )
    if not created and now > row.until:
        row.until, row.minutes = now, minutes
        row.save(update_fields=["until", "minutes"])


def _end_pause(state: WindowState, now) -> None:
    """QUE-5: a pause ends (resumed, covered or closed); over the threshold it was an uncovered absence."""
    if state.state != rules.PAUSED:
        return
    policy = state.window.center.policy
    minutes = rules.uncovered_absence(state.paused_at, now, policy.brief_absence_minutes)
    if minutes is not None:
        Absence.objects.create(
            window=state.window,
            staff=state.paused_by,
            day=clock.local(state.paused_at).date(),
            started_at=state.paused_at,
            ended_at=now,
            minutes=minutes,
            threshold_minutes=policy.brief_absence_minutes,
            counts_as_late=policy.absence_counts_as_late,
        )
    state.paused_at = None
    state.paused_by = None
    state.resume_to = ""


def _stranded(window: Window, day) -> int:
    """HRS-3: waiting tickets nobody could call any more if this window closed."""
    waiting = Ticket.objects.filter(day=day, status=Ticket.Status.WAITING)
    others = (
        WindowState.objects.filter(state__in=ACTIVE)
        .exclude(window=window)
        .values_list("window_id", flat=True)
    )
    served_elsewhere = Line.windows.through.objects.filter(window_id__in=others).values("line_id")
    own_lines = Line.windows.through.objects.filter(window_id=window.pk).values("line_id")
    return (
        waiting.filter(target_window=window).count()
        + waiting.filter(line_id__in=own_lines, target_window__isnull=True)
        .exclude(line_id__in=served_elsewhere)
        .count()
    )


def _post_kinds(staff, window: Window, day) -> set[str]:
    return set(posts_on(day).filter(window=window, staff=staff).values_list("kind", flat=True))


def _check_window_right(staff, state: WindowState, action: str, kinds: set[str]) -> None:
    window = state.window
    is_operator = state.operator_id == staff.pk
    if action == "cover" and "B" not in kinds:
        raise Forbidden(gettext("只有%(window)s今日的 B 岗可以顶岗。") % {"window": window}, code="not_backup_post")
    if action in ("pause", "resume") and not is_operator:
        raise Forbidden(gettext("只有正在%(window)s办理的工作人员可以暂停或恢复。") % {"window": window}, code="not_window_operator")
    if action in ("open", "close") and not (kinds or is_operator):
        raise Forbidden(gettext("您今日不在%(window)s的 A 岗或 B 岗。") % {"window": window}, code="not_post_holder")


def window_action(*, actor, window: Window, action: str) -> WindowState:
    """QUE-5: open, pause (请稍候), resume, cover (the B post takes the window under their own
    login) or close a window.

    Open and cover are for the window's post holders that day (cover: the B post); pause
    and resume for whoever is at the window; close for either. Closing is refused while a
    citizen is at the counter, or while tickets wait that no other window could call (HRS-3).
    """
    if action not in rules.TRANSITIONS:
        raise Invalid("unknown_action", gettext("未知的窗口操作「%(value)s」。") % {"value": action[:20]})
    center = window.center
    access.require(actor, center, *WINDOW_ROLES)
    now = clock.now()
    day = clock.local(now).date()
    with transaction.atomic():
        state = _locked_state(window)
        try:
            new = rules.next_state(state.state, action, resume_to=state.resume_to or rules.OPEN)
        except rules.StateError:
            label = WindowState.State(state.state).label
            raise Conflict("window_state", gettext("%(window)s当前为「%(label)s」，不能执行此操作。") % {"window": window, "label": label}) from None
        staff = state.operator
        if actor is not None:
            staff = _staff_of(actor)
            _check_window_right(staff, state, action, _post_kinds(staff, window, day))
        if action == "close":
            if state.current_id is not None:
                raise Conflict("window_busy", gettext("请先处理当前号 %(number)s，再关闭窗口。") % {"number": state.current.number})
            stranded = _stranded(window, day)
            if stranded:
                raise Conflict(
                    "tickets_waiting",
                    gettext("还有 %(stranded)s 位群众只能由本窗口办理，事情没办完，窗口不下班（延时服务）。") % {"stranded": stranded},
                )
        before = {"state": state.state, "operator": state.operator_id}
        if action == "pause":
            state.paused_at, state.paused_by, state.resume_to = now, state.operator, state.state
        else:
            _end_pause(state, now)
        if action in ("open", "cover"):
            state.operator = staff
        if action == "close":
            state.operator = None
            _record_extended(window, now)
        state.state, state.since = new, now
        state.save()
        WindowStateChange.objects.create(window=window, state=new, at=now, operator=state.operator)
        _record(
            actor=actor,
            action=f"window.{action}",
            obj=window,
            center=center,
            before=before,
            after={"state": new, "operator": state.operator_id},
        )
    return state
