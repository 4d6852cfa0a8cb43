"""The case pages: intake, the case page and its steps, lists, the board, the citizen look-up."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.cases.models import Case
from servicehall.cases.notices import pdf_of
from servicehall.cases.tests.conftest import ALL_REQUIRED, MONDAY
from servicehall.core import clock

FORM = {
    "center": "kaiyuan",
    "item": "KY-CL-001",
    "applicant_kind": "person",
    "name": "张三丰",
    "number": "11010519491231002X",
    "phone": "13812345678",
}


def test_cas_2_intake_page_to_case_page_to_acceptance_and_completion(kaiyuan, login):
    client = login("chenjianwei")
    with clock.freeze(MONDAY):
        page = client.get("/cases/new/?center=kaiyuan")
        html = page.content.decode()
        assert page.status_code == 200 and "残疾人证新办" in html and "5号窗口 残联" in html
        assert "KY-SF-001" not in html  # only items authorised at the window (CAT-7)
        response = client.post("/cases/new/", {**FORM, "materials": ["M02"]})
        assert response.status_code == 302
        case = Case.objects.get()
        assert response.url == f"/cases/{case.number}/" and case.status == "awaiting_materials"
        html = client.get(response.url).content.decode()
        assert "一次性告知单" in html and "户口簿" in html
        notice = case.notices.get()
        pdf = client.get(f"/cases/{case.number}/notices/{notice.pk}.pdf")
        assert pdf.status_code == 200 and pdf.content == pdf_of(notice)
        response = client.post(f"/cases/{case.number}/materials/", {"materials": ["M01", "M03", "M04"]})
        assert response.status_code == 302 and Case.objects.get().status == "accepted"
        response = client.post(f"/cases/{case.number}/complete/", {"result": "已核发残疾人证"})
        assert response.status_code == 302 and Case.objects.get().status == "completed"
        html = client.get(f"/cases/{case.number}/").content.decode()
    assert "办结通知书" in html and "短信告知" in html


def test_intake_page_shows_the_reason_of_a_refusal_and_keeps_the_form(kaiyuan, login):
    with clock.freeze(MONDAY):
        response = login("chenjianwei").post("/cases/new/", {**FORM, "number": "110105194912310021"})
    html = response.content.decode()
    assert response.status_code == 400 and "校验位不符" in html and 'value="张三丰"' in html
    assert not Case.objects.exists()


def test_case_page_refusal_shows_the_message_and_changes_nothing(kaiyuan, intake, login):
    case = intake(materials=["M02"])
    with clock.freeze(MONDAY):
        response = login("chenjianwei").post(f"/cases/{case.number}/complete/", {"result": "x"})
    assert response.status_code == 409 and "必需材料尚未补齐" in response.content.decode()
    assert Case.objects.get().status == "awaiting_materials"


def test_a_refused_step_keeps_what_was_typed_in_its_form(kaiyuan, intake, login):
    """A refusal shows the case again with the reason; the officer's words stay in the form they
    were typed in (and only there), to correct and send again."""
    case = intake()
    clerk = login("chenjianwei")
    with clock.freeze(MONDAY):
        extend = clerk.post(
            f"/cases/{case.number}/extend/", {"due_date": "2026-11-01", "reason": "需补充鉴定"}
        )
        deny = clerk.post(f"/cases/{case.number}/deny/", {"reason": "不符合条件", "basis": ""})
    html = extend.content.decode()
    assert extend.status_code == 400 and 'value="2026-11-01"' in html and 'value="需补充鉴定"' in html
    assert html.count('value="需补充鉴定"') == 1  # not in the other forms' reason fields
    html = deny.content.decode()
    assert deny.status_code == 400 and 'value="不符合条件"' in html and "需补充鉴定" not in html
    assert Case.objects.get().due_date == case.due_date


@pytest.mark.parametrize(
    "url",
    [
        "/cases/new/?center=kaiyuan",
        "/cases/{n}/",
        "/cases/{n}/notices/{notice}.pdf",
        "/supervision/kaiyuan/",
        "/cases/window/kaiyuan/5/",
        "/cases/mine/",
    ],
)
def test_case_pages_need_a_login_and_refuse_others(kaiyuan, intake, client, login, url):
    case = intake()
    url = url.format(n=case.number, notice=case.notices.get().pk)
    with clock.freeze(MONDAY):
        assert client.get(url).status_code == 302
        assert login("auditor").get(url).status_code == 403
        if "supervision" in url or case.number in url or "window" in url:
            assert login("xieshanhong").get(url).status_code == 403  # another window


def test_case_steps_refuse_staff_of_another_window(kaiyuan, intake, login):
    case = intake()
    with clock.freeze(MONDAY):
        response = login("xieshanhong").post(f"/cases/{case.number}/suspend/", {"reason": "x"})
    assert response.status_code == 403 and Case.objects.get().status == "accepted"


@pytest.mark.parametrize(
    "url",
    [
        "/cases/NOPE/",
        "/cases/KAIYUAN-2026-000009/",
        "/cases/{n}/dance/",
        "/cases/window/kaiyuan/99/",
        "/cases/window/kaiyuan/5/?before=x",
        "/supervision/atlantis/",
        "/cases/new/?center=kaiyuan&window=99",
    ],
)
def test_bad_case_urls_are_404(kaiyuan, intake, login, url):
    case = intake()
    client = login("wangmanshu")
    with clock.freeze(MONDAY):
        response = (
            client.post(url.format(n=case.number))
            if "dance" in url
            else client.get(url.format(n=case.number))
        )
    assert response.status_code == 404


def test_cas_14_board_page_for_the_director(kaiyuan, intake, login):
    intake()
    with clock.freeze("2026-12-09T10:00"):
        html = login("wangmanshu").get("/supervision/kaiyuan/").content.decode()
    assert 'data-colour="red">1<' in html and "超期 2 个工作日" in html


def test_cas_14_own_list_and_window_list(kaiyuan, intake, login):
    intake()
    intake(materials=["M01"])
    with clock.freeze("2026-12-04T10:00"):
        mine = login("chenjianwei").get("/cases/mine/").content.decode()
        window = login("huajingxian").get("/cases/window/kaiyuan/5/").content.decode()
    assert mine.count('href="/cases/KAIYUAN-2026-') == 2 and "黄牌" in mine
    assert window.count('href="/cases/KAIYUAN-2026-000001/"') == 2  # open, and in the history below


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_list_pages_take_a_fixed_number_of_queries(kaiyuan, intake, login):
    intake()
    with clock.freeze("2026-12-09T10:00"):
        client = login("wangmanshu")
        urls = ["/supervision/kaiyuan/", "/cases/window/kaiyuan/5/", "/cases/mine/"]
        _queries(client, urls[0])
        small = [_queries(client, u) for u in urls]
    for day in ("24", "25", "26"):
        intake(at=f"2026-11-{day}T09:30")
        intake(at=f"2026-11-{day}T10:00", materials=["M01"])
    with clock.freeze("2026-12-09T10:00"):
        assert [_queries(client, u) for u in urls] == small


def test_citizen_look_up_page(kaiyuan, intake, client):
    case = intake(materials=ALL_REQUIRED[:2])
    with clock.freeze(MONDAY):
        found = client.post("/q/", {"number": case.number, "code": case.query_code})
        wrong = client.post("/q/", {"number": case.number, "code": "ZZZZZZ"})
        empty = client.get("/q/")
    html = found.content.decode()
    assert found.status_code == 200 and "待补正材料" in html and "张**" in html and "户口簿" in html
    assert "11010519491231002X" not in html and "13812345678" not in html and "张三丰" not in html
    assert wrong.status_code == 404 and "办件编号或查询码不正确" in wrong.content.decode()
    assert empty.status_code == 200
