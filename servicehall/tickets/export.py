"""Queue statistics as an Excel workbook (openpyxl): per line, window and day; extended service;
uncovered absences."""

import datetime as dt

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from servicehall.core import clock, xlsx

TALLY_HEADER = ["取号数", "办结数", "过号数", "平均等候（分钟）", "最长等候（分钟）", "平均办理（分钟）"]


def _tally_sheet(book: Workbook, title: str, first: str, groups: dict) -> None:
    sheet = book.create_sheet(title)
    sheet.append([first, *TALLY_HEADER])
    for key, t in groups.items():
        sheet.append(
            [str(key), t.issued, t.served, t.no_show, t.waiting_avg, round(t.waiting_max, 1), t.service_avg]
        )
    _style(sheet)


def _style(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18


def statistics_workbook(center, start: dt.date, end: dt.date, stats: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _tally_sheet(book, "按业务线", "业务线", stats["by_line"])
    _tally_sheet(book, "按窗口", "窗口", stats["by_window"])
    _tally_sheet(book, "按日", "日期", stats["by_day"])
    extended = book.create_sheet("延时服务")
    extended.append([gettext("日期"), gettext("窗口"), gettext("下班时间"), gettext("服务至"), gettext("延时分钟")])
    for row in stats["extended"]:
        extended.append(
            [
                row.day.isoformat(),
                str(row.window),
                f"{clock.local(row.closing_at):%H:%M}",
                f"{clock.local(row.until):%H:%M}",
                row.minutes,
            ]
        )
    _style(extended)
    absences = book.create_sheet("无人顶岗离岗")
    absences.append([gettext("日期"), gettext("窗口"), gettext("人员"), gettext("离岗"), gettext("结束"), gettext("分钟"), gettext("允许分钟"), gettext("按迟到处理")])
    for a in stats["absences"]:
        absences.append(
            [
                a.day.isoformat(),
                str(a.window),
                a.staff.name,
                f"{clock.local(a.started_at):%H:%M}",
                f"{clock.local(a.ended_at):%H:%M}",
                a.minutes,
                a.threshold_minutes,
                gettext("是") if a.counts_as_late else gettext("否"),
            ]
        )
    _style(absences)
    for sheet in book.worksheets:
        sheet.insert_rows(1)
        sheet["A1"] = gettext("%(name)s 排队叫号统计 %(start)s 至 %(end)s") % {"name": center.name, "start": format(start, "%Y-%m-%d"), "end": format(end, "%Y-%m-%d")}
        sheet["A1"].font = Font(bold=True, size=13)
    return xlsx.to_bytes(book)
