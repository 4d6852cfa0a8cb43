"""English pages in headless Chromium: the language switch turns a page into English, which
keeps the Chinese page's layout. Screenshots go to test-artifacts/english-*.png."""

import pytest

from servicehall.core import clock
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401 - the same browser setup


@pytest.fixture
def hall(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo
    from servicehall.tickets import demo as tickets_demo
    from servicehall.tickets.selectors import forget_config

    org_demo.load()
    catalog_demo.load()
    tickets_demo.load()
    forget_config()


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_language_switch_turns_the_pages_into_english(hall, page, shot):
    page.set_default_timeout(60_000)  # a shared, loaded machine: a first page may take long
    with clock.freeze("2026-11-23T09:30"):
        page.goto(page.base + "/c/kaiyuan/")
        chinese_width = _width(page)
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        options = page.locator("select[name=language] option").all_inner_texts()
        assert options == ["简体中文", "English"]
        with page.expect_navigation():  # data-autosubmit posts the form
            page.select_option("select[name=language]", "en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("select[name=language] option").all_inner_texts() == ["简体中文", "English"]
        body = page.inner_text("main")
        assert "Inquiries and complaints" in body and "Windows and their items" in body
        assert _width(page) <= max(chinese_width, 1280)  # no page wider than the screen in English
        shot(page, "english-public-home")
        page.goto(page.base + "/c/kaiyuan/guides/KY-CL-001/")
        assert "Service guide" in page.inner_text("body")
        shot(page, "english-guide")
        page.goto(page.base + "/c/kaiyuan/staff/")
        shot(page, "english-staff-board")
        page.goto(page.base + "/login/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.fill("#id_username", "wangmanshu")
        page.fill("#id_password", "Demo@2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == "en"
        english_width = _width(page)
        shot(page, "english-workbench")
        with page.expect_navigation():
            page.select_option("select[name=language]", "zh-hans")
        assert page.locator("html").get_attribute("lang") == "zh-hans"
        shot(page, "english-workbench-in-chinese")
        assert english_width <= max(_width(page), 1280), "the English menu is wider than the screen"
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")
        page.goto(page.base + "/supervision/kaiyuan/")
        shot(page, "english-supervision")
        response = page.goto(page.base + "/no/such/page/")
        assert response.status == 404
        assert "page" in page.inner_text("main").lower()
        shot(page, "english-404")
