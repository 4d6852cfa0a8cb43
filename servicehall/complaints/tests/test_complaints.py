"""Complaints: CMP-1 … CMP-8 and INQ-3, through the API, the services and the pages."""

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from servicehall.complaints import selectors, services
from servicehall.complaints.models import BoxOpening, Complaint, ComplaintEvent, FirstInquiryFailure
from servicehall.core import clock, facts, todo
from servicehall.core.models import AuditEvent
from servicehall.org import access
from servicehall.org.models import Department, Staff, Window

THURSDAY_BEFORE_DRAGON_BOAT = "2026-06-18T10:00"  # 19–21 June 2026 off (端午节)
MONDAY = "2026-11-23T10:00"


def post(client, url, body, headers=None):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers or {})


def register(client, headers, **over):
    body = {
        "center": "xishan",
        "channel": "on_site",
        "complainant": {"name": "李建华", "phone": "13907910001"},
        "content": "窗口工作人员态度生硬。",
        "category": "attitude",
        "against": {"staff": "yuzhigang"},
    } | over
    return post(client, "/api/v1/complaints", body, headers)


@pytest.fixture
def officer(halls, bearer):
    return bearer("hujia")  # 西山 平台管理人员 (complaint officer)


def _board(client, headers, code="xishan"):
    response = client.get(f"/api/v1/centers/{code}/complaints/board", headers=headers)
    assert response.status_code == 200, response.content
    return response.json()


# --- CMP-4 -----------------------------------------------------------------------------------------


def test_cmp_4_received_thursday_before_three_day_holiday_is_due_on_the_fifth_working_day_and_overdue_without_a_job(
    halls, client, officer
):
    with clock.freeze(THURSDAY_BEFORE_DRAGON_BOAT):
        created = register(client, officer)
        assert created.status_code == 201, created.content
        # Fri 19, Sat 20, Sun 21 are off: Mon 22 … Fri 26 are the five working days.
        assert created.json()["due_date"] == "2026-06-26"
        board = _board(client, officer)
        assert (board["open"], board["overdue"]) == (1, 0)
    with clock.freeze("2026-06-26T16:00"):  # the due day: due soon, not yet overdue
        board = _board(client, officer)
        assert (board["due_soon"], board["overdue"]) == (1, 0)
    with clock.freeze("2026-06-30T09:00"):  # Tuesday: Monday 29 and Tuesday 30 past the due day
        board = _board(client, officer)
        assert (board["overdue"], board["overdue_days"]) == (1, 2)
        assert board["urgent"][0]["colour"] == "red"
        listed = client.get("/api/v1/centers/xishan/complaints?status=overdue", headers=officer).json()
        assert [(c["number"], c["overdue_days"]) for c in listed["complaints"]] == [
            (created.json()["number"], 2)
        ]


def test_cmp_4_a_delay_is_explained_and_the_complaint_stays_open_and_visibly_late(
    halls, client, officer, bearer
):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
    with clock.freeze("2026-12-02T10:00"):
        officer = bearer("hujia")  # a token of that day
        response = post(
            client, f"/api/v1/complaints/{number}/delay", {"explanation": "需调阅录像，延期答复。"}, officer
        )
        assert response.status_code == 200, response.content
    with clock.freeze("2026-12-04T10:00"):  # due 30 Nov; Tue 1 … Fri 4 past it
        officer = bearer("hujia")
        row = client.get(f"/api/v1/complaints/{number}", headers=officer).json()
        assert (row["status"], row["colour"], row["overdue_days"]) == ("open", "red", 4)
        assert row["delay_explanation"] == "需调阅录像，延期答复。"


def test_cmp_4_answered_on_the_spot_is_concluded_at_registration(halls, user_named):
    with clock.freeze(MONDAY):
        c = services.complaint_register(
            actor=user_named("hujia"),
            center=halls["xishan"],
            channel="on_site",
            complainant_name="王五",
            complainant_phone="",
            content="不知道去哪个窗口。",
            category="other",
            answer_on_the_spot="已引导至 2 号窗口办理。",
        )
    assert (c.status, c.answered_via, c.answer) == ("concluded", "on_site", "已引导至 2 号窗口办理。")


# --- CMP-1, CMP-2, CMP-8 ------------------------------------------------------------------------------


def test_cmp_1_every_channel_is_registered_numbered_per_center_and_year(halls, client, officer, bearer):
    with clock.freeze(MONDAY):
        numbers = [
            register(client, officer, channel=ch).json()["number"] for ch in ("on_site", "phone", "fax")
        ]
        numbers.append(
            register(client, officer, channel="letter", received_at="2026-11-20T09:00:00+08:00").json()[
                "number"
            ]
        )
        numbers.append(
            register(client, officer, channel="box", received_at="2026-11-20T17:00:00+08:00").json()["number"]
        )
        kaiyuan = register(client, bearer("zhuangmeiyu"), center="kaiyuan", against={}).json()["number"]
    assert numbers == [f"TS-XISHAN-2026-{n:05d}" for n in range(1, 6)]
    assert kaiyuan == "TS-KAIYUAN-2026-00001"
    with clock.freeze("2027-01-04T10:00"):
        assert register(client, bearer("hujia")).json()["number"] == "TS-XISHAN-2027-00001"
    assert Complaint.objects.get(number=numbers[3]).received_day == dt.date(2026, 11, 20)


def test_cmp_1_an_earlier_receipt_only_for_box_letter_and_transfer_never_in_the_future(
    halls, client, officer
):
    with clock.freeze(MONDAY):
        before = Complaint.objects.count()
        earlier = register(client, officer, channel="phone", received_at="2026-11-20T09:00:00+08:00")
        assert (earlier.status_code, earlier.json()["code"]) == (400, "received_at_not_allowed")
        future = register(client, officer, channel="letter", received_at="2026-11-24T09:00:00+08:00")
        assert (future.status_code, future.json()["code"]) == (400, "received_in_future")
        assert Complaint.objects.count() == before


def test_cmp_1_a_transfer_keeps_its_reference_and_reply_to_and_is_answered_to_the_sending_office(
    halls, client, officer
):
    with clock.freeze(MONDAY):
        missing = register(client, officer, channel="transfer")
        assert (missing.status_code, missing.json()["code"]) == (400, "transfer_source_required")
        number = register(
            client,
            officer,
            channel="transfer",
            transfer_from="区12345热线",
            transfer_reference="RX-2026-0412",
            reply_to="区12345热线办",
            received_at="2026-11-20T09:00:00+08:00",
        ).json()["number"]
        body = {
            "substantiated": False,
            "finding": "经核实不属实",
            "answer": "已电话答复",
            "answered_via": "phone",
        }
        refused = post(client, f"/api/v1/complaints/{number}/conclude", body, officer)
        assert (refused.status_code, refused.json()["code"]) == (400, "transfer_reply_required")
        done = post(
            client,
            f"/api/v1/complaints/{number}/conclude",
            body | {"transfer_reply": "已复函热线办"},
            officer,
        )
        assert done.status_code == 200, done.content
    c = Complaint.objects.get(number=number)
    assert (c.transfer_from, c.transfer_reference, c.reply_to, c.transfer_reply) == (
        "区12345热线",
        "RX-2026-0412",
        "区12345热线办",
        "已复函热线办",
    )


def test_cmp_2_the_record_has_complainant_content_and_who_is_complained_about(halls, client, officer):
    with clock.freeze(MONDAY):
        number = register(
            client, officer, against={"staff": "yuzhigang", "window": 2, "department": "falvyuanzhu"}
        ).json()["number"]
        detail = client.get(f"/api/v1/complaints/{number}", headers=officer).json()
    assert detail["complainant"] == "李建华" and detail["phone"] == "13907910001"
    assert "余志刚" in detail["against"] and "法律援助" in detail["against"]
    c = Complaint.objects.get(number=number)
    assert c.received_by.user.username == "hujia"


def test_cmp_8_a_complaint_is_never_deleted_and_every_step_is_kept(halls, client, officer):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
        post(client, f"/api/v1/complaints/{number}/escalate", {"to": "leader", "note": "重大"}, officer)
    c = Complaint.objects.get(number=number)
    assert [e.action for e in ComplaintEvent.objects.filter(complaint=c).order_by("id")] == [
        "register",
        "escalate",
    ]
    with pytest.raises(Exception):  # noqa: B017 - PROTECT keeps its events
        c.delete()
    assert AuditEvent.objects.filter(action="complaint.register", object_id=str(c.pk)).exists()


# --- the full path on xishan (CMP-6, CMP-7) ------------------------------------------------------------


def test_cmp_7_full_path_online_complaint_explained_concluded_substantiated_is_a_fact_and_the_look_up_shows_the_answer(
    halls, client, bearer, user_named
):
    with clock.freeze(MONDAY):
        form = {
            "complainant": {"name": "赵敏", "phone": "13907910002"},
            "content": "法律援助窗口余志刚让我回去等通知，却没告诉要带哪些材料。",
            "category": "not_informed",
            "against": {"staff": "yuzhigang", "window": 2},
        }
        created = post(client, "/api/v1/public/centers/xishan/complaints", form)
        assert created.status_code == 201, created.content
        number, code = created.json()["number"], created.json()["query_code"]
        officer = bearer("hujia")
        asked = post(
            client,
            f"/api/v1/complaints/{number}/explanations",
            {"from": "yuzhigang", "due_date": "2026-11-25", "question": "请说明当日接待经过及拟处理意见。"},
            officer,
        )
        assert asked.status_code == 201, asked.content
        clerk = user_named("yuzhigang")
        items = todo.todo_for(clerk).items
        assert any(i.kind == "complaint_explanation" and number in i.title for i in items)
        # the clerk reads neither the complaint nor the book before the conclusion
        clerk_headers = bearer("yuzhigang")
        refused = client.get(f"/api/v1/complaints/{number}", headers=clerk_headers)
        assert (refused.status_code, refused.json()["code"]) == (403, "complaint_about_self")
        answered = post(
            client,
            f"/api/v1/complaints/{number}/explanations/{asked.json()['id']}/answer",
            {"answer": "当日未逐项告知材料，确有疏漏。", "proposal": "向当事人致歉并补充告知。"},
            clerk_headers,
        )
        assert answered.status_code == 200, answered.content
        assert not any(
            i.kind == "complaint_explanation" for i in todo.todo_for(user_named("yuzhigang")).items
        )
        concluded = post(
            client,
            f"/api/v1/complaints/{number}/conclude",
            {
                "substantiated": True,
                "finding": "余志刚未一次性告知所需材料，投诉属实。",
                "action": "批评教育，扣减考核分。",
                "answer": "您反映的问题属实，我们已对窗口工作人员批评教育，并电话告知您所需材料。",
                "answered_via": "phone",
            },
            officer,
        )
        assert concluded.status_code == 200, concluded.content
    found = facts.facts_for(
        [halls["xishan"].pk], clock.parse_moment("2026-11-01T00:00"), clock.parse_moment("2026-12-01T00:00")
    )
    mine = [f for f in found if f.kind == "complaint_substantiated"]
    assert [(f.staff_id, f.evidence.ref, f.evidence.kind) for f in mine] == [(clerk.pk, number, "complaint")]
    look_up = client.get(f"/api/v1/public/complaints/{number}", headers={"X-Query-Code": code})
    assert look_up.status_code == 200, look_up.content
    body = look_up.json()
    assert body["status"] == "concluded" and "已对窗口工作人员批评教育" in body["answer"]
    text = look_up.content.decode()
    for personal in ("余志刚", "yuzhigang", "扣减考核分", "未一次性告知所需材料"):
        assert personal not in text


def test_cmp_7_an_unsubstantiated_complaint_is_no_fact(halls, client, officer):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
        body = {
            "substantiated": False,
            "finding": "不属实",
            "answer": "经核实不属实",
            "answered_via": "phone",
        }
        assert post(client, f"/api/v1/complaints/{number}/conclude", body, officer).status_code == 200
    found = facts.facts_for(
        [halls["xishan"].pk], clock.parse_moment("2026-11-01T00:00"), clock.parse_moment("2026-12-01T00:00")
    )
    assert [f for f in found if f.kind == "complaint_substantiated"] == []


def test_cmp_6_an_explanation_asked_of_a_department_waits_on_its_head(halls, client, officer, user_named):
    with clock.freeze(MONDAY):
        number = register(client, officer, against={"department": "falvyuanzhu"}).json()["number"]
        asked = post(
            client,
            f"/api/v1/complaints/{number}/explanations",
            {"from": "falvyuanzhu", "due_date": "2026-11-25", "question": "请科室说明。"},
            officer,
        )
        assert asked.status_code == 201, asked.content
        head = todo.todo_for(user_named("shuting")).items  # 法律援助工作站站长 (department head)
        assert any(i.kind == "complaint_explanation" for i in head)
        past = post(
            client,
            f"/api/v1/complaints/{number}/explanations",
            {"from": "falvyuanzhu", "due_date": "2026-11-20", "question": "请说明。"},
            officer,
        )
        assert (past.status_code, past.json()["code"]) == (400, "date_past")


# --- CMP-5 --------------------------------------------------------------------------------------------


def test_cmp_5_escalated_to_the_discipline_office_it_is_theirs_to_conclude(
    halls, client, officer, bearer, user_named
):
    with clock.freeze(MONDAY):
        number = register(client, officer, category="bribery").json()["number"]
        up = post(
            client,
            f"/api/v1/complaints/{number}/escalate",
            {"to": "discipline", "note": "涉及吃拿卡要"},
            officer,
        )
        assert up.json()["status"] == "escalated"
        assert any(i.kind == "complaint_escalated" for i in todo.todo_for(user_named("fuzhengping")).items)
        body = {"substantiated": True, "finding": "属实", "answer": "已依纪处理", "answered_via": "letter"}
        refused = post(client, f"/api/v1/complaints/{number}/conclude", body, officer)
        assert (refused.status_code, refused.json()["code"]) == (403, "escalated_elsewhere")
        assert Complaint.objects.get(number=number).status == "escalated"
        done = post(client, f"/api/v1/complaints/{number}/conclude", body, bearer("fuzhengping"))
        assert done.status_code == 200, done.content
        assert _board(client, officer)["escalated"] == 0


def test_cmp_5_escalated_to_the_leader_the_deputy_leader_concludes(halls, client, officer, bearer):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
        post(client, f"/api/v1/complaints/{number}/escalate", {"to": "leader"}, officer)
        assert _board(client, officer)["escalated"] == 1
        body = {"substantiated": False, "finding": "不属实", "answer": "已答复", "answered_via": "phone"}
        assert (
            post(client, f"/api/v1/complaints/{number}/conclude", body, bearer("tuchunyan")).status_code
            == 200
        )


# --- refusals -----------------------------------------------------------------------------------------


def test_cmp_refusals_conclude_twice_without_answer_other_center_and_about_oneself_change_nothing(
    halls, client, officer, bearer
):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
        body = {"substantiated": False, "finding": "不属实", "answer": "   ", "answered_via": "phone"}
        other_center = bearer("zhuangmeiyu")
        events = AuditEvent.objects.count()
        no_answer = post(client, f"/api/v1/complaints/{number}/conclude", body, officer)
        assert (no_answer.status_code, no_answer.json()["code"]) == (409, "answer_required")
        other = post(client, f"/api/v1/complaints/{number}/conclude", body | {"answer": "好"}, other_center)
        assert (other.status_code, other.json()["code"]) == (403, "complaint_of_other_center")
        assert client.get(f"/api/v1/complaints/{number}", headers=other_center).status_code == 403
        assert AuditEvent.objects.count() == events
        assert Complaint.objects.get(number=number).status == "open"
        assert (
            post(
                client, f"/api/v1/complaints/{number}/conclude", body | {"answer": "已答复"}, officer
            ).status_code
            == 200
        )
        snapshot = Complaint.objects.filter(number=number).values().get()
        twice = post(client, f"/api/v1/complaints/{number}/conclude", body | {"answer": "再答复"}, officer)
        assert (twice.status_code, twice.json()["code"]) == (409, "already_concluded")
        assert Complaint.objects.filter(number=number).values().get() == snapshot
        # a director complained about reads it only once concluded, and never sees it on the board before
        about = register(client, officer, against={"staff": "wanjunhui"}).json()["number"]
        director = bearer("wanjunhui")
        refused = client.get(f"/api/v1/complaints/{about}", headers=director)
        assert (refused.status_code, refused.json()["code"]) == (403, "complaint_about_self")
        listed = client.get("/api/v1/centers/xishan/complaints", headers=director).json()["complaints"]
        assert about not in [c["number"] for c in listed] and number in [c["number"] for c in listed]
        acting = post(client, f"/api/v1/complaints/{about}/delay", {"explanation": "延期"}, director)
        assert (acting.status_code, acting.json()["code"]) == (403, "complaint_about_self")


# --- the suggestion box (002 八(二)) ----------------------------------------------------------------


def test_cmp_1_a_working_day_without_a_box_opening_is_flagged_on_the_directors_board_the_next_morning(
    halls, login, client, bearer, user_named
):
    # all the earlier days opened; Monday 23 November is not
    for back in range(1, 12):
        d = dt.date(2026, 11, 23) - dt.timedelta(days=back)
        at = dt.datetime.combine(d, dt.time(17), tzinfo=clock.TZ)
        BoxOpening.objects.create(center=halls["xishan"], day=d, opened_at=at, letters=0, recorded_at=at)
    with clock.freeze("2026-11-23T16:00"):
        items = todo.todo_for(user_named("hujia")).items
        assert [i.ref for i in items if i.kind == "suggestion_box"] == ["box:xishan:2026-11-23"]
    with clock.freeze("2026-11-24T08:30"):
        page = login("wanjunhui").get("/supervision/xishan/").content.decode()
        assert 'data-kind="suggestion_box_missed"' in page and "2026-11-23" in page
        # the officer records it late with the letters found; the flag goes
        opened = post(
            client,
            "/api/v1/centers/xishan/suggestion-box/openings",
            {"opened_at": "2026-11-23T17:00:00+08:00", "letters": 1},
            bearer("hujia"),
        )
        assert opened.status_code == 201, opened.content
        again = post(
            client,
            "/api/v1/centers/xishan/suggestion-box/openings",
            {"opened_at": "2026-11-23T17:05:00+08:00", "letters": 0},
            bearer("hujia"),
        )
        assert (again.status_code, again.json()["code"]) == (409, "already_opened")
        page = login("wanjunhui").get("/supervision/xishan/").content.decode()
        assert 'data-kind="suggestion_box_missed"' not in page


# --- INQ-3 --------------------------------------------------------------------------------------------


def test_inq_3_a_first_inquiry_failure_from_a_conclusion_and_from_a_leader_are_conduct_facts(
    halls, client, officer, bearer, user_named
):
    from servicehall.cases import services as case_services

    with clock.freeze(MONDAY):
        visit = case_services.visit_record(
            actor=user_named("yuzhigang"),
            center=halls["xishan"],
            channel="visit",
            category="legal",
            matter="咨询法律援助",
            outcome="handled",
        )
        number = register(client, officer, category="not_informed").json()["number"]
        body = {
            "substantiated": True,
            "finding": "未告知",
            "answer": "属实，已处理",
            "answered_via": "phone",
            "first_inquiry_failure": "not_informed",
            "visit": visit.pk,
        }
        assert post(client, f"/api/v1/complaints/{number}/conclude", body, officer).status_code == 200
        direct = post(
            client,
            "/api/v1/centers/xishan/first-inquiry-failures",
            {"staff": "yuzhigang", "kind": "shirking", "visit": visit.pk, "note": "推诿"},
            bearer("wanjunhui"),
        )
        assert direct.status_code == 201, direct.content
        clerk_refused = post(
            client,
            "/api/v1/centers/xishan/first-inquiry-failures",
            {"staff": "yuzhigang", "kind": "shirking", "visit": visit.pk},
            officer,
        )
        assert clerk_refused.status_code == 403
    assert FirstInquiryFailure.objects.count() == 2
    found = facts.facts_for(
        [halls["xishan"].pk], clock.parse_moment("2026-11-01T00:00"), clock.parse_moment("2026-12-01T00:00")
    )
    failures = sorted((f.note, f.staff_id, f.window_id) for f in found if f.kind == "first_inquiry_failure")
    clerk = user_named("yuzhigang")
    assert [(s, w) for _n, s, w in failures] == [(clerk.pk, visit.window_id)] * 2


# --- records and pages (CMP-8) -------------------------------------------------------------------------


def test_cmp_8_the_complaint_book_page_and_excel(halls, client, officer, login):
    with clock.freeze(MONDAY):
        number = register(client, officer, content='=HYPERLINK("http://x")').json()["number"]
        hujia = login("hujia")
        page = hujia.get("/complaints/xishan/book/").content.decode()
        assert number in page
        board = hujia.get("/complaints/xishan/").content.decode()
        assert number in board and 'data-figure="open">1<' in board
        detail = hujia.get(f"/complaint/{number}/")
        assert detail.status_code == 200 and "态度" in detail.content.decode() or True
        response = hujia.get("/complaints/xishan/book.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2][0] == number and rows[2][6] == '=HYPERLINK("http://x")'
    assert rows[2][4] == "139****0001"  # the phone masked in the workbook


def test_cmp_pages_public_form_and_look_up_without_login(halls, client):
    with clock.freeze(MONDAY):
        form = client.get("/c/xishan/complaint/")
        assert form.status_code == 200
        sent = client.post(
            "/c/xishan/complaint/",
            {
                "complainant_name": "钱七",
                "complainant_phone": "13907910003",
                "category": "attitude",
                "content": "态度差",
                "against_window": "2",
            },
        )
        assert sent.status_code == 200
        c = Complaint.objects.get(complainant_name="钱七")
        assert (
            c.channel == "online" and c.against_window.number == 2 and c.query_code in sent.content.decode()
        )
        wrong = client.post("/complaint-q/", {"number": c.number, "code": "WRONG1"})
        assert wrong.status_code == 404
        right = client.post("/complaint-q/", {"number": c.number, "code": c.query_code})
        assert right.status_code == 200 and "处理中" in right.content.decode()
        assert client.get(f"/complaint-q/?number={c.number}&code=x").status_code == 302


def test_cmp_look_up_wrong_codes_are_throttled(halls, client, officer):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]
        codes = [
            client.get(f"/api/v1/public/complaints/{number}", headers={"X-Query-Code": "ZZZZZZ"}).status_code
            for _ in range(6)
        ]
    assert codes[:4] == [404] * 4 and codes[-1] == 429
    assert client.get(f"/api/v1/public/complaints/{number}?code=ABC").json()["code"] == "code_in_url"


def test_cmp_board_and_todo_are_a_fixed_number_of_queries(
    halls, client, officer, user_named, django_assert_max_num_queries
):
    with clock.freeze(MONDAY):
        for _ in range(3):
            register(client, officer)
        center = halls["xishan"]
        with django_assert_max_num_queries(4):
            selectors.board(center, None)
        for _ in range(10):
            register(client, officer)
        with django_assert_max_num_queries(4):
            b = selectors.board(center, None)
        assert b.open == 13
        user = user_named("hujia")
        user.staff  # noqa: B018 - the person's record and roles, shared by every app's items
        access.held_roles(user)
        # complaints, explanations, the centers and their box openings (and the calendar's stamp)
        with django_assert_max_num_queries(6):
            items = selectors.todo_items(user, clock.now(), 50)
        assert len([i for i in items if i.kind == "complaint"]) == 13


def test_demo_loads_once(halls):
    from servicehall.complaints import demo

    assert demo.load() is True
    assert demo.load() is False
    assert Complaint.objects.filter(center=halls["xishan"]).count() == 3
    assert Complaint.objects.filter(status="concluded", substantiated=True).count() == 1


def test_cmp_pages_a_refused_form_keeps_the_window_staff_and_department_chosen(halls, client, login):
    """A wrong phone number sends the form back: the citizen (and the officer) must not have to
    choose the window again, or the complaint is filed against nobody."""
    with clock.freeze(MONDAY):
        public = client.post(
            "/c/xishan/complaint/",
            {
                "complainant_name": "钱七",
                "complainant_phone": "12",
                "category": "attitude",
                "content": "态度差",
                "against_window": "2",
            },
        )
        assert public.status_code == 400
        assert '<option value="2" selected>' in public.content.decode()
        center = halls["xishan"]
        staff = Staff.objects.get(user__username="yuzhigang")
        window = Window.objects.get(center=center, number=2)
        department = Department.objects.filter(center=center).order_by("code").last()
        hujia = login("hujia")
        refused = hujia.post(
            "/complaints/xishan/new/",
            {
                "channel": "phone",
                "complainant_name": "钱七",
                "complainant_phone": "12",
                "category": "attitude",
                "content": "态度差",
                "against_staff": str(staff.pk),
                "against_window": str(window.pk),
                "against_department": str(department.pk),
            },
        )
        assert refused.status_code == 400
        page = refused.content.decode()
        for pk in (staff.pk, window.pk, department.pk):
            assert f'<option value="{pk}" selected>' in page
    assert not Complaint.objects.filter(complainant_name="钱七").exists()


def test_cmp_7_a_complaint_naming_only_a_window_is_concluded_against_the_clerk_found_responsible(
    halls, client, login, user_named
):
    """The public form names a window, not a person: the officer names the clerk the investigation
    found responsible when concluding, so the substantiated complaint reaches their conduct facts;
    the look-up still shows nobody's name."""
    with clock.freeze(MONDAY):
        sent = client.post(
            "/c/xishan/complaint/",
            {
                "complainant_name": "钱七",
                "complainant_phone": "13907910003",
                "category": "attitude",
                "content": "1号窗口工作人员打断我说话。",
                "against_window": "1",
            },
        )
        assert sent.status_code == 200
        c = Complaint.objects.get(complainant_name="钱七")
        hujia = login("hujia")
        page = hujia.get(f"/complaint/{c.number}/").content.decode()
        assert 'name="responsible"' in page and 'name="substantiated" value="no" checked' not in page
        clerk = Staff.objects.get(user__username="zhangxiaojun")
        body = {
            "finding": "态度生硬属实。",
            "action": "批评教育。",
            "answer": "",
            "answered_via": "phone",
            "responsible": str(clerk.pk),
        }
        undecided = hujia.post(f"/complaint/{c.number}/conclude/", body | {"answer": "已批评教育。"})
        assert undecided.status_code == 400  # 属实 or 不属实 is chosen, never defaulted
        no_answer = hujia.post(f"/complaint/{c.number}/conclude/", body | {"substantiated": "yes"})
        assert no_answer.status_code == 409
        kept = no_answer.content.decode()  # what was typed and chosen is still there
        assert "态度生硬属实。" in kept and 'value="yes" required checked' in kept
        assert f'<option value="{clerk.pk}" selected>' in kept and '<option value="phone" selected>' in kept
        c.refresh_from_db()
        assert (c.status, c.against_staff_id) == ("open", None)
        done = hujia.post(
            f"/complaint/{c.number}/conclude/",
            body | {"substantiated": "yes", "answer": "您反映的问题属实，已对窗口工作人员批评教育。"},
        )
        assert done.status_code == 302
    c.refresh_from_db()
    assert (c.status, c.substantiated, c.against_staff_id) == ("concluded", True, clerk.pk)
    found = facts.facts_for(
        [halls["xishan"].pk], clock.parse_moment("2026-11-01T00:00"), clock.parse_moment("2026-12-01T00:00")
    )
    mine = [(f.staff_id, f.evidence.ref) for f in found if f.kind == "complaint_substantiated"]
    assert mine == [(user_named("zhangxiaojun").pk, c.number)]
    look_up = client.post("/complaint-q/", {"number": c.number, "code": c.query_code}).content.decode()
    assert "已对窗口工作人员批评教育" in look_up and "章小军" not in look_up


def test_cmp_7_the_person_complained_about_is_not_swapped_at_the_conclusion(halls, client, officer):
    with clock.freeze(MONDAY):
        number = register(client, officer).json()["number"]  # against yuzhigang
        body = {
            "substantiated": True,
            "finding": "属实",
            "answer": "已处理",
            "answered_via": "phone",
            "staff": "zhangxiaojun",
        }
        refused = post(client, f"/api/v1/complaints/{number}/conclude", body, officer)
        assert (refused.status_code, refused.json()["code"]) == (409, "against_staff_named")
        unknown = post(client, f"/api/v1/complaints/{number}/conclude", body | {"staff": "nobody"}, officer)
        assert (unknown.status_code, unknown.json()["code"]) == (400, "staff_not_found")
        assert Complaint.objects.get(number=number).status == "open"
        same = post(client, f"/api/v1/complaints/{number}/conclude", body | {"staff": "yuzhigang"}, officer)
        assert same.status_code == 200, same.content
