"""A parallel approval in a real browser (PAR-1 … PAR-4): Shexi's lead window takes a rural
housing application, the planning station approves from its own login, the clock passes the
agricultural station's limit (across a weekend, no job run), and the lead decides and prints the
decision naming the deemed approval (read back with pdftotext, rendered with pdftoppm)."""

import subprocess

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock
from tests.browser.conftest import ARTIFACTS

WEDNESDAY = "2026-11-25T09:30"
MONDAY_AFTER = "2026-12-07T09:00"


@pytest.fixture
def shexi(transactional_db):
    from servicehall.catalog import demo_halls as catalog_halls
    from servicehall.org import demo as org_demo
    from servicehall.org import demo_halls as org_halls

    org_demo.load()
    org_halls.load()
    catalog_halls.load()


def test_par_1_to_par_4_lead_takes_participant_approves_other_deemed_lead_prints(shexi, new_page, shot):
    def sign_in(username):
        page = new_page()
        page.goto(page.base + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "Demo@2026")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    with clock.freeze(WEDNESDAY):
        lead = sign_in("laizhenhua")
        lead.goto(lead.base + "/cases/new/?center=shexi&item=SX-ZR-001")
        form = lead.get_by_test_id("intake-form")
        form.locator("input[name=name]").fill("杨树林")
        form.locator("input[name=number]").fill("532924197806150014")
        form.locator("input[name=phone]").fill("13988720101")
        boxes = form.locator("input[name=materials]")
        for i in range(boxes.count()):
            boxes.nth(i).check()
        lead.get_by_test_id("submit-intake").click()
        lead.wait_for_load_state("networkidle")
        case = Case.objects.get()
        assert case.status == "accepted"
        assert lead.url.endswith(f"/cases/{case.number}/")  # the case page shows its participants
        assert lead.get_by_test_id("participants").locator("tr[data-department]").count() == 2
        shot(lead, "parallel-case-page")
        lead.get_by_test_id("parallel-page").click()
        lead.wait_for_load_state("networkidle")
        assert lead.url.endswith(f"/parallel/cases/{case.number}/")
        rows = lead.get_by_test_id("participants").locator("tr[data-department]")
        assert rows.count() == 2 and "2026-12-04" in rows.nth(1).inner_text()
        shot(lead, "parallel-lead-sent")

    with clock.freeze("2026-11-30T10:00"):
        planning = sign_in("zhuyongkang")
        planning.goto(planning.base + f"/parallel/cases/{case.number}/")
        opinion = planning.get_by_test_id("opinion-form")
        opinion.locator("select[name=opinion]").select_option("approve")
        opinion.locator("input[name=note]").fill("符合村庄规划")
        opinion.locator("button").click()
        planning.wait_for_load_state("networkidle")
        row = planning.locator("tr[data-department=guihua]")
        assert "同意" in row.get_by_test_id("opinion").inner_text()
        assert planning.get_by_test_id("opinion-form").count() == 0
        shot(planning, "parallel-participant-approved")

    with clock.freeze(MONDAY_AFTER):
        lead = sign_in("laizhenhua")
        lead.goto(lead.base + f"/parallel/cases/{case.number}/")
        row = lead.locator("tr[data-department=nongye]")
        assert row.get_attribute("data-deemed") == "1" and row.get_attribute("data-colour") == "red"
        assert "超时默认同意" in row.inner_text()
        decide = lead.get_by_test_id("decide-form")
        decide.locator("input[name=result]").fill("准予建房，按批准的四至范围施工")
        decide.locator("button[value='1']").click(timeout=60_000)  # the decision is rendered as it is issued
        lead.wait_for_load_state("networkidle")
        link = lead.get_by_test_id("print-decision")
        shot(lead, "parallel-lead-decided")
        response = lead.request.get(lead.base + link.get_attribute("href"))
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = ARTIFACTS / "browser-parallel-decision.pdf"
    pdf.write_bytes(response.body())
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "并联审批决定书" in text and "超时默认同意" in text and "农业综合服务站" in text
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
            str(ARTIFACTS / "browser-parallel-decision"),
        ],
        check=True,
    )
    assert Case.objects.get().status == "completed"
