"""What the pages show a clerk, a director and the duty officer, beyond what the API answers."""

import json

from django.template.loader import render_to_string
from django.utils import translation

from servicehall.core import clock


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_asm_7_a_clerk_reaches_their_own_month_from_the_menu(shexi, fakes, login):
    with clock.freeze("2026-12-02T10:00"):
        clerk = login("xiechunhua")
        home = clerk.get("/").content.decode()
        assert 'href="/assessment/mine/"' in home
        r = clerk.get("/assessment/mine/?period=2026-11")
        assert (r.status_code, r["Location"]) == (302, "/assessment/staff/xiechunhua/?period=2026-11")
        assert clerk.get(r["Location"]).status_code == 200


def test_asm_7_the_publish_button_names_the_month_it_freezes(shexi, fakes, login):
    with clock.freeze("2026-12-02T10:00"):
        page = login("penglixin").get("/assessment/shexi/?period=2026-10").content.decode()
    assert "发布2026年10月考评" in page and "发布本月考评" not in page


def test_dut_6_the_ledger_names_the_person_and_the_rule_and_links_the_evidence(
    shexi, fakes, client, bearer, login
):
    with clock.freeze("2026-11-24T16:00"):
        r = post(
            client,
            "/api/v1/centers/shexi/conduct",
            {
                "staff": "laizhenhua",
                "rule": "D3-eating",
                "at": "2026-11-24T15:10:00+08:00",
                "note": "窗口内吃零食",
            },
            bearer("liuzhiyong"),
        )
        assert r.status_code == 201, r.content
        page = login("liuzhiyong").get("/assessment/shexi/conduct/").content.decode()
    ledger = page[page.index('data-testid="ledger"') :]
    assert "赖振华" in ledger  # the person, not only the note
    assert "在工作场所吃东西" in ledger and "D3-eating" not in ledger  # the rule by name, not its code
    assert f'href="/assessment/entries/{r.json()["id"]}/"' in ledger


def test_asm_7_an_appeal_is_on_the_directors_todo_list_with_its_reason(
    shexi, fakes, client, bearer, login, user_named
):
    from servicehall.core import todo

    fakes.fact(
        shexi, "late", "2026-11-05T08:09", user_named("xiechunhua"), evidence_kind="clock_in", ref="ci-1"
    )
    with clock.freeze("2026-12-02T10:00"):
        director = bearer("penglixin")
        assert (
            post(client, "/api/v1/centers/shexi/assessment/2026-11/publish", {}, director).status_code == 201
        )
        clerk = bearer("xiechunhua")
        body = client.get("/api/v1/staff/xiechunhua/assessment?period=2026-11", headers=clerk).json()
        line = next(ln for ln in body["lines"] if ln["rule"] == "D1-late")
        r = post(
            client, f"/api/v1/assessment/lines/{line['id']}/appeal", {"reason": "考勤机时间快了两分钟"}, clerk
        )
        assert r.status_code == 201, r.content

        def appeals(username):
            return [
                i
                for i in todo.todo_for(user_named(username), clock.now()).items
                if i.kind == "assessment_appeal"
            ]

        items = appeals("penglixin")
        assert [i.link for i in items] == [f"/assessment/staff/xiechunhua/?period=2026-11#line-{line['id']}"]
        assert items[0].detail == "考勤机时间快了两分钟"
        assert not appeals("xiechunhua")
        login("penglixin")
        assert f"#line-{line['id']}" in client.get("/").content.decode()
        page = client.get("/assessment/staff/xiechunhua/?period=2026-11").content.decode()
        assert f'id="line-{line["id"]}"' in page and "考勤机时间快了两分钟" in page


def test_asm_7_empty_sections_say_so_in_words_not_with_a_dash(shexi, fakes, login):
    with clock.freeze("2026-12-02T10:00"):
        director = login("penglixin")
        supervision = director.get("/assessment/shexi/supervision/").content.decode()
        conduct = director.get("/assessment/shexi/conduct/").content.decode()
        director.cookies["django_language"] = "en"
        english = director.get("/assessment/shexi/supervision/").content.decode()
    assert "暂无督查发现。" in supervision and "暂无例会与现场办公记录。" in supervision
    assert conduct.count("本月暂无台账记录。") == 2
    with translation.override("zh-hans"):
        awards = render_to_string("assessment/_awards.html", {"a": {"windows": [], "workers": []}})
    assert "暂无流动红旗窗口。" in awards and "暂无工作标兵。" in awards
    for page in (supervision, conduct, awards):
        assert 'class="text-muted">—<' not in page
    assert "No supervision findings yet." in english and "暂无" not in english
