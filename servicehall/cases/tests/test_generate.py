"""The benchmark's generator: the honest shape, in bulk, only on a throw-away database."""

import pytest
from django.core.management import CommandError, call_command

from servicehall.cases import selectors
from servicehall.cases.models import Case
from servicehall.core import clock
from servicehall.org.models import Center


def test_generate_cases_makes_a_mostly_finished_history_the_board_can_read(db):
    call_command("generate_cases", count=10_000, counties=1, today="2026-11-23T10:00")
    assert Case.objects.count() == 10_000 and Center.objects.count() == 10
    open_cases = Case.objects.filter(
        status__in=["awaiting_materials", "accepted", "suspended", "denial_filed"]
    )
    assert 0.05 < open_cases.count() / 10_000 < 0.12  # 50 working days of history: the recent ones are open
    case = Case.objects.filter(status="accepted").order_by("id").first()
    assert clock.local(case.due_at).time().isoformat() == "17:30:00" and case.warn_date <= case.due_date
    with clock.freeze("2026-11-23T10:00"):
        board = selectors.board(Center.objects.get(code="bench-c000"))
    assert board.total.running + board.total.awaiting + board.total.suspended == open_cases.count()


def test_generate_cases_refuses_a_database_with_real_centers(demo):
    with pytest.raises(CommandError):
        call_command("generate_cases", count=10)
