"""The parallel approval API: opinions, urging through the cases app's /urge, the decision and its
PDF, meetings and attendance; every refusal coded and leaving the case unchanged."""

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock
from servicehall.parallel.models import Meeting, Opinion
from servicehall.parallel.tests.conftest import FARMING, LEAD, MONDAY_AFTER, PLANNING


def post(client, url, body, headers):
    return client.post(url, body, content_type="application/json", headers=headers)


@pytest.fixture
def case(parallel_case):
    return parallel_case()


def test_par_1_case_detail_lists_the_participants(case, client, bearer):
    with clock.freeze("2026-11-26T10:00"):
        body = client.get(f"/api/v1/cases/{case.number}", headers=bearer(LEAD)).json()
    assert [p["department"] for p in body["participants"]] == ["guihua", "nongye"]
    assert body["participants"][0] == {
        "department": "guihua",
        "due_date": "2026-12-04",
        "opinion": None,
        "deemed": False,
        "late": False,
        "urges": 0,
    }


def test_par_2_an_opinion_from_a_department_not_invited_is_403_and_changes_nothing(case, client, bearer):
    with clock.freeze("2026-11-26T10:00"):
        url = f"/api/v1/cases/{case.number}/opinions"
        answer = post(
            client, url, {"department": "minzheng", "opinion": "approve", "note": ""}, bearer("xiechunhua")
        )
        assert answer.status_code == 403 and answer.json()["code"] == "not_participant"
        answer = post(
            client, url, {"department": "guihua", "opinion": "reject", "note": ""}, bearer(PLANNING)
        )
        assert answer.status_code == 400 and answer.json()["code"] == "reason_required"
        answer = post(
            client, url, {"department": "guihua", "opinion": "approve", "note": "同意"}, bearer(PLANNING)
        )
    assert answer.status_code == 201
    assert {p["department"]: p["opinion"] for p in answer.json()["participants"]} == {
        "guihua": "approve",
        "nongye": None,
    }
    assert Opinion.objects.count() == 1


def test_par_3_the_center_urges_a_participant_through_the_case_urge(case, client, bearer):
    with clock.freeze("2026-12-01T10:00"):
        answer = post(
            client,
            f"/api/v1/cases/{case.number}/urge",
            {"department": "nongye", "note": "请尽快答复"},
            bearer("penglixin"),
        )
        assert answer.status_code == 201, answer.content
        answer = post(
            client,
            f"/api/v1/cases/{case.number}/urge",
            {"department": "minzheng", "note": "?"},
            bearer("penglixin"),
        )
        assert answer.status_code in (400, 403)
        body = client.get(f"/api/v1/cases/{case.number}/participants", headers=bearer(FARMING)).json()
    assert {p["department"]: p["urges"] for p in body["participants"]} == {"guihua": 0, "nongye": 1}


def test_par_3_the_lead_window_urges_and_a_participant_may_not(case, client, bearer):
    url = f"/api/v1/cases/{case.number}/urge"
    with clock.freeze("2026-12-01T10:00"):
        answer = post(client, url, {"department": "guihua", "note": "请尽快答复"}, bearer(LEAD))
        assert answer.status_code == 201, answer.content
        answer = post(client, url, {"department": "guihua", "note": "催"}, bearer(FARMING))
        assert answer.status_code == 403 and answer.json()["code"] == "not_lead"
        body = client.get(f"/api/v1/cases/{case.number}", headers=bearer(LEAD)).json()
    assert {p["department"]: p["urges"] for p in body["participants"]} == {"guihua": 1, "nongye": 0}


def test_par_4_decide_before_everyone_answered_is_409_then_the_deemed_decision_prints(case, client, bearer):
    url = f"/api/v1/cases/{case.number}/decide"
    with clock.freeze("2026-11-30T10:00"):
        post(
            client,
            f"/api/v1/cases/{case.number}/opinions",
            {"department": "guihua", "opinion": "approve", "note": ""},
            bearer(PLANNING),
        )
        answer = post(client, url, {"result": "准予建房", "approve": True}, bearer(LEAD))
    assert answer.status_code == 409 and answer.json()["code"] == "participants_pending"
    assert Case.objects.get(pk=case.pk).status == "accepted"
    with clock.freeze(MONDAY_AFTER):
        answer = post(client, url, {"result": "准予建房", "approve": True}, bearer(LEAD))
        assert answer.status_code == 201, answer.content
        body = answer.json()
        assert body["status"] == "completed" and body["deemed"] == ["农业综合服务站"]
        pdf = client.get(body["url"], headers=bearer(LEAD))
        assert (
            pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
        )
        again = post(client, url, {"result": "准予建房", "approve": True}, bearer(LEAD))
        assert again.status_code == 409 and again.json()["code"] == "already_decided"
        participants = client.get(f"/api/v1/cases/{case.number}", headers=bearer(LEAD)).json()["participants"]
    assert {p["department"]: p["deemed"] for p in participants} == {"guihua": False, "nongye": True}


def test_par_4_bad_dates_are_400_and_change_nothing(case, client, bearer):
    with clock.freeze("2026-11-30T10:00"):
        body = {
            "department": "nongye",
            "opinion": "explained",
            "note": "需踏勘",
            "expected_date": "2026-13-40",
        }
        answer = post(client, f"/api/v1/cases/{case.number}/opinions", body, bearer(FARMING))
        assert answer.status_code == 400
        body["expected_date"] = "2099-12-31"
        answer = post(client, f"/api/v1/cases/{case.number}/opinions", body, bearer(FARMING))
    assert answer.status_code == 400 and answer.json()["code"] == "past_statutory_maximum"
    assert not Opinion.objects.exists()


def test_par_5_meetings_and_attendance(case, client, bearer):
    with clock.freeze("2026-11-26T09:00"):
        answer = post(
            client,
            f"/api/v1/cases/{case.number}/meetings",
            {
                "kind": "review",
                "at": "2026-11-27T14:30:00+08:00",
                "place": "镇政府三楼会议室",
                "departments": ["guihua", "nongye"],
            },
            bearer(LEAD),
        )
    assert answer.status_code == 201, answer.content
    meeting = answer.json()
    assert [i["representative"] for i in meeting["invitations"]] == ["朱永康", "何秀兰"]
    url = f"/api/v1/meetings/{meeting['id']}/attendance"
    with clock.freeze("2026-11-27T15:00"):
        answer = post(client, url, {"department": "nongye", "present": False}, bearer(LEAD))
        assert answer.status_code == 200
        again = post(client, url, {"department": "nongye", "present": True}, bearer(LEAD))
        assert again.status_code == 409 and again.json()["code"] == "attendance_recorded"
        other = post(client, url, {"department": "guihua", "present": True}, bearer(FARMING))
        assert other.status_code == 403
    assert Meeting.objects.get().invitations.get(department__code="nongye").present is False
