"""Working days and opening hours (HRS-1, HRS-2), as pure functions.

Every time limit in the regulations counts in working days (CAS-5). A working day is a
day of the national calendar: weekdays, minus statutory holidays, plus adjusted working
days (调休上班); a center may add local closures on top (``WorkCalendar.with_overrides``).

* Years the ``chinesecalendar`` package covers are taken from it as published.
* Later years get a *provisional* calendar from the statutory rule in force since 2025
  (全国年节及纪念日放假办法, revised 2024). Every day of such a year is marked
  ``provisional``: the State Council may still move days around, so every deadline that
  passes through one says so.

``WorkCalendar`` keeps prefix sums over the whole range so that adding or counting
working days costs O(1), however far apart the dates are.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import chinese_calendar
from lunardate import LunarDate

from servicehall.core.text import gettext_noop

FIRST_DATE = dt.date(2004, 1, 1)
LAST_DATE = dt.date(2099, 12, 31)  # lunardate stops at lunar year 2099

KINDS = ("workday", "weekend", "holiday", "adjusted_workday", "closure")
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Day:
    date: dt.date
    workday: bool
    kind: str  # one of KINDS
    name: str = ""  # 春节, 国庆节, 国庆节调休上班, 国庆节补休, or a closure's reason
    provisional: bool = False


class CalendarError(ValueError):
    """Bad input to the calendar: a machine code and a Chinese message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def _out_of_range(d: dt.date, first: dt.date = FIRST_DATE, last: dt.date = LAST_DATE) -> CalendarError:
    return CalendarError("date_out_of_range", gettext_noop("日期 %(d)s 超出工作日历范围（%(first)s 至 %(last)s）。", d=d, first=first, last=last))


def _as_date(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


# --- published years -------------------------------------------------------------


def published_years() -> range:
    """The years the installed chinesecalendar has data for (2004–2026 in 1.11.0).

    Same bounds as the package's own check, which raises NotImplementedError outside them.
    """
    known = chain(chinese_calendar.holidays, chinese_calendar.workdays)
    years = {d.year for d in known}
    return range(min(years), max(years) + 1)


def _chinese_name(value: str) -> str:
    # The package's tables hold the enum's English value; the Chinese name is an attribute.
    holiday = chinese_calendar.Holiday(value)
    return getattr(holiday, "chinese", holiday.value)


def _plain_day(d: dt.date, provisional: bool) -> Day:
    if d.weekday() < 5:
        return Day(d, True, "workday", "", provisional)
    return Day(d, False, "weekend", "", provisional)


def _dates_of(year: int) -> Iterable[dt.date]:
    d = dt.date(year, 1, 1)
    while d.year == year:
        yield d
        d += ONE_DAY


def published_days(year: int) -> list[Day]:
    """Every day of ``year`` as published (holidays, 调休 and their names)."""
    if year not in published_years():
        raise CalendarError("date_out_of_range", gettext_noop("chinesecalendar 没有 %(year)s 年的数据。", year=year))
    days = []
    for d in _dates_of(year):
        if d in chinese_calendar.workdays:
            name = _chinese_name(chinese_calendar.workdays[d]) + "调休上班"
            days.append(Day(d, True, "adjusted_workday", name))
        elif d in chinese_calendar.holidays:
            days.append(Day(d, False, "holiday", _chinese_name(chinese_calendar.holidays[d])))
        else:
            days.append(_plain_day(d, provisional=False))
    return days


# --- provisional years -------------------------------------------------------------


def _sun_longitude(jd: float) -> float:
    """Apparent ecliptic longitude of the sun in degrees (Meeus, Astronomical Algorithms ch. 25)."""
    t = (jd - 2451545.0) / 36525
    mean_lon = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    m = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(m)
        + (0.019993 - 0.000101 * t) * math.sin(2 * m)
        + 0.000289 * math.sin(3 * m)
    )
    omega = math.radians(125.04 - 1934.136 * t)
    return (mean_lon + centre - 0.00569 - 0.00478 * math.sin(omega)) % 360


def qingming(year: int) -> dt.date:
    """清明: the day, Beijing time, on which the sun reaches ecliptic longitude 15°.

    Low-precision solar position (about 0.01°, a quarter of an hour); the tests check it
    against chinesecalendar's published holidays and its solar-term table for 2004–2099.
    """
    jd_epoch = 1721424.5  # Julian day of 0:00 UT on date.fromordinal(0)
    lo = dt.date(year, 4, 1).toordinal() + jd_epoch
    hi = lo + 10
    while hi - lo > 1e-5:  # bisect to about a second
        mid = (lo + hi) / 2
        if (_sun_longitude(mid) - 15 + 180) % 360 - 180 < 0:
            lo = mid
        else:
            hi = mid
    beijing = lo + 8 / 24
    return dt.date.fromordinal(math.floor(beijing - jd_epoch))


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()


def statutory_holidays(year: int) -> list[tuple[dt.date, str]]:
    """The 13 statutory holiday days of ``year`` (rule in force since 2025), in law order.

    新年 1 day; 春节 New Year's Eve and lunar 1/1–1/3; 清明 1; 劳动节 May 1–2; 端午 1;
    中秋 1; 国庆节 Oct 1–3. Lunar dates are computed, never typed in.
    """
    name = {h: h.chinese for h in chinese_calendar.Holiday}
    spring = _lunar(year, 1, 1)
    h = chinese_calendar.Holiday
    return [
        (dt.date(year, 1, 1), name[h.new_years_day]),
        *((spring + k * ONE_DAY, name[h.spring_festival]) for k in (-1, 0, 1, 2)),
        (qingming(year), name[h.tomb_sweeping_day]),
        (dt.date(year, 5, 1), name[h.labour_day]),
        (dt.date(year, 5, 2), name[h.labour_day]),
        (_lunar(year, 5, 5), name[h.dragon_boat_festival]),
        (_lunar(year, 8, 15), name[h.mid_autumn_festival]),
        *((dt.date(year, 10, k), name[h.national_day]) for k in (1, 2, 3)),
    ]


def provisional_days(year: int) -> list[Day]:
    """Every day of ``year`` by the statutory rule alone; all marked provisional.

    A holiday on a Saturday or Sunday is made up (补休) on the next weekday that is not
    itself a holiday or an earlier make-up day. When two holidays fall on the same date
    (中秋 can fall on Oct 1–3), the second is made up the same way, so a year always
    loses exactly 13 weekdays. No weekend is turned into a working day (调休 is decided
    year by year and cannot be predicted).
    """
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise CalendarError(
            "date_out_of_range", gettext_noop("%(year)s 年超出工作日历范围（%(year1)s–%(year2)s）。", year=year, year1=FIRST_DATE.year, year2=LAST_DATE.year)
        )
    names: dict[dt.date, list[str]] = {}
    for d, name in statutory_holidays(year):
        names.setdefault(d, []).append(name)
    taken = set(names)
    makeup: dict[dt.date, str] = {}
    for d in sorted(names):
        owed = names[d] if d.weekday() >= 5 else names[d][1:]  # a weekday covers one holiday
        for name in owed:
            m = d + ONE_DAY
            while m.weekday() >= 5 or m in taken:
                m += ONE_DAY
            taken.add(m)
            makeup[m] = name + "补休"
    days = []
    for d in _dates_of(year):
        if d in names:
            days.append(Day(d, False, "holiday", "、".join(names[d]), True))
        elif d in makeup:
            days.append(Day(d, False, "holiday", makeup[d], True))
        else:
            days.append(_plain_day(d, provisional=True))
    return days


def year_days(year: int) -> list[Day]:
    """Published data where chinesecalendar has it, else the provisional rule."""
    return published_days(year) if year in published_years() else provisional_days(year)


# --- the calendar --------------------------------------------------------------------


class WorkCalendar:
    """Working-day arithmetic over a contiguous run of days, O(1) per query.

    ``_work[i]`` counts working days among the first ``i`` days, ``_prov[i]`` the
    provisional ones, and ``_nth[k]`` is the index of the (k+1)-th working day; each query
    is a few array look-ups.
    """

    def __init__(self, days: Iterable[Day]):
        self._days = tuple(sorted(days, key=lambda day: day.date))
        if not self._days:
            raise CalendarError("empty_calendar", gettext_noop("工作日历为空。"))
        self.first = self._days[0].date
        self.last = self._days[-1].date
        self._origin = self.first.toordinal()
        work, prov, nth = [0], [0], []
        for i, day in enumerate(self._days):
            if day.date.toordinal() != self._origin + i:
                raise CalendarError("calendar_gap", gettext_noop("工作日历不连续：%(date)s 前缺少或重复日期。", date=day.date))
            if day.kind not in KINDS:
                raise CalendarError("bad_kind", gettext_noop("未知的日期类型：%(kind)s。", kind=day.kind))
            work.append(work[-1] + day.workday)
            prov.append(prov[-1] + day.provisional)
            if day.workday:
                nth.append(i)
        self._work, self._prov, self._nth = work, prov, nth

    def _index(self, d: dt.date) -> int:
        d = _as_date(d)
        i = d.toordinal() - self._origin
        if not 0 <= i < len(self._days):
            raise _out_of_range(d, self.first, self.last)
        return i

    def day(self, d: dt.date) -> Day:
        return self._days[self._index(d)]

    def is_workday(self, d: dt.date) -> bool:
        return self._days[self._index(d)].workday

    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]:
        """The ``n``-th working day strictly after ``start``, and whether it is provisional.

        The day of receipt never counts, whether or not it is a working day. ``n == 0``
        means "the same day" (an immediate case, 即办件) and returns ``start`` itself, not
        provisional because no day was counted. The result is provisional when any day
        in (start, result] is.
        """
        if n < 0:
            raise CalendarError("negative_days", gettext_noop("工作日天数不能为负数（%(n)s）。", n=n))
        i = self._index(start)
        if n == 0:
            return _as_date(start), False
        k = self._work[i + 1] + n  # the result is the k-th working day of the calendar
        if k > len(self._nth):
            raise CalendarError(
                "date_out_of_range",
                gettext_noop("%(value)s 之后第 %(n)s 个工作日超出工作日历范围（至 %(last)s）。", value=_as_date(start), n=n, last=self.last),
            )
        j = self._nth[k - 1]
        return self._days[j].date, self._prov[j + 1] > self._prov[i + 1]

    def between(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        """Working days in (start, end], and whether any day in it is provisional.

        Negative, mirrored, when ``end`` is before ``start``. ``between(s, add(s, n)[0])``
        is ``n`` for every ``n >= 1``.
        """
        i, j = self._index(start), self._index(end)
        lo, hi, sign = (i, j, 1) if i <= j else (j, i, -1)
        return sign * (self._work[hi + 1] - self._work[lo + 1]), self._prov[hi + 1] > self._prov[lo + 1]

    def back(self, d: dt.date, n: int) -> dt.date:
        """The working day ``n`` working days before ``d``: ``between(back(d, n), d) == n``.

        The mirror of ``add`` for a due date moved back (``n >= 1``; ``n == 0`` gives ``d``).
        """
        if n <= 0:
            return _as_date(d)
        k = self._work[self._index(d) + 1] - n  # the result is the k-th working day
        if k < 1:
            raise _out_of_range(_as_date(d) - dt.timedelta(days=n), self.first, self.last)
        return self._days[self._nth[k - 1]].date

    def next_workday(self, d: dt.date) -> dt.date:
        """The first working day on or after ``d``."""
        k = self._work[self._index(d)]  # working days strictly before d
        if k >= len(self._nth):
            raise CalendarError("date_out_of_range", gettext_noop("%(value)s 之后在工作日历范围内没有工作日。", value=_as_date(d)))
        return self._days[self._nth[k]].date

    def days(self) -> tuple[Day, ...]:
        return self._days

    def with_overrides(self, days: Iterable[Day]) -> WorkCalendar:
        """A new calendar with some days replaced (local closures, corrections by an admin)."""
        replaced = list(self._days)
        for day in days:
            replaced[self._index(day.date)] = day
        return WorkCalendar(replaced)


@lru_cache(maxsize=8)
def national_calendar(first_year: int = FIRST_DATE.year, last_year: int = LAST_DATE.year) -> WorkCalendar:
    """The national calendar for whole years ``first_year``..``last_year`` (built once)."""
    if not FIRST_DATE.year <= first_year <= last_year <= LAST_DATE.year:
        raise CalendarError(
            "date_out_of_range",
            gettext_noop("年份 %(first_year)s–%(last_year)s 超出工作日历范围（%(year)s–%(year1)s）。", first_year=first_year, last_year=last_year, year=FIRST_DATE.year, year1=LAST_DATE.year),
        )
    return WorkCalendar(chain.from_iterable(year_days(y) for y in range(first_year, last_year + 1)))


# --- opening hours (HRS-1) -----------------------------------------------------------


@dataclass(frozen=True)
class Session:
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class Hours:
    """Office sessions of a center; summer hours run summer_start..summer_end inclusive."""

    winter: tuple[Session, ...]
    summer: tuple[Session, ...]
    summer_start: tuple[int, int] = (5, 1)  # (month, day)
    summer_end: tuple[int, int] = (9, 30)

    def __post_init__(self):
        for sessions in (self.winter, self.summer):
            times = [t for s in sessions for t in (s.start, s.end)]
            if not sessions or any(a >= b for a, b in zip(times, times[1:], strict=False)):
                raise ValueError("办公时段须非空、按时间先后排列且互不重叠。")

    def sessions_on(self, d: dt.date) -> tuple[Session, ...]:
        md = (d.month, d.day)
        if self.summer_start <= self.summer_end:
            summer = self.summer_start <= md <= self.summer_end
        else:  # a season that runs across the new year
            summer = md >= self.summer_start or md <= self.summer_end
        return self.summer if summer else self.winter


def _hours(*pairs: str) -> tuple[Session, ...]:
    return tuple(Session(dt.time.fromisoformat(a), dt.time.fromisoformat(b)) for a, b in pairs)


# System default (requirements, policy presets); Shexi (001) and Zhaoqing (003) use it.
DEFAULT_HOURS = Hours(
    winter=_hours(("08:30", "12:00"), ("14:00", "17:30")),
    summer=_hours(("08:30", "12:00"), ("14:00", "17:30")),
)
# Kaiyuan (004 art. 13(9)): winter afternoons 14:30–17:30, summer 15:00–18:00.
KAIYUAN_HOURS = Hours(
    winter=_hours(("08:00", "12:00"), ("14:30", "17:30")),
    summer=_hours(("08:00", "12:00"), ("15:00", "18:00")),
)
# Jinjiang (000 一, art. 1): the same hours as Kaiyuan (夏令时 15:00–18:00).
JINJIANG_HOURS = KAIYUAN_HOURS
# Xishan (002): Monday to Friday except holidays, 9:00–12:00 and 13:30–17:00 all year.
XISHAN_HOURS = Hours(
    winter=_hours(("09:00", "12:00"), ("13:30", "17:00")),
    summer=_hours(("09:00", "12:00"), ("13:30", "17:00")),
)


def is_open(hours: Hours, cal: WorkCalendar, moment: dt.datetime) -> bool:
    """Whether the hall is in office hours at ``moment`` (its own wall-clock time)."""
    d, t = moment.date(), moment.time()
    return cal.is_workday(d) and any(s.start <= t < s.end for s in hours.sessions_on(d))


def closing_time(hours: Hours, cal: WorkCalendar, d: dt.date) -> dt.time | None:
    """When the hall closes on ``d``; None on a day that is not a working day."""
    d = _as_date(d)
    return hours.sessions_on(d)[-1].end if cal.is_workday(d) else None


def next_opening(hours: Hours, cal: WorkCalendar, moment: dt.datetime) -> dt.datetime:
    """The first moment at or after ``moment`` when the hall is open.

    ``moment`` itself when open; otherwise the start of the next session. Keeps the
    tzinfo of an aware ``moment`` (wall-clock times are read in that zone).
    """
    d, t = moment.date(), moment.time()
    if cal.is_workday(d):
        for s in hours.sessions_on(d):
            if t < s.end:
                return moment if t >= s.start else dt.datetime.combine(d, s.start, tzinfo=moment.tzinfo)
    d = cal.next_workday(d + ONE_DAY)
    return dt.datetime.combine(d, hours.sessions_on(d)[0].start, tzinfo=moment.tzinfo)


def end_of_day_deadline(
    hours: Hours, cal: WorkCalendar, d: dt.date, tzinfo: dt.tzinfo | None = None
) -> dt.datetime:
    """End of office hours on working day ``d`` — the moment a working-day limit expires."""
    closes = closing_time(hours, cal, d)
    if closes is None:
        raise CalendarError("not_a_workday", gettext_noop("%(value)s 不是工作日，没有办公时间。", value=_as_date(d)))
    return dt.datetime.combine(_as_date(d), closes, tzinfo=tzinfo)


def working_days_deadline(
    hours: Hours, cal: WorkCalendar, received: dt.datetime, n: int
) -> tuple[dt.datetime, bool]:
    """Deadline of an ``n``-working-day limit for something received at ``received``.

    The day of receipt does not count; the limit ends at closing time on the ``n``-th
    working day after it (CAS-5). Returns the deadline (same tzinfo as ``received``)
    and whether it rests on a provisional day.
    """
    day, provisional = cal.add(received.date(), n)
    if n == 0 and not cal.is_workday(day):  # same-day service on a closed day
        day = cal.next_workday(day)
        provisional = cal.day(day).provisional
    return end_of_day_deadline(hours, cal, day, received.tzinfo), provisional


# --- administrators' changes -----------------------------------------------------------------

SCHEDULE_WARNING_DAYS = 60  # warn this many days before the last published year ends


def day_as(d: dt.date, workday: bool, name: str = "") -> Day:
    """A day an administrator sets: working or not, and its name; the kind follows.

    A Saturday or Sunday worked is an adjusted working day (调休上班); a weekday off is a
    holiday; a weekend day off is a holiday when it has a name, otherwise a plain weekend.
    """
    weekend = d.weekday() >= 5
    if workday:
        kind = "adjusted_workday" if weekend else "workday"
    else:
        kind = "holiday" if (name or not weekend) else "weekend"
    return Day(d, workday, kind, name)


@dataclass(frozen=True)
class ScheduleEntry:
    """One line of an official schedule: a day (or a run of days) off, or a weekend day worked."""

    first: dt.date
    last: dt.date
    workday: bool
    name: str


_KIND_WORDS = {"holiday": False, "休": False, "放假": False, "workday": True, "班": True, "上班": True}
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_RANGE = re.compile(r"\s*(?:\.\.|~|～|至)\s*")


def _parse_date(text: str) -> dt.date:
    m = _DATE.fullmatch(text.strip())
    if not m:
        raise ValueError(f"「{text}」不是日期（应为 YYYY-MM-DD）")
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        raise ValueError(f"「{text}」不是有效日期") from None


def parse_schedule(rows: Iterable[tuple[int, list[str]]]) -> list[ScheduleEntry]:
    """Official schedule rows ``(line number, [date or range, kind, name])`` into entries.

    Every problem of every row is reported at once (``bad_schedule``), so a file is fixed
    in one go. The format is documented in docs/calendar.md.
    """
    entries, problems, seen = [], [], {}
    for number, cells in rows:
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or cells[0].startswith("#"):
            continue
        try:
            if len(cells) < 2:
                raise ValueError("应有三列：日期、类型（holiday 或 workday）、名称")
            bounds = _RANGE.split(cells[0])
            if len(bounds) > 2:
                raise ValueError(f"「{cells[0]}」不是日期或日期范围")
            first, last = _parse_date(bounds[0]), _parse_date(bounds[-1])
            if last < first:
                raise ValueError(f"日期范围 {first} 至 {last} 首尾颠倒")
            if cells[1].lower() not in _KIND_WORDS:
                raise ValueError(f"类型「{cells[1]}」无法识别，应为 holiday（休）或 workday（班）")
            workday = _KIND_WORDS[cells[1].lower()]
            name = " ".join(cells[2:])
            if len(name) > 60:
                raise ValueError("名称不能超过 60 个字")
            if not workday and not name:
                raise ValueError("放假日期须写明节日名称")
            d = first
            while d <= last:
                if workday and d.weekday() < 5:
                    raise ValueError(
                        f"{d} 是周{'一二三四五'[d.weekday()]}，本来就是工作日；只有周六、周日可调为上班"
                    )
                if d in seen:
                    raise ValueError(f"{d} 与第 {seen[d]} 行重复")
                seen[d] = number
                d += ONE_DAY
            entries.append(ScheduleEntry(first, last, workday, name))
        except ValueError as exc:
            problems.append(f"第 {number} 行：{exc}")
    if problems:
        raise CalendarError("bad_schedule", "；".join(problems) + "。")
    if not any(not e.workday for e in entries):
        raise CalendarError("bad_schedule", gettext_noop("安排中没有任何放假日期。"))
    return entries


def schedule_year(entries: list[ScheduleEntry]) -> int:
    """The year a schedule is for: its last date's. Only that year's December eve may precede it
    (the 元旦 arrangement sometimes turns the last Saturday of the year before into a working day)."""
    year = max(e.last for e in entries).year
    if not FIRST_DATE.year <= year <= LAST_DATE.year:
        raise CalendarError(
            "date_out_of_range", gettext_noop("%(year)s 年超出工作日历范围（%(year1)s–%(year2)s）。", year=year, year1=FIRST_DATE.year, year2=LAST_DATE.year)
        )
    stray = sorted(e.first for e in entries if e.first < dt.date(year - 1, 12, 1))
    if stray:
        raise CalendarError(
            "bad_schedule", gettext_noop("安排应只包含 %(year)s 年（及上一年 12 月）的日期，%(value)s 不在其中。", year=year, value=stray[0])
        )
    return year


def official_days(year: int, entries: list[ScheduleEntry]) -> list[Day]:
    """The days an official schedule sets: every day of ``year`` (unlisted days are plain
    weekdays and weekends), plus any listed day of the December before. None provisional."""
    listed = {}
    for e in entries:
        d = e.first
        while d <= e.last:
            listed[d] = day_as(d, e.workday, e.name)
            d += ONE_DAY
    days = [listed.get(d) or _plain_day(d, provisional=False) for d in _dates_of(year)]
    return sorted([day for d, day in listed.items() if d.year < year], key=lambda day: day.date) + days


def changed_days(before: Iterable[Day], after: Iterable[Day]) -> list[tuple[Day, Day]]:
    """Pairs (before, after) of the same date whose working status, kind or name differ."""
    old = {day.date: day for day in before}
    return [
        (old[day.date], day)
        for day in after
        if (old[day.date].workday, old[day.date].kind, old[day.date].name)
        != (day.workday, day.kind, day.name)
    ]


def schedule_warning(today: dt.date, first_provisional: dt.date | None) -> str | None:
    """The warning administrators see from 60 days before the last published year ends."""
    if first_provisional is None:
        return None
    last_known = first_provisional - ONE_DAY
    left = (last_known - today).days
    if left > SCHEDULE_WARNING_DAYS:
        return None
    year = first_provisional.year
    if left >= 0:
        return (
            f"工作日历只公布到 {last_known}（还有 {left} 天）：{year} 年的节假日安排尚未导入，"
            f"涉及 {first_provisional} 以后的期限按法定规则推算，均标注为暂定。国务院公布后请导入正式安排。"
        )
    return (
        f"{year} 年的节假日安排尚未导入：自 {first_provisional} 起的工作日按法定规则推算，"
        f"涉及的期限均为暂定。请尽快导入国务院公布的正式安排。"
    )


# --- deadlines that move with the calendar (HRS-2, CAS-5) ----------------------------------------

CONFIRM_WORKDAYS = 3  # a change of more working days than this needs an explicit confirmation


def workdays_lost(old: WorkCalendar, new: WorkCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end] that ``old`` had and ``new`` has not (negative: gained)."""
    if end <= start:
        return 0
    return old.between(start, end)[0] - new.between(start, end)[0]


def moved_due(
    old: WorkCalendar,
    new: WorkCalendar,
    start: dt.date,
    due: dt.date,
    still: Iterable[tuple[dt.date, dt.date]] = (),
) -> dt.date:
    """A due date counted from ``start`` once the calendar changes from ``old`` to ``new``.

    It moves on by the working days the change took from (start, due], and back by those it
    gave, so that the limit keeps exactly as many working days as it had. Days in a ``still``
    span (a, b] — a past suspension, when the clock stood still and was already made up —
    do not count either way.
    """
    lost = workdays_lost(old, new, start, due) - sum(
        workdays_lost(old, new, max(a, start), min(b, due)) for a, b in still
    )
    if lost > 0:
        return new.add(due, lost)[0]
    if lost < 0:
        return new.back(due, -lost)
    return due


def turned(
    old: WorkCalendar, new: WorkCalendar, first: dt.date, last: dt.date, *, closed: bool
) -> list[dt.date]:
    """The dates in [first, last] that were working days and are not (``closed``), or the reverse."""
    out, d = [], first
    while d <= last:
        if old.is_workday(d) != new.is_workday(d) and old.is_workday(d) is closed:
            out.append(d)
        d += ONE_DAY
    return out


def runs(dates: Iterable[dt.date], cal: WorkCalendar) -> list[tuple[dt.date, dt.date]]:
    """Sorted dates as (first, last) runs, a run broken only by a working day of ``cal`` outside
    the dates: a closure over 5 weekdays and the weekend between them is one run."""
    dates = sorted(dates)
    out: list[tuple[dt.date, dt.date]] = []
    for d in dates:
        if out and cal.between(out[-1][1], d)[0] == (1 if cal.is_workday(d) else 0):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def needs_confirmation(workdays: int, first: dt.date, today: dt.date) -> bool:
    """A calendar change of more than a few working days, or reaching into the past, is applied
    only once confirmed: a typo must not close the hall for a year."""
    return workdays > CONFIRM_WORKDAYS or first < today
