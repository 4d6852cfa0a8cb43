"""Onboarding without the admin site (ORG-1 … ORG-7): a center from a preset, its departments,
windows, lines, staff and posts through the API; every refusal saves nothing."""

import datetime as dt

import pytest

from servicehall.core import auth, clock
from servicehall.org.models import Center, Department, Post, PostingApproval, RoleAssignment, Staff, Window
from servicehall.org.presets import preset_values

TODAY = "2026-11-23T10:00"
PASSWORD = "Town#Hall2026"


@pytest.fixture
def api(client, demo, bearer):
    """JSON calls as the county's system administrator (``admin``)."""
    headers = bearer("admin")

    def call(method, url, body=None, who=None):
        with clock.freeze(TODAY):
            return getattr(client, method)(
                url, body, content_type="application/json", headers=bearer(who) if who else headers
            )

    return call


def _town(api, code="heping"):
    response = api(
        "post",
        "/api/v1/centers",
        {"code": code, "name": "和平镇便民服务中心", "parent": "county", "preset": "shexi-2022"},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_org_1_administrator_creates_a_town_center_from_a_preset(api):
    body = _town(api)
    assert body["code"] == "heping" and body["parent"] == "county" and body["level"] == "town"
    assert body["preset"] == "shexi-2022"
    values = preset_values("shexi-2022")
    assert body["policy"]["complaint_answer_days"] == values["complaint_answer_days"]
    assert body["policy"]["winter_am_start"] == values["winter_am_start"]
    assert api("get", "/api/v1/centers/heping/policy").json() == body["policy"]


def test_org_1_duplicate_code_and_unknown_preset_save_nothing(api):
    _town(api)
    centers = Center.objects.count()
    again = api(
        "post",
        "/api/v1/centers",
        {"code": "heping", "name": "又一个", "parent": "county", "preset": "shexi-2022"},
    )
    assert again.status_code == 409 and again.json()["code"] == "duplicate_code"
    unknown = api(
        "post",
        "/api/v1/centers",
        {"code": "xinhe", "name": "新河镇", "parent": "county", "preset": "atlantis"},
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_preset"
    assert Center.objects.count() == centers


def test_org_1_only_an_administrator_of_the_parent_creates_a_center(api):
    body = {"code": "xinhe", "name": "新河镇", "parent": "county", "preset": "shexi-2022"}
    response = api("post", "/api/v1/centers", body, who="wangmanshu")  # Kaiyuan's director, below county
    assert response.status_code == 403
    department = api(
        "post", "/api/v1/centers/kaiyuan/departments", {"code": "x", "name": "x"}, who="chenshaoli"
    )
    assert department.status_code in (400, 403)
    response = api(
        "post", "/api/v1/centers/kaiyuan/departments", {"code": "xinke", "name": "新科"}, who="chenshaoli"
    )
    assert response.status_code == 403 and not Department.objects.filter(code="xinke").exists()


def test_org_2_departments_windows_and_lines(api):
    _town(api)
    assert (
        api("post", "/api/v1/centers/heping/departments", {"code": "minzheng", "name": "民政所"}).status_code
        == 201
    )
    dup = api("post", "/api/v1/centers/heping/departments", {"code": "minzheng", "name": "民政所"})
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_code"
    unknown = api(
        "post", "/api/v1/centers/heping/windows", {"number": 1, "name": "民政", "departments": ["nope"]}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_department"
    window = api(
        "post",
        "/api/v1/centers/heping/windows",
        {"number": 1, "name": "民政所", "kind": "comprehensive", "departments": ["minzheng"]},
    )
    assert window.status_code == 201 and window.json()["kind"] == "comprehensive"
    window_id = window.json()["id"]
    other = Window.objects.filter(center__code="kaiyuan").first().pk
    refused = api(
        "post", "/api/v1/centers/heping/lines", {"prefix": "M", "name": "民政", "windows": [window_id, other]}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "window_of_other_center"
    from servicehall.tickets.models import Line

    assert not Line.objects.filter(center__code="heping").exists()
    line = api(
        "post",
        "/api/v1/centers/heping/lines",
        {"prefix": "M", "name": "民政", "windows": [window_id], "departments": ["minzheng"]},
    )
    assert line.status_code == 201 and line.json() == {
        "prefix": "M",
        "name": "民政",
        "windows": [window_id],
        "departments": ["minzheng"],
    }
    detail = api("get", "/api/v1/centers/heping").json()
    assert [w["number"] for w in detail["windows"]] == [1]
    assert detail["windows"][0]["departments"] == [{"code": "minzheng", "name": "民政所"}]


def _staff(api, username, name, roles=("window_staff",), password=PASSWORD, center="heping"):
    return api(
        "post",
        f"/api/v1/centers/{center}/staff",
        {
            "username": username,
            "name": name,
            "password": password,
            "department": "minzheng",
            "roles": list(roles),
        },
    )


def _setup(api):
    _town(api)
    api("post", "/api/v1/centers/heping/departments", {"code": "minzheng", "name": "民政所"})
    one = api(
        "post", "/api/v1/centers/heping/windows", {"number": 1, "name": "民政所", "departments": ["minzheng"]}
    ).json()
    two = api(
        "post", "/api/v1/centers/heping/windows", {"number": 2, "name": "综合窗口", "kind": "comprehensive"}
    ).json()
    return one["id"], two["id"]


def test_org_7_staff_with_roles_must_change_the_initial_password(api):
    _setup(api)
    weak = _staff(api, "lixiao", "李晓", password="12345678")
    assert weak.status_code == 400 and weak.json()["code"] == "weak_password"
    assert not Staff.objects.filter(user__username="lixiao").exists()
    response = _staff(api, "lixiao", "李晓", roles=["window_staff", "duty_officer"])
    assert response.status_code == 201, response.content
    assert response.json()["must_change_password"] is True
    assert auth.must_change_password(Staff.objects.get(user__username="lixiao").user)
    dup = _staff(api, "lixiao", "李晓二")
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate_username"
    detail = api("get", "/api/v1/centers/heping").json()
    assert {
        "username": "lixiao",
        "name": "李晓",
        "title": "",
        "department": "minzheng",
        "roles": ["duty_officer", "window_staff"],
    } in detail["staff"]


def test_org_7_a_director_creates_staff_but_only_the_administrator_grants_roles(api):
    response = _staff(api, "zhoumin", "周敏", roles=["window_staff"], center="kaiyuan")
    assert response.status_code == 400  # kaiyuan has no department minzheng
    body = {"username": "zhoumin", "name": "周敏", "password": PASSWORD, "roles": ["window_staff"]}
    refused = api("post", "/api/v1/centers/kaiyuan/staff", body, who="wangmanshu")
    assert refused.status_code == 403 and not Staff.objects.filter(user__username="zhoumin").exists()
    body["roles"] = []
    assert api("post", "/api/v1/centers/kaiyuan/staff", body, who="wangmanshu").status_code == 201


def test_org_3_a_and_b_posts_show_in_the_detail_and_two_a_posts_a_day_are_refused(api):
    one, two = _setup(api)
    _staff(api, "lixiao", "李晓")
    _staff(api, "wangfang", "王芳")
    a = api("post", f"/api/v1/windows/{one}/posts", {"staff": "lixiao", "post": "A", "from": "2026-11-23"})
    assert a.status_code == 201, a.content
    assert a.json()["from"] == "2026-11-23"
    assert (
        api(
            "post", f"/api/v1/windows/{one}/posts", {"staff": "wangfang", "post": "B", "from": "2026-11-23"}
        ).status_code
        == 201
    )
    posts = Post.objects.count()
    second_a = api(
        "post", f"/api/v1/windows/{two}/posts", {"staff": "lixiao", "post": "A", "from": "2026-12-01"}
    )
    assert second_a.status_code == 409 and second_a.json()["code"] == "two_a_posts"
    assert Post.objects.count() == posts
    other = Window.objects.filter(center__code="kaiyuan").first().pk
    foreign = api(
        "post", f"/api/v1/windows/{other}/posts", {"staff": "lixiao", "post": "A", "from": "2026-11-23"}
    )
    assert foreign.status_code == 400 and foreign.json()["code"] == "staff_of_other_center"
    window = api("get", "/api/v1/centers/heping").json()["windows"][0]
    assert window["a"]["username"] == "lixiao" and window["b"]["username"] == "wangfang"


def test_org_5_a_change_within_two_years_needs_the_centers_approval(api):
    one, _two = _setup(api)
    _staff(api, "lixiao", "李晓")
    _staff(api, "wangfang", "王芳")
    _staff(api, "zhaolei", "赵磊", roles=["director"])
    api("post", f"/api/v1/windows/{one}/posts", {"staff": "lixiao", "post": "A", "from": "2026-11-23"})
    change = {"staff": "wangfang", "post": "A", "from": "2026-12-01"}
    refused = api("post", f"/api/v1/windows/{one}/posts", change)
    assert refused.status_code == 400 and refused.json()["code"] == "posting_change_needs_approval"
    not_leader = {
        **change,
        "approval": {"approved_by": "lixiao", "approved_on": "2026-11-23", "reason": "工作调整"},
    }
    assert api("post", f"/api/v1/windows/{one}/posts", not_leader).json()["code"] == "approver_not_leader"
    assert not PostingApproval.objects.exists()
    approved = {
        **change,
        "approval": {"approved_by": "zhaolei", "approved_on": "2026-11-23", "reason": "工作调整"},
    }
    response = api("post", f"/api/v1/windows/{one}/posts", approved)
    assert response.status_code == 201 and response.json()["approval"]
    ended = Post.objects.get(staff__user__username="lixiao")
    assert ended.end == dt.date(2026, 11, 30) and ended.approval_id == response.json()["approval"]


def test_org_1_policy_edit_and_its_refusals(api):
    _town(api)
    response = api(
        "put", "/api/v1/centers/heping/policy", {"brief_absence_minutes": 12, "summer_pm_start": "14:30"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["brief_absence_minutes"] == 12 and response.json()["summer_pm_start"] == "14:30"
    bad = api("put", "/api/v1/centers/heping/policy", {"winter_am_end": "15:00"})
    assert bad.status_code == 400 and bad.json()["code"] == "hours_out_of_order"
    day = api("put", "/api/v1/centers/heping/policy", {"summer_from": "02-30"})
    assert day.status_code == 400 and day.json()["code"] == "invalid_month_day"
    reset = api("put", "/api/v1/centers/heping/policy", {"preset": "kaiyuan-2020"})
    assert reset.json()["preset"] == "kaiyuan-2020" and reset.json()["brief_absence_minutes"] == 10
    clerk = api("put", "/api/v1/centers/kaiyuan/policy", {"brief_absence_minutes": 30}, who="chenshaoli")
    assert clerk.status_code == 403


def test_org_7_center_detail_lists_staff_with_roles_and_the_preset(api):
    body = api("get", "/api/v1/centers/kaiyuan", who="wangmanshu").json()
    assert body["preset"] == "kaiyuan-2020"
    staff = {s["username"]: s for s in body["staff"]}
    assert "director" in staff["wangmanshu"]["roles"]
    assert staff["chenshaoli"]["roles"] and all(w["a"]["username"] for w in body["windows"])
    assert RoleAssignment.objects.filter(center__code="kaiyuan", user__username="chenshaoli").exists()
