"""A catalog import runs within one request: a workbook over the bounds (file size, unpacked size,
rows) is refused with a clear, coded message before it is parsed, and nothing is saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicehall.catalog import excel
from servicehall.catalog.models import ItemVersion
from servicehall.core.errors import Invalid
from servicehall.core.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_bounds_keep_an_import_well_inside_the_request_timeout():
    # measured on a machine with 5 runs per core: 250 items (3,000 rows) imported in 11 s,
    # 833 items (10,000 rows) in 39 s; on a quiet machine about a fifth of that
    assert excel.IMPORT_MAX_ITEMS <= 500 and excel.IMPORT_MAX_ROWS <= 5_000
    assert excel.IMPORT_MAX_BYTES <= 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("bound", "value", "code"),
    [
        ("IMPORT_MAX_ROWS", 30, "import_too_many_rows"),  # the demo catalog has 25 items and their rows
        ("IMPORT_MAX_ITEMS", 24, "import_too_many_items"),
        ("IMPORT_MAX_BYTES", 4_000, "import_too_large"),
        ("IMPORT_MAX_UNPACKED", 20_000, "import_too_large"),
    ],
)
def test_a_workbook_over_a_bound_is_refused_and_nothing_is_saved(
    catalog, user_named, monkeypatch, bound, value, code
):
    data = excel.export(catalog)
    assert (
        excel.import_file(
            actor=user_named("wangmanshu"), center=catalog, file=io.BytesIO(data), reason="核对"
        )[1]
        == []
    )
    monkeypatch.setattr(excel, bound, value)
    versions, events = ItemVersion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(Invalid) as refused:
        excel.import_file(
            actor=user_named("wangmanshu"), center=catalog, file=io.BytesIO(data), reason="核对"
        )
    assert refused.value.code == code
    assert ItemVersion.objects.count() == versions and AuditEvent.objects.count() == events


def test_the_import_page_says_why_a_large_workbook_is_refused(catalog, login, monkeypatch):
    monkeypatch.setattr(excel, "IMPORT_MAX_ROWS", 30)
    upload = SimpleUploadedFile("catalog.xlsx", excel.export(catalog), content_type=XLSX)
    versions = ItemVersion.objects.count()
    response = login("wangmanshu").post("/catalog/kaiyuan/import/", {"file": upload, "reason": "核对"})
    assert response.status_code == 400
    assert "一次最多导入 30 行" in response.content.decode()
    assert ItemVersion.objects.count() == versions
