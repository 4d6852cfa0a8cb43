"""The staff pages: list, create and edit with the policy checks, history, export and import."""

import io

import pytest

from servicehall.catalog import excel, selectors
from servicehall.catalog.models import Item, ItemVersion


def form_data(**changes) -> dict:
    data = {
        "code": "T-200",
        "name": "残疾人证补办",
        "department": "canlian",
        "kind": "committed",
        "statutory_days": "20",
        "committed_days": "10",
        "windows": ["5"],
        "authorisation_document": "",
        "fee_amount": "",
        "fee_basis": "",
        "fee_approval_document": "",
        "legal_basis": "《中华人民共和国残疾人证管理办法》",
        "conditions": "残疾人证遗失的持证人",
        "quantity_limits": "",
        "contact": "",
        "reason": "",
        "materials-TOTAL_FORMS": "3",
        "materials-INITIAL_FORMS": "0",
        "materials-0-name": "补办申请表",
        "materials-0-form": "original",
        "materials-0-copies": "1",
        "materials-0-required": "on",
        "materials-1-name": "户口簿",
        "materials-1-form": "original_and_copy",
        "materials-1-copies": "1",
        "materials-1-required": "on",
        "materials-2-form": "original",
        "materials-2-copies": "1",
        "materials-2-required": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-0-name": "受理",
        "steps-0-days": "0",
        "steps-1-name": "审核",
        "steps-1-days": "5",
        "participants-TOTAL_FORMS": "1",
        "participants-INITIAL_FORMS": "0",
        "participants-0-department": "",
        "participants-0-days": "",
    }
    return data | changes


def test_cat_1_the_director_creates_an_item_on_the_staff_page(login, demo):
    client = login("wangmanshu")
    assert "新设事项" in client.get("/catalog/kaiyuan/new/").content.decode()
    response = client.post("/catalog/kaiyuan/new/", form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    version = selectors.guide(demo, "T-200")
    assert [m.name for m in version.materials.all()] == ["补办申请表", "户口簿"]  # the blank row is not saved
    assert [s.days for s in version.steps.all()] == [0, 5]
    assert [w.number for w in version.windows.all()] == [5]


def test_cat_3_the_page_refuses_a_too_long_committed_limit(login, demo):
    response = login("wangmanshu").post("/catalog/kaiyuan/new/", form_data(committed_days="15"))
    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-code="committed_limit_too_long"' in page and "提速至少 50%" in page
    assert 'data-field="committed_days"' in page
    assert not Item.objects.exists()


def test_material_problems_show_on_their_row(login, demo):
    data = form_data(**{"materials-1-required": "", "materials-1-condition": ""})
    page = login("wangmanshu").post("/catalog/kaiyuan/new/", data).content.decode()
    assert "视情形提交的材料须写明适用情形" in page
    assert not Item.objects.exists()


def test_cat_5_editing_makes_a_version_shown_in_the_history(login, demo):
    client = login("wangmanshu")
    client.post("/catalog/kaiyuan/new/", form_data())
    edit = client.get("/catalog/kaiyuan/items/T-200/")
    assert edit.status_code == 200 and "现行第 1 版" in edit.content.decode()
    data = form_data(
        committed_days="8",
        reason="街道通知提速",
        **{
            "materials-INITIAL_FORMS": "2",
            "materials-0-code": "M01",
            "materials-1-code": "M02",
            "materials-2-name": "近期照片",
        },
    )
    response = client.post("/catalog/kaiyuan/items/T-200/", data)
    assert response.status_code == 302
    version = selectors.guide(demo, "T-200")
    assert (version.number, version.committed_days) == (2, 8)
    assert [m.code for m in version.materials.all()] == ["M01", "M02", "M03"]
    page = client.get("/catalog/kaiyuan/items/T-200/history/").content.decode()
    assert "街道通知提速" in page and "承诺时限（工作日）" in page and "新增材料：M03" in page
    old = client.get("/catalog/kaiyuan/items/T-200/history/1/").content.decode()
    assert "已被第 2 版取代" in old and "10 个工作日" in old


def test_an_edit_without_a_reason_is_refused(login, demo):
    client = login("wangmanshu")
    client.post("/catalog/kaiyuan/new/", form_data())
    data = form_data(committed_days="8", **{"materials-INITIAL_FORMS": "2"})
    response = client.post("/catalog/kaiyuan/items/T-200/", data)
    assert response.status_code == 400 and ItemVersion.objects.count() == 1


def test_a_department_head_edits_only_their_departments_items(login, catalog):
    client = login("caiwenkeng")  # 劳保所所长
    assert client.get("/catalog/kaiyuan/items/KY-LB-001/").status_code == 200
    assert client.get("/catalog/kaiyuan/items/KY-CL-001/").status_code == 403
    page = client.get("/catalog/kaiyuan/new/").content.decode()
    department_choices = page.split('name="department"')[1].split("</select>")[0]
    assert "街道劳保所" in department_choices and "街道残联" not in department_choices


def test_window_staff_read_the_catalog_but_cannot_change_it(login, catalog):
    client = login("chenjianwei")
    page = client.get("/catalog/kaiyuan/").content.decode()
    assert "残疾人证新办" in page and "/catalog/kaiyuan/new/" not in page
    assert client.get("/catalog/kaiyuan/new/").status_code == 403
    assert client.post("/catalog/kaiyuan/items/KY-CL-001/", form_data()).status_code == 403
    assert client.get("/catalog/kaiyuan/import/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/kaiyuan/",
        "/catalog/kaiyuan/new/",
        "/catalog/kaiyuan/export.xlsx",
        "/catalog/kaiyuan/import/",
        "/catalog/kaiyuan/items/KY-CL-001/",
        "/catalog/kaiyuan/items/KY-CL-001/history/",
        "/catalog/kaiyuan/items/KY-CL-001/history/1/",
    ],
)
def test_staff_pages_need_a_login_and_a_role_in_the_center(client, login, catalog, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("outsider", password="Demo@2026"))
    assert client.get(url).status_code == 403


def test_unknown_item_center_and_version_are_404(login, catalog):
    client = login("wangmanshu")
    assert client.get("/catalog/atlantis/").status_code == 404
    assert client.get("/catalog/kaiyuan/items/NOPE/").status_code == 404
    assert client.get("/catalog/kaiyuan/items/KY-CL-001/history/9/").status_code == 404


def test_export_and_import_through_the_pages(login, catalog):
    client = login("wangmanshu")
    response = client.get("/catalog/kaiyuan/export.xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    upload = io.BytesIO(response.content)
    upload.name = "catalog.xlsx"
    page = client.post("/catalog/kaiyuan/import/", {"file": upload, "reason": "核对"}).content.decode()
    assert "导入完成：新设 0 项，修改 0 项，未变 25 项" in page


def test_an_import_with_errors_lists_them_on_the_page(login, catalog):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(excel.export(catalog)))
    wb["事项"]["D3"] = "急件"
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "bad.xlsx"
    response = login("wangmanshu").post("/catalog/kaiyuan/import/", {"file": upload, "reason": "核对"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "发现 1 处错误，未保存任何内容" in page and "「事项」表第 3 行 D 列" in page


def test_an_import_needs_a_file_and_a_reason(login, catalog):
    client = login("wangmanshu")
    assert (
        "请选择要导入的 Excel 文件"
        in client.post("/catalog/kaiyuan/import/", {"reason": "x"}).content.decode()
    )
    upload = io.BytesIO(b"x")
    upload.name = "x.xlsx"
    assert "请填写导入原因" in client.post("/catalog/kaiyuan/import/", {"file": upload}).content.decode()


def test_the_director_withdraws_an_item_from_the_edit_page(login, catalog):
    client = login("wangmanshu")
    assert 'data-testid="void"' in client.get("/catalog/kaiyuan/items/KY-CG-003/").content.decode()
    assert client.post("/catalog/kaiyuan/items/KY-CG-003/void/", {"reason": ""}).status_code == 302
    assert selectors.items_of(catalog).filter(code="KY-CG-003").exists()  # no reason: refused
    response = client.post("/catalog/kaiyuan/items/KY-CG-003/void/", {"reason": "职能调整"})
    assert response.status_code == 302 and response.url == "/catalog/kaiyuan/"
    assert not selectors.items_of(catalog).filter(code="KY-CG-003").exists()
    assert (
        login("chenjianwei").post("/catalog/kaiyuan/items/KY-CG-002/void/", {"reason": "x"}).status_code
        == 403
    )
