"""ORG-1, ORG-7, ORG-8: the five demo halls, one per seed regulation.

The expected values are read from each seed's own text (cited per line), not from the presets:
a preset that drifts from its regulation fails here. Where a seed is silent the value is the
system default of requirements.md ("Policy presets": the strictest value any seed sets).
"""

import datetime as dt
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Count

from servicehall.core.roles import Role
from servicehall.org.models import Center, Post, RoleAssignment, Staff, Window

T = dt.time
# requirements.md "Policy presets": the system default of every setting a seed leaves open.
DEFAULT = {
    "winter_am_start": T(8, 30),
    "winter_am_end": T(12, 0),
    "winter_pm_start": T(14, 0),
    "winter_pm_end": T(17, 30),
    "summer_am_start": T(8, 30),
    "summer_am_end": T(12, 0),
    "summer_pm_start": T(14, 0),
    "summer_pm_end": T(17, 30),
    "summer_from": "05-01",
    "summer_to": "09-30",
    "brief_absence_minutes": 10,
    "absence_counts_as_late": True,
    "leave_notice_days": 1,
    "complaint_answer_days": 5,
    "committed_ratio_max": Decimal("0.50"),
    "referral_decision_days": 3,
    "revisit_below_level": 3,
    "hotline_sample_percent": 5,
    "training_hours_per_year": 30,
    "monthly_training_session": True,
}


def _policy(center: Center) -> dict:
    return {name: getattr(center.policy, name) for name in DEFAULT}


EIGHT_TO_NOON = (T(8, 0), T(12, 0))


def _hours(winter_pm, summer_pm, am=EIGHT_TO_NOON) -> dict:
    return {
        "winter_am_start": am[0],
        "winter_am_end": am[1],
        "winter_pm_start": winter_pm[0],
        "winter_pm_end": winter_pm[1],
        "summer_am_start": am[0],
        "summer_am_end": am[1],
        "summer_pm_start": summer_pm[0],
        "summer_pm_end": summer_pm[1],
    }


def test_org_8_seed_000_jinjiang_policy_matches_its_regulation(halls):
    center = halls["jinjiang"]
    assert center.policy.preset == "jinjiang-2019"
    assert _policy(center) == {
        **DEFAULT,
        # 一.第一条: 8:00–12:00, 14:30–17:30 (summer 15:00–18:00)
        **_hours((T(14, 30), T(17, 30)), (T(15, 0), T(18, 0))),
        # 一.第三条: up to 15 minutes behind a "请稍候" sign; longer, report and a backup covers
        "brief_absence_minutes": 15,
        "absence_counts_as_late": False,
        "leave_notice_days": 1,  # 一.第二条: 提前一天报备
    }
    assert center.policy.holiday_appointments  # 二.第七条


def test_org_8_seed_001_shexi_policy_matches_its_regulation(halls):
    center = halls["shexi"]
    assert center.policy.preset == "shexi-2022"
    # Hours: the seed sets none, so the system default. 三(二)3(2): answer within five working
    # days; 四(二)2: a centralised session every month.
    assert _policy(center) == {**DEFAULT, "complaint_answer_days": 5, "monthly_training_session": True}
    assert center.policy.assessment_rulebook == "shexi-2022"  # 三(一): the 100-point table
    assert center.policy.lunch_appointments and center.policy.holiday_appointments  # 一(六)2, 3


def test_org_8_seed_002_xishan_policy_matches_its_regulation(halls):
    center = halls["xishan"]
    assert center.policy.preset == "xishan"
    assert _policy(center) == {
        **DEFAULT,
        # 一(四)1: Monday to Friday, 9:00–12:00 and 13:30–17:00, all year
        **_hours((T(13, 30), T(17, 0)), (T(13, 30), T(17, 0)), am=(T(9, 0), T(12, 0))),
        "complaint_answer_days": 5,  # 八(五)3–5
        "referral_decision_days": 3,  # 七(三)3
        "revisit_below_level": 3,  # 十二(四): 100 % of 基本满意 and worse
        "hotline_sample_percent": 5,  # 十二(五)
        "training_hours_per_year": 30,  # 十(二)
    }
    # 八(三)2 and 4: the complaint phone and the letter address, as the seed prints them.
    assert center.complaint_phone == "0791-83280001"
    assert "0791-83280001" in center.complaint_channels
    assert "江西省南昌市新建区西山镇人民政府（西山司法所）" in center.complaint_channels


def test_org_8_seed_003_county_policy_matches_its_regulation(halls):
    center = halls["county"]
    assert center.policy.preset == "zhaoqing-2012"
    # art.13: committed limits at least 50 % faster than the statutory ones; the rest is silent.
    assert _policy(center) == {**DEFAULT, "committed_ratio_max": Decimal("0.50")}


def test_org_8_seed_004_kaiyuan_policy_matches_its_regulation(halls):
    center = halls["kaiyuan"]
    assert center.policy.preset == "kaiyuan-2020"
    assert _policy(center) == {
        **DEFAULT,
        # art.13(九): summer 8:00–12:00, 15:00–18:00; winter 8:00–12:00, 14:30–17:30
        **_hours((T(14, 30), T(17, 30)), (T(15, 0), T(18, 0))),
        # art.17(1): away more than 10 minutes with nobody covering counts as late
        "brief_absence_minutes": 10,
        "absence_counts_as_late": True,
    }
    assert halls["xiangfeng"].parent == center


def test_org_1_demo_tree_county_above_kaiyuan_and_shexi(halls):
    parents = {code: (c.parent.code if c.parent else None) for code, c in halls.items()}
    assert parents == {
        "county": None,
        "kaiyuan": "county",
        "xiangfeng": "kaiyuan",
        "shexi": "county",
        "jinjiang": None,
        "xishan": None,
    }


ORG_7 = {
    Role.DIRECTOR,
    Role.WINDOW_STAFF,
    Role.DEPARTMENT_HEAD,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.DUTY_OFFICER,
    Role.COMPLAINT_OFFICER,
    Role.ARCHIVIST,
    Role.SUPERVISOR,
}
HALLS = ["jinjiang", "shexi", "xishan", "county", "kaiyuan"]


def test_org_7_every_role_has_a_person_in_every_center(halls):
    for code in HALLS:
        held = RoleAssignment.objects.filter(center__code=code).values_list("role", flat=True)
        assert ORG_7 <= set(held), (code, ORG_7 - set(held))
    # Each role is held by the center's own staff, each with their own account (001 一(七)3).
    for ra in RoleAssignment.objects.filter(role__in=ORG_7, center__code__in=HALLS):
        assert Staff.objects.get(user=ra.user).center_id == ra.center_id


def test_org_3_every_demo_window_has_an_a_and_a_b_post(halls):
    windows = Window.objects.filter(center__code__in=HALLS)
    assert windows.count() == 7 + 5 + 5 + 3 + 5
    for window in windows:
        kinds = sorted(Post.objects.filter(window=window, end__isnull=True).values_list("kind", flat=True))
        assert kinds == ["A", "B"], window
        assert all(p.staff.center_id == window.center_id for p in window.posts.all())


def test_org_2_jinjiang_windows_and_county_stationed_departments(halls):
    jinjiang = {w.name: w.kind for w in halls["jinjiang"].windows.all()}
    assert jinjiang == {
        "法律援助": "independent",
        "人民调解": "independent",
        "公证服务": "independent",
        "律师服务": "independent",
        "综合窗口": "comprehensive",
    }
    county = [d.name for d in halls["county"].departments.all()]
    assert sum(name.endswith("行政审批股") for name in county) >= 3  # 003 art.8
    assert any("银行" in name for name in county)  # 003 art.5


def test_org_8_demo_usernames_are_pinyin_and_unique(halls):
    usernames = list(Staff.objects.values_list("user__username", flat=True))
    assert len(usernames) == len(set(usernames))
    assert all(u.isascii() and u.isalpha() and u.islower() for u in usernames)


def _counts() -> dict:
    from django.contrib.auth import get_user_model

    from servicehall.cases.models import Case
    from servicehall.catalog.models import Item
    from servicehall.tickets.models import Line

    models = [Center, Window, Staff, Post, RoleAssignment, Item, Line, Case, get_user_model()]
    return {m.__name__: m.objects.count() for m in models}


def test_org_8_load_demo_twice_keeps_the_same_counts(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    first = _counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert _counts() == first
    per_center = {
        code: (items, lines)
        for code, items, lines in Center.objects.filter(code__in=HALLS)
        .annotate(n=Count("items", distinct=True), m=Count("lines", distinct=True))
        .values_list("code", "n", "m")
    }
    assert all(items >= 3 and lines >= 3 for items, lines in per_center.values()), per_center
    assert set(per_center) == set(HALLS)
    assert first["Center"] == 6


def test_cat_6_shexi_items_approved_in_parallel_by_two_or_more_stations(db):
    from servicehall.catalog import selectors

    call_command("load_demo", stdout=open("/dev/null", "w"))
    shexi = Center.objects.get(code="shexi")
    parallel = [i.current for i in selectors.items_of(shexi) if i.current.participants.exists()]
    assert len(parallel) >= 2
    for version in parallel:
        stations = {version.department_id, *version.participants.values_list("department_id", flat=True)}
        assert len(stations) >= 2, version.name


def test_cat_3_county_committed_limits_obey_the_50_percent_rule(db):
    from servicehall.catalog import selectors
    from servicehall.tickets.models import Line

    call_command("load_demo", stdout=open("/dev/null", "w"))
    county = Center.objects.get(code="county")
    versions = [i.current for i in selectors.items_of(county)]
    assert len(versions) >= 3
    for v in versions:
        if v.statutory_days is not None:
            assert v.committed_days * 2 <= v.statutory_days, v.name
    # 003 art.5: fees are paid at the bank's window, which serves a line of its own.
    bank = county.windows.get(name="银行收费")
    assert Line.objects.filter(center=county, windows=bank).exists()
    assert any(not v.is_free for v in versions)


def test_cat_4_each_hall_publishes_its_hours_and_complaint_facts(halls, client):
    from servicehall.core import clock

    expected = {
        "jinjiang": ["08:00–12:00", "14:30–17:30", "0595-85600012"],
        "shexi": ["08:30–12:00", "14:00–17:30", "0797-6800012"],
        # 002 一(四)1 and 八(三)2, 4
        "xishan": [
            "09:00–12:00",
            "13:30–17:00",
            "0791-83280001",
            "江西省南昌市新建区西山镇人民政府（西山司法所）",
        ],
        "county": ["08:30–12:00", "14:00–17:30"],
        "kaiyuan": ["08:00–12:00", "14:30–17:30", "0595-22100012"],
    }
    with clock.freeze(dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.TZ)):  # a winter Monday
        for code, texts in expected.items():
            page = client.get(f"/c/{code}/").content.decode()
            for text in texts:
                assert text in page, (code, text)
