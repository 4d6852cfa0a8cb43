"""CAT-7, CAS-9, CAS-5, CAS-12: intake at any window of the item's department, the item's steps
decided by the authority each names, extensions approved above the clerk, the one-time rule
checked, the conduct facts and the director's center-wide list."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from servicehall.cases import hooks, selectors, services
from servicehall.cases.models import Case, StepAction
from servicehall.cases.tests.conftest import PERSON
from servicehall.catalog.models import Item
from servicehall.core import clock, facts
from servicehall.core.errors import Conflict, Forbidden
from servicehall.org.models import Window
from servicehall.org.selectors import posts_on

MONDAY = "2026-11-23T09:30"
# KY-LB-003 待遇领取申请 (劳保所, 4号窗口 A 杨志荣, B 蔡文铿 所长): committed 10 working days, not
# authorised to the window; steps 受理 (0) → 审核 (5) → 核定待遇 (3).
STEPPED = "KY-LB-003"
ALL = ["M01", "M02", "M03", "M04"]


def D(*a):
    return dt.date(*a)


@pytest.fixture
def take(kaiyuan, user_named):
    def run(item=STEPPED, materials=ALL, user="yangzhirong", at=MONDAY, **kw):
        with clock.freeze(at):
            return services.case_intake(
                actor=user_named(user), center=kaiyuan, item=item, applicant=PERSON, materials=materials, **kw
            )

    return run


class Api:
    """GET and POST as a demo user with a token, at a frozen moment (default Monday 10:00)."""

    def __init__(self, client, headers):
        self.client, self.headers = client, headers

    def get(self, url, params=None, at="2026-11-23T10:00"):
        with clock.freeze(at):
            return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, body, at="2026-11-23T10:00", **_kw):
        with clock.freeze(at):
            return self.client.post(url, body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_as(client, bearer):
    def as_user(username, at="2026-11-23T10:00"):
        with clock.freeze(at):
            return Api(client, bearer(username))

    return as_user


def act(fn, user_named, user, at=MONDAY, **kw):
    with clock.freeze(at):
        return fn(actor=user_named(user), **kw)


def test_cat_7_every_kaiyuan_item_can_be_taken_at_a_window_of_its_department(kaiyuan, user_named):
    items = list(Item.objects.filter(center=kaiyuan, voided_at__isnull=True).select_related("current"))
    assert len(items) == 25
    outcomes = {}
    with clock.freeze(MONDAY):
        for item in items:
            version = item.current
            window = Window.objects.filter(departments=version.department_id).order_by("number").first()
            post = (
                posts_on(clock.today()).filter(window=window, kind="A").select_related("staff__user").first()
            )
            required = [m.code for m in version.materials.all() if m.required]
            case = services.case_intake(
                actor=post.staff.user,
                center=kaiyuan,
                item=item.code,
                applicant=PERSON,
                materials=required,
                window=window,
            )
            outcomes[item.code] = (case.authorised, case.status)
    # an authorised window decides on the spot; every other item is accepted once (一次受理)
    assert all(status in ("accepted", "completed") for _a, status in outcomes.values())
    assert {s for a, s in outcomes.values() if not a} == {"accepted"}
    assert sum(1 for a, _s in outcomes.values() if not a) == 16
    # and a window not serving the department still does not take it in
    with pytest.raises(Exception) as exc:
        services.case_intake(
            actor=user_named("xieshanhong"), center=kaiyuan, item=STEPPED, applicant=PERSON, materials=ALL
        )
    assert exc.value.code == "item_not_at_window"


def test_cas_9_a_non_authorised_committed_item_goes_through_its_steps_to_completion(take, user_named):
    case = take()
    assert case.status == "accepted" and not case.authorised
    # 受理 is the acceptance itself; the case waits on the department head at 审核
    assert (case.step, case.step_name) == (2, "审核")
    steps = selectors.case_steps(case)
    assert [(s.name, s.role, s.status) for s in steps] == [
        ("受理", "window_staff", "done"),
        ("审核", "department_head", "current"),
        ("核定待遇", "department_head", "pending"),
    ]
    assert [s.due_date for s in steps] == [D(2026, 11, 23), D(2026, 11, 30), D(2026, 12, 3)]
    assert steps[0].actor == "杨志荣" and "劳保所" in steps[1].holder
    # the clerk cannot decide the department head's step, nor complete the case past it
    before = Case.objects.values().get(pk=case.pk)
    with pytest.raises(Forbidden) as exc:
        act(services.case_advance, user_named, "yangzhirong", case=case, decision="approve")
    assert exc.value.code == "not_authorised_for_step"
    with pytest.raises(Conflict) as exc:
        act(services.case_complete, user_named, "yangzhirong", case=case, result="办好了")
    assert exc.value.code == "steps_pending"
    assert Case.objects.values().get(pk=case.pk) == before
    assert StepAction.objects.filter(case=case).count() == 1
    # the department head approves 审核, then 核定待遇: the last step completes the case
    case = act(
        services.case_advance, user_named, "caiwenkeng", case=case, decision="approve", note="符合条件"
    )
    assert (case.status, case.step_name) == ("accepted", "核定待遇")
    case = act(
        services.case_advance, user_named, "caiwenkeng", case=case, decision="approve", note="核定每月待遇"
    )
    assert case.status == "completed" and case.step is None and case.result == "核定每月待遇"
    assert case.notices.filter(kind="completion").exists()
    steps = selectors.case_steps(case)
    assert [s.status for s in steps] == ["done"] * 3 and [s.actor for s in steps][1:] == ["蔡文铿", "蔡文铿"]


def test_cas_9_a_step_returned_goes_back_with_its_reason(take, user_named):
    case = take()
    case = act(services.case_advance, user_named, "caiwenkeng", case=case, decision="approve")
    with pytest.raises(Exception) as exc:
        act(services.case_advance, user_named, "caiwenkeng", case=case, decision="return")
    assert exc.value.code == "reason_required"
    case = act(
        services.case_advance, user_named, "caiwenkeng", case=case, decision="return", note="缴费年限需复核"
    )
    assert case.step_name == "审核"
    assert case.events.filter(action="step_return", note__contains="缴费年限需复核").exists()
    # the director stands above the department head and may decide the step
    case = act(services.case_advance, user_named, "wangmanshu", case=case, decision="approve")
    assert case.step_name == "核定待遇"


def test_cas_9_the_current_step_turns_red_past_its_time_node(take):
    case = take()
    with clock.freeze("2026-11-30T10:00"):  # 审核's node is Monday 11-30 (5 working days)
        current = next(s for s in selectors.case_steps(case) if s.status == "current")
        assert current.colour == "yellow"
    with clock.freeze("2026-12-01T10:00"):
        current = next(s for s in selectors.case_steps(case) if s.status == "current")
        assert current.colour == "red"


def test_cas_5_a_clerks_extension_waits_for_the_department_head(take, user_named):
    case = take()
    case = act(
        services.case_extend, user_named, "yangzhirong", case=case, new_due=D(2026, 12, 14), reason="需核查"
    )
    assert case.due_date == D(2026, 12, 7) and case.extension_due == D(2026, 12, 14)
    assert not case.notices.filter(kind="extension").exists()
    with pytest.raises(Forbidden):
        act(services.case_decide_extension, user_named, "yangzhirong", case=case, approve=True)
    case = act(services.case_decide_extension, user_named, "caiwenkeng", case=case, approve=True)
    assert case.due_date == D(2026, 12, 14) and case.extension_due is None
    assert case.notices.filter(kind="extension").count() == 1


def test_cas_5_the_case_history_names_an_extension_request_and_its_refusal(take, user_named, client):
    """The history on the case page reads 申请延期 / 不同意延期, never the stored action code."""
    case = take()
    act(services.case_extend, user_named, "yangzhirong", case=case, new_due=D(2026, 12, 14), reason="需核查")
    act(services.case_decide_extension, user_named, "caiwenkeng", case=case, approve=False, note="材料已齐")
    client.force_login(user_named("yangzhirong"))
    with clock.freeze("2026-11-23T11:00"):
        html = client.get(f"/cases/{case.number}/").content.decode()
    assert "申请延期" in html and "不同意延期" in html
    assert "extend_request" not in html and "extend_declined" not in html


def test_cas_9_the_step_form_is_offered_only_to_whom_may_decide_the_step(take, user_named, client):
    """The clerk at the window sees the step waiting on the department head in the steps table but
    no 同意/退回 buttons that would only be refused; the department head has them."""
    case = take()
    pages = {}
    for who in ("yangzhirong", "caiwenkeng"):
        client.force_login(user_named(who))
        with clock.freeze("2026-11-23T11:00"):
            pages[who] = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="advance"' not in pages["yangzhirong"] and "挂起" in pages["yangzhirong"]
    assert 'data-testid="advance"' in pages["caiwenkeng"]


def test_cas_9_a_step_waiting_on_the_department_head_is_on_their_todo_list_without_a_window_post(
    take, user_named
):
    """The head approves from 我的待办 even on a day they hold no post at the case's window; a
    clerk's extension request reaches them the same way. One item per case."""
    from servicehall.core.todo import todo_for
    from servicehall.org.models import Post

    case = take()
    Post.objects.filter(staff__user__username="caiwenkeng").update(voided_at=clock.now())
    with clock.freeze("2026-11-23T10:00"):
        items = [i for i in todo_for(user_named("caiwenkeng")).items if i.ref == case.number]
    assert [i.kind for i in items] == ["case_approval"]
    act(services.case_advance, user_named, "caiwenkeng", case=case, decision="approve")
    act(services.case_advance, user_named, "caiwenkeng", case=case, decision="approve")
    with clock.freeze("2026-11-23T10:00"):
        assert not [i for i in todo_for(user_named("caiwenkeng")).items if i.ref == case.number]
        # another head's department sees nothing of it
        assert not [i for i in todo_for(user_named("yangzhirong")).items if i.kind == "case_approval"]


def test_cas_12_a_second_one_time_notice_naming_a_new_material_is_a_breach(take, user_named, kaiyuan):
    case = take(materials=["M01", "M02"])  # 社会保障卡 M03 and the form M04 missing
    assert case.status == "awaiting_materials"
    case = act(services.case_add_materials, user_named, "yangzhirong", case=case, materials=["M03"])
    assert selectors.one_time_breaches(case) == []
    # the identity card taken in at first is found unusable: a second trip for something not named
    case = act(
        services.case_notify_again,
        user_named,
        "yangzhirong",
        at="2026-11-24T10:00",
        case=case,
        materials=["M01"],
    )
    breaches = selectors.one_time_breaches(case)
    assert len(breaches) == 1 and breaches[0].handler == "杨志荣"
    assert breaches[0].materials == ["申请人居民身份证"]
    # the notice and the case page name the same missing materials
    missing = selectors.missing_materials(case)
    latest = case.notices.filter(kind="one_time").order_by("-issued_at", "-id").first()
    named = selectors._named(latest)
    assert named == [m.name for m in (*missing.required, *missing.conditional)]
    found = [
        f
        for f in facts.facts_for(
            [kaiyuan.pk], clock.parse_moment("2026-11-23T00:00"), clock.parse_moment("2026-11-30T00:00")
        )
        if f.kind == "one_time_breach"
    ]
    assert [(f.evidence.ref, f.staff_id) for f in found] == [(case.number, user_named("yangzhirong").pk)]


def test_case_overdue_fact_counts_working_days_against_the_handler(take, kaiyuan, user_named):
    case = take()  # due Monday 12-07
    start, end = clock.parse_moment("2026-12-01T00:00"), clock.parse_moment("2026-12-31T00:00")
    with clock.freeze("2026-12-07T12:00"):
        assert [f for f in facts.facts_for([kaiyuan.pk], start, end) if f.kind == "case_overdue"] == []
    with clock.freeze("2026-12-10T12:00"):  # Thursday: three working days past
        found = [f for f in facts.facts_for([kaiyuan.pk], start, end) if f.kind == "case_overdue"]
    assert [(f.evidence.ref, int(f.quantity), f.staff_id) for f in found] == [
        (case.number, 3, user_named("yangzhirong").pk)
    ]


def test_case_facts_are_a_fixed_number_of_queries(take, kaiyuan):
    start, end = clock.parse_moment("2026-11-01T00:00"), clock.parse_moment("2026-12-31T00:00")

    def count():
        with clock.freeze("2026-12-20T12:00"), CaptureQueriesContext(connection) as ctx:
            selectors.conduct_facts([kaiyuan.pk], start, end)
        return len(ctx)

    take()
    few = count()
    for _ in range(5):
        take(materials=["M01"])
        take()
    assert count() == few


def test_the_directors_case_list_searches_filters_masks_and_exports(take, api_as, user_named):
    stepped = take()
    other = take(item="KY-CL-001", user="chenjianwei")
    client = api_as("wangmanshu")
    body = client.get("/api/v1/centers/kaiyuan/cases").json()
    assert body["count"] == 2 and {r["number"] for r in body["results"]} == {stepped.number, other.number}
    row = next(r for r in body["results"] if r["number"] == stepped.number)
    assert row["step"] == "审核" and row["id_number"] != PERSON.id_number and "*" in row["id_number"]
    by_id = client.get("/api/v1/centers/kaiyuan/cases", {"q": PERSON.id_number}).json()
    assert by_id["count"] == 2
    by_number = client.get("/api/v1/centers/kaiyuan/cases", {"q": stepped.number}).json()
    assert [r["number"] for r in by_number["results"]] == [stepped.number]
    by_step = client.get("/api/v1/centers/kaiyuan/cases", {"step": "审核", "window": "4"}).json()
    assert [r["number"] for r in by_step["results"]] == [stepped.number]
    assert client.get("/api/v1/centers/kaiyuan/cases", {"parallel": "true"}).json()["count"] == 0
    bad = client.get("/api/v1/centers/kaiyuan/cases", {"colour": "purple"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_filter"
    later = api_as("wangmanshu", at="2026-12-10T10:00")
    red = later.get("/api/v1/centers/kaiyuan/cases", {"colour": "red"}, at="2026-12-10T10:00").json()
    assert {r["number"] for r in red["results"]} == {stepped.number, other.number}
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/centers/kaiyuan/cases.xlsx").content)).active
    assert sheet.max_row == 3 and PERSON.id_number not in str(list(sheet.values))
    assert api_as("yangzhirong").get("/api/v1/centers/kaiyuan/cases").status_code == 403


def test_the_case_list_export_is_a_fixed_number_of_queries(take, api_as):
    client = api_as("wangmanshu")
    take()

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/centers/kaiyuan/cases.xlsx").status_code == 200
        return len(ctx)

    few = count()
    for _ in range(4):
        take()
    assert count() == few


def test_cas_9_the_api_advances_shows_steps_and_urges(take, api_as):
    case = take()
    clerk, head, director = api_as("yangzhirong"), api_as("caiwenkeng"), api_as("wangmanshu")
    detail = clerk.get(f"/api/v1/cases/{case.number}").json()
    assert detail["current_step"]["name"] == "审核" and detail["current_step"]["role"] == "department_head"
    assert [s["status"] for s in detail["steps"]] == ["done", "current", "pending"]
    assert detail["participants"] is None and detail["authorised"] is False
    refused = clerk.post(
        f"/api/v1/cases/{case.number}/advance", {"decision": "approve"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_authorised_for_step"
    urged = director.post(
        f"/api/v1/cases/{case.number}/urge", {"note": "请加快审核"}, content_type="application/json"
    )
    assert urged.status_code == 201 and urged.json()["step"] == "审核"
    no_dept = director.post(
        f"/api/v1/cases/{case.number}/urge",
        {"note": "请加快", "department": "minzheng"},
        content_type="application/json",
    )
    assert no_dept.status_code == 400 and no_dept.json()["code"] == "not_a_participant"
    assert clerk.get(f"/api/v1/cases/{case.number}").json()["urges"] == 1
    ok = head.post(
        f"/api/v1/cases/{case.number}/advance",
        {"decision": "approve", "note": "同意"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"


def test_hooks_add_participants_and_take_urges_by_department(take, api_as):
    case = take()
    seen = []

    def details(c):
        return (
            {"participants": [{"department": "民政", "due_date": None, "opinion": None}]}
            if c.pk == case.pk
            else {}
        )

    def urge(*, actor, case, department, note):
        seen.append((department, note))
        return department == "minzheng"

    hooks.add(hooks.DETAIL_PROVIDERS, details)
    hooks.add(hooks.URGE_HANDLERS, urge)
    try:
        director = api_as("wangmanshu")
        body = director.get(f"/api/v1/cases/{case.number}").json()
        assert body["participants"][0]["department"] == "民政" and body["participants"][0]["deemed"] is False
        urged = director.post(
            f"/api/v1/cases/{case.number}/urge",
            {"note": "请回复", "department": "minzheng"},
            content_type="application/json",
        )
        assert urged.status_code == 201 and seen == [("minzheng", "请回复")]
    finally:
        hooks.DETAIL_PROVIDERS.remove(details)
        hooks.URGE_HANDLERS.remove(urge)


def test_cas_9_pages_show_the_steps_and_the_department_head_approves_from_the_case_page(
    take, login, user_named
):
    case = take(materials=["M01", "M02", "M03"])
    case = act(services.case_add_materials, user_named, "yangzhirong", case=case, materials=["M04"])
    client = login("yangzhirong")
    with clock.freeze("2026-11-24T10:00"):
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert 'data-testid="steps"' in page and 'data-testid="current-step"' in page and "审核" in page
        refused = client.post(f"/cases/{case.number}/advance/", {"decision": "approve"})
        assert refused.status_code == 403 and "审批权限" in refused.content.decode()
        client = login("caiwenkeng")
        client.post(f"/cases/{case.number}/advance/", {"decision": "approve", "note": "同意"})
        client.post(f"/cases/{case.number}/advance/", {"decision": "approve", "note": "核定"})
    assert Case.objects.get(pk=case.pk).status == "completed"
    director = login("wangmanshu")
    with clock.freeze("2026-11-24T10:00"):
        listing = director.get("/cases/center/kaiyuan/", {"q": case.number}).content.decode()
        assert case.number in listing and PERSON.id_number not in listing
        sheet = director.get("/cases/center/kaiyuan/", {"format": "xlsx"})
        assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_director_reaches_the_urge_of_a_red_case_from_the_center_wide_list(take, login):
    """Issue 14, director's tools: an urge action on any red case — the list links to it."""
    red, green = take(), take(at="2026-12-07T09:30")
    director = login("wangmanshu")
    with clock.freeze("2026-12-09T10:00"):
        listing = director.get("/cases/center/kaiyuan/").content.decode()
        page = director.get(f"/cases/{red.number}/").content.decode()
    assert listing.count('data-testid="urge-link"') == 1
    assert f'href="/cases/{red.number}/#urge"' in listing and f"/cases/{green.number}/#urge" not in listing
    assert 'id="urge"' in page


def test_cas_12_the_case_page_shows_a_breach_of_the_one_time_rule(take, login, user_named):
    case = take(materials=["M01", "M02"])
    case = act(services.case_notify_again, user_named, "yangzhirong", case=case, materials=["M01"])
    with clock.freeze("2026-11-23T10:00"):
        page = login("wangmanshu").get(f"/cases/{case.number}/").content.decode()
    assert 'data-testid="breaches"' in page and "申请人居民身份证" in page
