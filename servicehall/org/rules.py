"""Organisation rules as pure functions (ORG-3, ORG-5, ORG-7)."""

import datetime as dt
from dataclasses import dataclass

MIN_POSTING_YEARS = 2  # ORG-5 (003 art.30): posted for at least two years


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def posting_change_needs_approval(
    posted_on: dt.date, change_on: dt.date, years: int = MIN_POSTING_YEARS
) -> bool:
    """ORG-5: ending a posting before its holder has served ``years`` needs the center's approval."""
    return change_on < add_years(posted_on, years)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date | None  # inclusive; None = still running

    def overlaps(self, other: "Period") -> bool:
        self_end = self.end or dt.date.max
        other_end = other.end or dt.date.max
        return self.start <= other_end and other.start <= self_end


def holds_role_conflict(existing: set[str], new: str, exclusive: frozenset[str]) -> bool:
    """The administrator and the auditor are kept apart: nobody holds one and the other."""
    return new in exclusive and bool((existing & exclusive) - {new})


def is_month_day(value: str) -> bool:
    """A day of the year written ``MM-DD`` (29 February included)."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != "-":
        return False
    try:
        dt.date(2000, int(value[:2]), int(value[3:]))  # a leap year: 02-29 is a day
    except ValueError:
        return False
    return value[:2].isdigit() and value[3:].isdigit()
