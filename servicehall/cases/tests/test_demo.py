"""The demo cases: every colour on the director's board, and loading twice changes nothing."""

from servicehall.cases import demo, selectors
from servicehall.cases.models import Case, Visit
from servicehall.core import clock


def test_demo_cases_show_every_colour_and_load_once(kaiyuan):
    with clock.freeze("2026-11-23T11:00"):
        assert demo.load() is True
        assert demo.load() is False
        board = selectors.board(kaiyuan)
    total = board.total
    assert (total.green, total.yellow, total.red) == (2, 1, 1)
    assert (total.awaiting, total.suspended, total.backfilled) == (1, 1, 1)
    assert total.overdue_days == 2
    assert Case.objects.filter(status="completed").count() == 1 and Visit.objects.count() == 6
