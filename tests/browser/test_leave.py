"""Leave in a real browser (DUT-2, DUT-3, DUT-1): a Kaiyuan clerk asks for a day's leave with a
substitute, the substitute confirms, the deputy leader reviews and the principal leader approves,
each from their to-do list on the home page, and the month's roster shows the substitute at the
clerk's window that day."""

import pytest

from servicehall.core import clock
from servicehall.duty.models import Leave

FRIDAY = "2026-11-20T10:00"


@pytest.fixture
def kaiyuan(transactional_db):
    from servicehall.org import demo as org_demo
    from servicehall.org import demo_halls as org_halls

    org_demo.load()
    org_halls.load()


def test_dut_2_a_day_of_leave_approved_from_the_todo_lists_puts_the_substitute_on_the_roster(
    kaiyuan, new_page, shot
):
    def sign_in(username):
        page = new_page()
        page.goto(page.base + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "Demo@2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    def from_todo(page, kind):
        page.goto(page.base + "/")
        item = page.get_by_test_id("todo").locator(f"li[data-kind={kind}] a").first
        item.click()
        page.wait_for_load_state("networkidle")

    with clock.freeze(FRIDAY):
        clerk = sign_in("chenshaoli")
        clerk.goto(clerk.base + "/duty/leave/")
        form = clerk.get_by_test_id("leave-form")
        form.locator("select[name=kind]").select_option("personal")
        form.locator("input[name=start_date]").fill("2026-11-24")
        form.locator("select[name=start_half]").select_option("am")
        form.locator("input[name=end_date]").fill("2026-11-24")
        form.locator("select[name=end_half]").select_option("pm")
        form.locator("select[name=substitute]").select_option("xuqingqing")
        form.locator("input[name=reason]").fill("陪家人就医")
        form.locator("button").click()
        clerk.wait_for_load_state("networkidle")
        assert "审批中" in clerk.get_by_test_id("leave-status").inner_text()
        shot(clerk, "leave-filed")

        cover = sign_in("xuqingqing")
        from_todo(cover, "leave_cover")
        cover.get_by_test_id("confirm-cover").click()
        cover.wait_for_load_state("networkidle")
        assert "已确认" in cover.get_by_test_id("cover").inner_text()

        deputy = sign_in("kewenbo")
        from_todo(deputy, "leave_step")
        shot(deputy, "leave-deputy-reviews")
        deputy.get_by_test_id("decide").locator("button[value=approve]").click()
        deputy.wait_for_load_state("networkidle")
        assert "审批中" in deputy.get_by_test_id("leave-status").inner_text()

        principal = sign_in("guojianping")
        from_todo(principal, "leave_step")
        principal.get_by_test_id("decide").locator("input[name=note]").fill("同意")
        principal.get_by_test_id("decide").locator("button[value=approve]").click()
        principal.wait_for_load_state("networkidle")
        assert "已批准" in principal.get_by_test_id("leave-status").inner_text()
        shot(principal, "leave-approved")
        assert Leave.objects.get().status == Leave.Status.APPROVED

        clerk.goto(clerk.base + "/duty/kaiyuan/roster/?month=2026-11")
        cell = clerk.locator("tr[data-date='2026-11-24'] td[data-window='1']")
        assert "许轻轻" in cell.inner_text() and "顶岗" in cell.inner_text()
        assert "陈少丽" in clerk.locator("tr[data-date='2026-11-23'] td[data-window='1']").inner_text()
        shot(clerk, "leave-roster-substitute")
