"""Training (TRN-1 … TRN-3) as pure functions (no Django).

- TRN-1 (001 四(二)2): an annual plan with one centralised session every month.
- TRN-2 (002 十(二)): "每人每年集中學習不少于 30學時" — the yearly minimum counts *centralised*
  study (the center's sessions and the county's), not self-study, which 002 asks for besides
  ("以自學為主,集中為輔"); self-study hours are kept and shown next to it. And "每年縣級…至少組織
  開展一次集中業務培訓": a county-level session each year.
- TRN-3 (001 三(一)4(1)⑥): an unexcused absence from a session costs a point (a conduct fact).
"""

import datetime as dt
from decimal import Decimal

CENTRALISED, COUNTY, SELF_STUDY = "centralised", "county", "self_study"
SESSION_KINDS = (CENTRALISED, COUNTY)  # a session the center (or the county) holds
COUNTED_KINDS = frozenset({CENTRALISED, COUNTY})  # what the yearly minimum counts

PRESENT, EXCUSED, ABSENT, INVITED = "present", "excused", "absent", "invited"

MAX_SESSION_HOURS = Decimal(8)  # one day's study
MAX_SELF_STUDY_HOURS = Decimal(8)  # one declaration: one day at most


def attendance_status(present: bool, excuse: str) -> str:
    """Present; absent with a recorded excuse (excused); absent without one (unexcused)."""
    if present:
        return PRESENT
    return EXCUSED if excuse.strip() else ABSENT


def is_unexcused(status: str) -> bool:
    """TRN-3: an absence with no excuse on record is a conduct fact."""
    return status == ABSENT


def hours_valid(hours: Decimal, limit: Decimal) -> bool:
    """Study hours are counted in half hours, more than none and at most ``limit``."""
    return Decimal(0) < hours <= limit and (hours * 2) == (hours * 2).to_integral_value()


def counted_hours(attended: list[tuple[str, Decimal]]) -> Decimal:
    """TRN-2: the hours that count toward the yearly minimum, from (kind, hours) attended."""
    return sum((hours for kind, hours in attended if kind in COUNTED_KINDS), Decimal(0))


def expected_by(required: int, day: dt.date) -> Decimal:
    """How many of the year's ``required`` hours a person should have by ``day``: the
    months completed so far, pro rata (the plan holds one session a month)."""
    return (Decimal(required) * Decimal(day.month - 1) / Decimal(12)).quantize(Decimal("0.1"))


def behind(hours: Decimal, required: int, day: dt.date) -> bool:
    """Behind the plan: fewer hours than the months completed call for (never in January)."""
    return hours < expected_by(required, day)


def months_without_session(held_months: set[int], year: int, today: dt.date) -> list[int]:
    """TRN-1: the completed months of ``year`` with no centralised session held."""
    if year > today.year:
        return []
    last = 12 if year < today.year else today.month - 1
    return [m for m in range(1, last + 1) if m not in held_months]
