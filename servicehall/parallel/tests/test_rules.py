"""The regulation as pure functions: a participant's standing from what it said and when."""

import datetime as dt

import pytest

from servicehall.core import clock
from servicehall.parallel import rules

TZ = clock.TZ
DUE = dt.date(2026, 12, 4)


def closing(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(17, 30), tzinfo=TZ)


def at(day: int, hour: int = 10, month: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=TZ)


def standing(said, now):
    return rules.standing(due_date=DUE, closing=closing, said=said, now=now)


def test_par_4_silence_is_pending_until_the_limit_then_deemed():
    assert standing([], at(4, 17)).pending
    s = standing([], at(4, 18))
    assert s.deemed and not s.pending and s.outcome == rules.APPROVE and not s.late


def test_par_2_an_answer_in_time_is_neither_deemed_nor_late():
    s = standing([rules.Said(rules.REJECT, at(2))], at(10))
    assert s.answer == rules.REJECT and not s.deemed and not s.late and s.outcome == rules.REJECT


def test_par_4_a_late_answer_is_kept_marked_late_and_the_deemed_approval_stands():
    s = standing([rules.Said(rules.REJECT, at(7))], at(8))
    assert s.late and s.deemed and s.answer == rules.REJECT and s.outcome == rules.APPROVE


def test_par_4_an_explanation_in_time_moves_the_limit_and_one_after_it_does_not():
    moved = standing([rules.Said(rules.EXPLAINED, at(3), dt.date(2026, 12, 9))], at(8))
    assert moved.pending and moved.due_date == dt.date(2026, 12, 9) and moved.explained
    too_late = standing([rules.Said(rules.EXPLAINED, at(7), dt.date(2026, 12, 9))], at(8))
    assert too_late.deemed and too_late.due_date == DUE


def test_par_4_what_is_said_later_never_undeems():
    said = [rules.Said(rules.APPROVE, at(8)), rules.Said(rules.EXPLAINED, at(9), dt.date(2026, 12, 20))]
    for now in (at(5), at(8, 11), at(9, 11), at(21)):
        assert standing(said, now).deemed


@pytest.mark.parametrize(
    ("kind", "note", "expected", "now", "code"),
    [
        ("maybe", "", None, at(1), "invalid_opinion"),
        (rules.REJECT, " ", None, at(1), "reason_required"),
        (rules.RECTIFY, "", None, at(1), "reason_required"),
        (rules.EXPLAINED, "理由", None, at(1), "expected_date_required"),
        (rules.EXPLAINED, "理由", dt.date(2026, 12, 3), at(1), "expected_date_not_later"),
        (rules.EXPLAINED, "理由", dt.date(2026, 12, 5), at(1), "not_a_workday"),
        (rules.EXPLAINED, "理由", dt.date(2026, 12, 31), at(1), "past_statutory_maximum"),
        (rules.REPORTED_UP, "报县局", dt.date(2026, 12, 9), at(7), "limit_passed"),
    ],
)
def test_par_3_par_4_what_a_participant_may_not_say(kind, note, expected, now, code):
    s = standing([], now)
    with pytest.raises(rules.RuleError) as caught:
        rules.check_opinion(
            kind=kind,
            note=note,
            expected=expected,
            s=s,
            now=now,
            today=now.date(),
            maximum=dt.date(2026, 12, 22),
            is_workday=lambda d: d.weekday() < 5,
        )
    assert caught.value.code == code


def test_par_2_a_second_answer_in_the_same_round_is_a_conflict():
    s = standing([rules.Said(rules.APPROVE, at(1))], at(2))
    with pytest.raises(rules.RuleError) as caught:
        rules.check_opinion(
            kind=rules.REJECT,
            note="x",
            expected=None,
            s=s,
            now=at(2),
            today=at(2).date(),
            maximum=None,
            is_workday=lambda d: True,
        )
    assert caught.value.code == "already_answered" and caught.value.conflict


def test_par_4_the_lead_decides_only_when_nobody_is_pending():
    pending = standing([], at(1))
    with pytest.raises(rules.RuleError) as caught:
        rules.check_decide({"农业综合服务站": pending}, "准予")
    assert caught.value.code == "participants_pending" and "农业综合服务站" in caught.value.message
    rules.check_decide({"农业综合服务站": standing([], at(7))}, "准予")


def test_par_5_an_absence_without_excuse_is_unexcused():
    assert rules.unexcused(False, "") and rules.unexcused(False, "  ")
    assert (
        not rules.unexcused(False, "县里开会")
        and not rules.unexcused(True, "")
        and not rules.unexcused(None, "")
    )
