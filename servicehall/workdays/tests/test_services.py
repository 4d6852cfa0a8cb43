"""Closures, corrections and official schedules through the services: who may, what is refused,
that refusals change nothing, and that every change is audited."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.models import AuditEvent
from servicehall.org.models import Center
from servicehall.workdays import review, selectors, services
from servicehall.workdays.models import CalendarDay, CalendarVersion, Closure, DayCorrection, OfficialSchedule

D = dt.date

SCHEDULE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知（示例）
2027-01-01..2027-01-03 holiday 元旦
2027-02-05..2027-02-11 holiday 春节
2027-02-14 workday 春节调休上班
2027-02-20 workday 春节调休上班
2027-04-05 holiday 清明节
2027-05-01..2027-05-05 holiday 劳动节
2027-04-25 workday 劳动节调休上班
2027-06-09 holiday 端午节
2027-09-15 holiday 中秋节
2027-10-01..2027-10-07 holiday 国庆节
2027-09-26 workday 国庆节调休上班
2027-10-09 workday 国庆节调休上班
"""


def nothing_changed(before_events, before_stamp):
    return AuditEvent.objects.count() == before_events and CalendarVersion.objects.get().stamp == before_stamp


@pytest.fixture
def state(db):
    return lambda: (AuditEvent.objects.count(), CalendarVersion.objects.get().stamp)


# --- closures (HRS-2) ----------------------------------------------------------------------------


def test_hrs_2_director_adds_a_closure_audited(demo, user_named):
    closure = services.closure_add(
        actor=user_named("wangmanshu"),
        center=demo,
        start=D(2026, 12, 7),
        end=D(2026, 12, 8),
        reason="办公楼停电检修",
    )
    event = AuditEvent.objects.get(action="closure.add")
    assert event.center_code == "kaiyuan" and event.actor_name == "wangmanshu"
    assert event.after["reason"] == "办公楼停电检修" and event.after["start"] == "2026-12-07"
    assert closure.created_by.username == "wangmanshu"


def test_hrs_2_closure_is_voided_never_deleted(demo, user_named):
    director = user_named("wangmanshu")
    closure = services.closure_add(
        actor=director, center=demo, start=D(2026, 12, 7), end=D(2026, 12, 7), reason="停电"
    )
    services.closure_void(actor=director, closure=closure, reason="改期")
    closure.refresh_from_db()
    assert closure.is_void and closure.void_reason == "改期" and Closure.objects.count() == 1
    event = AuditEvent.objects.get(action="closure.void")
    assert event.before["voided_at"] is None and event.after["void_reason"] == "改期"
    with pytest.raises(Conflict):
        services.closure_void(actor=director, closure=closure, reason="再次")


@pytest.mark.parametrize("username", ["chenshaoli", "auditor"])
def test_hrs_2_closure_refused_without_the_right_and_nothing_saved(demo, user_named, state, username):
    before = state()
    with pytest.raises(Forbidden):
        services.closure_add(
            actor=user_named(username), center=demo, start=D(2026, 12, 7), end=D(2026, 12, 7), reason="x"
        )
    assert state() == before and not Closure.objects.exists()


def test_hrs_2_director_of_a_center_cannot_close_the_center_above(demo, user_named):
    with pytest.raises(Forbidden):
        services.closure_add(
            actor=user_named("wangmanshu"),
            center=Center.objects.get(code="county"),
            start=D(2026, 12, 7),
            end=D(2026, 12, 7),
            reason="x",
        )


@pytest.mark.parametrize(
    "start, end, reason, code",
    [
        (D(2026, 12, 8), D(2026, 12, 7), "停电", "bad_range"),
        (D(2026, 1, 1), D(2027, 1, 2), "装修", "bad_range"),
        (D(2003, 12, 31), D(2004, 1, 1), "停电", "date_out_of_range"),
        (D(2026, 12, 7), D(2026, 12, 7), "  ", "missing_field"),
        (D(2026, 12, 7), D(2026, 12, 7), "长" * 61, "too_long"),
    ],
)
def test_hrs_2_bad_closures_are_refused_and_nothing_saved(demo, state, start, end, reason, code):
    before = state()
    with pytest.raises(Invalid) as err:
        services.closure_add(actor=None, center=demo, start=start, end=end, reason=reason)
    assert err.value.code == code and err.value.message
    assert state() == before and not Closure.objects.exists()


def test_hrs_2_overlapping_closures_conflict(demo):
    services.closure_add(actor=None, center=demo, start=D(2026, 12, 7), end=D(2026, 12, 9), reason="停电")
    with pytest.raises(Conflict) as err:
        services.closure_add(
            actor=None, center=demo, start=D(2026, 12, 9), end=D(2026, 12, 10), reason="装修"
        )
    assert err.value.code == "closure_overlaps" and "2026-12-07 至 2026-12-09" in err.value.message


# --- corrections --------------------------------------------------------------------------------


def test_hrs_2_administrator_corrects_a_day_with_before_and_after(demo, user_named):
    row = services.day_correct(
        actor=user_named("admin"), date=D(2027, 2, 14), workday=True, name="春节调休上班", reason="国务院通知"
    )
    assert (row.kind, row.workday, row.provisional, row.source) == (
        "adjusted_workday",
        True,
        False,
        "corrected",
    )
    correction = DayCorrection.objects.get()
    assert correction.before == {"kind": "weekend", "name": "", "workday": False, "provisional": True}
    assert correction.after["kind"] == "adjusted_workday"
    event = AuditEvent.objects.get(action="calendar.correct")
    assert event.before["workday"] is False and event.after["reason"] == "国务院通知"
    assert selectors.day(demo, D(2027, 2, 14)).workday


@pytest.mark.parametrize("username", ["wangmanshu", "chenshaoli", "auditor"])
def test_hrs_2_only_the_system_administrator_corrects_the_national_calendar(
    demo, user_named, state, username
):
    before = state()
    with pytest.raises(Forbidden):
        services.day_correct(
            actor=user_named(username), date=D(2027, 2, 14), workday=True, name="", reason="x"
        )
    assert state() == before and not DayCorrection.objects.exists()


def test_hrs_2_correction_that_changes_nothing_is_refused(demo, user_named, state):
    before = state()
    with pytest.raises(Invalid) as err:
        services.day_correct(
            actor=user_named("admin"), date=D(2026, 10, 1), workday=False, name="国庆节", reason="x"
        )
    assert err.value.code == "no_change" and "无需更正" in err.value.message
    assert state() == before


def test_hrs_2_correction_needs_a_reason(demo, user_named):
    with pytest.raises(Invalid) as err:
        services.day_correct(
            actor=user_named("admin"), date=D(2027, 1, 4), workday=False, name="x", reason=""
        )
    assert err.value.code == "missing_field" and "更正原因" in err.value.message


# --- official schedules -------------------------------------------------------------------------


def test_hrs_2_official_schedule_load_changes_provisional_days_and_lists_them(demo, user_named):
    assert selectors.add_workdays(demo, D(2027, 2, 10), 3) == (D(2027, 2, 15), True)
    schedule = services.schedule_load(
        actor=user_named("admin"),
        content=SCHEDULE_2027,
        file_name="2027.txt",
        document="国办发明电〔2026〕7号",
    )
    assert schedule.year == 2027 and schedule.document == "国办发明电〔2026〕7号"
    changed = {c["date"]: c for c in schedule.changes}
    assert changed["2027-02-14"]["before"] == {
        "kind": "weekend",
        "name": "",
        "workday": False,
        "provisional": True,
    }
    assert changed["2027-02-14"]["after"]["kind"] == "adjusted_workday"
    assert "2027-02-11" in changed and changed["2027-02-11"]["after"]["name"] == "春节"
    assert D(2027, 2, 14) in schedule.changed_workdays
    assert "2027-02-05" not in changed  # the eve: off both by the rule and by the schedule
    # The year is official now: nothing provisional until 2028.
    assert not CalendarDay.objects.filter(date__year=2027, provisional=True).exists()
    assert set(CalendarDay.objects.filter(date__year=2027).values_list("source", flat=True)) == {"official"}
    assert selectors.first_provisional_day() == D(2028, 1, 1)
    # Feb 12 (Fri), Feb 14 (Sun, worked), Feb 15: the deadline moved and is no longer provisional.
    assert selectors.add_workdays(demo, D(2027, 2, 10), 3) == (D(2027, 2, 15), False)
    assert selectors.add_workdays(demo, D(2027, 2, 11), 2) == (D(2027, 2, 14), False)
    event = AuditEvent.objects.get(action="calendar.schedule_load")
    assert event.after["year"] == 2027 and "2027-02-14" in event.after["days"]


def test_hrs_2_issue_example_is_no_longer_provisional_after_the_load(demo, user_named):
    assert selectors.add_workdays(demo, D(2026, 12, 24), 10) == (D(2027, 1, 8), True)
    services.schedule_load(actor=user_named("admin"), content=SCHEDULE_2027)
    # Jan 1 2027 is a Friday: the same day, now certain.
    assert selectors.add_workdays(demo, D(2026, 12, 24), 10) == (D(2027, 1, 8), False)


def test_hrs_2_schedule_from_an_xlsx_file(demo, user_named):
    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    sheet.append([dt.datetime(2027, 1, 1), "holiday", "元旦"])
    sheet.append(["2027-02-05..2027-02-11", "休", "春节"])
    sheet.append([dt.datetime(2027, 2, 14), "班", "春节调休上班"])
    buffer = io.BytesIO()
    book.save(buffer)
    schedule = services.schedule_load(
        actor=user_named("admin"), content=buffer.getvalue(), file_name="2027.xlsx"
    )
    assert schedule.year == 2027 and D(2027, 2, 14) in schedule.changed_workdays
    assert "2027-02-05..2027-02-11 holiday 春节" in schedule.text
    assert CalendarDay.objects.get(date=D(2027, 2, 14)).workday


@pytest.mark.parametrize(
    "content, file_name, code",
    [
        ("2027-02-30 holiday 春节\n2027-02-10 workday 调休", "", "bad_schedule"),
        ("", "", "bad_schedule"),
        (b"not a spreadsheet", "2027.xlsx", "bad_file"),
        ("2027-01-01 holiday 元旦", "2027.pdf", "bad_file"),
        ("x" * 1_000_001, "", "file_too_large"),
    ],
)
def test_hrs_2_bad_schedules_are_refused_and_nothing_saved(demo, user_named, state, content, file_name, code):
    before = state()
    with pytest.raises(Invalid) as err:
        services.schedule_load(actor=user_named("admin"), content=content, file_name=file_name)
    assert err.value.code == code and err.value.message
    assert state() == before and not OfficialSchedule.objects.exists()
    assert CalendarDay.objects.get(date=D(2027, 2, 14)).provisional


def test_hrs_2_only_the_system_administrator_loads_a_schedule(demo, user_named, state):
    before = state()
    with pytest.raises(Forbidden):
        services.schedule_load(actor=user_named("wangmanshu"), content=SCHEDULE_2027)
    assert state() == before


def test_hrs_2_deadlines_to_review_come_from_the_registered_sources(demo, user_named):
    seen = []

    def source(changed):
        seen.append(changed)
        return [
            review.DeadlineToReview(
                "办件 KY-2027-0001", "开元街道便民服务中心", D(2027, 2, 15), D(2027, 2, 14)
            )
        ]

    review.register_deadline_source(source)
    try:
        schedule = services.schedule_load(actor=user_named("admin"), content=SCHEDULE_2027)
        rows = review.deadlines_to_review(schedule.changed_workdays)
    finally:
        review.unregister_deadline_source(source)
    assert rows[0].what == "办件 KY-2027-0001"
    assert D(2027, 2, 14) in seen[0] and seen[0] == sorted(seen[0])
    assert review.deadlines_to_review([]) == []
