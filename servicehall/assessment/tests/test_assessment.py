"""The month end to end: facts from the other apps (fake providers here), manual facts, the
ledger, closing checks, findings, publication, appeals, awards and the board."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.assessment import selectors, services
from servicehall.assessment.models import Appeal, Entry, Meeting, Publication, Result
from servicehall.core import clock
from servicehall.org.models import Window

DECEMBER = "2026-12-02T10:00"


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def november(shexi, fakes, user_named):
    """The issue's clerk: two late arrivals, one uncovered leave day, one substantiated complaint,
    one case 3 working days overdue, 92 % satisfied ratings (one county-level praise is entered by
    the director in the test)."""
    clerk = user_named("xiechunhua")
    fakes.fact(shexi, "late", "2026-11-05T08:09", clerk, evidence_kind="clock_in", ref="ci-1")
    fakes.fact(shexi, "late", "2026-11-12T08:15", clerk, evidence_kind="clock_in", ref="ci-2")
    fakes.fact(shexi, "uncovered_absence", "2026-11-18T08:00", clerk, evidence_kind="leave", ref="lv-7")
    fakes.fact(
        shexi, "complaint_substantiated", "2026-11-20T10:00", clerk, evidence_kind="complaint", ref="TS-3"
    )
    fakes.fact(
        shexi, "case_overdue", "2026-11-25T17:30", clerk, quantity=3, evidence_kind="case", ref="SX-0042"
    )
    fakes.rate(clerk, 25, 23)
    with clock.freeze(DECEMBER):
        yield clerk


def praise(client, bearer):
    return post(
        client,
        "/api/v1/centers/shexi/facts",
        {
            "staff": "xiechunhua",
            "rule": "B3-praise-county",
            "at": "2026-11-26T10:00:00+08:00",
            "note": "县政务服务办书面表扬",
            "evidence": "县政务办〔2026〕12号",
            "event": "county-letter-12",
        },
        bearer("penglixin"),
    )


def test_asm_shexi_clerk_november_end_to_end(november, client, bearer):
    assert praise(client, bearer).status_code == 201
    r = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=bearer("xiechunhua"))
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["parts"] == {"discipline": 26, "service": 15, "cases": 14, "online": 20, "rating": 9}
    assert (body["bonus"], body["total"], body["disqualified"]) == (2, 86, True)
    lines = {ln["rule"]: ln for ln in body["lines"]}
    assert lines["C10-overdue"]["quantity"] == 3 and lines["C10-overdue"]["points"] == -6
    assert lines["C10-overdue"]["evidence"] == {
        "kind": "case",
        "ref": "SX-0042",
        "url": "/evidence/case/SX-0042/",
    }
    assert lines["B3-praise-county"]["evidence"]["url"].startswith("/assessment/entries/")
    assert all(ln["evidence"]["url"] for ln in body["lines"])
    table = client.get("/api/v1/centers/shexi/assessment?period=2026-11", headers=bearer("penglixin")).json()
    row = next(r for r in table if r["staff"] == "xiechunhua")
    assert row["total"] == 86 and row["rank"] == len(table)  # everyone else 99: no facts, no ratings (9)


def test_asm_7_publish_freezes_then_appeal_and_decide(november, client, bearer, user_named):
    praise(client, bearer)
    director = bearer("penglixin")
    r = post(client, "/api/v1/centers/shexi/assessment/2026-11/publish", {}, director)
    assert r.status_code == 201, r.content
    again = post(client, "/api/v1/centers/shexi/assessment/2026-11/publish", {}, director)
    assert (again.status_code, again.json()["code"]) == (409, "already_published")
    assert Publication.objects.count() == 1
    # a fact arriving later does not change the published month
    november_fakes_late = Entry.objects.count()
    late = post(
        client,
        "/api/v1/centers/shexi/facts",
        {"staff": "xiechunhua", "rule": "D3-eating", "at": "2026-11-27T10:00:00+08:00", "note": "吃东西"},
        director,
    )
    assert (late.status_code, late.json()["code"]) == (409, "period_published")
    assert Entry.objects.count() == november_fakes_late
    clerk = bearer("xiechunhua")
    body = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=clerk).json()
    assert body["published"] and body["total"] == 86
    line = next(ln for ln in body["lines"] if ln["rule"] == "D7-uncovered")
    other = client.get("/api/v1/staff/wenjianjun/assessment?period=2026-11", headers=clerk)
    assert (other.status_code, other.json()["code"]) == (403, "not_allowed")
    a = post(
        client, f"/api/v1/assessment/lines/{line['id']}/appeal", {"reason": "当天已请假并安排顶岗"}, clerk
    )
    assert a.status_code == 201, a.content
    wrong = post(
        client, f"/api/v1/assessment/lines/{line['id']}/decide", {"decision": "remove", "reason": "x"}, clerk
    )
    assert wrong.status_code == 403
    d = post(
        client,
        f"/api/v1/assessment/lines/{line['id']}/decide",
        {"decision": "remove", "reason": "顶岗记录补登，核实属实"},
        director,
    )
    assert d.status_code == 200 and d.json()["status"] == "removed"
    body = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=clerk).json()
    assert body["parts"]["discipline"] == 28 and body["total"] == 88
    result = Result.objects.get(staff=user_named("xiechunhua"))
    assert result.adjustments.get().reason.startswith("申诉成立")


def test_asm_7_appeal_after_the_window_is_refused(november, client, bearer):
    post(client, "/api/v1/centers/shexi/assessment/2026-11/publish", {}, bearer("penglixin"))
    body = client.get(
        "/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=bearer("xiechunhua")
    ).json()
    with clock.freeze("2026-12-20T10:00"):
        r = post(
            client,
            f"/api/v1/assessment/lines/{body['lines'][0]['id']}/appeal",
            {"reason": "不服"},
            bearer("xiechunhua"),
        )
    assert (r.status_code, r.json()["code"]) == (409, "appeal_window_closed")
    assert not Appeal.objects.exists()


def test_refusals_change_nothing(november, client, bearer):
    director = bearer("penglixin")
    before = Entry.objects.count()
    r = post(
        client,
        "/api/v1/centers/shexi/facts",
        {"staff": "xiechunhua", "rule": "Z9-nothing", "at": "2026-11-26T10:00:00+08:00", "note": "x"},
        director,
    )
    assert (r.status_code, r.json()["code"]) == (400, "rule_unknown")
    r = client.get("/api/v1/centers/shexi/assessment?period=2027-01", headers=director)
    assert (r.status_code, r.json()["code"]) == (400, "period_in_future")
    r = client.get("/api/v1/centers/shexi/assessment?period=2026-11", headers=bearer("xiechunhua"))
    assert r.status_code == 403
    r = post(
        client,
        "/api/v1/centers/shexi/facts",
        {"staff": "xiechunhua", "rule": "D3-eating", "at": "2026-11-26T10:00:00+08:00", "note": "x"},
        bearer("xiechunhua"),
    )
    assert r.status_code == 403
    assert Entry.objects.count() == before


def test_org_6_department_head_sees_the_department(november, client, bearer):
    rows = client.get("/api/v1/centers/shexi/assessment?period=2026-11", headers=bearer("wenjianjun")).json()
    assert {r["staff"] for r in rows} == {"xiechunhua", "wenjianjun"}
    ok = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=bearer("wenjianjun"))
    assert ok.status_code == 200
    no = client.get("/api/v1/staff/laizhenhua/assessment?period=2026-11", headers=bearer("wenjianjun"))
    assert no.status_code == 403


def test_asm_4_forty_late_arrivals_through_the_month(shexi, fakes, user_named):
    clerk = user_named("xiechunhua")
    for i in range(40):
        fakes.fact(shexi, "late", f"2026-11-{(i % 28) + 1:02d}T08:10", clerk, ref=f"ci-{i}")
    with clock.freeze(DECEMBER):
        row = next(r for r in selectors.month_of(shexi, 2026, 11).rows if r.person.user_id == clerk.pk)
    assert row.parts["discipline"] == 0 and row.total == 69


def test_asm_8_quarterly_awards_skip_a_disqualified_top_scorer(shexi, fakes, user_named, client, bearer):
    clerk = user_named("xiechunhua")
    for month in (10, 11):
        fakes.fact(shexi, "complaint_substantiated", f"2026-{month}-10T10:00", clerk, ref=f"TS-{month}")
    with clock.freeze(DECEMBER):
        for month, level in ((10, "province"), (11, "province")):
            Entry.objects.create(
                center=shexi,
                source="manual",
                kind="manual",
                rule=f"B3-praise-{level}",
                staff=clerk,
                at=clock.parse_moment(f"2026-{month}-15T10:00"),
                event=f"e{month}",
                note="表扬",
                recorded_at=clock.now(),
            )
            Entry.objects.create(
                center=shexi,
                source="manual",
                kind="manual",
                rule="B3-praise-city",
                staff=clerk,
                at=clock.parse_moment(f"2026-{month}-16T10:00"),
                event=f"f{month}",
                note="表扬",
                recorded_at=clock.now(),
            )
        body = client.get("/api/v1/centers/shexi/awards?quarter=2026Q4", headers=bearer("penglixin")).json()
    assert [s["staff"] for s in body["skipped"]] == ["xiechunhua"]
    assert body["skipped"][0]["score"] > body["model_workers"][0]["score"]
    assert "xiechunhua" not in [s["staff"] for s in body["model_workers"]]
    assert len(body["model_workers"]) == 3 and len(body["red_flag_windows"]) == 3
    window1 = Window.objects.get(center=shexi, number=1)
    assert not any(w["window"].startswith(f"{window1.number}号") for w in body["red_flag_windows"])


def test_dut_6_ledger_entry_is_a_fact_and_only_ledger_items(shexi, fakes, client, bearer):
    with clock.freeze("2026-11-24T16:00"):
        duty = bearer("liuzhiyong")
        r = post(
            client,
            "/api/v1/centers/shexi/conduct",
            {
                "staff": "laizhenhua",
                "rule": "D3-eating",
                "at": "2026-11-24T15:10:00+08:00",
                "note": "窗口内吃零食",
            },
            duty,
        )
        assert r.status_code == 201, r.content
        bad = post(
            client,
            "/api/v1/centers/shexi/conduct",
            {"staff": "laizhenhua", "rule": "C10-overdue", "at": "2026-11-24T15:10:00+08:00", "note": "x"},
            duty,
        )
        assert (bad.status_code, bad.json()["code"]) == (400, "rule_not_in_ledger")
        row = next(r for r in selectors.month_of(shexi, 2026, 11).rows if r.person.username == "laizhenhua")
    assert row.parts["discipline"] == 29


def test_dut_7_closing_failure_is_against_the_holder_and_a_missing_check_is_on_the_board(
    shexi, fakes, client, bearer
):
    with clock.freeze("2026-11-24T17:40"):
        r = post(
            client,
            "/api/v1/centers/shexi/closing-checks",
            {"failures": [{"window": 3, "item": "computers"}, {"window": 3, "item": "ac"}]},
            bearer("liuzhiyong"),
        )
        assert r.status_code == 201, r.content
        again = post(client, "/api/v1/centers/shexi/closing-checks", {"failures": []}, bearer("liuzhiyong"))
        assert again.json()["code"] == "closing_check_done"
        row = next(r for r in selectors.month_of(shexi, 2026, 11).rows if r.person.username == "laizhenhua")
        assert row.parts["discipline"] == 28
    with clock.freeze("2026-11-26T09:00"):
        notes = [n for n in selectors.board_notes(shexi, clock.now()) if n.kind == "closing_check_missed"]
    import datetime as dt

    days = {n.day for n in notes}
    assert dt.date(2026, 11, 25) in days and dt.date(2026, 11, 24) not in days


def test_sup_1_finding_with_an_efficiency_notice_disqualifies(shexi, fakes, client, bearer):
    with clock.freeze("2026-11-24T16:00"):
        r = post(
            client,
            "/api/v1/centers/shexi/findings",
            {
                "kind": "unannounced",
                "staff": "zhuyongkang",
                "rule": "D2-idle",
                "at": "2026-11-24T10:20:00+08:00",
                "place": "4号窗口",
                "note": "上班时间玩手机游戏",
                "photos": ["/media/p1.jpg"],
                "notice": True,
            },
            bearer("zhongzhengyi"),
        )
        assert r.status_code == 201, r.content
        row = next(r for r in selectors.month_of(shexi, 2026, 11).rows if r.person.username == "zhuyongkang")
    assert row.parts["discipline"] == 28 and row.disqualified


def test_sup_2_a_month_without_a_leaders_on_site_day_is_on_the_board(shexi, fakes):
    import datetime as dt

    with clock.freeze("2026-11-24T16:00"):
        kinds = {n.kind for n in selectors.board_notes(shexi, clock.now())}
        assert "leader_on_site_missed" in kinds
        services.record_meeting(
            None,
            center=shexi,
            kind=Meeting.Kind.ON_SITE,
            day=dt.date(2026, 10, 15),
            leader="叶红梅",
            note="现场办公",
        )
        kinds = {n.kind for n in selectors.board_notes(shexi, clock.now())}
    assert "leader_on_site_missed" not in kinds


def test_asm_2_a_center_copies_and_edits_its_rulebook_from_a_later_month(november, client, bearer):
    director = bearer("penglixin")
    book = client.get("/api/v1/centers/shexi/rulebook", headers=director).json()
    assert book["version"] == "shexi-2022"
    for part in book["parts"]:
        for r in part["rules"]:
            if r["code"] == "D1-late":
                r["points"] = -2
    body = {
        "version": "shexi-2026b",
        "valid_from": "2026-12",
        "appeal_days": 5,
        "no_ratings_points": 9,
        "parts": book["parts"],
    }
    r = client.put(
        "/api/v1/centers/shexi/rulebook", json.dumps(body), content_type="application/json", headers=director
    )
    assert r.status_code == 201, r.content
    nov = client.get("/api/v1/centers/shexi/rulebook?period=2026-11", headers=director).json()
    dec = client.get("/api/v1/centers/shexi/rulebook?period=2026-12", headers=director).json()
    assert (nov["version"], dec["version"]) == ("shexi-2022", "shexi-2026b")
    # November is still scored by the version in force then
    nov_row = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=director).json()
    assert nov_row["version"] == "shexi-2022" and nov_row["parts"]["discipline"] == 26


def test_a_persons_page_is_a_fixed_number_of_queries(november, client, bearer, login, shexi):
    def count(n):
        for i in range(n):
            Entry.objects.create(
                center=shexi,
                source="ledger",
                kind="ledger",
                rule="D3-chatting",
                staff=november,
                at=clock.parse_moment(f"2026-11-{(i % 28) + 1:02d}T10:00"),
                note="串岗",
                recorded_at=clock.now(),
            )
        with CaptureQueriesContext(connection) as q:
            r = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=headers)
        assert r.status_code == 200
        return len(q)

    headers = bearer("xiechunhua")
    assert count(3) == count(60)


def test_pages_show_the_month_the_person_and_the_awards(november, client, login, bearer):
    praise(client, bearer)
    director = login("penglixin")
    page = director.get("/assessment/shexi/?period=2026-11").content.decode()
    assert "谢春花" in page and "86" in page
    assert director.get("/assessment/shexi/month.xlsx?period=2026-11").status_code == 200
    assert director.get("/assessment/shexi/awards/?quarter=2026Q4").status_code == 200
    notice = director.get("/assessment/shexi/awards/notice.pdf?quarter=2026Q4")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    assert director.get("/assessment/shexi/year.xlsx?year=2026").status_code == 200
    assert director.get("/assessment/shexi/supervision/").status_code == 200
    assert director.get("/assessment/shexi/conduct/").status_code == 200
    assert director.get("/assessment/shexi/rulebook/").status_code == 200
    person = login("xiechunhua").get("/assessment/staff/xiechunhua/?period=2026-11").content.decode()
    assert "/evidence/case/SX-0042/" in person and "本年度取消评先评优资格" in person
    assert client.get("/assessment/staff/laizhenhua/?period=2026-11").status_code == 403
    client.logout()
    assert client.get("/assessment/shexi/honours/?quarter=2026Q4").status_code == 200


def test_asm_end_to_end_with_the_duty_apps_real_attendance(shexi, client, bearer):
    """The duty app's own provider (no fake): November's derived attendance of a clerk with one
    clock-in becomes discipline lines with the duty app's evidence, capped at zero."""
    from servicehall.core import registry

    providers = {p.__module__ for p in registry.providers("facts")}
    assert "servicehall.duty.selectors" in providers
    from servicehall.duty.models import ClockIn
    from servicehall.org.models import Staff

    staff = Staff.objects.get(user__username="xiechunhua")
    with clock.freeze(DECEMBER):
        ClockIn.objects.create(
            center=shexi, staff=staff, at=clock.parse_moment("2026-11-05T08:09"), device="fp-1"
        )
        body = client.get(
            "/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=bearer("xiechunhua")
        ).json()
    duty = [ln for ln in body["lines"] if ln["part"] == "discipline"]
    assert duty and all(ln["evidence"]["url"] for ln in duty)
    assert {ln["rule"] for ln in duty} <= {"D1-late", "D1-absent", "D7-uncovered"}
    assert body["parts"]["discipline"] == max(0, 30 + sum(ln["points"] for ln in duty))


def test_asm_7_a_correction_after_publication_is_an_adjustment_with_a_reason(november, client, bearer):
    director = bearer("penglixin")
    post(client, "/api/v1/centers/shexi/assessment/2026-11/publish", {}, director)
    r = post(
        client,
        "/api/v1/centers/shexi/assessment/2026-11/adjustments",
        {
            "staff": "xiechunhua",
            "rule": "B3-praise-county",
            "note": "县政务办表扬（补报）",
            "reason": "表扬文件12月1日才送达",
        },
        director,
    )
    assert r.status_code == 201, r.content
    assert r.json()["total"] == 86
    body = client.get(
        "/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=bearer("xiechunhua")
    ).json()
    assert body["total"] == 86 and any(ln["evidence"]["kind"] == "adjustment" for ln in body["lines"])
    early = post(
        client,
        "/api/v1/centers/shexi/assessment/2026-10/adjustments",
        {"staff": "xiechunhua", "rule": "B2-honour", "note": "x", "reason": "y"},
        director,
    )
    assert (early.status_code, early.json()["code"]) == (409, "not_published")


def test_asm_8_the_awards_page_in_english_names_the_quarter_and_the_windows_in_english(shexi, login):
    with clock.freeze(DECEMBER):
        page = login("penglixin").get("/assessment/shexi/awards/?quarter=2026Q4", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "Q4 2026" in html and "Window 1 " in html
    assert "季度" not in html and "号窗口" not in html
