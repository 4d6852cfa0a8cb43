"""The year page in headless Chromium: correct a day and add a closure by clicking (HRS-2)."""

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def page(live_server, demo):
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", "Demo@2026")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        yield page
        browser.close()


def open_day(page, date):
    page.click(f'a.wd-day[data-date="{date}"]')
    page.wait_for_selector(f'[data-testid=day-panel][data-date="{date}"]')


@pytest.mark.browser
def test_hrs_2_year_page_in_a_browser(page, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server.url}/workdays/kaiyuan/2027/")
    assert page.locator("[data-testid=provisional-note]").is_visible()

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
    page.screenshot(path=str(ARTIFACTS / "workdays-year-2027.png"), full_page=True)

    page.goto(f"{live_server.url}/workdays/kaiyuan/2026/?day=2026-10-10")
    assert "wd-adjusted-workday" in page.locator('a.wd-day[data-date="2026-10-10"]').get_attribute("class")
    page.screenshot(path=str(ARTIFACTS / "workdays-year-2026.png"), full_page=True)
