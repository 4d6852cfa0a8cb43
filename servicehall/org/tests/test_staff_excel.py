"""The staff list (人员名单) in Excel: export, import into an empty center, export again gives the
same content; a file with bad cells names every one (sheet, row, column) and saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import load_workbook

from servicehall.core import auth, clock
from servicehall.org import demo as kaiyuan_demo
from servicehall.org import demo_halls, services, staff_excel
from servicehall.org.models import Center, Department, Post, RoleAssignment, Staff, Window

TODAY = "2026-11-23T10:00"


def _cells(data: bytes) -> dict[str, list[tuple]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _empty_center(code="newhall") -> Center:
    parent = Center.objects.filter(code="county").first()
    return services.center_create(
        actor=None,
        code=code,
        name="新设便民服务中心",
        level=Center.Level.TOWN,
        preset="kaiyuan-2020",
        parent=parent,
    )


def test_org_7_staff_list_round_trip_export_import_export_gives_the_same_content(db):
    with clock.freeze(TODAY):
        with transaction.atomic():  # the demo halls, only to export one; rolled back below
            kaiyuan_demo.load()
            demo_halls.load()
            first = staff_excel.export(Center.objects.get(code="kaiyuan"))
            transaction.set_rollback(True)
        assert not Staff.objects.exists()
        center = _empty_center()
        result = staff_excel.import_file(actor=None, center=center, file=io.BytesIO(first))
        second = staff_excel.export(center)
    sheets = _cells(first)
    assert len(sheets[staff_excel.WINDOWS]) == 1 + 7 and len(sheets[staff_excel.POSTS]) == 1 + 14
    assert {"中心主任", "分管领导", "主要领导", "监督人员（纪工委/效能办）"} <= {
        role for row in sheets[staff_excel.PEOPLE][1:] for role in row[6].split("、")
    }
    assert result["staff"] == len(sheets[staff_excel.PEOPLE]) - 1 and result["posts"] == 14
    assert _cells(second) == sheets
    # the imported people hold their roles and posts in the new center
    assert RoleAssignment.objects.filter(center=center, user__username="wangmanshu", role="director").exists()
    assert Post.objects.filter(window__center=center, end__isnull=True).count() == 14


def _bad_file() -> bytes:
    """The template with three bad cells: a department's name left empty, a role and a post."""
    wb = load_workbook(io.BytesIO(staff_excel.template()))
    wb[staff_excel.DEPARTMENTS]["B2"] = None  # a department without a name
    wb[staff_excel.PEOPLE]["G2"] = "窗口工作人员、宇航员"  # no such role
    wb[staff_excel.POSTS]["B2"] = "C"  # neither A nor B
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_org_7_staff_list_with_three_bad_cells_names_all_three_and_saves_nothing(client, demo, bearer):
    center = _empty_center()
    services.role_grant(
        actor=None, user=Staff.objects.get(user__username="wangmanshu").user, center=center, role="director"
    )
    upload = SimpleUploadedFile("staff.xlsx", _bad_file(), content_type=staff_excel.__name__)
    with clock.freeze(TODAY):
        response = client.post(
            "/api/v1/centers/newhall/staff/import", {"file": upload}, headers=bearer("wangmanshu")
        )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "import_invalid"
    where = {(e["sheet"], e["row"], e["column"]) for e in body["errors"]}
    assert where == {("科室", 2, "B"), ("人员", 2, "G"), ("岗位", 2, "B")}, body["errors"]
    assert "「科室」表第 2 行 B 列" in body["message"] and "宇航员" in body["message"]
    assert not Department.objects.filter(center=center).exists()
    assert not Window.objects.filter(center=center).exists()
    assert not Staff.objects.filter(user__username="zhangsan").exists()


def test_org_7_staff_list_template_imports_and_new_accounts_change_their_password(client, demo, bearer):
    center = _empty_center()
    with clock.freeze(TODAY):
        template = client.get("/api/v1/centers/newhall/staff/template.xlsx", headers=bearer("admin"))
        assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
        upload = SimpleUploadedFile("staff.xlsx", template.content)
        response = client.post(
            "/api/v1/centers/newhall/staff/import", {"file": upload}, headers=bearer("admin")
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["departments"], body["windows"], body["staff"], body["posts"]) == (1, 1, 1, 1)
    [generated] = body["passwords"]
    assert generated["username"] == "zhangsan"
    user = Staff.objects.get(user__username="zhangsan", center=center).user
    assert user.check_password(generated["password"]) and auth.must_change_password(user)
    export = client.get("/api/v1/centers/newhall/staff.xlsx", headers=bearer("admin"))
    assert _cells(export.content)[staff_excel.PEOPLE][1][:2] == ("zhangsan", "张三")


def test_org_3_staff_list_refuses_one_person_in_two_a_posts(demo):
    wb = load_workbook(io.BytesIO(staff_excel.template()))
    wb[staff_excel.WINDOWS].append([2, "综合窗口", "综合窗口", "minzheng"])
    wb[staff_excel.POSTS].append([2, "A", "zhangsan", "2026-11-23"])
    out = io.BytesIO()
    wb.save(out)
    center = _empty_center()
    with clock.freeze(TODAY), pytest.raises(staff_excel.ImportRefused) as refused:
        staff_excel.import_file(actor=None, center=center, file=io.BytesIO(out.getvalue()))
    [error] = refused.value.errors
    assert (error.sheet, error.row, error.column_letter) == ("岗位", 3, "C")
    assert not Window.objects.filter(center=center).exists()


def test_staff_list_import_is_for_the_centers_configurers(client, demo, bearer):
    upload = SimpleUploadedFile("staff.xlsx", staff_excel.template())
    response = client.post(
        "/api/v1/centers/kaiyuan/staff/import", {"file": upload}, headers=bearer("chenshaoli")
    )
    assert response.status_code == 403
    assert client.get("/api/v1/centers/kaiyuan/staff.xlsx", headers=bearer("chenshaoli")).status_code == 403
    not_a_workbook = SimpleUploadedFile("staff.xlsx", b"hello")
    response = client.post(
        "/api/v1/centers/kaiyuan/staff/import", {"file": not_a_workbook}, headers=bearer("admin")
    )
    assert response.status_code == 400 and response.json()["code"] == "import_invalid"
