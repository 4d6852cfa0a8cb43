"""The center setup pages: a new center from a preset, and the staff list imported from a page."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from servicehall.core import clock
from servicehall.org import staff_excel
from servicehall.org.models import Center, Department, Staff

TODAY = "2026-11-23T10:00"


def test_org_1_setup_pages_create_a_center_and_import_its_staff_list(client, demo):
    client.login(username="admin", password="Demo@2026")
    with clock.freeze(TODAY):
        response = client.post(
            "/setup/centers/new/",
            {"parent": "county", "code": "heping", "name": "和平镇便民服务中心", "preset": "shexi-2022"},
        )
        assert response.status_code == 302 and response["Location"] == "/setup/centers/heping/"
        center = Center.objects.get(code="heping")
        assert center.policy.preset == "shexi-2022" and center.level == "town"
        upload = SimpleUploadedFile("staff.xlsx", staff_excel.template())
        page = client.post("/setup/centers/heping/", {"action": "import", "file": upload}).content.decode()
    assert 'data-testid="initial-passwords"' in page and "zhangsan" in page
    assert Staff.objects.filter(center=center, user__username="zhangsan").exists()


def test_org_7_setup_page_lists_every_bad_cell_of_a_staff_list_and_saves_nothing(client, demo):
    client.login(username="admin", password="Demo@2026")
    wb = load_workbook(io.BytesIO(staff_excel.template()))
    wb[staff_excel.WINDOWS]["C2"] = "柜台"
    out = io.BytesIO()
    wb.save(out)
    with clock.freeze(TODAY):
        upload = SimpleUploadedFile("staff.xlsx", out.getvalue())
        page = client.post("/setup/centers/kaiyuan/", {"action": "import", "file": upload}).content.decode()
    assert "「窗口」表第 2 行 C 列" in page
    assert not Department.objects.filter(center__code="kaiyuan", code="minzheng").exists()


def test_org_1_only_system_administrators_create_centers_from_a_page(client, demo):
    client.login(username="chenshaoli", password="Demo@2026")
    assert client.get("/setup/centers/new/").status_code == 403
    assert client.get("/setup/centers/kaiyuan/").status_code == 403


def test_org_7_a_refused_setup_form_keeps_what_was_typed(client, demo):
    client.login(username="admin", password="Demo@2026")
    with clock.freeze(TODAY):
        response = client.post(
            "/setup/centers/kaiyuan/",
            {
                "action": "staff",
                "username": "qianba",
                "name": "钱八",
                "password": "weak",
                "department": "dangzheng",
                "title": "科员",
                "roles": ["window_staff", "duty_officer"],
            },
        )
        page = response.content.decode()
        assert response.status_code == 200 and not Staff.objects.filter(user__username="qianba").exists()
        assert 'value="qianba"' in page and 'value="钱八"' in page and 'value="科员"' in page
        assert (
            'value="dangzheng" selected' in page
            and 'value="window_staff" checked' in page
            and 'value="duty_officer" checked' in page
        )
        assert 'value="weak"' not in page
        page = client.post(
            "/setup/centers/kaiyuan/",
            {"action": "window", "number": "1", "name": "重复窗口", "kind": "comprehensive"},
        ).content.decode()
    assert 'value="重复窗口"' in page and 'value="comprehensive" selected' in page


def test_sec_1_a_short_initial_password_is_refused_in_the_pages_language(client, demo):
    client.login(username="admin", password="Demo@2026")
    staff = {"action": "staff", "username": "qianba", "name": "钱八", "password": "Ab1!"}
    page = client.post("/setup/centers/kaiyuan/", staff).content.decode()
    assert "密码太短，至少须有 8 个字符。" in page and "too short" not in page
    english = client.post("/setup/centers/kaiyuan/", staff, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "too short" in english


def test_org_7_a_refusal_on_the_setup_page_is_shown_as_an_error(client, demo):
    client.login(username="admin", password="Demo@2026")
    page = client.post(
        "/setup/centers/kaiyuan/", {"action": "window", "number": "1", "name": "重复窗口"}, follow=True
    ).content.decode()
    assert '<div class="alert alert-danger" role="alert">本中心已有 1 号窗口。</div>' in page
    page = client.post(
        "/setup/centers/kaiyuan/", {"action": "department", "code": "xinban", "name": "新办"}, follow=True
    ).content.decode()
    assert '<div class="alert alert-success" role="alert">' in page


def test_org_2_the_setup_page_leads_an_administrator_to_the_centers_policy_settings(client, demo):
    client.login(username="admin", password="Demo@2026")
    page = client.get("/setup/centers/kaiyuan/").content.decode()
    policy = Center.objects.get(code="kaiyuan").policy
    url = f"/admin/org/policy/{policy.pk}/change/"
    assert f'href="{url}"' in page
    assert client.get(url).status_code == 200
    client.login(username="wangmanshu", password="Demo@2026")
    assert "/admin/org/policy/" not in client.get("/setup/centers/kaiyuan/").content.decode()
