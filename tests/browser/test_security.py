"""The Content-Security-Policy in a real browser: the pages and the API docs work under it, the
browser reports no blocked script or style, and nothing is fetched from another host."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from servicehall.core import clock


@pytest.fixture
def demo_live(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo

    org_demo.load()
    catalog_demo.load()


@pytest.fixture
def watched(page):
    """The page, with every CSP violation the browser reports and every other host it asked."""
    page.violations = []
    page.foreign = []
    own = urlsplit(page.base).netloc
    page.on(
        "console",
        lambda msg: page.violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.on(
        "request",
        lambda req: (
            page.foreign.append(req.url)
            if urlsplit(req.url).scheme in ("http", "https") and urlsplit(req.url).netloc != own
            else None
        ),
    )
    return page


def test_pages_run_under_the_content_security_policy(watched, demo_live, signed_in, shot):
    page = watched
    with clock.freeze("2026-11-23T09:30"):
        page.goto(page.base + "/login/")
        with page.expect_navigation():
            page.select_option("select[name=language]", "en")  # autosubmit, bound in servicehall.js
        assert page.locator("html").get_attribute("lang") == "en"
        with page.expect_navigation():
            page.select_option("select[name=language]", "zh-hans")

        signed_in("chenjianwei")
        page.goto(page.base + "/visits/")
        page.click("label[for=out-guided]")  # visits.js shows the chosen outcome's fields only
        assert page.locator(".target[data-for=guided]").is_visible()
        assert not page.locator(".target[data-for=escalated]").is_visible()
        page.goto(page.base + "/c/kaiyuan/screen/")
        expect(page.locator(".slide.active")).to_have_count(1)

        page.goto(page.base + "/api/v1/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        shot(page, "api-docs-offline")

    assert page.violations == []
    assert page.foreign == []


def test_admin_runs_under_the_content_security_policy(watched, demo_live, signed_in):
    page = watched
    page.goto(page.base + "/admin/login/")
    signed_in("admin")
    page.goto(page.base + "/admin/")
    page.wait_for_load_state("networkidle")
    page.goto(page.base + "/admin/auth/user/")
    page.wait_for_load_state("networkidle")
    assert page.violations == []
    assert page.foreign == []
