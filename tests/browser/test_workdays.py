"""The year page of the working-day calendar in a real browser: correct a day, add a closure (HRS-2)."""

import pytest


@pytest.fixture
def demo_live(transactional_db):
    from servicehall.org import demo

    demo.load()


def open_day(page, date):
    page.click(f'a.wd-day[data-date="{date}"]')
    page.wait_for_selector(f'[data-testid=day-panel][data-date="{date}"]')


def test_hrs_2_year_page_marks_days_and_edits_them_by_clicking(page, shot, demo_live, signed_in):
    page.set_viewport_size({"width": 1600, "height": 1000})
    signed_in("admin")
    page.goto(page.base + "/workdays/kaiyuan/2027/")
    assert page.get_by_test_id("provisional-note").is_visible()

    open_day(page, "2027-02-14")  # a Sunday the rule leaves off; say the State Council makes it a workday
    page.check("[data-testid=correct-form] input[name=workday][value='1']")
    page.fill("#correct-name", "春节调休上班")
    page.fill("#correct-reason", "国务院通知")
    page.click("[data-testid=correct-form] button")
    page.wait_for_selector("text=已更正 2027-02-14")

    open_day(page, "2027-03-15")
    page.fill("#closure-end", "2027-03-16")
    page.fill("#closure-reason", "办公楼停电检修")
    page.click("[data-testid=closure-form] button")
    page.wait_for_selector("text=已登记停止办公")

    cell = page.locator('a.wd-day[data-date="2027-02-14"]')
    assert "wd-adjusted-workday" in cell.get_attribute("class") and cell.inner_text().split() == ["14", "班"]
    assert "wd-closure" in page.locator('a.wd-day[data-date="2027-03-16"]').get_attribute("class")
    assert "wd-provisional" in page.locator('a.wd-day[data-date="2027-02-06"]').get_attribute("class")
    shot(page, "workdays-year-2027")

    page.goto(page.base + "/workdays/kaiyuan/2026/?day=2026-10-10")
    assert "wd-adjusted-workday" in page.locator('a.wd-day[data-date="2026-10-10"]').get_attribute("class")
    shot(page, "workdays-year-2026")


def test_hrs_2_director_cannot_open_the_schedule_upload(page, demo_live, signed_in):
    signed_in("wangmanshu")
    response = page.goto(page.base + "/workdays/schedules/")
    assert response.status == 403
