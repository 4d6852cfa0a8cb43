"""The calendar table and the cached calendars the selectors answer from (HRS-1, HRS-2)."""

import datetime as dt

import pytest
from django.db import transaction

from servicehall.core import clock
from servicehall.org import services as org_services
from servicehall.org.models import Center
from servicehall.workdays import cache, rules, selectors, services
from servicehall.workdays.models import CalendarDay, CalendarVersion

D = dt.date


def at(y, m, d, hh, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=clock.TZ)


def test_hrs_2_table_holds_every_day_2004_2099_as_the_rules_say(db):
    assert CalendarDay.objects.count() == 35064
    assert (
        CalendarDay.objects.filter(source="provisional").count()
        == CalendarDay.objects.filter(provisional=True).count()
    )
    assert selectors.calendar_for(None).days() == rules.national_calendar().days()
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (day.kind, day.name, day.workday, day.source) == (
        "adjusted_workday",
        "国庆节调休上班",
        True,
        "published",
    )
    assert CalendarDay.objects.get(date=D(2027, 2, 5)).source == "provisional"


def test_hrs_2_issue_examples_through_the_selectors(demo):
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    assert selectors.add_workdays(demo, D(2026, 12, 24), 10) == (D(2027, 1, 8), True)
    assert selectors.workdays_between(demo, D(2026, 9, 30), D(2026, 10, 13)) == (5, False)
    assert selectors.deadline(demo, at(2026, 9, 30, 16), 5) == (at(2026, 10, 13, 17, 30), False)


def test_hrs_2_local_closure_moves_a_deadline_for_the_center_and_those_below(demo, user_named):
    xiangfeng, county = Center.objects.get(code="xiangfeng"), Center.objects.get(code="county")
    services.closure_add(
        confirm=True,
        actor=user_named("wangmanshu"),
        center=demo,
        start=D(2026, 10, 9),
        end=D(2026, 10, 9),
        reason="台风停止办公",
    )
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 14), False)
    assert selectors.add_workdays(xiangfeng, D(2026, 9, 30), 5) == (
        D(2026, 10, 14),
        False,
    )  # the community below
    assert selectors.add_workdays(county, D(2026, 9, 30), 5) == (
        D(2026, 10, 13),
        False,
    )  # the county above: not
    assert selectors.deadline(demo, at(2026, 9, 30, 16), 5) == (at(2026, 10, 14, 17, 30), False)
    day = selectors.day(xiangfeng, D(2026, 10, 9))
    assert (day.kind, day.name, day.workday) == ("closure", "台风停止办公", False)
    assert not selectors.is_open(demo, at(2026, 10, 9, 10))
    assert selectors.next_opening(demo, at(2026, 10, 8, 18)) == at(2026, 10, 10, 8)


def test_hrs_2_closure_of_a_provisional_day_is_certain(demo, user_named):
    services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2027, 1, 4), end=D(2027, 1, 4), reason="换届选举"
    )
    assert selectors.day(demo, D(2027, 1, 4)).provisional is False
    assert selectors.add_workdays(demo, D(2027, 1, 1), 1) == (D(2027, 1, 5), True)


def test_hrs_2_voided_closure_no_longer_counts(demo, user_named):
    director = user_named("wangmanshu")
    closure = services.closure_add(
        confirm=True, actor=director, center=demo, start=D(2026, 10, 9), end=D(2026, 10, 9), reason="停电"
    )
    services.closure_void(confirm=True, actor=director, closure=closure, reason="已恢复供电")
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 13), False)


def test_hrs_2_a_correction_reaches_every_center(demo, user_named):
    services.day_correct(
        actor=user_named("admin"), date=D(2026, 10, 12), workday=False, name="测试休假", reason="核对"
    )
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 14), False)
    assert selectors.add_workdays(None, D(2026, 9, 30), 5) == (D(2026, 10, 14), False)


def test_a_new_center_inherits_its_parents_closures(demo, user_named):
    services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2026, 10, 9), end=D(2026, 10, 9), reason="停电"
    )
    selectors.calendar_for(demo)  # cached before the new center exists
    station = org_services.center_create(
        actor=None,
        code="xinmen",
        name="新门社区便民服务站",
        level="community",
        preset="kaiyuan-2020",
        parent=demo,
    )
    assert selectors.add_workdays(station, D(2026, 9, 30), 5) == (D(2026, 10, 14), False)


# --- HRS-1 against the calendar table -------------------------------------------------------


def test_hrs_1_kaiyuan_winter_and_summer_hours_switch_on_the_policy_dates(demo):
    # Summer runs May 1 – Sep 30 (the policy default); May 1–5 2026 is the Labour Day holiday.
    assert selectors.closing_time(demo, D(2026, 4, 30)) == at(2026, 4, 30, 17, 30)
    assert selectors.closing_time(demo, D(2026, 5, 1)) is None
    assert selectors.closing_time(demo, D(2026, 5, 6)) == at(2026, 5, 6, 18)
    assert selectors.closing_time(demo, D(2026, 9, 30)) == at(2026, 9, 30, 18)
    assert selectors.closing_time(demo, D(2026, 10, 9)) == at(2026, 10, 9, 17, 30)
    assert selectors.is_open(demo, at(2026, 4, 30, 14, 45))  # winter afternoon from 14:30
    assert not selectors.is_open(demo, at(2026, 5, 6, 14, 45))  # summer afternoon from 15:00
    assert selectors.next_opening(demo, at(2026, 5, 6, 12, 30)) == at(2026, 5, 6, 15)
    assert selectors.next_opening(demo, at(2026, 4, 30, 18)) == at(2026, 5, 6, 8)
    summer = selectors.sessions_on(demo, D(2026, 7, 1))
    assert [(s.start, s.end) for s in summer] == [(dt.time(8), dt.time(12)), (dt.time(15), dt.time(18))]
    assert selectors.sessions_on(demo, D(2026, 10, 3)) == ()


def test_hrs_1_switch_dates_follow_the_policy_when_the_center_changes_them(demo, user_named):
    org_services.policy_update(actor=user_named("wangmanshu"), center=demo, changes={"summer_from": "06-01"})
    demo = Center.objects.select_related("policy").get(pk=demo.pk)
    assert selectors.closing_time(demo, D(2026, 5, 6)) == at(2026, 5, 6, 17, 30)
    assert selectors.closing_time(demo, D(2026, 6, 1)) == at(2026, 6, 1, 18)


def test_hrs_1_closed_on_an_adjusted_weekend_no_and_open_on_the_worked_saturday(demo):
    assert selectors.is_open(demo, at(2026, 10, 10, 9))  # 国庆节调休上班
    assert not selectors.is_open(demo, at(2026, 10, 11, 9))


# --- the cache ---------------------------------------------------------------------------------


def test_calendar_is_read_once_and_then_costs_one_query_per_call(demo, django_assert_num_queries):
    services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2026, 10, 9), end=D(2026, 10, 9), reason="停电"
    )
    selectors.calendar_for(demo)
    with django_assert_num_queries(1):  # the version stamp
        selectors.add_workdays(demo, D(2026, 9, 30), 5)


def test_within_a_request_the_stamp_is_read_once(demo, django_assert_num_queries):
    selectors.is_open(demo, at(2026, 10, 9, 10))  # loads the calendar and the center's policy
    cache.request_started()
    try:
        with django_assert_num_queries(1):
            for _ in range(20):
                selectors.add_workdays(demo, D(2026, 9, 30), 5)
                selectors.is_open(demo, at(2026, 10, 9, 10))
    finally:
        cache.request_finished()


def test_a_request_that_never_finishes_leaves_no_stale_calendar(demo, monkeypatch, django_assert_num_queries):
    selectors.calendar_for(demo)
    cache.request_started()  # a harness that never closes its responses: request_finished never comes
    try:
        selectors.calendar_for(demo)  # the stamp is memoized
        CalendarVersion.objects.all().delete()  # the table is emptied meanwhile (a flush)
        CalendarDay.objects.all().delete()
        cache._snapshot = cache._load(None)  # and another thread has already rebuilt from the rules
        assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
        monkeypatch.setattr(cache, "MEMO_SECONDS", 0.0)
        cache.request_started()
        with django_assert_num_queries(2):  # the memo has expired: each call reads the stamp
            selectors.calendar_for(demo)
            selectors.calendar_for(demo)
    finally:
        cache.request_finished()


def test_every_change_renews_the_version_stamp(demo, user_named):
    stamps = [CalendarVersion.objects.get().stamp]
    closure = services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2026, 12, 1), end=D(2026, 12, 1), reason="停电"
    )
    stamps.append(CalendarVersion.objects.get().stamp)
    services.closure_void(confirm=True, actor=None, closure=closure, reason="误登")
    stamps.append(CalendarVersion.objects.get().stamp)
    services.day_correct(actor=None, date=D(2027, 1, 4), workday=True, name="", reason="确认")
    stamps.append(CalendarVersion.objects.get().stamp)
    assert len(set(stamps)) == 4


def test_an_emptied_table_falls_back_to_the_rules_and_is_seeded_again_before_a_write(demo):
    CalendarVersion.objects.all().delete()
    CalendarDay.objects.all().delete()
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 13), False)
    services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2026, 10, 9), end=D(2026, 10, 9), reason="停电"
    )
    assert CalendarDay.objects.count() == 35064
    assert selectors.add_workdays(demo, D(2026, 9, 30), 5) == (D(2026, 10, 14), False)


@pytest.mark.parametrize(
    "today, warned", [(D(2026, 10, 31), False), (D(2026, 11, 1), True), (D(2027, 3, 1), True)]
)
def test_hrs_2_warning_from_the_table(db, today, warned):
    assert selectors.first_provisional_day() == D(2027, 1, 1)
    assert (selectors.schedule_warning(today) is not None) is warned


def _request_asking_for_the_calendar():
    cache.request_started()
    try:
        selectors.calendar_for(None)
    finally:
        cache.request_finished()


@pytest.mark.django_db(transaction=True)  # the memo holds only stamps read outside a transaction
def test_requests_share_a_committed_stamp_for_a_moment(monkeypatch, django_assert_num_queries):
    cache.forget()
    _request_asking_for_the_calendar()  # reads the stamp, builds the calendar
    with django_assert_num_queries(0):  # the kiosk's next takes: no query for the calendar
        _request_asking_for_the_calendar()
        _request_asking_for_the_calendar()
    cache.forget()  # a change in this process: seen at once
    with django_assert_num_queries(1):
        _request_asking_for_the_calendar()
    monkeypatch.setattr(cache, "SHARED_SECONDS", 0.0)  # the moment has passed: read again
    cache.forget()
    with django_assert_num_queries(2):
        _request_asking_for_the_calendar()
        _request_asking_for_the_calendar()


@pytest.mark.django_db(transaction=True)
def test_a_stamp_read_inside_a_transaction_is_never_shared(django_assert_num_queries):
    cache.forget()
    _request_asking_for_the_calendar()
    cache.forget()
    with transaction.atomic():
        with django_assert_num_queries(2):  # may be the transaction's own: read every time
            _request_asking_for_the_calendar()
            _request_asking_for_the_calendar()
    with django_assert_num_queries(1):
        _request_asking_for_the_calendar()
