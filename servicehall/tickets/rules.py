"""The queue's rules as pure functions (QUE-1 … QUE-5, HRS-3): numbers, order, window states.

No Django here: the services read the database and the calendar, and pass in what these
functions need (``now``, the sessions of a day, the policy's numbers).
"""

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

MAX_RECALLS = 3  # a called citizen is recalled at most three times, then marked no-show
SLOT_MINUTES = 30  # appointments are booked in half-hour slots
CHECK_IN_EARLY_MINUTES = 60  # an appointment may be checked in up to an hour before its slot
HOME_VISIT_AGE = 70  # QUE-3 (002 一(四)3): 70 and over, or severely disabled

DIGITS = "零一二三四五六七八九"

# --- numbers (QUE-1) ----------------------------------------------------------------------


def ticket_number(prefix: str, seq: int) -> str:
    """QUE-1: the line's letter and three digits, ``A001``; the 1000th of a day reads ``A1000``,
    so a number is never issued twice in a day."""
    if seq < 1:
        raise ValueError("seq starts at 1")
    return f"{prefix}{seq:03d}"


def is_valid_prefix(prefix: str) -> bool:
    return len(prefix) == 1 and "A" <= prefix <= "Z"


def call_phrase(number: str, window_number: int) -> str:
    """The voice call: digits read one by one, ``请 A 零 一 二 号到 3 号窗口办理``."""
    spoken = " ".join(DIGITS[int(c)] if c.isdigit() else c for c in number)
    return f"请 {spoken} 号到 {window_number} 号窗口办理"


# --- order (QUE-2) ------------------------------------------------------------------------

APPOINTMENT = "appointment"  # a checked-in appointment whose slot has begun
GREEN = "green"  # green channel (绿色通道)
NORMAL = "normal"
PRIORITY = frozenset({APPOINTMENT, GREEN})
USUAL_ORDER = (APPOINTMENT, GREEN, NORMAL)
FAIR_ORDER = (NORMAL, APPOINTMENT, GREEN)


def ticket_class(*, green_channel: str, slot_start: dt.datetime | None, now: dt.datetime) -> str:
    """A checked-in appointment goes first at its slot (before it, it waits like anyone);
    then the green channel; then everyone else."""
    if slot_start is not None and slot_start <= now:
        return APPOINTMENT
    return GREEN if green_channel else NORMAL


def class_order(priority_run: int, limit: int) -> tuple[str, ...]:
    """QUE-2 fairness: after ``limit`` priority calls in a row at a window, its next call is a
    normal ticket (when one waits), so nobody waits forever behind the green channel."""
    return FAIR_ORDER if limit and priority_run >= limit else USUAL_ORDER


def next_priority_run(priority_run: int, called_class: str) -> int:
    return priority_run + 1 if called_class in PRIORITY else 0


@dataclass(frozen=True)
class Waiting:
    """What the order needs to know of a waiting ticket."""

    id: int
    issued_at: dt.datetime
    green_channel: str = ""
    slot_start: dt.datetime | None = None


def pick_next(waiting: Iterable[Waiting], *, priority_run: int, limit: int, now: dt.datetime):
    """QUE-2: the ticket a window calls next: by class (``class_order``), then first come first
    served (issue time, then number order). The database query of ``ticket_call_next`` sorts
    by exactly these keys; the state-machine test checks the two agree."""
    order = class_order(priority_run, limit)

    def key(t: Waiting):
        cls = ticket_class(green_channel=t.green_channel, slot_start=t.slot_start, now=now)
        return (order.index(cls), t.issued_at, t.id)

    return min(waiting, key=key, default=None)


# --- window states (QUE-5) ----------------------------------------------------------------

OPEN, PAUSED, COVERED, CLOSED = "open", "paused", "covered", "closed"
SERVING_STATES = frozenset({OPEN, COVERED})  # a window in these states calls tickets

# action → states it may start from
TRANSITIONS = {
    "open": frozenset({CLOSED, PAUSED, COVERED}),
    "pause": frozenset({OPEN, COVERED}),
    "resume": frozenset({PAUSED}),
    "cover": frozenset({CLOSED, OPEN, PAUSED}),
    "close": frozenset({OPEN, PAUSED, COVERED}),
}


class StateError(ValueError):
    def __init__(self, action: str, state: str):
        super().__init__(f"{action} from {state}")
        self.action = action
        self.state = state


def next_state(state: str, action: str, *, resume_to: str = OPEN) -> str:
    """The window's state after ``action``; ``resume_to`` is the state it was paused from."""
    if state not in TRANSITIONS[action]:
        raise StateError(action, state)
    return {"open": OPEN, "pause": PAUSED, "resume": resume_to, "cover": COVERED, "close": CLOSED}[action]


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes, rounded up: a pause of 10 min 20 s is 11 minutes away."""
    return max(0, math.ceil((end - start).total_seconds() / 60))


def uncovered_absence(paused_at: dt.datetime, ended_at: dt.datetime, threshold_minutes: int) -> int | None:
    """QUE-5: minutes of an absence nobody covered, when longer than the policy allows
    (Kaiyuan: more than 10 minutes needs the B post); None for a brief pause."""
    if (ended_at - paused_at).total_seconds() <= threshold_minutes * 60:
        return None
    return minutes_between(paused_at, ended_at)


def extended_minutes(closing: dt.datetime | None, until: dt.datetime) -> int:
    """HRS-3: minutes a window served past closing time (0 before closing or on a closed day)."""
    if closing is None or until <= closing:
        return 0
    return minutes_between(closing, until)


# --- appointments and home visits (QUE-3, QUE-4, HRS-3) -----------------------------------


def appointment_slots(
    sessions: Sequence[tuple[dt.time, dt.time]],
    *,
    lunch: bool,
    minutes: int = SLOT_MINUTES,
) -> list[tuple[dt.time, dt.time]]:
    """Half-hour slots within the day's sessions, and over the lunch break when the policy
    offers lunch-hour appointments (001 一(六)3)."""
    spans = list(sessions)
    if lunch and len(spans) > 1:
        spans = [(spans[0][0], spans[-1][1])]
    slots = []
    for start, end in spans:
        at = dt.datetime.combine(dt.date.min, start)
        stop = dt.datetime.combine(dt.date.min, end)
        while at + dt.timedelta(minutes=minutes) <= stop:
            slots.append((at.time(), (at + dt.timedelta(minutes=minutes)).time()))
            at += dt.timedelta(minutes=minutes)
    return slots


def check_in_window(slot_start: dt.datetime, slot_end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """From an hour before the slot until its end; later, the citizen takes a normal ticket."""
    return slot_start - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES), slot_end


def home_visit_eligible(age: int | None, severely_disabled: bool) -> bool:
    """QUE-3 (002 一(四)3; 000 二.6): people aged 70 and over, and the severely disabled."""
    return severely_disabled or (age is not None and age >= HOME_VISIT_AGE)


# --- statistics -----------------------------------------------------------------------------


@dataclass
class Tally:
    """Waiting and service times of a group of tickets, in minutes."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    waiting_total: float = 0.0
    waiting_max: float = 0.0
    waited: int = 0
    service_total: float = 0.0

    def add(self, *, status, issued_at, first_called_at, started_at, finished_at, waited_until=None) -> None:
        """A ticket waits from its issue to its first call; one never called yet waits until
        ``waited_until`` (now, or when its day's service ended), and counts too."""
        self.issued += 1
        called = first_called_at or (waited_until if status == "waiting" else None)
        if called is not None:
            wait = max((called - issued_at).total_seconds() / 60, 0.0)
            self.waited += 1
            self.waiting_total += wait
            self.waiting_max = max(self.waiting_max, wait)
        if status == "no_show":
            self.no_show += 1
        if status == "done" and started_at is not None and finished_at is not None:
            self.served += 1
            self.service_total += (finished_at - started_at).total_seconds() / 60

    @property
    def waiting_avg(self) -> float:
        return round(self.waiting_total / self.waited, 1) if self.waited else 0.0

    @property
    def service_avg(self) -> float:
        return round(self.service_total / self.served, 1) if self.served else 0.0


def tally(rows: Iterable[dict], key) -> dict:
    """Group ticket rows by ``key(row)`` and tally each group, keys in order."""
    out: dict = {}
    for row in rows:
        group = out.setdefault(key(row), Tally())
        group.add(
            status=row["status"],
            issued_at=row["issued_at"],
            first_called_at=row["first_called_at"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            waited_until=row.get("waited_until"),
        )
    return dict(sorted(out.items(), key=lambda kv: str(kv[0])))
