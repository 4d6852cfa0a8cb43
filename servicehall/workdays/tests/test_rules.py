"""Working days and opening hours (HRS-1, HRS-2, CAS-5); pure, no database."""

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicehall.workdays.rules import (
    DEFAULT_HOURS,
    FIRST_DATE,
    JINJIANG_HOURS,
    KAIYUAN_HOURS,
    LAST_DATE,
    XISHAN_HOURS,
    CalendarError,
    Day,
    Hours,
    Session,
    WorkCalendar,
    closing_time,
    end_of_day_deadline,
    is_open,
    national_calendar,
    next_opening,
    provisional_days,
    published_days,
    published_years,
    qingming,
    statutory_holidays,
    working_days_deadline,
    year_days,
)

D = dt.date
ONE = dt.timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = national_calendar()
LAST_PUBLISHED = D(published_years()[-1], 12, 31)

# --- the plain day-by-day reference ---------------------------------------------------

ALL_DAYS = [day for y in range(FIRST_DATE.year, LAST_DATE.year + 1) for day in year_days(y)]
WORKDAY = {day.date: day.workday for day in ALL_DAYS}
PROVISIONAL = {day.date for day in ALL_DAYS if day.provisional}


def ref_add(start, n):
    d, counted, provisional = start, 0, False
    while counted < n:
        d += ONE
        provisional |= d in PROVISIONAL
        counted += WORKDAY[d]
    return d, provisional


def ref_between(start, end):
    lo, hi, sign = (start, end, 1) if start <= end else (end, start, -1)
    count, provisional, d = 0, False, lo
    while d < hi:
        d += ONE
        count += WORKDAY[d]
        provisional |= d in PROVISIONAL
    return sign * count, provisional


def ref_next_workday(d):
    while not WORKDAY[d]:
        d += ONE
    return d


# Dates where mistakes hide: adjusted working days, holiday edges, year ends, the
# switch from published to provisional data.
SPECIAL = sorted(
    set(chinese_calendar.workdays)
    | {d for d in chinese_calendar.holidays if d - ONE not in chinese_calendar.holidays}
    | {D(y, 12, 31) for y in range(FIRST_DATE.year, LAST_DATE.year)}
    | {day.date for y in (2027, 2028, 2039, 2098) for day in provisional_days(y) if day.kind == "holiday"}
)
any_date = st.dates(FIRST_DATE, D(2099, 6, 30))
near_special = st.builds(
    lambda d, k: min(max(d + dt.timedelta(days=k), FIRST_DATE), D(2099, 6, 30)),
    st.sampled_from(SPECIAL),
    st.integers(-12, 12),
)
start_dates = st.one_of(any_date, near_special)
counts = st.integers(0, 100)


# --- published calendar ------------------------------------------------------------------


def test_hrs_2_published_years_found_from_the_package():
    years = published_years()
    assert years[0] == 2004 and years[-1] >= 2026
    assert chinese_calendar.is_workday(D(years[-1], 12, 31)) in (True, False)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(years[-1] + 1, 1, 1))


def test_hrs_2_every_published_day_matches_chinesecalendar():
    d = FIRST_DATE
    while d <= LAST_PUBLISHED:
        day = CAL.day(d)
        assert day.workday == chinese_calendar.is_workday(d), d
        assert not day.provisional
        if d in chinese_calendar.workdays:
            assert day.kind == "adjusted_workday" and day.name.endswith("调休上班")
        d += ONE


def test_hrs_2_published_names_are_chinese():
    assert CAL.day(D(2026, 2, 17)) == Day(D(2026, 2, 17), False, "holiday", "春节")
    assert CAL.day(D(2026, 10, 10)) == Day(D(2026, 10, 10), True, "adjusted_workday", "国庆节调休上班")
    assert CAL.day(D(2026, 10, 9)).kind == "workday"
    assert CAL.day(D(2026, 10, 11)).kind == "weekend"
    assert CAL.day(D(2015, 9, 3)).name.startswith("中国人民抗日战争")
    assert [d.kind for d in published_days(2026)].count("adjusted_workday") == 6


def test_hrs_2_qingming_computed_matches_published_holidays_and_solar_terms():
    for y in range(2008, published_years()[-1] + 1):  # 清明 is a holiday since 2008
        tomb = {d for d, h in chinese_calendar.holidays.items() if d.year == y and h == "Tomb-sweeping Day"}
        assert qingming(y) in tomb, y
    for y in range(2004, 2100):
        (term,) = [
            d for d, name in chinese_calendar.get_solar_terms(D(y, 4, 1), D(y, 4, 30)) if name == "清明"
        ]
        assert qingming(y) == term, y


def test_hrs_2_lunar_holidays_computed_match_published_holidays():
    for y in range(2008, published_years()[-1] + 1):
        rule = dict(statutory_holidays(y))
        computed = [d for d, name in statutory_holidays(y) if name in ("春节", "端午", "中秋")]
        computed.remove(min(d for d in computed if rule[d] == "春节"))  # the eve was a workday 2014–2024
        # Not "in chinese_calendar.holidays": the package leaves some weekend days of a
        # holiday out of that table (端午 on Sat 2012-06-23), they are simply days off.
        assert not any(chinese_calendar.is_workday(d) for d in computed), y
    for y in (2025, 2026):  # since 2025 the eve is a statutory holiday again
        assert not any(chinese_calendar.is_workday(d) for d, _ in statutory_holidays(y))


# --- the two examples of the issue -------------------------------------------------------


def test_hrs_2_national_day_week_2026():
    # Oct 1–7 off, Sat Oct 10 worked: 8th, 9th, 10th, 12th, 13th.
    assert CAL.add(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    assert CAL.between(D(2026, 9, 30), D(2026, 10, 13)) == (5, False)
    assert CAL.add(D(2026, 10, 9), 1) == (D(2026, 10, 10), False)


def test_hrs_2_deadline_across_2026_year_end_is_provisional():
    assert CAL.add(D(2026, 12, 24), 10) == (D(2027, 1, 8), True)
    assert CAL.between(D(2026, 12, 24), D(2027, 1, 8)) == (10, True)
    assert CAL.add(D(2026, 12, 24), 5) == (D(2026, 12, 31), False)  # still published ground


# --- provisional years ---------------------------------------------------------------------


def test_hrs_2_provisional_2027_spring_festival():
    days = {d.date: d for d in provisional_days(2027)}
    assert all(d.provisional for d in days.values())
    for k in range(5, 9):  # eve Fri 02-05, lunar new year Sat 02-06 to Mon 02-08
        assert days[D(2027, 2, k)].kind == "holiday" and days[D(2027, 2, k)].name == "春节"
    # Sat 02-06 and Sun 02-07 are made up on Tue and Wed.
    assert [days[D(2027, 2, k)].name for k in (9, 10)] == ["春节补休", "春节补休"]
    assert days[D(2027, 2, 4)].workday and days[D(2027, 2, 11)].workday
    assert year_days(2027) == provisional_days(2027)


def test_hrs_2_provisional_2027_national_day_and_makeup_days():
    cal = CAL
    assert [cal.day(D(2027, 10, k)).workday for k in range(1, 7)] == [False] * 5 + [True]
    assert cal.day(D(2027, 10, 4)).name == "国庆节补休"
    assert cal.day(D(2027, 5, 3)).name == cal.day(D(2027, 5, 4)).name == "劳动节补休"  # May 1–2 Sat–Sun
    assert cal.day(D(2027, 1, 1)).name == "元旦" and cal.day(D(2027, 1, 4)).workday  # a Friday: nothing owed
    assert cal.day(D(2027, 9, 15)).name == "中秋"


def test_hrs_2_every_provisional_year_loses_exactly_13_weekdays():
    for y in range(published_years()[-1] + 1, LAST_DATE.year + 1):
        days = provisional_days(y)
        assert len(days) == (D(y + 1, 1, 1) - D(y, 1, 1)).days
        assert all(d.provisional for d in days)
        assert not any(d.kind == "adjusted_workday" for d in days)  # 调休 cannot be predicted
        assert all(d.workday == (d.date.weekday() < 5 and d.kind != "holiday") for d in days)
        assert sum(d.kind == "holiday" and d.date.weekday() < 5 for d in days) == 13, y
        assert len(statutory_holidays(y)) == 13


def test_hrs_2_mid_autumn_on_national_day_is_made_up_on_next_free_weekday():
    # 2031: 中秋 falls on Wed Oct 1 with 国庆节; Oct 2–3 are holidays, so the extra day is Mon Oct 6.
    days = {d.date: d for d in provisional_days(2031)}
    assert days[D(2031, 10, 1)].name == "中秋、国庆节"
    assert days[D(2031, 10, 6)].name == "国庆节补休" and not days[D(2031, 10, 6)].workday
    assert days[D(2031, 10, 7)].workday
    # 2039: Sat Oct 1, Sun Oct 2 (中秋 and 国庆节), Mon Oct 3 — three days owed, Tue to Thu.
    days = {d.date: d for d in provisional_days(2039)}
    assert [days[D(2039, 10, k)].workday for k in range(1, 8)] == [False] * 6 + [True]


# --- arithmetic against the reference -------------------------------------------------------


@settings(max_examples=3000, deadline=None)
@given(start_dates, counts)
def test_hrs_2_add_equals_day_by_day_reference(start, n):
    if n == 0:
        assert CAL.add(start, 0) == (start, False)
    else:
        assert CAL.add(start, n) == ref_add(start, n)


@settings(max_examples=3000, deadline=None)
@given(start_dates, st.integers(-1000, 1000))
def test_hrs_2_between_equals_day_by_day_reference(start, offset):
    end = min(max(start + dt.timedelta(days=offset), FIRST_DATE), LAST_DATE)
    assert CAL.between(start, end) == ref_between(start, end)


@settings(max_examples=3000, deadline=None)
@given(start_dates, st.integers(1, 100))
def test_hrs_2_counting_back_an_addition_gives_n(start, n):
    end, provisional = CAL.add(start, n)
    assert CAL.between(start, end) == (n, provisional)
    assert CAL.is_workday(end)
    assert CAL.between(end, start) == (-n, provisional)


@settings(max_examples=3000, deadline=None)
@given(start_dates)
def test_hrs_2_next_workday_equals_reference(d):
    assert CAL.next_workday(d) == ref_next_workday(d)


def test_hrs_2_far_apart_dates_count_the_whole_range():
    assert CAL.between(FIRST_DATE, LAST_DATE) == ref_between(FIRST_DATE, LAST_DATE)
    assert CAL.between(FIRST_DATE, LAST_PUBLISHED) == (
        len(chinese_calendar.get_workdays(FIRST_DATE + ONE, LAST_PUBLISHED)),
        False,
    )


def test_hrs_2_datetimes_count_by_their_date():
    received = dt.datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    assert CAL.add(received, 5) == (D(2026, 10, 13), False)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [D(2003, 12, 31), D(2100, 1, 1)])
def test_hrs_2_dates_outside_2004_2099_are_errors(bad):
    for call in (lambda: CAL.add(bad, 1), lambda: CAL.between(bad, D(2026, 1, 1)), lambda: CAL.day(bad)):
        with pytest.raises(CalendarError) as err:
            call()
        assert err.value.code == "date_out_of_range" and "超出工作日历范围" in err.value.message


def test_hrs_2_result_past_2099_is_an_error():
    with pytest.raises(CalendarError) as err:
        CAL.add(D(2099, 12, 20), 30)
    assert err.value.code == "date_out_of_range"


def test_hrs_2_negative_days_are_an_error():
    with pytest.raises(CalendarError) as err:
        CAL.add(D(2026, 1, 5), -1)
    assert err.value.code == "negative_days" and isinstance(err.value, ValueError)
    assert err.value.as_dict()["message"] == "工作日天数不能为负数（-1）。"


def test_hrs_2_calendar_years_outside_range_are_errors():
    with pytest.raises(CalendarError):
        national_calendar(2003, 2010)
    with pytest.raises(CalendarError):
        provisional_days(2100)
    with pytest.raises(CalendarError):
        published_days(2030)


def test_hrs_2_calendar_must_be_contiguous():
    with pytest.raises(CalendarError) as err:
        WorkCalendar([Day(D(2026, 1, 1), False, "holiday"), Day(D(2026, 1, 3), False, "weekend")])
    assert err.value.code == "calendar_gap"


# --- local closures and corrections ----------------------------------------------------------


def test_hrs_2_local_closure_moves_deadlines():
    closed = CAL.with_overrides([Day(D(2026, 10, 9), False, "closure", "台风停止办公")])
    assert closed.add(D(2026, 9, 30), 5) == (D(2026, 10, 14), False)
    assert closed.day(D(2026, 10, 9)).name == "台风停止办公"
    assert CAL.add(D(2026, 9, 30), 5) == (D(2026, 10, 13), False)  # the national calendar is untouched


def test_hrs_2_published_correction_clears_provisional():
    # When the 2027 arrangement is published an admin enters it; those days stop being provisional.
    # Say it gives Jan 1–4 off: Dec 25, 28–31, Jan 5–8 and Mon Jan 11 are the ten days.
    published = []
    for k in range(1, 12):
        d = D(2027, 1, k)
        kind = "holiday" if k <= 4 else "weekend" if d.weekday() >= 5 else "workday"
        published.append(Day(d, kind == "workday", kind, "元旦" if k <= 4 else ""))
    fixed = CAL.with_overrides(published)
    assert fixed.add(D(2026, 12, 24), 10) == (D(2027, 1, 11), False)
    assert CAL.add(D(2026, 12, 24), 10) == (D(2027, 1, 8), True)


# --- opening hours (HRS-1) ----------------------------------------------------------------------


def at(y, m, d, hh, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_hrs_1_kaiyuan_summer_winter_switch():
    assert closing_time(KAIYUAN_HOURS, CAL, D(2026, 4, 30)) == dt.time(17, 30)  # last winter day
    assert closing_time(KAIYUAN_HOURS, CAL, D(2026, 5, 6)) == dt.time(18, 0)  # first summer working day
    assert closing_time(KAIYUAN_HOURS, CAL, D(2026, 9, 30)) == dt.time(18, 0)
    assert closing_time(KAIYUAN_HOURS, CAL, D(2026, 10, 8)) == dt.time(17, 30)
    assert is_open(KAIYUAN_HOURS, CAL, at(2026, 4, 30, 14, 45))
    assert not is_open(KAIYUAN_HOURS, CAL, at(2026, 5, 6, 14, 45))
    assert next_opening(KAIYUAN_HOURS, CAL, at(2026, 5, 6, 12, 30)) == at(2026, 5, 6, 15)


def test_hrs_1_jinjiang_has_the_kaiyuan_hours_and_default_and_xishan_differ():
    assert JINJIANG_HOURS == KAIYUAN_HOURS
    assert DEFAULT_HOURS.sessions_on(D(2026, 7, 1)) == (
        Session(dt.time(8, 30), dt.time(12)),
        Session(dt.time(14), dt.time(17, 30)),
    )
    assert XISHAN_HOURS.sessions_on(D(2026, 7, 1)) == XISHAN_HOURS.sessions_on(D(2026, 1, 5))
    assert is_open(XISHAN_HOURS, CAL, at(2026, 7, 1, 13, 30))
    assert not is_open(XISHAN_HOURS, CAL, at(2026, 7, 1, 17))


def test_hrs_1_closed_on_holidays_and_weekends_open_on_adjusted_saturday():
    assert not is_open(DEFAULT_HOURS, CAL, at(2026, 10, 5, 9))
    assert not is_open(DEFAULT_HOURS, CAL, at(2026, 10, 11, 9))
    assert is_open(DEFAULT_HOURS, CAL, at(2026, 10, 10, 9))
    assert closing_time(DEFAULT_HOURS, CAL, D(2026, 10, 5)) is None


def test_hrs_1_next_opening():
    assert next_opening(DEFAULT_HOURS, CAL, at(2026, 10, 9, 10)) == at(2026, 10, 9, 10)  # already open
    assert next_opening(DEFAULT_HOURS, CAL, at(2026, 10, 9, 7)) == at(2026, 10, 9, 8, 30)
    # Friday evening before the adjusted Saturday.
    assert next_opening(DEFAULT_HOURS, CAL, at(2026, 10, 9, 17, 30)) == at(2026, 10, 10, 8, 30)
    # Holiday eve: the week of National Day is skipped.
    assert next_opening(KAIYUAN_HOURS, CAL, at(2026, 9, 30, 18, 5)) == at(2026, 10, 8, 8)
    naive = next_opening(DEFAULT_HOURS, CAL, dt.datetime(2026, 10, 9, 12, 30))  # noqa: DTZ001
    assert naive == dt.datetime(2026, 10, 9, 14) and naive.tzinfo is None  # noqa: DTZ001


def test_hrs_1_end_of_day_deadline():
    assert end_of_day_deadline(KAIYUAN_HOURS, CAL, D(2026, 10, 13), SHANGHAI) == at(2026, 10, 13, 17, 30)
    with pytest.raises(CalendarError) as err:
        end_of_day_deadline(KAIYUAN_HOURS, CAL, D(2026, 10, 3))
    assert err.value.code == "not_a_workday"


def test_cas_5_working_day_limit_ends_at_closing_on_the_nth_day():
    kaiyuan, default = KAIYUAN_HOURS, DEFAULT_HOURS
    assert working_days_deadline(kaiyuan, CAL, at(2026, 9, 30, 16), 5) == (at(2026, 10, 13, 17, 30), False)
    assert working_days_deadline(default, CAL, at(2026, 12, 24, 9), 10) == (at(2027, 1, 8, 17, 30), True)
    # Same-day service asked for on a holiday: closing time of the next working day.
    assert working_days_deadline(default, CAL, at(2026, 10, 3, 9), 0) == (at(2026, 10, 8, 17, 30), False)


def test_hrs_1_hours_must_be_ordered_sessions():
    with pytest.raises(ValueError):
        Hours(winter=(Session(dt.time(14), dt.time(12)),), summer=DEFAULT_HOURS.summer)
    with pytest.raises(ValueError):
        Hours(winter=(), summer=DEFAULT_HOURS.summer)


def test_hrs_1_summer_season_may_be_set_by_the_center():
    hours = Hours(KAIYUAN_HOURS.winter, KAIYUAN_HOURS.summer, summer_start=(6, 1), summer_end=(8, 31))
    assert closing_time(hours, CAL, D(2026, 5, 6)) == dt.time(17, 30)
    assert closing_time(hours, CAL, D(2026, 6, 1)) == dt.time(18)
