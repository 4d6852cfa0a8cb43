"""A county administrator sets up a new town center in the browser (ORG-1 … ORG-7): the center from
the ``shexi-2022`` preset, a department, a window, two staff in its A and B posts; the new
center's public page shows its hours and its staff board. And the five demo halls' public
pages, each photographed for a look (test-artifacts/)."""

import pytest
from playwright.sync_api import expect

from servicehall.core import auth, clock
from servicehall.org.models import Center, Post, Staff
from servicehall.org.presets import preset_values

PASSWORD = "Town#Hall2026"


@pytest.fixture
def monday(halls):
    with clock.travel("2026-11-23T09:30"):  # a winter Monday, the halls open
        yield halls


def _submit(page, section, fields: dict, button: str):
    form = page.locator(f"[data-testid={section}] form")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator(f"[data-testid={button}]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".alert-success")).to_be_visible()


def test_org_1_county_administrator_sets_up_a_town_center_from_the_shexi_preset(monday, signed_in, shot):
    page = signed_in("admin")  # the county's system administrator
    page.goto(page.base + "/setup/centers/new/")
    page.select_option("#parent", "county")
    page.fill("#code", "heping")
    page.fill("#name", "和平镇综合便民服务中心")
    page.select_option("#preset", "shexi-2022")
    page.fill("#address", "和平镇人民政府一楼（演示地址）")
    page.fill("#complaint_phone", "0797-6900012")
    page.click("[data-testid=center-new] button[type=submit]")
    page.wait_for_url("**/setup/centers/heping/")
    center = Center.objects.get(code="heping")
    assert center.parent.code == "county" and center.level == "town" and center.policy.preset == "shexi-2022"

    _submit(page, "departments", {"code": "minzheng", "name": "民政所"}, "add-department")
    _submit(page, "windows", {"number": "1", "name": "民政所", "departments": "minzheng"}, "add-window")
    for username, name in (("hexiaoping", "何晓萍"), ("zhouyuan", "周远")):
        form = page.locator("[data-testid=staff] form")
        form.locator("[name=roles][value=window_staff]").check()
        _submit(
            page,
            "staff",
            {
                "username": username,
                "name": name,
                "password": PASSWORD,
                "department": "minzheng",
                "title": "民政所科员",
            },
            "add-staff",
        )
    staff = {s.user.username: s for s in Staff.objects.filter(center=center).select_related("user")}
    _submit(
        page, "posts", {"staff": str(staff["hexiaoping"].pk), "kind": "A", "start": "2026-11-23"}, "add-post"
    )
    _submit(
        page, "posts", {"staff": str(staff["zhouyuan"].pk), "kind": "B", "start": "2026-11-23"}, "add-post"
    )
    holders = page.locator("[data-testid=windows] tbody tr").first.inner_text()
    assert "何晓萍" in holders and "周远" in holders
    shot(page, "onboarding-setup")
    assert {(p.staff.name, p.kind) for p in Post.objects.filter(window__center=center)} == {
        ("何晓萍", "A"),
        ("周远", "B"),
    }
    assert all(auth.must_change_password(s.user) for s in staff.values())

    page.goto(page.base + "/c/heping/")
    hours = page.inner_text("[data-testid=hours]")
    values = preset_values("shexi-2022")
    assert f"{values['winter_am_start']}–{values['winter_am_end']}" in hours
    assert f"{values['winter_pm_start']}–{values['winter_pm_end']}" in hours
    shot(page, "onboarding-public-home")
    page.goto(page.base + "/c/heping/staff/")
    board = page.inner_text("[data-testid=staff]")
    assert "何晓萍" in board and "周远" in board
    assert "0797-6900012" in page.inner_text("[data-testid=complaints]")
    shot(page, "onboarding-public-staff")


def test_org_1_a_director_below_the_county_cannot_create_a_center(monday, signed_in):
    page = signed_in("wangmanshu")
    response = page.goto(page.base + "/setup/centers/new/")
    assert response.status == 403
    assert "系统管理员" in page.inner_text("body")


def test_cat_4_the_five_demo_halls_public_pages_and_staff_boards(db, page, shot):
    from servicehall.core.management.commands.load_demo import all_loaders

    for _name, load in all_loaders():
        load()
    with clock.travel("2026-11-23T09:30"):
        for code in ["jinjiang", "shexi", "xishan", "county", "kaiyuan"]:
            center = Center.objects.get(code=code)
            page.goto(page.base + f"/c/{code}/")
            expect(page.locator("[data-testid=hours]")).to_be_visible()
            assert center.name in page.inner_text("body")
            shot(page, f"hall-{code}")
            page.goto(page.base + f"/c/{code}/staff/")
            names = page.locator("[data-testid=staff]").inner_text()
            assert Staff.objects.filter(center=center).first().name in names
            shot(page, f"hall-{code}-staff")
