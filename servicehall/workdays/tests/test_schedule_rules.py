"""Official schedules, corrections and the warning, as pure rules (no database)."""

import datetime as dt

import pytest

from servicehall.workdays.rules import (
    CalendarError,
    Day,
    ScheduleEntry,
    changed_days,
    day_as,
    official_days,
    parse_schedule,
    provisional_days,
    schedule_warning,
    schedule_year,
)

D = dt.date


def rows(text):
    return [(n, line.split(maxsplit=2)) for n, line in enumerate(text.splitlines(), start=1)]


SCHEDULE_2027 = """# 2027 年部分节假日安排（示例）
2027-01-01..2027-01-03 holiday 元旦
2027-02-05..2027-02-11 holiday 春节
2027-02-14 workday 春节调休上班
2027-02-20 班 春节调休上班
2027-10-01~2027-10-07 休 国庆节、中秋节
2027-10-09 workday 国庆节调休上班
"""


def test_hrs_2_schedule_lines_with_ranges_and_chinese_kinds():
    entries = parse_schedule(rows(SCHEDULE_2027))
    assert entries[0] == ScheduleEntry(D(2027, 1, 1), D(2027, 1, 3), False, "元旦")
    assert entries[3] == ScheduleEntry(D(2027, 2, 20), D(2027, 2, 20), True, "春节调休上班")
    assert entries[4].last == D(2027, 10, 7) and entries[4].name == "国庆节、中秋节"
    assert schedule_year(entries) == 2027


def test_hrs_2_official_days_cover_the_whole_year_and_are_not_provisional():
    days = official_days(2027, parse_schedule(rows(SCHEDULE_2027)))
    assert len(days) == 365 and [d.date for d in days] == sorted(d.date for d in days)
    by_date = {d.date: d for d in days}
    assert by_date[D(2027, 2, 14)] == Day(D(2027, 2, 14), True, "adjusted_workday", "春节调休上班")
    assert by_date[D(2027, 2, 6)] == Day(D(2027, 2, 6), False, "holiday", "春节")  # a Saturday in the holiday
    assert by_date[D(2027, 4, 5)] == Day(
        D(2027, 4, 5), True, "workday", ""
    )  # 清明 not listed here: a plain day
    assert not any(d.provisional for d in days)


def test_hrs_2_schedule_may_turn_the_last_saturday_of_the_year_before_into_a_workday():
    # The 2012 arrangement: "2011年12月31日（星期六）上班".
    entries = parse_schedule(rows("2011-12-31 workday 元旦调休上班\n2012-01-01..2012-01-03 holiday 元旦"))
    assert schedule_year(entries) == 2012
    days = official_days(2012, entries)
    assert days[0] == Day(D(2011, 12, 31), True, "adjusted_workday", "元旦调休上班")
    assert len(days) == 367


def test_hrs_2_schedule_reports_every_bad_line_at_once():
    text = "\n".join(
        [
            "2027-02-30 holiday 春节",  # no such date
            "2027-02-10 workday 调休",  # a Wednesday is already a working day
            "2027-03-01 maybe 什么",  # unknown kind
            "2027-05-01",  # one column
            "2027-05-03 holiday",  # a holiday needs its name
            "2027-10-07..2027-10-01 holiday 国庆节",  # reversed range
            "2027-01-01 holiday 元旦",
            "2027-01-01 holiday 元旦",  # duplicate
        ]
    )
    with pytest.raises(CalendarError) as err:
        parse_schedule(rows(text))
    message = err.value.message
    assert err.value.code == "bad_schedule"
    for n in range(1, 7):
        assert f"第 {n} 行" in message
    assert "第 8 行：2027-01-01 与第 7 行重复" in message
    assert "周三，本来就是工作日" in message


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("# nothing\n\n", "没有任何放假日期"),
        ("2027-02-14 workday 春节调休上班", "没有任何放假日期"),
        ("2100-01-01 holiday 元旦", "超出工作日历范围"),
        ("2026-10-01 holiday 国庆节\n2027-01-01 holiday 元旦", "只包含 2027 年"),
    ],
)
def test_hrs_2_schedule_refuses_empty_or_mixed_years(text, fragment):
    with pytest.raises(CalendarError) as err:
        schedule_year(parse_schedule(rows(text)))
    assert fragment in err.value.message


def test_hrs_2_admin_day_kind_follows_weekday_and_status():
    assert day_as(D(2027, 2, 14), True, "春节调休上班").kind == "adjusted_workday"  # a Sunday worked
    assert day_as(D(2027, 2, 10), False, "春节").kind == "holiday"
    assert day_as(D(2027, 2, 10), False).kind == "holiday"  # a weekday off is a holiday
    assert day_as(D(2027, 2, 13), False).kind == "weekend"
    assert day_as(D(2027, 2, 12), True) == Day(D(2027, 2, 12), True, "workday", "")


def test_hrs_2_changed_days_are_those_whose_status_kind_or_name_differ():
    before = provisional_days(2027)
    after = official_days(2027, parse_schedule(rows(SCHEDULE_2027)))
    changed = {new.date: (old, new) for old, new in changed_days(before, after)}
    assert D(2027, 2, 14) in changed and changed[D(2027, 2, 14)][0].workday is False
    assert D(2027, 2, 5) not in changed  # the eve: a holiday both by the rule and by the schedule
    assert D(2027, 3, 1) not in changed  # provisional workday → official workday is no change


def test_hrs_2_warning_60_days_before_the_last_published_year_ends():
    first_provisional = D(2027, 1, 1)
    assert schedule_warning(D(2026, 10, 31), first_provisional) is None  # 61 days left
    warning = schedule_warning(D(2026, 11, 1), first_provisional)
    assert "还有 60 天" in warning and "2027 年的节假日安排尚未导入" in warning
    assert "尽快导入" in schedule_warning(D(2027, 1, 2), first_provisional)
    assert schedule_warning(D(2026, 12, 1), None) is None
