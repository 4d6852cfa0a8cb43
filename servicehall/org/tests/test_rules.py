import datetime as dt

from servicehall.core.roles import EXCLUSIVE_ROLES
from servicehall.org.presets import PRESETS, SYSTEM_DEFAULT, preset_values
from servicehall.org.rules import Period, holds_role_conflict, posting_change_needs_approval


def test_org_5_change_within_two_years_needs_approval():
    posted = dt.date(2025, 3, 1)
    assert posting_change_needs_approval(posted, dt.date(2027, 2, 28))
    assert not posting_change_needs_approval(posted, dt.date(2027, 3, 1))
    assert posting_change_needs_approval(dt.date(2024, 2, 29), dt.date(2026, 2, 27))
    assert not posting_change_needs_approval(dt.date(2024, 2, 29), dt.date(2026, 2, 28))


def test_org_3_periods_overlap():
    assert Period(dt.date(2026, 1, 1), None).overlaps(Period(dt.date(2030, 1, 1), None))
    assert not Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31)).overlaps(Period(dt.date(2026, 2, 1), None))
    assert Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1)).overlaps(Period(dt.date(2026, 2, 1), None))


def test_org_7_administrator_and_auditor_are_kept_apart():
    assert holds_role_conflict({"sysadmin"}, "auditor", EXCLUSIVE_ROLES)
    assert holds_role_conflict({"auditor", "director"}, "sysadmin", EXCLUSIVE_ROLES)
    assert not holds_role_conflict({"sysadmin"}, "sysadmin", EXCLUSIVE_ROLES)
    assert not holds_role_conflict({"auditor"}, "supervisor", EXCLUSIVE_ROLES)


def test_presets_are_the_five_seeds_and_fill_every_setting():
    assert set(PRESETS) == {"jinjiang-2019", "shexi-2022", "xishan", "zhaoqing-2012", "kaiyuan-2020"}
    for name in PRESETS:
        assert set(preset_values(name)) == set(SYSTEM_DEFAULT)


def test_hrs_1_preset_hours_follow_the_seeds():
    kaiyuan = preset_values("kaiyuan-2020")
    assert (kaiyuan["winter_pm_start"], kaiyuan["winter_pm_end"]) == ("14:30", "17:30")
    assert (kaiyuan["summer_pm_start"], kaiyuan["summer_pm_end"]) == ("15:00", "18:00")
    assert preset_values("xishan")["winter_am_start"] == "09:00"
    assert preset_values("shexi-2022")["winter_am_start"] == "08:30"  # the system default
    assert preset_values("jinjiang-2019")["brief_absence_minutes"] == 15
    assert preset_values("kaiyuan-2020")["brief_absence_minutes"] == 10
