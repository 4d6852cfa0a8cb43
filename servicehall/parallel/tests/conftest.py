"""Parallel approval fixtures: Shexi with its demo catalog, and a way to take in its rural housing
application (SX-ZR-001: 自然资源所 leads at 3号窗口; 村镇规划建设站 and 农业综合服务站 take part,
7 working days each)."""

import pytest

from servicehall.cases import services as case_services
from servicehall.catalog.selectors import guide
from servicehall.core import clock

# Wednesday 2026-11-25: seven working days on is Friday 2026-12-04 (across one weekend); the next
# working day after the limit is Monday 2026-12-07, across the second.
WEDNESDAY = "2026-11-25T09:30"
DUE = "2026-12-04"
FRIDAY_AFTERNOON = "2026-12-04T16:00"  # the limit's last working day, the hall still open
MONDAY_AFTER = "2026-12-07T09:00"  # the first working day after the limit
PERSON = case_services.Applicant(name="杨树林", id_number="532924197806150014", phone="13988720101")
LEAD, PLANNING, FARMING = "laizhenhua", "zhuyongkang", "hexiulan"


@pytest.fixture
def shexi(halls):
    from servicehall.catalog import demo_halls

    demo_halls.load()
    return halls["shexi"]


@pytest.fixture
def parallel_case(shexi, user_named):
    """Take in SX-ZR-001 with every required material, at the lead window, on Wednesday morning."""

    def take(at=WEDNESDAY, user=LEAD, item="SX-ZR-001"):
        version = guide(shexi, item)
        codes = [m.code for m in version.materials.all() if m.required]
        with clock.freeze(at):
            return case_services.case_intake(
                actor=user_named(user), center=shexi, item=item, applicant=PERSON, materials=codes
            )

    return take
