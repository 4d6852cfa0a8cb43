"""A citizen in headless Chromium: finds a guide by pinyin initials and prints it; the hall screen rotates.

Screenshots and the printed PDF go to test-artifacts/.
"""

import subprocess

import pytest
from playwright.sync_api import expect

from servicehall.catalog import selectors
from servicehall.core import clock
from tests.browser.conftest import ARTIFACTS


@pytest.fixture
def catalog(demo):
    from servicehall.catalog import demo as catalog_demo

    catalog_demo.load()
    return demo


@pytest.fixture
def hall(catalog, page):
    with clock.freeze("2026-11-23T09:30"):  # a winter Monday, the hall open
        yield page


def test_cat_4_a_citizen_finds_a_guide_by_pinyin_initials_and_prints_every_material(hall, catalog, shot):
    page = hall
    page.goto(page.base + "/c/kaiyuan/")
    assert "正在办公" in page.inner_text("[data-testid=hours]")
    shot(page, "public-home")
    page.fill("input[name=q]", "cjrz")
    page.keyboard.press("Enter")
    page.wait_for_url("**/guides/?q=cjrz")
    names = page.locator("[data-testid=guides] .guide-name").all_inner_texts()
    assert names == ["残疾人证新办", "残疾人证迁移"]
    shot(page, "public-search-cjrz")
    page.click("text=残疾人证新办")
    page.wait_for_url("**/guides/KY-CL-001/")
    materials = [m.name for m in selectors.guide(catalog, "KY-CL-001").materials.all()]
    shown = page.locator("[data-testid=materials] .material-name").all_inner_texts()
    assert shown == materials
    shot(page, "public-guide")
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible() and not page.locator("text=打印").is_visible()
    shot(page, "public-guide-print")
    pdf = ARTIFACTS / "public-guide-a4.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = "".join(text.split())  # table cells wrap long names over lines
    for name in materials:
        assert name in flat, name
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in size


def test_cat_4_guides_on_a_phone(hall, shot):
    page = hall
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/c/kaiyuan/guides/KY-SF-001/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert "公共法律服务一律免费" in page.inner_text("[data-testid=fee]")
    shot(page, "public-guide-phone")


def test_org_4_staff_board_shows_placeholders_not_broken_images(hall, shot):
    page = hall
    page.goto(page.base + "/c/kaiyuan/staff/")
    assert page.locator(".staff-avatar").count() == 15 and page.locator("img").count() == 0
    assert page.locator(".staff-avatar").first.inner_text() == "王"
    shot(page, "public-staff-board")


def test_cat_4_hall_screen_fills_1920x1080_and_rotates(hall, shot):
    page = hall
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(page.base + "/c/kaiyuan/screen/?seconds=3")
    first = page.inner_text(".slide.active .slide-name")
    assert page.evaluate("document.documentElement.scrollHeight") <= 1080
    assert page.evaluate("document.documentElement.scrollWidth") <= 1920
    shot(page, "public-hall-screen")
    # A locator wait, not wait_for_function: the page's Content-Security-Policy forbids the eval it needs.
    expect(page.locator(".slide.active .slide-name")).not_to_have_text(first, timeout=6000)
    assert page.inner_text("#slide-count") == "2 / 20"


def test_cat_3_the_director_edits_an_item_and_the_page_refuses_a_too_long_limit(hall, signed_in, shot):
    page = signed_in("wangmanshu")
    page.goto(page.base + "/catalog/kaiyuan/items/KY-CL-001/")
    page.fill("#id_committed_days", "12")
    page.fill("#id_reason", "试行放宽")
    page.click("button:has-text('保存')")
    assert "提速至少 50%" in page.inner_text("[data-testid=problems]")
    shot(page, "catalog-edit-refused")
    assert "各环节时限合计 10 个工作日" not in page.content()
    page.fill("#id_committed_days", "8")
    page.fill("#id_steps-1-days", "5")
    page.fill("#id_reason", "区审改办要求提速")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存为第 2 版")
    page.goto(page.base + "/catalog/kaiyuan/items/KY-CL-001/history/")
    assert page.locator("[data-testid=versions] tr.version").count() == 2
    shot(page, "catalog-history")
