"""Search keywords (aliases) of a guide: what citizens call an item finds it, and so do the
keywords' pinyin initials; staff edit them on the page, the API and the Excel workbook."""

import io

from openpyxl import load_workbook

from servicehall.catalog import excel, rules, selectors, services
from servicehall.catalog.models import Item
from servicehall.catalog.tests.test_excel import edited, twin

DIBAO = "KY-DZ-001"  # 最低生活保障申请


def found(center, q) -> list[str]:
    return [item.code for item in selectors.search(selectors.items_of(center), q)]


def test_aliases_are_one_per_word_each_once():
    assert rules.aliases(" 低保，低保申请；低保 dibao/ 救助 ") == "低保、低保申请、dibao、救助"
    assert rules.aliases("") == ""
    assert rules.alias_initials("低保、低保申请") == "db dbsq"


def test_cat_1_common_words_and_their_initials_find_the_guide(catalog):
    assert found(catalog, "低保") == [DIBAO]
    assert found(catalog, "dbsq") == [DIBAO]
    assert found(catalog, "DBSQ") == [DIBAO]
    assert found(catalog, "残疾证") == ["KY-CL-001", "KY-CL-002"]
    assert found(catalog, "zdshbz") == [DIBAO]  # the name's own initials still do
    assert found(catalog, "没有这种叫法") == []


def test_cat_4_the_public_guide_list_and_api_find_by_keyword(client, catalog):
    page = client.get("/c/kaiyuan/guides/?q=低保").content.decode()
    assert "最低生活保障申请" in page and "特困人员救助供养申请" not in page
    items = client.get("/api/v1/public/centers/kaiyuan/items?q=dbsq").json()
    assert [i["code"] for i in items] == [DIBAO]
    guide = client.get(f"/api/v1/public/centers/kaiyuan/items/{DIBAO}").json()
    assert guide["aliases"] == "低保、低保申请、低保办理"


def test_cat_5_changing_the_keywords_is_a_new_version_with_its_trace(catalog, client, bearer):
    headers = bearer("wangmanshu")
    guide = client.get(f"/api/v1/public/centers/kaiyuan/items/{DIBAO}").json()
    data = {
        "code": DIBAO,
        "name": guide["name"],
        "aliases": "吃低保，社会救助",
        "department": "dangzheng",
        "kind": "committed",
        "statutory_days": guide["statutory_days"],
        "committed_days": guide["committed_days"],
        "legal_basis": guide["legal_basis"],
        "conditions": guide["conditions"],
        "windows": [1],
        "materials": [{"name": m["name"], "code": m["code"]} for m in guide["materials"]],
        "reason": "补充搜索关键词",
    }
    response = client.put(
        f"/api/v1/centers/kaiyuan/items/{DIBAO}", data, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["aliases"] == "吃低保、社会救助"
    assert found(catalog, "shjz") == [DIBAO] and found(catalog, "低保申请") == []
    history = client.get(f"/api/v1/centers/kaiyuan/items/{DIBAO}/versions", headers=headers).json()
    assert history[0]["content"]["aliases"] == "吃低保、社会救助"
    assert history[1]["content"]["aliases"] == "低保、低保申请、低保办理"


def test_cat_1_the_edit_page_shows_and_saves_the_keywords(catalog, login):
    client = login("wangmanshu")
    page = client.get(f"/catalog/kaiyuan/items/{DIBAO}/").content.decode()
    assert "搜索关键词" in page and 'value="低保、低保申请、低保办理"' in page


def test_a_keyword_longer_than_the_field_is_refused_with_its_field(catalog):
    version = Item.objects.get(code=DIBAO).current
    lookup = services.Lookup(catalog)
    from servicehall.catalog.rules import ItemDraft

    too_long = ItemDraft(
        code="T-1",
        name="测试",
        department=version.department.code,
        kind="immediate",
        aliases="长" * 201,
        materials=[rules.MaterialDraft(code="", name="申请表")],
    )
    assert "aliases" in {p.field for p in services.problems(lookup, too_long)}


def test_cat_1_excel_carries_the_keywords_both_ways(catalog, user_named):
    data = excel.export(catalog)
    items = load_workbook(io.BytesIO(data))["事项"]
    headers = [c.value for c in items[2]]
    column = headers.index("搜索关键词")
    row = next(r for r in items.iter_rows(min_row=3, values_only=True) if r[0] == DIBAO)
    assert row[column] == "低保、低保申请、低保办理"
    copy = twin(catalog, "kaiyuan-copy", "kaiyuan-2020")
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=copy, file=io.BytesIO(data), reason="复制"
    )
    assert errors == [] and counts["created"] == 25
    assert found(copy, "dbsq") == [DIBAO]
    letter = chr(ord("A") + column)
    line = next(
        i for i, r in enumerate(items.iter_rows(min_row=1, values_only=True), start=1) if r[0] == DIBAO
    )
    changed = edited(data, {("事项", f"{letter}{line}"): "救济金"})
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=copy, file=changed, reason="改关键词"
    )
    assert errors == [] and counts["updated"] == 1
    assert found(copy, "jjj") == [DIBAO]


def test_a_workbook_without_the_keyword_column_still_imports(catalog, user_named):
    wb = load_workbook(io.BytesIO(excel.export(catalog)))
    items = wb["事项"]
    column = [c.value for c in items[2]].index("搜索关键词") + 1
    items.delete_cols(column)
    out = io.BytesIO()
    wb.save(out)
    copy = twin(catalog, "kaiyuan-old", "kaiyuan-2020")
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=copy, file=io.BytesIO(out.getvalue()), reason="旧表"
    )
    assert errors == [] and counts["created"] == 25
    assert found(copy, "低保") == []
