"""The queue in a real browser (QUE-1): a citizen takes a ticket at the kiosk, the window calls it
from its console, the hall display shows it within two seconds and calls it aloud (or, without a
Chinese voice, says so on screen)."""

import time

import pytest
from playwright.sync_api import expect

from servicehall.core import clock

CALL = "请 A 零 零 一 号到 1 号窗口办理"


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


def test_que_1_kiosk_console_display(new_page, hall, shot):
    console = new_page()
    console.goto(console.base + "/login/")
    console.fill("#id_username", "chenshaoli")
    console.fill("#id_password", "Demo@2026")
    console.click("button[type=submit]")
    console.goto(console.base + "/tickets/")
    console.click("text=1号窗口 党政办")
    console.click("button[value=open]")
    assert console.get_by_test_id("window-state").get_attribute("data-state") == "open"

    # the kiosk (the demo's kiosk is allowed from this machine's address): touch line A
    kiosk = new_page()
    kiosk.goto(kiosk.base + "/tickets/kaiyuan/kiosk/")
    shot(kiosk, "tickets-kiosk")
    kiosk.click("label[for=g-elderly]")
    kiosk.click("button[data-line=A]")
    assert kiosk.get_by_test_id("slip-number").inner_text() == "A001"
    assert "您前面还有 0 人" in kiosk.get_by_test_id("slip").inner_text()
    assert "绿色通道：老年人" in kiosk.get_by_test_id("slip").inner_text()
    shot(kiosk, "tickets-slip")

    display = new_page()
    display.goto(display.base + "/tickets/kaiyuan/display/")
    display.wait_for_timeout(1500)  # at least one poll: the display has its ETag
    assert display.locator("#call").inner_text() == ""

    console.reload()
    assert "A001" in console.get_by_test_id("waiting").inner_text()
    console.get_by_test_id("call-next").click()
    called = time.monotonic()
    assert console.get_by_test_id("current-number").inner_text() == "A001"
    shot(console, "tickets-console")

    # Locator waits, not wait_for_function: the page's Content-Security-Policy forbids the eval it needs.
    expect(display.locator("#call")).to_have_text(CALL, timeout=2500)
    shown_after = time.monotonic() - called
    assert shown_after < 2.0, shown_after
    assert display.locator("[data-window='1'] .num").inner_text() == "A001"
    hall_box = display.locator("#hall")
    expect(hall_box).not_to_have_attribute("data-speech", "idle")
    assert hall_box.get_attribute("data-last-phrase") == CALL
    speech = hall_box.get_attribute("data-speech")
    assert speech in {"spoken", "fallback", "blocked"}
    if speech != "spoken":  # headless Chromium has no Chinese voice: the screen says so
        assert display.locator("#voice").inner_text().strip()
    shot(display, "tickets-display")

    console.click("button[value=pause]")
    display.wait_for_selector("[data-window='1'].paused", timeout=2500)
    assert display.locator("[data-window='1'] .sign").inner_text() == "请稍候"
