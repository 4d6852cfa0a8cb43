"""值班请假与考勤: the regulation as pure functions (no Django).

- DUT-3 (001 四(一)3): up to half a day the deputy leader approves; one day or more the deputy
  reviews and the principal leader approves; the department head and the center are informed
  (000 一.2). The chain is data (``DEFAULT_CHAIN``, or a center's versioned ``LeaveChain``).
- DUT-4/DUT-5: a day's status from its punches, the sessions of the season, leave and the
  uncovered absences the queue recorded (004 art.17(1): over 10 minutes counts as late).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

AM, PM = "am", "pm"
HALF_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(am|pm)$")

# 001 四(一)3 and 000 一.2, as data: the first rule whose min_half_days the request reaches.
DEFAULT_CHAIN = [
    {
        "min_half_days": 2,  # one day or more
        "steps": [
            {"role": "deputy_leader", "action": "review"},
            {"role": "principal_leader", "action": "approve"},
        ],
        "inform": ["department_head", "director"],
    },
    {
        "min_half_days": 0,  # up to half a day
        "steps": [{"role": "deputy_leader", "action": "approve"}],
        "inform": ["department_head", "director"],
    },
]


def parse_half(text: str) -> tuple[dt.date, str]:
    """``2026-11-24am`` → (date, "am"); a ValueError otherwise."""
    m = HALF_RE.match(text or "")
    if not m:
        raise ValueError(text)
    return dt.date.fromisoformat(m.group(1)), m.group(2)


def halves(
    start: dt.date, start_half: str, end: dt.date, end_half: str, is_workday
) -> list[tuple[dt.date, str]]:
    """The working half-days of a period, both ends included."""
    out = []
    d = start
    while d <= end:
        if is_workday(d):
            for h in (AM, PM):
                if (d == start and start_half == PM and h == AM) or (d == end and end_half == AM and h == PM):
                    continue
                out.append((d, h))
        d += dt.timedelta(days=1)
    return out


def chain_for(half_days: int, chain: list[dict]) -> dict:
    """The rule of ``chain`` that applies to a request of ``half_days``."""
    for rule in sorted(chain, key=lambda r: -int(r["min_half_days"])):
        if half_days >= int(rule["min_half_days"]):
            return rule
    raise ValueError("chain has no rule for this length")


def filed_in_time(today: dt.date, start: dt.date, notice_days: int) -> bool:
    """DUT-2: filed at least ``notice_days`` days before the leave starts."""
    return (start - today).days >= notice_days


def overlaps(a_start, a_half, a_end, a_end_half, b_start, b_half, b_end, b_end_half) -> bool:
    def key(d, h):
        return (d, 0 if h == AM else 1)

    return key(a_start, a_half) <= key(b_end, b_end_half) and key(b_start, b_half) <= key(a_end, a_end_half)


# --- attendance ------------------------------------------------------------------------------

ON_TIME = "on_time"
LATE = "late"
EARLY = "early_leave"
LATE_EARLY = "late_early_leave"
ABSENT_HALF = "absent_half_day"
ABSENT_DAY = "absent_day"
LEAVE = "leave"
TRIP = "trip"
REST = "rest"  # not a working day
NOT_DUE = "not_due"  # a day not yet over / in the future
NO_RECORD = "no_record"  # no punch of anyone in the center that day: the machine's file is missing
STATUSES = (ON_TIME, LATE, EARLY, LATE_EARLY, ABSENT_HALF, ABSENT_DAY, LEAVE, TRIP, REST, NOT_DUE)


@dataclass
class DayInput:
    day: dt.date
    workday: bool
    sessions: tuple  # ((start time, end time), (start time, end time)) of the season
    punches: list  # naive local datetimes, any order
    leave_halves: dict = field(default_factory=dict)  # "am"/"pm" → (kind, covered)
    early_minutes: int = 0  # the day's duty officer: due this many minutes before opening
    absences: list = field(default_factory=list)  # queue records: (minutes, counts_as_late)
    now: dt.datetime | None = None  # naive local now: sessions not over are not judged
    recorded: bool = True  # the center's machine has punches of that day (its file was imported)


@dataclass
class DayResult:
    day: dt.date
    status: str
    late_minutes: int = 0
    covered: bool | None = None
    events: list = field(default_factory=list)  # (fact kind, quantity, note)
    first: dt.datetime | None = None
    last: dt.datetime | None = None


def _minutes(a: dt.datetime, b: dt.datetime) -> int:
    return int((a - b).total_seconds() // 60)


def attendance_day(x: DayInput) -> DayResult:
    """A person's working day: late minutes, early leave, absent halves, leave and trips.

    Punches before the midpoint between the sessions belong to the morning, the rest to the
    afternoon; a session's first punch is the arrival, its last (when there are two or more)
    the departure. A session with no arrival of its own but punches before its start and after
    its end (a machine punched only morning and evening) counts as attended. A half on approved leave is not judged; leave without a confirmed substitute
    is an uncovered absence for the day (001 三(一)4(1)⑦)."""
    if not x.workday:
        return DayResult(x.day, REST)
    if not x.recorded and not x.leave_halves:
        # Nobody in the center punched: the day's file is not imported (or the machine was
        # down). Absence cannot be told from a missing file, so the day is not judged.
        return DayResult(x.day, NO_RECORD)
    punches = sorted(x.punches)
    (am_s, am_e), (pm_s, pm_e) = x.sessions
    noon = (
        dt.datetime.combine(x.day, am_e)
        + (dt.datetime.combine(x.day, pm_s) - dt.datetime.combine(x.day, am_e)) / 2
    )
    result = DayResult(x.day, ON_TIME)
    if punches:
        result.first, result.last = punches[0], punches[-1]
    late = 0
    early = False
    absent = 0
    judged = 0
    for half, (s, e) in ((AM, (am_s, am_e)), (PM, (pm_s, pm_e))):
        start = dt.datetime.combine(x.day, s)
        end = dt.datetime.combine(x.day, e)
        if half in x.leave_halves:
            continue
        if x.now is not None and x.now < start:
            continue  # not begun
        mine = [p for p in punches if (p < noon) == (half == AM)]
        due = start - dt.timedelta(minutes=x.early_minutes if half == AM else 0)
        arrival = mine[0] if mine else None
        if (arrival is None or arrival >= end) and punches and punches[0] < start and punches[-1] >= end:
            judged += 1  # a machine punched only on arrival and departure: present throughout
            continue
        if arrival is None or arrival >= end:
            if x.now is not None and x.now < end:
                continue  # the session still runs: not absent yet
            absent += 1
            judged += 1
            continue
        judged += 1
        if _minutes(arrival, due) >= 1:
            late += _minutes(arrival, due)
        if len(mine) >= 2 and mine[-1] < end:
            early = True
    late_from_queue = sum(m for m, counts in x.absences if counts)
    uncovered_queue = [m for m, counts in x.absences if not counts]
    leave = list(x.leave_halves.values())
    if leave:
        kinds = {k for k, _c in leave}
        result.covered = all(c for _k, c in leave)
        if not result.covered:
            result.events.append(("uncovered_absence", 1, "请假无人顶岗"))
    if absent == 2:
        result.status = ABSENT_DAY
        result.events.append(("absent_day", 1, ""))
    elif absent == 1:
        result.status = ABSENT_HALF
        result.events.append(("absent_half_day", 1, ""))
    elif leave and not judged:
        result.status = TRIP if kinds == {"trip"} else LEAVE
    elif late and early:
        result.status = LATE_EARLY
    elif late:
        result.status = LATE
    elif early:
        result.status = EARLY
    elif x.now is not None and not judged:
        result.status = NOT_DUE
    if late:
        result.late_minutes = late
        # The duty officer is due early (001 四(一)2): say so, or a punch before opening reads
        # as a mistake to the person who sees it on their assessment.
        why = f"（值日须提前{x.early_minutes}分钟到岗）" if x.early_minutes else ""
        result.events.append(("late", 1, f"{late}分钟{why}"))
    if early:
        result.events.append(("early_leave", 1, ""))
    for minutes in [m for m, counts in x.absences if counts]:
        result.events.append(("late", 1, f"离岗{minutes}分钟无人顶岗，按迟到处理"))
    if late_from_queue and result.status in (ON_TIME, NOT_DUE):
        result.status = LATE
    if late_from_queue:
        result.covered = False
    for minutes in uncovered_queue:
        result.events.append(("uncovered_absence", 1, f"离岗{minutes}分钟无人顶岗"))
        result.covered = False
    return result


def duty_rotation(officers: list, workday_index: int):
    """The default duty officer of the ``workday_index``-th working day of the month: the
    center's duty officers in turn (None when it names none)."""
    return officers[workday_index % len(officers)] if officers else None
