"""CAT-7, CAS-9 in a real browser: the clerk at 劳保所's window takes in an item the window is not
authorised to decide (accepted once, 一次受理); the clerk is not offered the department head's step;
the department head signs in and approves both steps from the case page; the case completes."""

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock

MONDAY = "2026-11-23T09:30"


@pytest.fixture
def hall(transactional_db):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo

    org_demo.load()
    catalog_demo.load()


def test_cas_9_a_non_authorised_case_is_taken_at_the_window_and_approved_by_the_department_head(
    page, shot, signed_in, hall, new_page
):
    with clock.freeze(MONDAY):
        signed_in("yangzhirong")
        page.goto(page.base + "/cases/new/?center=kaiyuan&item=KY-LB-003")
        form = page.get_by_test_id("intake-form")
        form.locator("input[name=name]").fill("张三丰")
        form.locator("input[name=number]").fill("11010519491231002X")
        form.locator("input[name=phone]").fill("13812345678")
        for code in ("M01", "M02", "M03", "M04"):
            form.locator(f"#m-{code}").check()
        shot(page, "steps-intake")
        page.get_by_test_id("submit-intake").click()
        page.wait_for_load_state("networkidle")
        case = Case.objects.get()
        assert page.url.endswith(f"/cases/{case.number}/") and case.status == "accepted"
        current = page.get_by_test_id("current-step")
        assert "审核" in current.inner_text() and "劳保所" in current.inner_text()
        shot(page, "steps-accepted")
        assert page.get_by_test_id("advance").count() == 0  # no buttons the clerk could only be refused
        assert Case.objects.get().step_name == "审核"

        head = new_page()
        signed_in_head = head  # the department head in a browser of their own
        signed_in_head.goto(head.base + "/login/")
        signed_in_head.fill("#id_username", "caiwenkeng")
        signed_in_head.fill("#id_password", "Demo@2026")
        signed_in_head.click("button[type=submit]")
        signed_in_head.wait_for_load_state("networkidle")
        head.goto(head.base + f"/cases/{case.number}/")
        for note in ("符合领取条件", "核定每月待遇"):
            head.get_by_test_id("advance").locator("input[name=note]").fill(note)
            head.get_by_test_id("advance").locator("button[value=approve]").click()
            head.wait_for_load_state("networkidle")
        case = Case.objects.get()
        assert case.status == "completed" and case.result == "核定每月待遇"
        steps = head.get_by_test_id("steps").inner_text()
        assert steps.count("已完成") == 3 and "蔡文铿" in steps
        assert head.get_by_test_id("notices").locator("a[data-kind=completion]").count() == 1
        shot(head, "steps-completed")
