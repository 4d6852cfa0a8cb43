"""The demo's parallel approvals: Shexi's first rural housing case shows the planning station's
approval and the agricultural station deemed to approve, whatever day the demo is loaded."""

import datetime as dt

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock, facts
from servicehall.parallel import demo, selectors
from servicehall.parallel.models import Meeting


@pytest.mark.parametrize("today", ["2026-12-07T16:00", "2026-12-05T11:00"])  # a Monday, a Saturday
def test_par_4_demo_shows_a_deemed_participant_and_its_fact(shexi, user_named, today):
    from servicehall.catalog import demo as catalog_demo

    catalog_demo.load()
    with clock.freeze(today):
        assert demo.load() is True
        assert demo.load() is False  # idempotent
        first, second = Case.objects.filter(center=shexi).order_by("received_at")[:2]
        views = {v.department.code: v for v in selectors.participants(first)}
        assert views["guihua"].opinion == "approve" and not views["guihua"].deemed
        assert views["nongye"].deemed and len(views["nongye"].urges) == 1
        assert all(v.pending for v in selectors.participants(second))
        assert Meeting.objects.filter(case=second).exists()
        found = facts.facts_for(
            [shexi.pk], clock.now() - dt.timedelta(days=30), clock.now() + dt.timedelta(days=1)
        )
    assert ("deemed_approval", user_named("hexiulan").pk) in {(f.kind, f.staff_id) for f in found}
