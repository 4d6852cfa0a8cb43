"""ORG-3: a person takes in cases and registers visits only in the name of a window they hold
(A or B post) or cover today; the center's leaders and department heads for any of its windows."""

import datetime as dt

import pytest

from servicehall.cases.models import Case, Notice, Visit
from servicehall.cases.tests.conftest import ALL_REQUIRED, MONDAY
from servicehall.core import clock
from servicehall.org.models import Post, Window
from servicehall.tickets import services as tickets

PERSON = {"name": "张三丰", "id_number": "11010519491231002X", "phone": "13812345678"}
CASE = {"center": "kaiyuan", "item": "KY-CL-001", "applicant": PERSON, "materials": ALL_REQUIRED}
VISIT = {"center": "kaiyuan", "channel": "visit", "category": "legal", "matter": "咨询", "outcome": "handled"}


def post(client, bearer, user, url, body):
    with clock.freeze(MONDAY):
        return client.post(url, body, content_type="application/json", headers=bearer(user))


@pytest.mark.parametrize(("url", "body"), [("/api/v1/cases", CASE), ("/api/v1/visits", VISIT)])
def test_org_3_a_clerk_cannot_act_in_another_windows_name_on_the_api(kaiyuan, client, bearer, url, body):
    # 陈少丽 holds the A post of window 1 (党政办); window 5 is 残联's.
    response = post(client, bearer, "chenshaoli", url, {**body, "window": 5})
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "not_window_holder" and "5号窗口" in response.json()["message"]
    assert not Case.objects.exists() and not Notice.objects.exists() and not Visit.objects.exists()


@pytest.mark.parametrize("user", ["chenjianwei", "huajingxian"])  # window 5's A and B posts
def test_org_3_the_windows_a_and_b_posts_act_in_its_name(kaiyuan, client, bearer, user):
    response = post(client, bearer, user, "/api/v1/cases", {**CASE, "window": 5})
    assert response.status_code == 201, response.content
    assert Case.objects.get().window.number == 5
    response = post(client, bearer, user, "/api/v1/visits", {**VISIT, "window": 5})
    assert response.status_code == 201 and response.json()["window"] == "5号窗口 残联"


def test_org_3_the_director_may_act_for_any_window_of_the_center(kaiyuan, client, bearer):
    response = post(client, bearer, "wangmanshu", "/api/v1/cases", {**CASE, "window": 5})
    assert response.status_code == 201, response.content
    assert Case.objects.get().window.number == 5 and Case.objects.get().officer.name == "王曼姝"


def test_org_3_the_intake_page_refuses_another_windows_name(kaiyuan, login):
    clerk = login("chenshaoli")
    form = {"item": "KY-CL-001", "name": "张三丰", "number": PERSON["id_number"], "phone": PERSON["phone"]}
    with clock.freeze(MONDAY):
        page = clerk.get("/cases/new/?center=kaiyuan&window=5")
        posted = clerk.post("/cases/new/?center=kaiyuan", {**form, "window": "5", "materials": ALL_REQUIRED})
        own = clerk.get("/cases/new/?center=kaiyuan&window=1")
    assert page.status_code == 403 and "5号窗口" in page.content.decode()
    assert posted.status_code == 403 and not Case.objects.exists()
    assert own.status_code == 200


def test_org_3_the_operator_covering_a_window_acts_in_its_name(kaiyuan, client, bearer, user_named):
    """Whoever operates the window in the queue now (opened it or covers it) acts for it."""
    window = Window.objects.get(center=kaiyuan, number=5)
    with clock.freeze(MONDAY):
        tickets.window_action(actor=user_named("huajingxian"), window=window, action="open")
    # The post ended (a posting change) while the window stayed open in her hands: the queue's
    # record of who operates the window is honoured until she closes it.
    Post.objects.filter(window=window, kind="B").update(end=dt.date(2026, 11, 22))
    response = post(client, bearer, "huajingxian", "/api/v1/cases", {**CASE, "window": 5})
    assert response.status_code == 201, response.content
