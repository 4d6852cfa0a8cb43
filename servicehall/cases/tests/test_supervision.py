"""CAS-14: the supervision board, own lists and what other apps read — derived when read."""

import datetime as dt

import pytest
from django.core.management import call_command

from servicehall.cases import selectors, services
from servicehall.cases.models import Case
from servicehall.cases.tests.conftest import PERSON
from servicehall.core import clock
from servicehall.org.models import Staff

D = dt.date


def at(text):
    return clock.parse_moment(text)


@pytest.fixture
def three(intake, user_named):
    """Three cases of 陈建伟 taken in on different days: due 12-07, 12-10 and, waiting, none."""
    first = intake()
    second = intake(at="2026-11-26T09:30")
    waiting = intake(materials=["M02"])
    return first, second, waiting


def test_cas_14_colours_come_from_the_dates_without_any_job(three):
    first, second, _ = three
    board = selectors.board(first.center, at("2026-12-02T10:00"))
    assert (board.total.green, board.total.yellow, board.total.red, board.total.awaiting) == (2, 0, 0, 1)
    board = selectors.board(first.center, at("2026-12-03T10:00"))  # warning day of the first
    assert (board.total.green, board.total.yellow, board.total.red) == (1, 1, 0)
    assert [c.number for c in board.urgent] == [first.number, second.number]
    assert [c.colour for c in board.urgent] == ["yellow", "green"]
    board = selectors.board(first.center, at("2026-12-07T17:31"))  # past closing on its due date
    assert (board.total.green, board.total.yellow, board.total.red, board.total.overdue_days) == (1, 0, 1, 0)
    board = selectors.board(first.center, at("2026-12-11T09:00"))
    assert (board.total.red, board.total.overdue_days) == (2, 4 + 1)
    assert [c.overdue_days for c in board.urgent] == [4, 1]


def test_cas_14_colours_and_overdue_days_across_the_national_day(intake):
    # Taken in Monday 2026-09-14; Sunday 09-20 is worked (国庆节调休), 中秋 is 09-25..27: due 09-28.
    case = intake(at="2026-09-14T09:30")
    assert case.due_date == D(2026, 9, 28) and case.warn_date == D(2026, 9, 23)
    center = case.center

    def colour(moment):
        return selectors.with_colours([Case.objects.select_related("center").get(pk=case.pk)], at(moment))[0]

    assert colour("2026-09-22T10:00").colour == "green"
    assert colour("2026-09-23T10:00").colour == "yellow"  # 2 working days left: 09-24, 09-28
    assert colour("2026-09-26T10:00").days_left == 1  # in 中秋: only 09-28 is left
    seen = colour("2026-10-06T10:00")  # in 国庆: red, two working days (09-29, 09-30) lost
    assert (seen.colour, seen.overdue_days) == ("red", 2)
    seen = colour("2026-10-10T10:00")  # 10-08, 10-09 and the adjusted Saturday 10-10 count
    assert (seen.colour, seen.overdue_days) == ("red", 5)
    assert selectors.board(center, at("2026-10-11T10:00")).total.overdue_days == 5  # Sunday adds none


def test_cas_8_a_suspended_case_is_grey_and_its_due_date_moves_while_suspended(intake, user_named):
    case = intake()
    with clock.freeze("2026-11-30T10:00"):
        services.case_suspend(actor=user_named("chenjianwei"), case=case, reason="等待评定")
    board = selectors.board(case.center, at("2026-12-09T10:00"))
    assert (board.total.suspended, board.total.red, board.urgent) == (1, 0, [])
    mine = selectors.handler_cases(Staff.objects.get(name="陈建伟"), at("2026-12-03T10:00"))
    assert mine[0].colour == "" and mine[0].shown_due == D(2026, 12, 10)


def test_cas_1_backfilled_cases_are_counted_on_the_board(intake):
    intake(received_at=at("2026-11-20T16:00"), backfill_reason="纸质收件后补录")
    intake()
    board = selectors.board(Case.objects.first().center, at("2026-11-24T10:00"))
    assert board.total.backfilled == 1 and sum(c.backfilled for c in board.urgent) == 1


def test_org_1_the_county_board_sees_the_centers_below(three):
    county = three[0].center.parent
    board = selectors.board(county, at("2026-12-03T10:00"))
    assert [f.center.code for f in board.centers] == ["county", "kaiyuan", "xiangfeng"]
    kaiyuan = next(f for f in board.centers if f.center.code == "kaiyuan")
    assert (kaiyuan.running, kaiyuan.awaiting) == (2, 1) and board.total.running == 2


def test_cas_14_board_and_lists_take_a_fixed_number_of_queries(kaiyuan, intake, django_assert_num_queries):
    def counts():
        center = Case.objects.first().center
        staff = Staff.objects.get(name="陈建伟")
        window = Case.objects.first().window
        selectors.board(center, at("2026-12-09T10:00"))  # warm the calendar cache
        with django_assert_num_queries(6) as board:
            selectors.board(center, at("2026-12-09T10:00"))
        with django_assert_num_queries(2) as own:
            selectors.handler_cases(staff, at("2026-12-09T10:00"))
        with django_assert_num_queries(3) as window_list:
            selectors.window_open_cases(window, at("2026-12-09T10:00"))
            selectors.window_history(window)
        return len(board), len(own), len(window_list)

    intake()
    small = counts()
    for day in ("2026-11-24", "2026-11-25", "2026-11-26"):
        intake(at=f"{day}T09:30")
        intake(at=f"{day}T10:30", materials=["M01"])
    assert counts() == small


def test_cas_14_handler_figures_count_received_completed_late_overdue_days_and_backfills(intake, user_named):
    """The per-handler figures the assessment reads: received, completed, completed late, overdue
    working days (late completions and open cases red today) and back-filled intakes."""
    late = intake()  # due 12-07
    on_time = intake()
    intake(received_at=at("2026-11-23T07:00"), backfill_reason="补录")  # due 12-07, stays open
    with clock.freeze("2026-12-09T10:00"):
        services.case_complete(actor=user_named("chenjianwei"), case=late, result="已办")
    with clock.freeze("2026-12-01T10:00"):
        services.case_complete(actor=user_named("chenjianwei"), case=on_time, result="已办")
    figures = selectors.handler_figures(late.center, D(2026, 11, 1), D(2026, 12, 31), at("2026-12-10T10:00"))
    mine = figures[Staff.objects.get(name="陈建伟").pk]
    assert (mine.received, mine.completed, mine.late, mine.backfilled) == (3, 2, 1, 1)
    assert mine.overdue_days == 2 + 3  # completed 2 working days late; the open one 3 days overdue
    assert [
        c.backfilled for c in selectors.backfilled_cases(late.center, D(2026, 11, 1), D(2026, 11, 30))
    ] == [True]


def test_cas_14_daily_digest_command(intake, capsys):
    intake()
    intake(applicant=PERSON, at="2026-11-26T09:30")
    with clock.freeze("2026-12-08T08:00"):
        call_command("supervision_digest")
    out = capsys.readouterr().out
    assert (
        "开元街道便民服务中心" in out and "红牌 1" in out and "陈建伟" in out and "KAIYUAN-2026-000001" in out
    )
