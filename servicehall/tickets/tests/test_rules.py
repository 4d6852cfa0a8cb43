"""The queue's pure rules, without a database."""

import datetime as dt

import pytest

from servicehall.tickets import rules
from servicehall.tickets.rules import Waiting

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_que_1_number_is_the_line_letter_and_three_digits():
    assert rules.ticket_number("A", 1) == "A001"
    assert rules.ticket_number("B", 42) == "B042"
    assert rules.ticket_number("A", 999) == "A999"
    assert rules.ticket_number("A", 1000) == "A1000"  # never reused within the day
    with pytest.raises(ValueError):
        rules.ticket_number("A", 0)


def test_que_1_prefix_is_one_capital_letter():
    assert rules.is_valid_prefix("A") and rules.is_valid_prefix("Z")
    assert not any(rules.is_valid_prefix(p) for p in ["", "a", "AB", "1", "甲"])


def test_que_1_voice_call_reads_digits_one_by_one():
    assert rules.call_phrase("A012", 3) == "请 A 零 一 二 号到 3 号窗口办理"
    assert rules.call_phrase("B100", 12) == "请 B 一 零 零 号到 12 号窗口办理"


def test_que_2_green_channel_goes_before_normal_and_appointments_first_at_their_slot():
    normal = Waiting(1, at(0))
    green = Waiting(2, at(5), green_channel="elderly")
    early_appointment = Waiting(3, at(1), slot_start=at(60))
    due_appointment = Waiting(4, at(9), slot_start=at(8))
    now = at(10)
    assert rules.pick_next([normal, green], priority_run=0, limit=3, now=now) == green
    assert (
        rules.pick_next([normal, green, due_appointment], priority_run=0, limit=3, now=now) == due_appointment
    )
    # before its slot an appointment waits like anyone: by issue time among normal tickets
    assert rules.pick_next([normal, early_appointment], priority_run=0, limit=3, now=now) == normal
    assert rules.ticket_class(green_channel="", slot_start=at(60), now=now) == rules.NORMAL


def test_que_2_first_come_first_served_within_a_class():
    a, b, c = Waiting(7, at(2)), Waiting(5, at(1)), Waiting(6, at(1))
    assert rules.pick_next([a, b, c], priority_run=0, limit=3, now=at(5)) == b  # same time: lower id


def test_que_2_after_three_priority_calls_the_next_is_a_normal_ticket():
    normal = Waiting(1, at(0))
    green = Waiting(2, at(1), green_channel="military")
    assert rules.pick_next([normal, green], priority_run=2, limit=3, now=at(5)) == green
    assert rules.pick_next([normal, green], priority_run=3, limit=3, now=at(5)) == normal
    # nobody normal waiting: the priority ticket is still called
    assert rules.pick_next([green], priority_run=3, limit=3, now=at(5)) == green
    assert rules.next_priority_run(3, rules.NORMAL) == 0
    assert rules.next_priority_run(2, rules.GREEN) == 3
    assert rules.next_priority_run(0, rules.APPOINTMENT) == 1
    assert rules.class_order(5, 0) == rules.USUAL_ORDER  # a limit of 0 switches fairness off
    assert rules.pick_next([], priority_run=0, limit=3, now=at(0)) is None


@pytest.mark.parametrize(
    "state,action,expected",
    [
        ("closed", "open", "open"),
        ("closed", "cover", "covered"),
        ("open", "pause", "paused"),
        ("open", "cover", "covered"),
        ("paused", "cover", "covered"),
        ("covered", "open", "open"),
        ("covered", "pause", "paused"),
        ("open", "close", "closed"),
    ],
)
def test_que_5_window_states(state, action, expected):
    assert rules.next_state(state, action) == expected


@pytest.mark.parametrize(
    "state,action",
    [("closed", "pause"), ("closed", "close"), ("open", "open"), ("open", "resume"), ("covered", "cover")],
)
def test_que_5_impossible_window_transitions(state, action):
    with pytest.raises(rules.StateError):
        rules.next_state(state, action)


def test_que_5_resume_returns_to_the_state_paused_from():
    assert rules.next_state("paused", "resume", resume_to="covered") == "covered"
    assert rules.next_state("paused", "resume") == "open"


def test_que_5_pause_over_the_threshold_is_an_uncovered_absence():
    assert rules.uncovered_absence(at(0), at(10), 10) is None  # exactly 10 minutes is still brief
    assert rules.uncovered_absence(at(0), at(10.2), 10) == 11
    assert rules.uncovered_absence(at(0), at(16), 15) == 16
    assert rules.uncovered_absence(at(0), at(14), 15) is None


def test_hrs_3_extended_minutes_count_from_closing_time():
    closing = at(0)
    assert rules.extended_minutes(closing, at(-5)) == 0
    assert rules.extended_minutes(closing, at(25.5)) == 26
    assert rules.extended_minutes(None, at(30)) == 0  # a closed day has no closing time


def test_que_4_half_hour_slots_in_sessions_and_over_lunch_when_allowed():
    sessions = [(dt.time(8), dt.time(12)), (dt.time(14, 30), dt.time(17, 30))]
    plain = rules.appointment_slots(sessions, lunch=False)
    assert plain[0] == (dt.time(8), dt.time(8, 30)) and plain[-1] == (dt.time(17), dt.time(17, 30))
    assert (dt.time(12), dt.time(12, 30)) not in plain and len(plain) == 14
    lunch = rules.appointment_slots(sessions, lunch=True)
    assert (dt.time(12), dt.time(12, 30)) in lunch and (dt.time(14), dt.time(14, 30)) in lunch
    assert len(lunch) == 19


def test_que_4_check_in_from_an_hour_before_until_the_slot_ends():
    assert rules.check_in_window(at(60), at(90)) == (at(0), at(90))


def test_que_3_home_visits_for_70_and_over_or_severely_disabled():
    assert rules.home_visit_eligible(70, False)
    assert rules.home_visit_eligible(None, True)
    assert not rules.home_visit_eligible(69, False)
    assert not rules.home_visit_eligible(None, False)


def test_statistics_tally_waiting_and_service_minutes():
    rows = [
        {
            "k": "A",
            "status": "done",
            "issued_at": at(0),
            "first_called_at": at(10),
            "started_at": at(11),
            "finished_at": at(21),
        },
        {
            "k": "A",
            "status": "no_show",
            "issued_at": at(0),
            "first_called_at": at(20),
            "started_at": None,
            "finished_at": None,
        },
        {
            "k": "B",
            "status": "waiting",
            "issued_at": at(0),
            "first_called_at": None,
            "started_at": None,
            "finished_at": None,
        },
    ]
    out = rules.tally(rows, lambda r: r["k"])
    assert list(out) == ["A", "B"]
    a = out["A"]
    assert (a.issued, a.served, a.no_show, a.waiting_avg, a.waiting_max, a.service_avg) == (
        2,
        1,
        1,
        15.0,
        20.0,
        10.0,
    )
    assert out["B"].waiting_avg == 0.0 and out["B"].service_avg == 0.0


def test_statistics_a_ticket_still_waiting_counts_its_wait_until_now():
    """Issue to first call; a ticket not called yet has waited until ``waited_until``."""
    row = {"status": "waiting", "issued_at": at(0), "first_called_at": None, "started_at": None}
    waiting = {**row, "finished_at": None, "waited_until": at(10)}
    called = {**row, "status": "no_show", "first_called_at": at(4), "finished_at": None}
    out = rules.tally([waiting, called], lambda r: "A")["A"]
    assert (out.waiting_avg, out.waiting_max) == (7.0, 10.0)
    # a waiting ticket issued after the moment counted up to never waited less than nothing
    early = {**waiting, "waited_until": at(-5)}
    assert rules.tally([early], lambda r: "A")["A"].waiting_max == 0.0
