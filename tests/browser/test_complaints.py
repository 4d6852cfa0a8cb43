"""A complaint in a real browser: a citizen files it on the center's online form, the complaint
officer handles it to a conclusion, and the citizen reads the answer in the look-up."""

import pytest

from servicehall.complaints.models import Complaint
from servicehall.core import clock

MONDAY = "2026-11-23T10:00"


@pytest.fixture
def xishan(transactional_db):
    from servicehall.org import demo as org_demo
    from servicehall.org import demo_halls

    org_demo.load()
    demo_halls.load()


def test_cmp_1_to_cmp_8_a_citizen_files_online_the_officer_concludes_the_citizen_reads_the_answer(
    xishan, new_page, shot, signed_in, page
):
    with clock.freeze(MONDAY):
        citizen = new_page()
        citizen.goto(citizen.base + "/c/xishan/complaint/")
        form = citizen.get_by_test_id("public-complaint")
        form.locator("#complainant_name").fill("赵敏")
        form.locator("#complainant_phone").fill("13907910002")
        form.locator("#category").select_option("not_informed")
        form.locator("#against_window").select_option("2")
        form.locator("#content").fill("法律援助窗口没有一次性告知需要的材料，我跑了两趟。")
        shot(citizen, "complaint-public-form")
        form.locator("button").click()
        citizen.wait_for_load_state("networkidle")
        number = citizen.get_by_test_id("number").inner_text()
        code = citizen.get_by_test_id("query-code").inner_text()
        shot(citizen, "complaint-receipt")
        complaint = Complaint.objects.get(number=number)
        assert complaint.channel == "online" and complaint.against_window.number == 2

        signed_in("hujia")
        page.goto(page.base + "/complaints/xishan/")
        assert number in page.get_by_test_id("urgent").inner_text()
        shot(page, "complaint-board")
        page.goto(page.base + f"/complaint/{number}/")
        conclude = page.get_by_test_id("conclude")
        conclude.locator("input[name=substantiated][value=yes]").check()
        conclude.locator("textarea[name=finding]").fill("经调阅记录，窗口未一次性告知所需材料，投诉属实。")
        conclude.locator("textarea[name=action]").fill("对窗口工作人员批评教育。")
        conclude.locator("textarea[name=answer]").fill(
            "您反映的问题属实，我们已批评教育相关人员，并告知您所需材料清单。"
        )
        conclude.locator("select[name=answered_via]").select_option("phone")
        conclude.locator("button").click()
        page.wait_for_load_state("networkidle")
        assert "经查属实" in page.get_by_test_id("verdict").inner_text()
        shot(page, "complaint-concluded")

        citizen.goto(citizen.base + f"/complaint-q/?number={number}")
        look_up = citizen.get_by_test_id("look-up")
        look_up.locator("input[name=code]").fill(code)
        look_up.locator("button").click()
        citizen.wait_for_load_state("networkidle")
        assert "已办结" in citizen.get_by_test_id("status").inner_text()
        answer = citizen.get_by_test_id("answer").inner_text()
        assert "已批评教育相关人员" in answer
        assert "调阅记录" not in citizen.content()  # the internal finding stays inside
        shot(citizen, "complaint-look-up")
