"""A case in a real browser: from the called ticket, intake with a material missing, the one-time
notice printed (read back with pdftotext, rendered with pdftoppm), the material added, accepted,
completed; then the citizen looks the case up."""

import subprocess

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock
from tests.browser.conftest import ARTIFACTS

MONDAY = "2026-11-23T09:30"


@pytest.fixture
def called_ticket(transactional_db):
    """Kaiyuan with its catalog and queue; 陈建伟 opens 5号窗口 残联 and calls the next ticket."""
    from django.contrib.auth import get_user_model

    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo
    from servicehall.org.models import Window
    from servicehall.tickets import demo as tickets_demo
    from servicehall.tickets import services as tickets
    from servicehall.tickets.models import Line

    org_demo.load()
    catalog_demo.load()
    tickets_demo.load()
    clerk = get_user_model().objects.get(username="chenjianwei")
    window = Window.objects.get(center__code="kaiyuan", number=5)
    with clock.freeze(MONDAY):
        tickets.ticket_take(actor=clerk, line=Line.objects.get(center__code="kaiyuan", prefix="B"))
        tickets.window_action(actor=clerk, window=window, action="open")
        return tickets.ticket_call_next(actor=clerk, window=window)


def test_cas_2_to_cas_7_a_case_from_the_called_ticket_to_the_citizen_look_up(
    page, shot, signed_in, called_ticket
):
    with clock.freeze(MONDAY):
        signed_in("chenjianwei")
        page.goto(page.base + "/cases/new/?center=kaiyuan")
        assert called_ticket.number in page.get_by_test_id("ticket").inner_text()
        form = page.get_by_test_id("intake-form")
        form.locator("input[name=name]").fill("张三丰")
        form.locator("input[name=number]").fill("11010519491231002X")
        form.locator("input[name=phone]").fill("13812345678")
        for code in ("M01", "M02", "M04"):  # 户口簿 (M03) is missing
            form.locator(f"#m-{code}").check()
        shot(page, "case-intake")
        page.get_by_test_id("submit-intake").click()
        page.wait_for_load_state("networkidle")
        case = Case.objects.get()
        assert page.url.endswith(f"/cases/{case.number}/") and case.ticket_id == called_ticket.pk
        assert "待补正材料" in page.get_by_test_id("status").inner_text()
        shot(page, "case-awaiting")

        link = page.get_by_test_id("notices").locator("a[data-kind=one_time]")
        response = page.request.get(page.base + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pdf = ARTIFACTS / "browser-one-time-notice.pdf"
        pdf.write_bytes(response.body())
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "一次性告知单" in text and "户口簿" in text and case.query_code in text
        assert "残疾人证申请表（" not in text.split("已收到的材料")[0].split("需补充的材料")[1]
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(ARTIFACTS / "browser-one-time-notice"),
            ],
            check=True,
        )

        page.get_by_test_id("add-materials").locator("#add-M03").check()
        page.get_by_test_id("add-materials").locator("button").click()
        page.wait_for_load_state("networkidle")
        assert "正常" in page.get_by_test_id("status").inner_text()
        assert "2026-12-07" in page.get_by_test_id("due").inner_text()
        shot(page, "case-accepted")

        page.get_by_test_id("complete").locator("input[name=result]").fill("已核发残疾人证")
        page.get_by_test_id("complete").locator("button").click()
        page.wait_for_load_state("networkidle")
        assert "已办结" in page.get_by_test_id("status").inner_text()
        events = page.get_by_test_id("events").inner_text()
        assert all(step in events for step in ("收件", "补交材料", "受理", "办结", "短信告知"))
        shot(page, "case-completed")

        page.context.clear_cookies()  # the citizen, not signed in
        page.goto(page.base + "/q/")
        page.fill("input[name=number]", case.number.lower())
        page.fill("input[name=code]", case.query_code.lower())
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state("networkidle")
        found = page.get_by_test_id("found").inner_text()
        assert case.query_code.lower() not in page.url  # posted, never in an address
        assert "已办结" in found and "张**" in found and "张三丰" not in found and "领取结果" in found
        shot(page, "case-look-up")


@pytest.fixture
def demo_cases(transactional_db):
    from servicehall.cases import demo as cases_demo
    from servicehall.catalog import demo as catalog_demo
    from servicehall.org import demo as org_demo

    org_demo.load()
    catalog_demo.load()
    with clock.freeze(MONDAY):
        cases_demo.load()


def test_cas_14_the_director_sees_every_colour_and_the_visit_register(page, shot, signed_in, demo_cases):
    with clock.freeze("2026-11-23T11:00"):
        signed_in("wangmanshu")
        page.goto(page.base + "/supervision/kaiyuan/")
        totals = page.get_by_test_id("totals")
        assert [totals.locator(f"[data-colour={c}]").inner_text() for c in ("green", "yellow", "red")] == [
            "2",
            "1",
            "1",
        ]
        urgent = page.get_by_test_id("urgent").locator("tbody tr")
        assert "红牌" in urgent.nth(0).inner_text() and "补录" in page.get_by_test_id("urgent").inner_text()
        shot(page, "case-supervision-board")
        page.goto(page.base + "/visits/?center=kaiyuan")
        assert page.get_by_test_id("visits").locator("tbody tr").count() == 4
        page.locator("label[for=out-guided]").click()
        assert page.locator(".target[data-for=guided]").is_visible()
        assert not page.locator(".target[data-for=handed_over]").is_visible()
        page.mouse.move(0, 0)
        page.wait_for_timeout(400)  # let the buttons' colour transition finish
        shot(page, "visit-register")
