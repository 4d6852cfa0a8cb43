"""The month's assessment in headless Chromium: the director publishes November, the clerk opens
their score, follows a line to its evidence and appeals it, and the director decides."""

import pytest

from servicehall.core import clock
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: F401 - the same browser setup

DECEMBER = "2026-12-02T10:00"


@pytest.fixture
def own_facts_only():
    """Only the assessment's own facts: the other apps' providers would derive, for a demo hall
    with no clock-ins, an absence on every working day and leave discipline at zero."""
    from servicehall.assessment.selectors import own_provider
    from servicehall.core import registry

    saved = {name: list(p) for name, p in registry._providers.items()}
    registry._providers["facts"][:] = [own_provider]
    registry._providers["satisfaction"][:] = []
    yield
    for name, providers in saved.items():
        registry._providers[name][:] = providers


@pytest.fixture
def shexi(transactional_db, own_facts_only):
    from django.contrib.auth import get_user_model

    from servicehall.assessment import services
    from servicehall.org import demo as org_demo
    from servicehall.org import demo_halls
    from servicehall.org.models import Center

    org_demo.load()
    demo_halls.load()
    center = Center.objects.select_related("policy").get(code="shexi")
    duty = get_user_model().objects.get(username="liuzhiyong")
    with clock.freeze(DECEMBER):
        services.record_conduct(
            duty,
            center=center,
            staff="xiechunhua",
            rule="D3-eating",
            at=clock.parse_moment("2026-11-24T15:10"),
            note="工作时间在窗口吃早餐",
        )
    return center


def sign_in(page, username):
    page.goto(page.base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Demo@2026")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def test_director_publishes_clerk_follows_evidence_and_appeals_director_decides(shexi, new_page, shot):
    with clock.freeze(DECEMBER):
        director = sign_in(new_page(), "penglixin")
        director.goto(director.base + "/assessment/shexi/?period=2026-11")
        director.click("[data-testid=publish]")
        director.wait_for_load_state("networkidle")
        assert "已发布" in director.inner_text("[data-testid=status]")
        shot(director, "assessment-month-published")

        clerk = sign_in(new_page(), "xiechunhua")
        clerk.goto(clerk.base + "/assessment/staff/xiechunhua/?period=2026-11")
        assert clerk.inner_text("[data-testid=total]") == "98"  # 29 + 20 + 20 + 20 + 9 (no ratings)
        shot(clerk, "assessment-person")
        clerk.click("[data-testid=evidence]")
        clerk.wait_for_load_state("networkidle")
        assert "工作时间在窗口吃早餐" in clerk.inner_text("[data-testid=entry]")
        shot(clerk, "assessment-evidence")
        clerk.go_back()
        clerk.fill("input[name=reason]", "当时是午休时间，不在上班时间内")
        clerk.click("[data-testid=appeal]")
        clerk.wait_for_load_state("networkidle")
        assert clerk.inner_text("[data-testid=appeal-status]") == "待裁定"

        director.goto(director.base + "/assessment/staff/xiechunhua/?period=2026-11")
        director.select_option("select[name=decision]", "remove")
        director.fill("input[name=reason]", "核对监控，确为午休时间")
        director.click("[data-testid=decide]")
        director.wait_for_load_state("networkidle")
        assert director.inner_text("[data-testid=appeal-status]") == "已撤销"
        assert director.inner_text("[data-testid=total]") == "99"
        shot(director, "assessment-decided")
