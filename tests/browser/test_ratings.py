"""Ratings in a real browser (EVA-1, EVA-3): the clerk finishes a ticket at the console, the window's
rating device (a second page) shows it within two seconds, the citizen rates 不满意 with a reason,
and the revisit is on the revisit officer's to-do list at once."""

import time

import pytest
from playwright.sync_api import expect

from servicehall.core import clock


@pytest.fixture
def hall(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo
    from servicehall.tickets import demo as tickets_demo

    org_demo.load()
    catalog_demo.load()
    tickets_demo.load()
    with clock.travel("2026-11-23T09:30"):
        yield


def login(page, username):
    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2026")
    page.click("button[type=submit]")


def test_eva_1_device_shows_the_finished_ticket_and_a_bad_rating_reaches_the_officer(new_page, hall, shot):
    from servicehall.org.models import Window
    from servicehall.ratings import services as rating_services
    from servicehall.ratings.models import Rating, Revisit
    from servicehall.tickets import selectors, services

    window = Window.objects.select_related("center").get(center__code="kaiyuan", number=1)
    _device, token = rating_services.device_register(actor=None, window=window, name="1号窗口评价器")

    # the rating device: enrolled with its token, then idle
    device = new_page()
    device.goto(device.base + "/ratings/devices/enrol/")
    device.fill("#token", token)
    device.click("button")
    expect(device.locator("#rater")).to_have_attribute("data-state", "idle")
    shot(device, "ratings-device-idle")

    console = new_page()
    login(console, "chenshaoli")
    console.goto(console.base + f"/tickets/windows/{window.pk}/")
    console.click("button[value=open]")
    services.ticket_take(actor=None, line=selectors.get_line(window.center, "A"), green_channel=None)
    console.reload()
    console.get_by_test_id("call-next").click()
    assert console.get_by_test_id("current-number").inner_text() == "A001"
    console.click("button[value=start]")
    console.click("button[value=finish]")
    finished = time.monotonic()

    # Locator waits (the page's Content-Security-Policy forbids wait_for_function's eval)
    expect(device.locator("#ref")).to_have_text("A001", timeout=2500)
    shown_after = time.monotonic() - finished
    assert shown_after < 2.0, shown_after
    assert device.locator("#staff").inner_text().strip()
    assert device.locator(".rater-level.chosen").count() == 0  # no level preselected
    assert device.locator("#reasons").is_hidden()
    shot(device, "ratings-device-matter")

    device.click("button[data-level='4']")  # 不满意
    expect(device.locator("#reasons")).to_be_visible()
    device.check("input[value=attitude]")
    device.fill("#comment", "等了很久也没有解释")
    shot(device, "ratings-device-bad")
    device.click("#submit")
    expect(device.locator("#rater")).to_have_attribute("data-state", "thanks")
    shot(device, "ratings-device-thanks")
    rating = Rating.objects.get(ref="A001")
    assert rating.level == 4 and rating.reasons == ["attitude"] and rating.channel == "device"
    revisit = Revisit.objects.get(rating=rating)

    officer = new_page()
    login(officer, "wangmanshu")
    officer.goto(officer.base + "/")
    todo = officer.get_by_test_id("todo")
    expect(todo).to_contain_text("A001")
    shot(officer, "ratings-officer-todo")
    officer.goto(officer.base + "/ratings/kaiyuan/revisits/")
    expect(officer.locator(f"#revisit-{revisit.pk}")).to_contain_text("不满意")
    shot(officer, "ratings-officer-revisits")
