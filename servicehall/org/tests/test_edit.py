"""Editing what onboarding created (ORG-1, ORG-2, ORG-7): a center's own facts, a department's
name, a window's name, kind and departments, a person's name, department, roles and whether they
are active. Each edit is audited with before and after; each refusal saves nothing."""

import pytest

from servicehall.core import clock
from servicehall.core.models import AuditEvent
from servicehall.org.models import Center, Department, Post, RoleAssignment, Staff, Window

TODAY = "2026-11-23T10:00"


@pytest.fixture
def api(client, demo, bearer):
    """JSON calls as the county's system administrator (``admin``), or as ``who``."""
    headers = bearer("admin")

    def call(method, url, body=None, who=None):
        with clock.freeze(TODAY):
            return getattr(client, method)(
                url, body, content_type="application/json", headers=bearer(who) if who else headers
            )

    return call


def _other_center(api):
    """A town beside Kaiyuan, with a department and a window of its own."""
    body = {"code": "heping", "name": "和平镇便民服务中心", "parent": "county", "preset": "shexi-2022"}
    assert api("post", "/api/v1/centers", body).status_code == 201
    department = {"code": "other-dept", "name": "和平镇民政办"}
    assert api("post", "/api/v1/centers/heping/departments", department).status_code == 201
    window = api("post", "/api/v1/centers/heping/windows", {"number": 1, "name": "1号窗口"})
    assert window.status_code == 201
    return Department.objects.get(center__code="heping"), Window.objects.get(pk=window.json()["id"])


def test_org_center_edit_changes_its_facts_and_is_audited(api):
    response = api("put", "/api/v1/centers/kaiyuan", {"name": "开元街道政务服务中心", "phone": "0571-1234"})
    assert response.status_code == 200, response.content
    center = Center.objects.get(code="kaiyuan")
    assert center.name == "开元街道政务服务中心" and center.phone == "0571-1234"
    assert response.json()["name"] == "开元街道政务服务中心"
    event = AuditEvent.objects.filter(action="center.update").latest("seq")
    assert set(event.after) == {"name", "phone"} and event.after["name"] == "开元街道政务服务中心"
    assert set(event.before) == {"name", "phone"}


def test_org_center_edit_refusals_save_nothing(api):
    center = Center.objects.get(code="kaiyuan")
    director = api("put", "/api/v1/centers/kaiyuan", {"name": "改名"}, who="wangmanshu")
    assert director.status_code == 403
    bad_url = api("put", "/api/v1/centers/kaiyuan", {"name": "改名", "public_url": "not a url"})
    assert bad_url.status_code == 400 and bad_url.json()["code"] == "invalid_field"
    after = Center.objects.get(pk=center.pk)
    assert (after.name, after.public_url) == (center.name, center.public_url)
    assert not AuditEvent.objects.filter(action="center.update").exists()


def test_org_department_edit_renames_and_is_audited(api):
    department = Department.objects.filter(center__code="kaiyuan").order_by("code").first()
    url = f"/api/v1/centers/kaiyuan/departments/{department.code}"
    response = api("put", url, {"name": "新名称科"}, who="wangmanshu")
    assert response.status_code == 200, response.content
    assert response.json() == {"code": department.code, "name": "新名称科"}
    event = AuditEvent.objects.filter(action="department.update").latest("seq")
    assert event.before == {"name": department.name} and event.after == {"name": "新名称科"}


def test_org_department_edit_refusals_save_nothing(api):
    department = Department.objects.filter(center__code="kaiyuan").order_by("code").first()
    missing = api("put", "/api/v1/centers/kaiyuan/departments/nope-nope", {"name": "新名称科"})
    assert missing.status_code == 404 and missing.json()["code"] == "department_not_found"
    blank = api("put", f"/api/v1/centers/kaiyuan/departments/{department.code}", {"name": "  "})
    assert blank.status_code in (400, 422)
    other, _ = _other_center(api)
    outsider = api(
        "put",
        f"/api/v1/centers/{other.center.code}/departments/{other.code}",
        {"name": "x"},
        who="wangmanshu",
    )
    assert outsider.status_code == 403
    assert Department.objects.get(pk=department.pk).name == department.name
    assert Department.objects.get(pk=other.pk).name == other.name
    assert not AuditEvent.objects.filter(action="department.update").exists()


def test_org_window_edit_changes_name_kind_departments_and_is_audited(api):
    window = Window.objects.filter(center__code="kaiyuan").order_by("number").first()
    departments = list(Department.objects.filter(center__code="kaiyuan").order_by("code")[:2])
    body = {"name": "综合受理窗口", "kind": "comprehensive", "departments": [d.code for d in departments]}
    response = api("put", f"/api/v1/windows/{window.pk}", body, who="wangmanshu")
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "comprehensive"
    assert [d["code"] for d in response.json()["departments"]] == [d.code for d in departments]
    window.refresh_from_db()
    assert window.name == "综合受理窗口" and set(window.departments.all()) == set(departments)
    event = AuditEvent.objects.filter(action="window.update").latest("seq")
    assert event.after["name"] == "综合受理窗口" and event.after["departments"] == sorted(
        d.pk for d in departments
    )


def test_org_window_edit_refusals_save_nothing(api):
    window = Window.objects.filter(center__code="kaiyuan").order_by("number").first()
    served = set(window.departments.all())
    other, outside = _other_center(api)
    foreign = api("put", f"/api/v1/windows/{window.pk}", {"name": "改", "departments": [other.code]})
    assert foreign.status_code == 400 and foreign.json()["code"] == "unknown_department"
    missing = api("put", "/api/v1/windows/999999", {"name": "改"})
    assert missing.status_code == 404 and missing.json()["code"] == "window_not_found"
    refused = api("put", f"/api/v1/windows/{outside.pk}", {"name": "改"}, who="wangmanshu")
    assert refused.status_code == 403
    window.refresh_from_db()
    assert window.name != "改" and set(window.departments.all()) == served
    assert not AuditEvent.objects.filter(action="window.update").exists()


def _unposted(api):
    """A new person of Kaiyuan, with no role, department or post."""
    body = {"username": "xinren", "name": "新人", "password": "Town#Hall2026"}
    assert api("post", "/api/v1/centers/kaiyuan/staff", body).status_code == 201
    return Staff.objects.select_related("user").get(user__username="xinren")


def test_org_staff_edit_changes_name_department_roles_active_and_is_audited(api):
    staff = _unposted(api)
    department = Department.objects.filter(center__code="kaiyuan").order_by("code").last()
    url = f"/api/v1/centers/kaiyuan/staff/{staff.user.username}"
    roles = ["complaint_officer", "archivist"]
    body = {"name": "李新名", "department": department.code, "roles": roles, "active": False}
    response = api("put", url, body)
    assert response.status_code == 200, response.content
    staff.refresh_from_db()
    staff.user.refresh_from_db()
    assert staff.name == "李新名" and staff.user.first_name == "李新名"
    assert staff.department == department and staff.active is False
    held = set(RoleAssignment.objects.filter(user=staff.user).values_list("role", flat=True))
    assert held == set(body["roles"]) and response.json()["roles"] == sorted(body["roles"])
    event = AuditEvent.objects.filter(action="staff.update").latest("seq")
    assert event.after["name"] == "李新名" and event.after["roles"] == sorted(body["roles"])
    assert event.before["roles"] == []
    cleared = api("put", url, {"roles": [], "department": None})
    assert cleared.status_code == 200, cleared.content
    assert not RoleAssignment.objects.filter(user=staff.user).exists()
    assert Staff.objects.get(pk=staff.pk).department is None
    assert AuditEvent.objects.filter(action="role.revoke").exists()


def test_org_staff_edit_refusals_save_nothing(api):
    staff = _unposted(api)
    url = f"/api/v1/centers/kaiyuan/staff/{staff.user.username}"
    by_director = api("put", url, {"name": "改名", "roles": ["archivist"]}, who="wangmanshu")
    assert by_director.status_code == 403
    unknown = api("put", url, {"name": "改名", "department": "nope-nope"})
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_department"
    auditor = api("put", url, {"name": "改名", "roles": ["auditor"]})
    assert auditor.status_code in (400, 422)
    missing = api("put", "/api/v1/centers/kaiyuan/staff/nobody-here", {"name": "改名"})
    assert missing.status_code == 404 and missing.json()["code"] == "staff_not_found"
    post = Post.objects.filter(
        window__center__code="kaiyuan", end__isnull=True, voided_at__isnull=True
    ).first()
    posted = api(
        "put", f"/api/v1/centers/kaiyuan/staff/{post.staff.user.username}", {"name": "改名", "active": False}
    )
    assert posted.status_code == 409 and posted.json()["code"] == "staff_holds_post"
    assert Staff.objects.get(pk=post.staff.pk).active and Staff.objects.get(pk=post.staff.pk).name != "改名"
    assert Staff.objects.get(pk=staff.pk).name == staff.name
    assert not RoleAssignment.objects.filter(user=staff.user).exists()
    assert not AuditEvent.objects.filter(action="staff.update").exists()
