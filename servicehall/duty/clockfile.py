"""DUT-4: reading a fingerprint machine's export (CSV in UTF-8 or GBK, or xlsx).

The default layout (also the template offered for download): 用户名 (or 工号), 姓名, 打卡时间
(``YYYY-MM-DD HH:MM[:SS]``), 设备. Another machine's columns come through the center's column
map (``ClockLayout``). No Django here: the service resolves people and writes.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from servicehall.core.errors import Invalid

MAX_ROWS = 500_000
DEVICE_MAX = 60


@dataclass(frozen=True)
class Layout:
    username: str = "用户名"
    badge: str = "工号"
    name: str = "姓名"
    time: str = "打卡时间"
    device: str = "设备"


DEFAULT = Layout()


def template() -> Workbook:
    """The default layout as a workbook with one example row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "打卡记录"
    ws.append(["用户名", "姓名", "打卡时间", "设备"])
    ws.append(["chenshaoli", "陈少丽", "2026-11-23 07:55", "大厅考勤机"])
    for col, width in zip("ABCD", (16, 12, 20, 16), strict=True):
        ws.column_dimensions[col].width = width
    return wb


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Invalid("bad_encoding", gettext("文件既不是 UTF-8 也不是 GBK 编码的 CSV。"))


def read(content: bytes, layout: Layout = DEFAULT) -> tuple[dict[str, int], list[tuple]]:
    """(header name → column index, the data rows as tuples). Raises Invalid for an unreadable
    file or a header without the columns the layout names."""
    if not content:
        raise Invalid("empty_file", gettext("文件为空。"))
    if content[:2] == b"PK":
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any broken workbook is bad input
            raise Invalid("bad_file", gettext("无法读取该 Excel 文件。")) from None
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        rows = list(it)
        wb.close()
    else:
        text = _decode(content)
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        rows = [tuple(r) for r in reader]
    if not header:
        raise Invalid("bad_header", gettext("文件没有表头。"))
    if len(rows) > MAX_ROWS:
        raise Invalid("too_many_rows", gettext("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS})
    columns = {str(h).strip(): i for i, h in enumerate(header) if h is not None and str(h).strip()}
    who = [c for c in (layout.username, layout.badge) if c and c in columns]
    if not who or layout.time not in columns:
        wanted = "、".join(c for c in (layout.username or layout.badge, layout.time) if c)
        raise Invalid(
            "bad_header",
            gettext("表头缺少必需的列（%(columns)s），请使用导入模板或设置列对应。") % {"columns": wanted},
        )
    return columns, rows


def parse_time(value) -> dt.datetime:
    """``YYYY-MM-DD HH:MM[:SS]`` (or a spreadsheet date-time) as a naive local datetime."""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    text = str(value).strip()
    n = len(text)
    if (n == 16 or n == 19) and text[4] == "-" and text[7] == "-" and text[10] == " " and text[13] == ":":
        try:
            return dt.datetime(  # noqa: DTZ001 - the machine's local wall time, zoned by the caller
                int(text[0:4]),
                int(text[5:7]),
                int(text[8:10]),
                int(text[11:13]),
                int(text[14:16]),
                int(text[17:19]) if n == 19 and text[16] == ":" else 0,
            )
        except ValueError:
            pass
    raise ValueError(text)


def resolve(rows, layout: Layout, columns: dict, by_username: dict, by_badge: dict, tz):
    """Each row as (staff id, aware moment, device), and every bad row as {row, column, message}
    (row numbers as a spreadsheet shows them: the header is row 1)."""
    punches, errors = [], []
    user_col = columns.get(layout.username) if layout.username else None
    badge_col = columns.get(layout.badge) if layout.badge else None
    name_col = columns.get(layout.name) if layout.name else None
    time_col = columns[layout.time]
    device_col = columns.get(layout.device) if layout.device else None
    cache: dict = {}
    for number, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue  # a blank line
        width = len(row)
        person = None
        if user_col is not None and user_col < width and row[user_col] not in (None, ""):
            key = str(row[user_col]).strip()
            person = by_username.get(key)
            column = layout.username
        elif badge_col is not None and badge_col < width and row[badge_col] not in (None, ""):
            key = str(row[badge_col]).strip()
            person = by_badge.get(key)
            column = layout.badge
        else:
            errors.append(
                {
                    "row": number,
                    "column": layout.username or layout.badge,
                    "message": gettext("缺少用户名或工号"),
                }
            )
            continue
        if person is None:
            errors.append(
                {
                    "row": number,
                    "column": column,
                    "message": gettext("本中心没有「%(key)s」") % {"key": key[:40]},
                }
            )
            continue
        if name_col is not None and name_col < width and row[name_col] not in (None, ""):
            if str(row[name_col]).strip() != person[1]:
                errors.append(
                    {
                        "row": number,
                        "column": layout.name,
                        "message": gettext("姓名与「%(key)s」不符（应为%(name)s）")
                        % {"key": key[:40], "name": person[1]},
                    }
                )
                continue
        raw = row[time_col] if time_col < width else None
        try:
            moment = cache.get(raw) if isinstance(raw, str) else None
            if moment is None:
                moment = parse_time(raw).replace(tzinfo=tz)
                if isinstance(raw, str):
                    cache[raw] = moment
        except (ValueError, TypeError):
            errors.append(
                {
                    "row": number,
                    "column": layout.time,
                    "message": gettext("打卡时间应为 YYYY-MM-DD HH:MM[:SS]"),
                }
            )
            continue
        if not 2004 <= moment.year <= 2099:
            errors.append({"row": number, "column": layout.time, "message": gettext("打卡时间超出日历范围")})
            continue
        device = ""
        if device_col is not None and device_col < width and row[device_col] is not None:
            device = str(row[device_col]).strip()
            if len(device) > DEVICE_MAX:
                errors.append(
                    {
                        "row": number,
                        "column": layout.device,
                        "message": gettext("设备名称超过 %(n)s 个字符") % {"n": DEVICE_MAX},
                    }
                )
                continue
        punches.append((person[0], moment, device))
    return punches, errors
