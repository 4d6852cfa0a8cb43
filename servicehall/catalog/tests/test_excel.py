"""Excel export and import: the same catalog back, every bad cell reported, nothing half-saved."""

import io

import pytest
from openpyxl import load_workbook

from servicehall.catalog import excel, selectors
from servicehall.catalog.models import Item, ItemVersion
from servicehall.core.errors import Forbidden
from servicehall.core.models import AuditEvent
from servicehall.org import services as org_services
from servicehall.org.models import Center


def catalog_of(center) -> dict:
    return {
        item.code: selectors.content(selectors.guide(center, item.code))
        for item in selectors.items_of(center)
    }


def twin(source: Center, code: str, preset: str) -> Center:
    """An empty center with the same departments and windows as ``source``."""
    center = org_services.center_create(
        actor=None,
        code=code,
        name=f"{code}中心",
        level=Center.Level.TOWN,
        preset=preset,
        parent=source.parent,
    )
    departments = {}
    for d in source.departments.all():
        departments[d.pk] = org_services.department_create(
            actor=None, center=center, code=d.code, name=d.name
        )
    for w in source.windows.prefetch_related("departments"):
        org_services.window_create(
            actor=None,
            center=center,
            number=w.number,
            name=w.name,
            departments=[departments[d.pk] for d in w.departments.all()],
        )
    return Center.objects.select_related("policy").get(pk=center.pk)


def edited(data: bytes, changes: dict) -> io.BytesIO:
    """The workbook with some cells changed: {(sheet, "D3"): value}."""
    wb = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in changes.items():
        wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_export_is_an_office_workbook(catalog):
    wb = load_workbook(io.BytesIO(excel.export(catalog)))
    assert wb.sheetnames == ["事项", "申请材料", "办理流程", "并联审批"]
    items = wb["事项"]
    assert items["A2"].value == "事项编码" and items["F2"].value == "承诺时限（工作日）"
    assert "开元街道便民服务中心" in items["A1"].value
    assert items.max_row - 2 == 25
    names = {row[1] for row in items.iter_rows(min_row=3, values_only=True)}
    assert {"残疾人证新办", "法律援助申请", "生育登记", "就业失业登记"} <= names
    assert wb["申请材料"].max_row - 2 == sum(
        v.materials.count() for v in ItemVersion.objects.filter(item__center=catalog)
    )


def test_an_export_imported_into_an_empty_center_gives_the_same_catalog(catalog, user_named):
    data = excel.export(catalog)
    empty = twin(catalog, "kaiyuan-copy", "kaiyuan-2020")
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=empty, file=io.BytesIO(data), reason="复制目录"
    )
    assert errors == [] and counts == {"created": 25, "updated": 0, "unchanged": 0}
    assert catalog_of(empty) == catalog_of(catalog)
    # and once more: nothing changes, no new version
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=empty, file=io.BytesIO(data), reason="再导一次"
    )
    assert counts == {"created": 0, "updated": 0, "unchanged": 25}
    assert ItemVersion.objects.filter(item__center=empty).count() == 25


def test_a_file_with_three_bad_cells_reports_all_three_and_saves_nothing(catalog, user_named):
    versions, events = ItemVersion.objects.count(), AuditEvent.objects.count()
    bad = edited(
        excel.export(catalog),
        {("事项", "D3"): "急件", ("事项", "F5"): "十", ("申请材料", "E4"): 0, ("事项", "B6"): "新名称"},
    )
    counts, errors = excel.import_file(
        actor=user_named("wangmanshu"), center=catalog, file=bad, reason="调整"
    )
    assert counts is None
    assert [(e.sheet, e.row, e.column) for e in errors] == [
        ("事项", 3, 4),
        ("事项", 5, 6),
        ("申请材料", 4, 5),
    ]
    texts = [str(e) for e in errors]
    assert texts[0].startswith("「事项」表第 3 行 D 列：") and "即办件" in texts[0]
    assert "「事项」表第 5 行 F 列：应填写整数个工作日，收到「十」" in texts[1]
    assert "「申请材料」表第 4 行 E 列：份数须在 1 至 99 之间" in texts[2]
    assert ItemVersion.objects.count() == versions and AuditEvent.objects.count() == events
    assert not ItemVersion.objects.filter(name="新名称").exists()


def test_cat_3_a_zhaoqing_center_refuses_a_too_long_committed_limit_in_the_import(catalog, user_named):
    zhaoqing = twin(catalog, "zhaoqing-town", "zhaoqing-2012")
    data = excel.export(catalog)
    wb = load_workbook(io.BytesIO(data))
    row = next(r[0].row for r in wb["事项"].iter_rows(min_row=3) if r[0].value == "KY-CL-001")
    bad = edited(data, {("事项", f"F{row}"): 15})  # statutory 20: at most 10 under the 50 % rule
    counts, errors = excel.import_file(actor=user_named("admin"), center=zhaoqing, file=bad, reason="导入")
    assert counts is None and len(errors) == 1
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("事项", row, 6)
    assert "提速至少 50%" in errors[0].message and "不得超过 10 个工作日" in errors[0].message
    assert not Item.objects.filter(center=zhaoqing).exists()


def test_an_import_changes_only_what_changed_with_the_reason(catalog, user_named):
    data = excel.export(catalog)
    wb = load_workbook(io.BytesIO(data))
    row = next(r[0].row for r in wb["事项"].iter_rows(min_row=3) if r[0].value == "KY-CJ-002")
    changed = edited(data, {("事项", f"F{row}"): 8})
    counts, errors = excel.import_file(
        actor=user_named("wangmanshu"), center=catalog, file=changed, reason="津贴提速"
    )
    assert errors == [] and counts == {"created": 0, "updated": 1, "unchanged": 24}
    version = selectors.guide(catalog, "KY-CJ-002")
    assert (version.number, version.committed_days, version.reason) == (2, 8, "津贴提速")


def test_rule_problems_point_at_their_cells(catalog, user_named):
    data = excel.export(catalog)
    wb = load_workbook(io.BytesIO(data))
    row = next(r[0].row for r in wb["事项"].iter_rows(min_row=3) if r[0].value == "KY-SF-001")
    material_row = next(r[0].row for r in wb["申请材料"].iter_rows(min_row=3) if r[0].value == "KY-SF-001")
    bad = edited(
        data,
        {
            ("事项", f"J{row}"): 50,  # a fee on legal aid (CAT-8)
            ("事项", f"C{row}"): "税务所",  # no such department
            ("申请材料", f"A{material_row + 100}"): "NOPE",  # a material of no item
            ("申请材料", f"C{material_row + 100}"): "身份证",
            ("申请材料", f"D{material_row + 100}"): "原件",
        },
    )
    _counts, errors = excel.import_file(actor=user_named("wangmanshu"), center=catalog, file=bad, reason="x")
    assert {(e.sheet, e.row, e.column) for e in errors} == {
        ("事项", row, 3),
        ("事项", row, 10),
        ("申请材料", material_row + 100, 1),
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a workbook", "不是有效的 Excel"), (None, "缺少列：承诺时限（工作日）")],
)
def test_a_broken_file_is_reported(catalog, user_named, content, message):
    if content is None:
        content = edited(excel.export(catalog), {("事项", "F2"): "承诺"}).getvalue()
    counts, errors = excel.import_file(
        actor=user_named("wangmanshu"), center=catalog, file=io.BytesIO(content), reason="x"
    )
    assert counts is None and message in str(errors[0])


def test_only_the_director_and_the_administrator_import(catalog, user_named):
    with pytest.raises(Forbidden):
        excel.import_file(actor=user_named("caiwenkeng"), center=catalog, file=io.BytesIO(b""), reason="x")
