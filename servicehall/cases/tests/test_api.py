"""The cases API of issue 6: the outcomes, the steps, errors with codes, access, the look-up."""

import pytest

from servicehall.cases.models import Case, CaseEvent, OutboxMessage
from servicehall.cases.tests.conftest import ALL_REQUIRED, MONDAY
from servicehall.core import clock

PERSON = {"name": "张三丰", "id_number": "11010519491231002X", "phone": "13812345678"}


@pytest.fixture
def api(client, kaiyuan, bearer):
    """POST/GET as a demo user at 09:30 on Monday 2026-11-23 (or ``at``)."""

    def call(method, url, body=None, user="chenjianwei", at=MONDAY):
        with clock.freeze(at):
            headers = bearer(user) if user else {}
            if method == "get":
                return client.get(url, headers=headers)
            return client.post(url, body or {}, content_type="application/json", headers=headers)

    return call


def new_case(api, materials=ALL_REQUIRED, item="KY-CL-001", user="chenjianwei", **kw):
    body = {"center": "kaiyuan", "item": item, "applicant": PERSON, "materials": materials, **kw}
    return api("post", "/api/v1/cases", body, user=user)


def test_cas_4_post_cases_accepted(api):
    response = new_case(api)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "accepted" and body["due_date"] == "2026-12-07" and body["provisional"] is False
    assert body["number"] == "KAIYUAN-2026-000001" and len(body["query_code"]) == 6
    assert [n["kind"] for n in body["notices"]] == ["acceptance"]
    pdf = api("get", body["notices"][0]["url"])
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_cas_4_post_cases_completed_on_the_spot(api):
    body = new_case(api, item="KY-CL-002", materials=["M01", "M02"]).json()
    assert body["status"] == "completed" and [n["kind"] for n in body["notices"]] == ["completion"]
    assert OutboxMessage.objects.filter(reference=body["number"]).exists()


def test_cas_2_post_cases_awaiting_then_materials_then_complete(api):
    body = new_case(api, materials=["M02"]).json()
    assert body["status"] == "awaiting_materials" and body["due_date"] is None
    number = body["number"]
    body = api(
        "post",
        f"/api/v1/cases/{number}/materials",
        {"materials": ["M01", "M03", "M04"]},
        at="2026-11-24T10:00",
    ).json()
    assert body["status"] == "accepted" and body["due_date"] == "2026-12-08"
    assert [n["kind"] for n in body["notices"]] == ["one_time", "acceptance"]
    body = api(
        "post", f"/api/v1/cases/{number}/complete", {"result": "已核发残疾人证"}, at="2026-12-01T10:00"
    ).json()
    assert body["status"] == "completed"
    detail = api("get", f"/api/v1/cases/{number}", at="2026-12-01T10:05").json()
    assert [e["action"] for e in detail["events"]] == [
        "intake",
        "materials",
        "accept",
        "completed",
        "notified",
    ]
    assert detail["applicant"] == "张**" and all(m["received"] for m in detail["materials"] if m["required"])


def test_cas_2_post_cases_refused(api):
    body = new_case(api, eligible=False, reason="非本街道户籍", basis="办法第五条").json()
    assert body["status"] == "refused" and [n["kind"] for n in body["notices"]] == ["refusal"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"applicant": {**PERSON, "id_number": "110105194912310021"}}, 400, "invalid_id_number"),
        ({"item": "KY-SF-001"}, 400, "item_not_at_window"),
        ({"materials": ["M01", "X9"]}, 400, "unknown_material"),
        ({"ticket": 999999}, 400, "ticket_not_found"),
        ({"window": 42}, 400, "window_not_found"),
        ({"received_at": "2026-11-23T07:00:00+08:00"}, 400, "backfill_reason_required"),
        ({"received_at": "2026-11-23T07:00:00"}, 400, "backfill_reason_required"),  # local wall-clock time
        ({"window": 10**12}, 400, "window_not_found"),
        ({"ticket": 10**19}, 400, "ticket_not_found"),
        ({"applicant": {"name": "张三"}}, 400, "invalid_input"),
        ({"center": "atlantis"}, 404, "center_not_found"),
    ],
)
def test_post_cases_bad_input_is_refused_with_a_code_and_nothing_saved(api, body, status, code):
    response = new_case(api, **body)
    assert response.status_code == status and response.json()["code"] == code and response.json()["message"]
    assert not Case.objects.exists()


def test_cas_5_extension_past_the_statutory_maximum_is_400_and_the_case_unchanged(api):
    number = new_case(api).json()["number"]
    before = Case.objects.values().get(number=number)
    response = api("post", f"/api/v1/cases/{number}/extend", {"due_date": "2026-12-22", "reason": "核查"})
    assert response.status_code == 400 and response.json()["code"] == "past_statutory_limit"
    assert Case.objects.values().get(number=number) == before
    extend = {"due_date": "2026-12-21", "reason": "核查"}
    response = api("post", f"/api/v1/cases/{number}/extend", extend, user="wangmanshu")
    assert response.status_code == 200 and response.json()["due_date"] == "2026-12-21"
    assert [n["kind"] for n in response.json()["notices"]] == ["acceptance", "extension"]


def test_cas_12_completing_with_materials_missing_is_409_and_the_case_unchanged(api):
    number = new_case(api, materials=["M02"]).json()["number"]
    events = CaseEvent.objects.count()
    response = api("post", f"/api/v1/cases/{number}/complete", {"result": "已办"})
    assert response.status_code == 409 and response.json()["code"] == "materials_missing"
    assert (
        Case.objects.get(number=number).status == "awaiting_materials" and CaseEvent.objects.count() == events
    )


@pytest.mark.parametrize(
    ("step", "body"),
    [
        ("materials", {"materials": ["M05"]}),
        ("suspend", {"reason": "x"}),
        ("resume", {}),
        ("extend", {"due_date": "2026-12-08", "reason": "x"}),
        ("deny", {"reason": "x", "basis": "y"}),
        ("complete", {"result": "x"}),
    ],
)
def test_any_action_on_a_finished_case_is_409(api, step, body):
    number = new_case(api, item="KY-CL-002", materials=["M01", "M02"]).json()["number"]
    before = Case.objects.values().get(number=number)
    response = api("post", f"/api/v1/cases/{number}/{step}", body)
    assert response.status_code == 409 and response.json()["code"] == "case_finished"
    assert Case.objects.values().get(number=number) == before


def test_cas_8_suspend_and_resume_through_the_api(api):
    number = new_case(api).json()["number"]
    assert (
        api(
            "post", f"/api/v1/cases/{number}/suspend", {"reason": "等待评定报告"}, at="2026-11-30T10:00"
        ).json()["status"]
        == "suspended"
    )
    body = api("post", f"/api/v1/cases/{number}/resume", at="2026-12-03T10:00").json()
    assert body["status"] == "accepted" and body["due_date"] == "2026-12-10"


def test_cas_6_deny_then_the_director_decides(api):
    number = new_case(api).json()["number"]
    assert (
        api("post", f"/api/v1/cases/{number}/deny", {"reason": "不符合", "basis": "办法"}).json()["status"]
        == "denial_filed"
    )
    response = api("post", f"/api/v1/cases/{number}/denial", {"approve": True})
    assert response.status_code == 403
    body = api("post", f"/api/v1/cases/{number}/denial", {"approve": True}, user="wangmanshu").json()
    assert body["status"] == "denied" and body["notices"][-1]["kind"] == "denial"


def test_case_endpoints_need_a_login_and_a_role(api):
    number = new_case(api).json()["number"]
    for method, url in [
        ("get", f"/api/v1/cases/{number}"),
        ("post", "/api/v1/cases"),
        ("post", f"/api/v1/cases/{number}/resume"),
    ]:
        assert api(method, url, user=None).status_code == 401
    assert api("get", f"/api/v1/cases/{number}", user="xieshanhong").status_code == 403  # another window
    assert api("get", f"/api/v1/cases/{number}", user="huajingxian").status_code == 200  # the B post
    assert api("get", f"/api/v1/cases/{number}", user="wangmanshu").status_code == 200
    assert (
        api("post", f"/api/v1/cases/{number}/suspend", {"reason": "x"}, user="xieshanhong").status_code == 403
    )
    assert new_case(api, user="auditor").status_code == 403
    notice = Case.objects.get(number=number).notices.get()
    assert api("get", f"/api/v1/cases/{number}/notices/{notice.pk}", user="xieshanhong").status_code == 403
    assert api("get", f"/api/v1/cases/{number}/notices/999999").status_code == 404
    assert api("get", f"/api/v1/cases/{number}/notices/{10**20}").status_code == 404


def test_unknown_case_is_404(api):
    response = api("get", "/api/v1/cases/KAIYUAN-2026-999999")
    assert response.status_code == 404 and response.json()["code"] == "case_not_found"
    for url in ["/api/v1/cases/..%2F..", "/api/v1/cases/" + "9" * 300, "/api/v1/cases/%00"]:
        assert api("get", url).status_code == 404


def test_cas_14_supervision_endpoint(api):
    new_case(api)
    body = api("get", "/api/v1/centers/kaiyuan/supervision", user="wangmanshu", at="2026-12-04T10:00").json()
    assert body["total"]["yellow"] == 1 and body["urgent"][0]["colour"] == "yellow"
    body = api("get", "/api/v1/centers/kaiyuan/supervision", user="wangmanshu", at="2026-12-09T10:00").json()
    assert (
        body["total"]["red"] == 1
        and body["total"]["overdue_days"] == 2
        and body["urgent"][0]["overdue_days"] == 2
    )
    assert api("get", "/api/v1/centers/kaiyuan/supervision", user="chenjianwei").status_code == 403
    assert api("get", "/api/v1/centers/kaiyuan/supervision", user=None).status_code == 401


def test_citizen_look_up_api_shows_status_due_date_next_step_and_a_masked_name_only(api):
    body = new_case(api, materials=["M02"]).json()
    look_up = {"number": body["number"], "code": body["query_code"].lower()}
    found = api("post", "/api/v1/public/cases/look-up", look_up, user=None).json()
    assert found["status"] == "awaiting_materials" and found["applicant"] == "张**"
    assert found["missing"] == [
        "残疾人证申请表",
        "户口簿",
        "近期二寸免冠白底彩色照片",
        "监护人身份证（申请人为未成年人或无民事行为能力人的）",
    ]
    assert "13812345678" not in str(found) and "11010519491231002X" not in str(found)
    wrong = api("post", "/api/v1/public/cases/look-up", {**look_up, "code": "AAAAAA"}, user=None)
    nowhere = api(
        "post", "/api/v1/public/cases/look-up", {**look_up, "number": "KAIYUAN-2026-000099"}, user=None
    )
    assert wrong.status_code == nowhere.status_code == 404 and wrong.json() == nowhere.json()
