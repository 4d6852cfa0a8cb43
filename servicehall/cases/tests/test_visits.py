"""The visit register (INQ-1 … INQ-4): services, pages, the API and the Excel files."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from servicehall.cases import selectors, services
from servicehall.cases.models import Visit
from servicehall.core import clock
from servicehall.core.errors import Forbidden, Invalid
from servicehall.core.models import AuditEvent
from servicehall.org.models import Staff

MORNING = "2026-11-23T09:30"


def staff(name):
    return Staff.objects.get(name=name)


def record(demo, user, **kw):
    values = {
        "channel": "visit",
        "category": "consultation",
        "matter": "咨询残疾人证办理",
        "outcome": "handled",
    }
    return services.visit_record(actor=user, center=demo, **{**values, **kw})


def test_inq_1_the_first_inquiry_officer_is_who_received_the_visitor(demo, user_named):
    with clock.freeze(MORNING):
        visit = record(demo, user_named("chenjianwei"))
    assert visit.officer.name == "陈建伟" and visit.window.name == "残联"
    assert visit.day.isoformat() == "2026-11-23"
    assert AuditEvent.objects.filter(action="visit.record", object_id=str(visit.pk)).exists()


def test_inq_2_every_outcome_names_where_the_matter_went(demo, user_named):
    clerk = user_named("chenjianwei")
    with clock.freeze(MORNING):
        handed = record(demo, clerk, outcome="handed_over", colleague=staff("华静娴"))
        guided = record(demo, clerk, outcome="guided", target_window=demo.windows.get(number=6))
        asked = record(demo, clerk, outcome="escalated", leader=staff("王曼姝"))
        sent = record(demo, clerk, outcome="transferred", agency="区人社局", colleague=staff("华静娴"))
        denied = record(demo, clerk, outcome="denial", note="不符合政策规定：非本辖区户籍")
    assert handed.colleague.name == "华静娴"
    assert guided.target_window.name == "司法所"
    assert asked.leader.name == "王曼姝"
    assert sent.agency == "区人社局" and sent.colleague is None  # only what the outcome needs is kept
    assert denied.note.startswith("不符合")


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"outcome": "handed_over"}, "colleague_required"),
        ({"outcome": "guided"}, "window_required"),
        ({"outcome": "escalated", "leader": None}, "leader_required"),
        ({"outcome": "transferred", "agency": "  "}, "agency_required"),
        ({"outcome": "denial"}, "note_required"),
        ({"outcome": "shrug"}, "invalid_outcome"),
        ({"channel": "fax"}, "invalid_channel"),
        ({"category": "gossip"}, "invalid_category"),
        ({"matter": " "}, "matter_required"),
        ({"visitor_phone": "12"}, "invalid_phone"),
    ],
)
def test_inq_2_bad_visits_are_refused_and_nothing_is_saved(demo, user_named, kw, code):
    with pytest.raises(Invalid) as exc:
        record(demo, user_named("chenjianwei"), **kw)
    assert exc.value.code == code and exc.value.message
    assert not Visit.objects.exists()


def test_inq_2_escalation_goes_to_a_leader_and_handover_to_a_colleague_of_the_center(demo, user_named):
    clerk = user_named("chenjianwei")
    with pytest.raises(Invalid) as exc:
        record(demo, clerk, outcome="escalated", leader=staff("许轻轻"))
    assert exc.value.code == "not_a_leader"
    with pytest.raises(Invalid) as exc:
        record(demo, clerk, outcome="handed_over", colleague=staff("陈建伟"))
    assert exc.value.code == "handed_to_self"
    assert not Visit.objects.exists()


def test_inq_1_only_staff_of_the_center_record_its_visits(demo, user_named):
    with pytest.raises(Forbidden):
        record(demo, user_named("auditor"))
    with pytest.raises(Forbidden):  # the system administrator holds no staff record there
        record(demo, user_named("admin"))


def test_inq_4_daily_list_and_monthly_summary_per_window(demo, user_named, django_assert_num_queries):
    with clock.freeze("2026-11-03T09:00"):
        record(demo, user_named("chenjianwei"), channel="call")
        record(
            demo,
            user_named("chenjianwei"),
            category="legal",
            outcome="guided",
            target_window=demo.windows.get(number=6),
        )
        record(demo, user_named("xieshanhong"), category="legal")
    with clock.freeze("2026-11-20T15:00"):
        record(
            demo,
            user_named("xieshanhong"),
            channel="call",
            category="complaint",
            outcome="escalated",
            leader=staff("王曼姝"),
        )
    with clock.freeze("2026-12-01T09:00"):
        record(demo, user_named("xieshanhong"))  # next month: not counted
    import datetime as dt

    assert [v.officer.name for v in selectors.visits_on(demo, dt.date(2026, 11, 3))] == [
        "陈建伟",
        "陈建伟",
        "谢珊红",
    ]
    with django_assert_num_queries(4):
        rows = selectors.monthly_summary(demo, 2026, 11)
    by_label = {r.label: r for r in rows}
    assert by_label["5号窗口 残联"].total == 2 and by_label["5号窗口 残联"].channels == {
        "call": 1,
        "visit": 1,
    }
    assert by_label["6号窗口 司法所"].categories == {"legal": 1, "complaint": 1}
    assert by_label["合计"].total == 4 and by_label["合计"].outcomes == {
        "handled": 2,
        "guided": 1,
        "escalated": 1,
    }
    assert by_label["1号窗口 党政办"].total == 0


def _post(client, **kw):
    data = {
        "center": "kaiyuan",
        "channel": "visit",
        "category": "consultation",
        "matter": "咨询低保",
        "outcome": "handled",
    }
    return client.post("/visits/", {**data, **kw})


def test_inq_1_visit_page_records_in_a_few_clicks(demo, login):
    client = login("chenjianwei")
    with clock.freeze(MORNING):
        page = client.get("/visits/")
        assert page.status_code == 200 and "来访来电登记" in page.content.decode()
        response = _post(client)
        assert response.status_code == 302
        listing = client.get(response.url).content.decode()
    assert "咨询低保" in listing and "陈建伟" in listing


def test_visit_page_shows_the_reason_for_a_refusal(demo, login):
    with clock.freeze(MORNING):
        response = _post(login("chenjianwei"), outcome="guided")
    assert response.status_code == 400 and "引导至其他窗口时须选择窗口" in response.content.decode()
    assert not Visit.objects.exists()


def test_visit_pages_refuse_people_without_a_role_and_need_a_login(client, demo, login):
    assert client.get("/visits/?center=kaiyuan").status_code == 302  # to the login page
    auditor = login("auditor")
    for url in [
        "/visits/?center=kaiyuan",
        "/visits/summary/?center=kaiyuan",
        "/visits/export/?center=kaiyuan",
    ]:
        assert auditor.get(url).status_code == 403, url
    assert _post(auditor).status_code == 403


def test_window_staff_read_only_their_own_window(demo, login):
    clerk = login("chenjianwei")
    with clock.freeze(MORNING):
        assert clerk.get("/visits/?center=kaiyuan&window=5").status_code == 200
        assert clerk.get("/visits/?center=kaiyuan&window=6").status_code == 403
        assert clerk.get("/visits/summary/?center=kaiyuan&window=6").status_code == 403


@pytest.mark.parametrize(
    "url, status",
    [
        ("/visits/?center=kaiyuan&day=2026-13-01", 400),
        ("/visits/summary/?center=kaiyuan&month=20x6", 400),
        ("/visits/export/?center=kaiyuan&day=2026-02-30", 400),
        ("/visits/?center=nowhere", 404),
        ("/visits/?center=kaiyuan&window=99", 404),
    ],
)
def test_visit_pages_bad_parameters_are_a_clear_4xx_not_500(demo, login, url, status):
    assert login("wangmanshu").get(url).status_code == status


def test_inq_4_daily_register_exports_to_excel(demo, login, user_named):
    with clock.freeze(MORNING):
        record(demo, user_named("chenjianwei"), visitor_name="张三", visitor_phone="13812345678")
        response = login("wangmanshu").get("/visits/export/?center=kaiyuan&day=2026-11-23")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(BytesIO(response.content))["来访来电登记"]
    assert "来访来电登记表" in ws["A1"].value
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    assert row["首问责任人"] == "陈建伟" and row["事由"] == "咨询残疾人证办理" and row["时间"] == "09:30"
    assert row["联系电话"] == "138****5678"  # SEC-5


def test_inq_4_monthly_summary_exports_to_excel(demo, login, user_named):
    with clock.freeze(MORNING):
        record(demo, user_named("chenjianwei"), channel="call")
        response = login("wangmanshu").get("/visits/export/?center=kaiyuan&month=2026-11")
        page = login("wangmanshu").get("/visits/summary/?center=kaiyuan&month=2026-11")
    assert page.status_code == 200 and "5号窗口 残联" in page.content.decode()
    ws = load_workbook(BytesIO(response.content))["月度汇总"]
    header = [c.value for c in ws[2]]
    rows = {r[0].value: dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=3)}
    assert rows["5号窗口 残联"]["合计"] == 1 and rows["5号窗口 残联"]["来电"] == 1
    assert rows["合计"]["当场办理或答复"] == 1


def test_inq_1_visit_api(client, demo, bearer):
    body = {
        "center": "kaiyuan",
        "channel": "call",
        "category": "legal",
        "matter": "咨询劳动仲裁",
        "outcome": "guided",
        "target_window": 6,
    }
    with clock.freeze(MORNING):
        headers = bearer("chenjianwei")
        response = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["officer"] == "陈建伟" and response.json()["window"] == "5号窗口 残联"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"outcome": "guided"}, 400, "window_required"),
        ({"target_window": 99, "outcome": "guided"}, 400, "window_not_found"),
        ({"colleague": "nobody", "outcome": "handed_over"}, 400, "staff_of_other_center"),
        ({"center": "atlantis"}, 404, "center_not_found"),
        ({"matter": None}, 400, "invalid_input"),
    ],
)
def test_visit_api_bad_input(client, demo, bearer, body, status, code):
    data = {
        "center": "kaiyuan",
        "channel": "visit",
        "category": "legal",
        "matter": "x",
        "outcome": "handled",
        **body,
    }
    response = client.post(
        "/api/v1/visits", data, content_type="application/json", headers=bearer("chenjianwei")
    )
    assert response.status_code == status and response.json()["code"] == code
    assert not Visit.objects.exists()


def test_visit_api_refuses_without_login_or_role(client, demo, bearer):
    data = {"center": "kaiyuan", "channel": "visit", "category": "legal", "matter": "x", "outcome": "handled"}
    assert client.post("/api/v1/visits", data, content_type="application/json").status_code == 401
    response = client.post("/api/v1/visits", data, content_type="application/json", headers=bearer("auditor"))
    assert response.status_code == 403
