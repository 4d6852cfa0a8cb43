"""The kiosk's booking page in a real browser (QUE-4, HRS-3): at lunch time the slots still
ahead are offered, those over the lunch break say 午间预约, a Saturday's say 节假日预约."""

import pytest

from servicehall.core import clock


@pytest.fixture
def hall(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo
    from servicehall.tickets import demo as tickets_demo

    org_demo.load()
    catalog_demo.load()
    tickets_demo.load()
    with clock.travel("2026-11-24T12:10"):  # Tuesday, over the lunch break
        yield


def test_hrs_3_booking_page_on_a_lunch_hour_names_the_service(page, hall, shot):
    page.goto(page.base + "/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-24")
    slots = page.locator(".kiosk-slots label")
    first = slots.first.inner_text().split()
    assert first[0] == "12:30" and first[1] == "午间预约"  # 12:00 has begun: never offered
    assert "午间预约：" in page.get_by_test_id("slot-services").inner_text()
    page.click("label[for=s1]")
    page.fill("input[name=name]", "李四")
    page.fill("input[name=phone]", "13900001111")
    page.click("text=确认预约")
    assert "12:30" in page.get_by_test_id("booked").inner_text()
    assert page.locator("label[for=s1]").inner_text().split() == ["12:30", "午间预约", "余", "3"]
    shot(page, "tickets-booking-lunch")

    page.goto(page.base + "/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-28")
    assert page.locator("label[data-service=holiday]").count() > 0
    assert "节假日预约：" in page.get_by_test_id("slot-services").inner_text()
    shot(page, "tickets-booking-saturday")
