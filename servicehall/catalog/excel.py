"""A center's catalog as an Excel workbook, in the layout an office keeps (openpyxl).

Four sheets: 事项 (one row per item), 申请材料 (one row per material, in order), 办理流程 (one
row per step) and 并联审批 (one row per participating department), each with a title in row 1
and Chinese headers in row 2; the sheets are joined by the item code. Columns may be moved;
they are found by their header.

Import checks every row of every sheet with the same rules as the staff pages and the API,
and reports every problem with its sheet, row and column, in Chinese. Nothing is saved unless
the whole file is valid (``services.catalog_import`` writes it in one transaction).
"""

import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from servicehall.catalog import rules, selectors, services
from servicehall.catalog.rules import ItemDraft, MaterialDraft, ParticipantDraft, StepDraft
from servicehall.core import clock, xlsx
from servicehall.core.errors import DomainError, Invalid
from servicehall.org import access
from servicehall.org.models import Center

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
ITEMS, MATERIALS, STEPS, PARTICIPANTS = "事项", "申请材料", "办理流程", "并联审批"
YES, NO = "是", "否"
REQUIRED, CONDITIONAL = "必需", "视情形"

# (field, header, width)
COLUMNS = {
    ITEMS: [
        ("code", "事项编码", 16),
        ("name", "事项名称", 30),
        ("department", "实施科室", 14),
        ("kind", "办件类型", 10),
        ("statutory_days", "法定时限（工作日）", 12),
        ("committed_days", "承诺时限（工作日）", 12),
        ("windows", "授权办理窗口", 14),
        ("authorisation_document", "授权委托书", 22),
        ("legal_service", "公共法律服务", 12),
        ("fee_amount", "收费标准（元）", 12),
        ("fee_basis", "收费依据", 28),
        ("fee_approval_document", "物价批复文件", 22),
        ("legal_basis", "设定依据", 40),
        ("conditions", "受理条件", 40),
        ("quantity_limits", "数量限制", 20),
        ("contact", "咨询电话", 16),
        ("aliases", "搜索关键词", 24),
    ],
    MATERIALS: [
        ("item", "事项编码", 16),
        ("code", "材料编码", 10),
        ("name", "材料名称", 36),
        ("form", "原件/复印件", 14),
        ("copies", "份数", 8),
        ("required", "是否必需", 10),
        ("condition", "适用情形", 30),
        ("notes", "备注", 30),
        ("sample", "示范文本文件（系统生成，请勿修改）", 30),
    ],
    STEPS: [
        ("item", "事项编码", 16),
        ("name", "环节", 14),
        ("description", "办理内容", 50),
        ("days", "时限（工作日）", 12),
    ],
    PARTICIPANTS: [
        ("item", "事项编码", 16),
        ("department", "协办科室", 16),
        ("days", "时限（工作日）", 12),
    ],
}
REQUIRED_SHEETS = (ITEMS, MATERIALS)
OPTIONAL = {"sample", "aliases"}  # a workbook made before these columns imports as it is
HEADERS = {sheet: {f: h for f, h, _w in cols} for sheet, cols in COLUMNS.items()}
CHOICES = {
    "kind": list(rules.KINDS.values()),
    "legal_service": [YES, NO],
    "form": list(rules.FORMS.values()),
    "required": [REQUIRED, CONDITIONAL],
}


# --- Export ------------------------------------------------------------------------------------


def _rows(center: Center) -> dict[str, list[list]]:
    items = selectors.items_of(center).prefetch_related(
        "current__materials", "current__steps", "current__participants__department", "current__windows"
    )
    rows: dict[str, list[list]] = {sheet: [] for sheet in COLUMNS}
    for item in items:
        v = item.current
        values = {
            "code": item.code,
            "name": v.name,
            "aliases": v.aliases,
            "department": v.department.name,
            "kind": rules.KINDS[v.kind],
            "statutory_days": v.statutory_days,
            "committed_days": v.committed_days,
            "windows": "、".join(f"{w.number}号窗口" for w in v.windows.all()),
            "authorisation_document": v.authorisation_document,
            "legal_service": YES if v.legal_service else NO,
            "fee_amount": float(v.fee_amount),
            "fee_basis": v.fee_basis,
            "fee_approval_document": v.fee_approval_document,
            "legal_basis": v.legal_basis,
            "conditions": v.conditions,
            "quantity_limits": v.quantity_limits,
            "contact": v.contact,
        }
        rows[ITEMS].append([values[f] for f, _h, _w in COLUMNS[ITEMS]])
        for m in v.materials.all():
            rows[MATERIALS].append(
                [
                    item.code,
                    m.code,
                    m.name,
                    rules.FORMS[m.form],
                    m.copies,
                    REQUIRED if m.required else CONDITIONAL,
                    m.condition,
                    m.notes,
                    m.sample.name or "",
                ]
            )
        for s in v.steps.all():
            rows[STEPS].append([item.code, s.name, s.description, s.days])
        for p in v.participants.all():
            rows[PARTICIPANTS].append([item.code, p.department.name, p.days])
    return rows


def export(center: Center) -> bytes:
    """The center's current catalog as an .xlsx file."""
    wb = Workbook()
    wb.remove(wb.active)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet, rows in _rows(center).items():
        ws = wb.create_sheet(sheet)
        columns = COLUMNS[sheet]
        ws.cell(TITLE_ROW, 1, f"{center.name} 事项目录 · {sheet}（导出于 {clock.local():%Y-%m-%d %H:%M}）")
        ws.cell(TITLE_ROW, 1).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(columns))
        for col, (name, header, width) in enumerate(columns, start=1):
            cell = ws.cell(HEADER_ROW, col, header)
            cell.font, cell.fill = Font(bold=True), header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(col)].width = width
            if name in CHOICES:
                rule = DataValidation(
                    type="list", formula1='"' + ",".join(CHOICES[name]) + '"', allow_blank=True
                )
                rule.add(f"{get_column_letter(col)}{FIRST_ROW}:{get_column_letter(col)}5000")
                ws.add_data_validation(rule)
        for r, values in enumerate(rows, start=FIRST_ROW):
            for c, value in enumerate(values, start=1):
                cell = ws.cell(r, c, value)
                cell.alignment = Alignment(
                    vertical="top", wrap_text=isinstance(value, str) and len(value) > 12
                )
                if columns[c - 1][0] == "fee_amount":
                    cell.number_format = "0.00"
        ws.freeze_panes = ws.cell(FIRST_ROW, 2)
    return xlsx.to_bytes(wb)  # a field like "=HYPERLINK(...)" stays text


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: int  # 1-based; 0 when the problem is the sheet itself
    message: str

    def __str__(self):
        if not self.row:
            return f"「{self.sheet}」表：{self.message}"
        letter = get_column_letter(self.column)
        return f"「{self.sheet}」表第 {self.row} 行 {letter} 列：{self.message}"


class BadCell(ValueError):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value, *, empty=None):
    text = _text(value)
    if text in ("", "无", "—", "-"):
        return empty
    try:
        number = int(text)
    except ValueError:
        raise BadCell(gettext("应填写整数个工作日，收到「%(value)s」。") % {"value": text[:20]}) from None
    if number < 0:
        raise BadCell(gettext("不能为负数。"))
    return number


def _choice(value, labels: dict[str, str], message: str) -> str:
    text = _text(value)
    by_label = {label: key for key, label in labels.items()}
    if text in by_label:
        return by_label[text]
    if text in labels:
        return text
    raise BadCell(message)


def _yes_no(value, yes: str = YES, no: str = NO) -> bool:
    text = _text(value)
    if text in (yes, "是", "true", "True", "1"):
        return True
    if text in ("", no, "否", "false", "False", "0"):
        return False
    raise BadCell(gettext("只能填「%(yes)s」或「%(no)s」，收到「%(value)s」。") % {"yes": yes, "no": no, "value": text[:20]})


def _windows(value) -> list[int]:
    numbers = []
    for token in re.split(r"[、,，;；\s]+", _text(value)):
        if not token:
            continue
        match = re.fullmatch(r"(\d{1,3})(号窗口|号)?", token)
        if match is None:
            raise BadCell(gettext("请按「5号窗口、6号窗口」的格式填写，收到「%(value)s」。") % {"value": token[:20]})
        numbers.append(int(match.group(1)))
    return numbers


def _amount(value):
    try:
        return services.parse_amount(_text(value))
    except DomainError as exc:
        raise BadCell(exc.message) from None


PARSERS = {
    "kind": lambda v: _choice(v, rules.KINDS, "办件类型只能填「即办件」或「承诺件」。"),
    "statutory_days": _int,
    "committed_days": _int,
    "windows": _windows,
    "legal_service": _yes_no,
    "fee_amount": _amount,
    "form": lambda v: _choice(v, rules.FORMS, "只能填「原件」「复印件」或「原件及复印件」。"),
    "copies": lambda v: _int(v, empty=1),
    "required": lambda v: _yes_no(v, REQUIRED, CONDITIONAL),
    "days": lambda v: _int(v, empty=0),
}


@dataclass
class _Sheet:
    name: str
    columns: dict[str, int] = field(default_factory=dict)  # field → column number
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, {field: value})


@dataclass
class _Draft:
    draft: ItemDraft
    cells: dict[str, tuple[str, int, int]]  # draft field path → (sheet, row, column)
    row: int


class Reader:
    """Parses a workbook into drafts and every cell error it finds."""

    def __init__(self):
        self.errors: list[CellError] = []
        self.bad: set[tuple[str, int, int]] = set()

    def error(self, sheet: str, row: int, column: int, message: str) -> None:
        if (sheet, row, column) not in self.bad:
            self.bad.add((sheet, row, column))
            self.errors.append(CellError(sheet, row, column, message))

    def sheet(self, wb, name: str) -> _Sheet | None:
        if name not in wb.sheetnames:
            if name in REQUIRED_SHEETS:
                self.error(name, 0, 0, "工作簿中缺少此工作表。")
            return None
        ws = wb[name]
        out = _Sheet(name)
        by_header = {h: f for f, h in HEADERS[name].items()}
        for cell in next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW), ()):
            key = by_header.get(_text(cell.value))
            if key:
                out.columns[key] = cell.column
        missing = [h for f, h in HEADERS[name].items() if f not in out.columns and f not in OPTIONAL]
        if missing:
            self.error(name, 0, 0, f"第 {HEADER_ROW} 行缺少列：{'、'.join(missing)}。")
            return None
        for row in ws.iter_rows(min_row=FIRST_ROW):
            if all(c.value in (None, "") for c in row):
                continue
            number = row[0].row
            values = {}
            for key, col in out.columns.items():
                raw = row[col - 1].value if col - 1 < len(row) else None
                try:
                    values[key] = PARSERS[key](raw) if key in PARSERS else _text(raw)
                except BadCell as exc:
                    self.error(name, number, col, str(exc))
                    values[key] = None
            out.rows.append((number, values))
        return out

    def drafts(self, wb) -> list[_Draft]:
        items = self.sheet(wb, ITEMS)
        materials = self.sheet(wb, MATERIALS)
        steps, participants = self.sheet(wb, STEPS), self.sheet(wb, PARTICIPANTS)
        if items is None or materials is None:
            return []
        drafts: dict[str, _Draft] = {}
        for row, v in items.rows:
            code = v.get("code") or ""
            if code in drafts:
                self.error(
                    ITEMS,
                    row,
                    items.columns["code"],
                    f"事项编码「{code}」在本表中重复（见第 {drafts[code].row} 行）。",
                )
                continue
            draft = ItemDraft(
                code=code,
                name=v["name"],
                aliases=v.get("aliases") or "",
                department=v["department"],
                kind=v["kind"] or "",
                statutory_days=v["statutory_days"],
                committed_days=v["committed_days"],
                legal_service=bool(v["legal_service"]),
                legal_basis=v["legal_basis"],
                conditions=v["conditions"],
                quantity_limits=v["quantity_limits"],
                contact=v["contact"],
                fee_amount=v["fee_amount"] if v["fee_amount"] is not None else Decimal(0),
                fee_basis=v["fee_basis"],
                fee_approval_document=v["fee_approval_document"],
                windows=v["windows"] or [],
                authorisation_document=v["authorisation_document"],
            )
            cells = {f: (ITEMS, row, col) for f, col in items.columns.items()}
            cells |= {"materials": (ITEMS, row, items.columns["code"])}
            drafts[code] = _Draft(draft, cells, row)
        self._attach(materials, drafts, "materials", self._material)
        if steps is not None:
            self._attach(steps, drafts, "steps", self._step)
        if participants is not None:
            self._attach(participants, drafts, "participants", self._participant)
        return list(drafts.values())

    def _attach(self, sheet: _Sheet, drafts: dict[str, _Draft], kind: str, build) -> None:
        for row, v in sheet.rows:
            target = drafts.get(v.get("item") or "")
            if target is None:
                self.error(
                    sheet.name,
                    row,
                    sheet.columns["item"],
                    f"「{ITEMS}」表中没有事项编码「{v.get('item')}」。",
                )
                continue
            rows = getattr(target.draft, kind)
            i = len(rows)
            rows.append(build(v))
            for key, col in sheet.columns.items():
                target.cells[f"{kind}.{i}.{key}"] = (sheet.name, row, col)
            target.cells[kind] = (sheet.name, row, sheet.columns.get("days", sheet.columns["item"]))

    @staticmethod
    def _material(v: dict) -> MaterialDraft:
        return MaterialDraft(
            code=v["code"],
            name=v["name"],
            form=v["form"] or "",
            copies=v["copies"] if v["copies"] is not None else 1,
            required=v["required"] if v["required"] is not None else True,
            condition=v["condition"],
            notes=v["notes"],
            sample=v.get("sample") or None,
        )

    @staticmethod
    def _step(v: dict) -> StepDraft:
        return StepDraft(name=v["name"], description=v["description"], days=v["days"] or 0)

    @staticmethod
    def _participant(v: dict) -> ParticipantDraft:
        return ParticipantDraft(department=v["department"], days=v["days"] or 0)

    def check(self, center: Center, drafts: list[_Draft]) -> None:
        lookup = services.Lookup(center)
        for d in drafts:
            for problem in services.problems(lookup, d.draft):
                sheet, row, col = (
                    d.cells.get(problem.field)
                    or d.cells.get(problem.field.split(".")[0])
                    or (
                        ITEMS,
                        d.row,
                        1,
                    )
                )
                self.error(sheet, row, col, problem.message)


# An import runs inside one request (gunicorn's timeout is 30 s): a workbook is refused before it
# is parsed when it is larger than this, so the longest import stays a few seconds. A county's
# whole catalog (a few hundred items, each with its materials and steps) is far below.
IMPORT_MAX_BYTES = 5 * 1024 * 1024  # the uploaded .xlsx file
IMPORT_MAX_UNPACKED = 50 * 1024 * 1024  # its contents unpacked (a small file can unzip huge)
IMPORT_MAX_ROWS = 5_000  # data rows of all sheets together
IMPORT_MAX_ITEMS = 500  # items (each is written with its versions, materials, steps and event)


def _size(file) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.seek(0, 2)
        file.seek(0)
        size = position
    return size


def _check_bounds(file) -> None:
    """Refuse a workbook too large to import within one request, before parsing it."""
    megabytes = IMPORT_MAX_BYTES // (1024 * 1024)
    too_large = Invalid(
        "import_too_large",
        _("文件过大：一次最多导入 %(mb)s MB（%(items)s 个事项、%(rows)s 行），请分成几个文件导入。")
        % {"mb": megabytes, "items": IMPORT_MAX_ITEMS, "rows": IMPORT_MAX_ROWS},
    )
    if _size(file) > IMPORT_MAX_BYTES:
        raise too_large
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0  # not a workbook: load_workbook says so
    file.seek(0)
    if unpacked > IMPORT_MAX_UNPACKED:
        raise too_large


def _check_rows(wb) -> None:
    counts = {name: max(wb[name].max_row - HEADER_ROW, 0) for name in COLUMNS if name in wb.sheetnames}
    if counts.get(ITEMS, 0) > IMPORT_MAX_ITEMS:
        raise Invalid(
            "import_too_many_items",
            _("工作簿共有 %(items)s 个事项，一次最多导入 %(limit)s 个，请分成几个文件导入。")
            % {"items": counts[ITEMS], "limit": IMPORT_MAX_ITEMS},
        )
    rows = sum(counts.values())
    if rows > IMPORT_MAX_ROWS:
        raise Invalid(
            "import_too_many_rows",
            _("工作簿共有 %(rows)s 行数据，一次最多导入 %(limit)s 行，请分成几个文件导入。")
            % {"rows": rows, "limit": IMPORT_MAX_ROWS},
        )


def read(center: Center, file) -> tuple[list[ItemDraft], list[CellError]]:
    """Every item of a workbook as a draft, and every error with its sheet, row and column.

    A workbook over the import bounds is refused (``Invalid``) before it is read."""
    reader = Reader()
    _check_bounds(file)
    try:
        wb = load_workbook(file, data_only=True)
    except Exception:  # any unreadable upload is the same bad input
        return [], [CellError(gettext("文件"), 0, 0, gettext("不是有效的 Excel 工作簿（.xlsx）。"))]
    _check_rows(wb)
    drafts = reader.drafts(wb)
    reader.check(center, drafts)
    reader.errors.sort(
        key=lambda e: (list(COLUMNS).index(e.sheet) if e.sheet in COLUMNS else -1, e.row, e.column)
    )
    return [d.draft for d in drafts], reader.errors


def import_file(*, actor, center: Center, file, reason: str) -> tuple[dict | None, list[CellError]]:
    """Check a workbook and, only if every row is valid, write it (one transaction)."""
    access.require(actor, center, *services.IMPORTERS)
    drafts, errors = read(center, file)
    if errors:
        return None, errors
    if not drafts:
        return None, [CellError(ITEMS, 0, 0, gettext("没有任何事项。"))]
    return services.catalog_import(actor=actor, center=center, drafts=drafts, reason=reason), []
