"""INQ-4, ANA-3: the registers as Excel workbooks (openpyxl): the visit register's daily list and
monthly summary, and the agency ledger of cases applied for on someone's behalf."""

import datetime as dt

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from servicehall.cases.models import Case, Visit
from servicehall.cases.selectors import SUMMARY_COLUMNS, WindowMonth
from servicehall.core import clock, xlsx
from servicehall.core.rules import mask_id_number, mask_phone

BOLD = Font(bold=True)


def _sheet(wb: Workbook, title: str, heading: str, header: list[str], rows: list[list], widths: list[int]):
    ws = wb.active
    ws.title = title
    ws.append([heading])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for cell in ws[2]:
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A3"
    return ws


def _target(visit: Visit) -> str:
    named = visit.colleague or visit.target_window or visit.leader
    return str(named) if named else visit.agency


def daily_workbook(center_name: str, day: dt.date, visits: list[Visit]) -> bytes:
    """来访来电登记表 of one day: every visit and call in order, with its first-inquiry officer."""
    wb = Workbook()
    header = [
        gettext("序号"),
        gettext("时间"),
        gettext("方式"),
        gettext("类别"),
        gettext("窗口"),
        gettext("首问责任人"),
        gettext("来访人"),
        gettext("联系电话"),
        gettext("事由"),
        gettext("处理结果"),
        gettext("移交/引导/转送"),
        gettext("说明"),
    ]
    rows = [
        [
            i,
            clock.local(v.at).strftime("%H:%M"),
            v.get_channel_display(),
            v.get_category_display(),
            str(v.window or ""),
            v.officer.name,
            v.visitor_name,
            mask_phone(v.visitor_phone) if v.visitor_phone else "",
            v.matter,
            v.get_outcome_display(),
            _target(v),
            v.note,
        ]
        for i, v in enumerate(visits, start=1)
    ]
    heading = gettext("%(center_name)s 来访来电登记表 %(day)s") % {"center_name": center_name, "day": format(day, gettext("%Y年%m月%d日"))}
    _sheet(wb, "来访来电登记", heading, header, rows, [6, 8, 6, 10, 18, 10, 10, 14, 40, 16, 18, 30])
    return _save(wb)


def monthly_workbook(center_name: str, year: int, month: int, summary: list[WindowMonth]) -> bytes:
    """月度汇总: per window, visits and calls by channel, category and outcome."""
    wb = Workbook()
    header = [gettext("窗口"), *SUMMARY_COLUMNS]
    rows = [[m.label, *m.cells] for m in summary]
    heading = gettext("%(center_name)s 来访来电月度汇总 %(year)s年%(month)s月") % {"center_name": center_name, "year": year, "month": month}
    _sheet(wb, "月度汇总", heading, header, rows, [22] + [10] * (len(header) - 1))
    return _save(wb)


def agency_workbook(center_name: str, year: int, month: int, cases: list[Case]) -> bytes:
    """代办台帐 (CAS-13, ANA-3): each case applied for by an agent, with the agent and the outcome."""
    wb = Workbook()
    header = [
        gettext("序号"),
        gettext("办件编号"),
        gettext("收件时间"),
        gettext("事项"),
        gettext("申请人"),
        gettext("代办人"),
        gettext("代办人证件号码"),
        gettext("代办人电话"),
        gettext("受理窗口"),
        gettext("经办人"),
        gettext("状态"),
        gettext("办结时间"),
    ]
    rows = [
        [
            i,
            c.number,
            clock.local(c.received_at).strftime("%Y-%m-%d %H:%M"),
            c.item_version.name,
            c.applicant_name,
            c.agent_name,
            mask_id_number(c.agent_id_number),
            mask_phone(c.agent_phone),
            str(c.window),
            c.handler.name,
            c.get_status_display(),
            clock.local(c.finished_at).strftime("%Y-%m-%d %H:%M") if c.finished_at else "",
        ]
        for i, c in enumerate(cases, start=1)
    ]
    heading = gettext("%(center_name)s 代办台帐 %(year)s年%(month)s月") % {"center_name": center_name, "year": year, "month": month}
    _sheet(wb, "代办台帐", heading, header, rows, [6, 22, 17, 30, 12, 10, 20, 14, 18, 10, 10, 17])
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    return xlsx.to_bytes(wb)  # a visitor's name like "=HYPERLINK(...)" stays text
