"""A center's staff list (人员名单) as an Excel workbook: template, export and import.

Four sheets, each with Chinese headers in row 1 and one record a row from row 2: 科室 (the
departments), 窗口 (the windows, the departments each serves), 人员 (the people, their department,
roles and, for a new account, an initial password) and 岗位 (who holds each window's A and B post
from which day). A fifth sheet, 说明, explains the columns and is not read. Columns are found by
their header, so they may be moved.

Import checks every cell of every sheet first and reports every problem with its sheet, row and
column; then it writes the whole file in one transaction through the same services as the API
(each refusal of a service is reported at its row too). Nothing is saved unless every row is
valid. A person's initial password, when the cell is empty, is generated and answered once; every
imported person changes it at the first web login (SEC-1).

The export writes exactly what an import reads, so a file exported from one center and imported
into an empty one exports again the same (no date or center name in the cells).
"""

import datetime as dt
import re
import secrets
import string
import zipfile
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from servicehall.core import clock, xlsx
from servicehall.core.errors import DomainError, Invalid
from servicehall.core.roles import Role
from servicehall.org import access, services
from servicehall.org.models import Center, Department, Post, RoleAssignment, Staff, Window

DEPARTMENTS, WINDOWS, PEOPLE, POSTS, NOTES = "科室", "窗口", "人员", "岗位", "说明"
HEADER_ROW, FIRST_ROW = 1, 2
SEPARATORS = re.compile(r"[、,，;；\s]+")
CODE = re.compile(r"[a-z][a-z0-9-]{1,40}")
USERNAME = re.compile(r"[A-Za-z0-9_.@+-]{1,150}")

# (field, header, width) per sheet, in the order they are written and read.
COLUMNS = {
    DEPARTMENTS: [("code", "科室编码", 16), ("name", "科室名称", 28)],
    WINDOWS: [
        ("number", "窗口编号", 10),
        ("name", "窗口名称", 24),
        ("kind", "窗口类型", 12),
        ("departments", "服务科室编码（多个用顿号分隔）", 30),
    ],
    PEOPLE: [
        ("username", "用户名", 18),
        ("name", "姓名", 12),
        ("department", "科室编码", 16),
        ("title", "职务", 20),
        ("phone", "电话", 16),
        ("badge_number", "工号", 10),
        ("roles", "角色（多个用顿号分隔）", 30),
        ("password", "初始密码（新账号填写；留空则由系统生成）", 24),
    ],
    POSTS: [
        ("window", "窗口编号", 10),
        ("kind", "岗位（A/B）", 10),
        ("username", "用户名", 18),
        ("start", "起始日期", 14),
    ],
}
REQUIRED = {
    DEPARTMENTS: {"code", "name"},
    WINDOWS: {"number", "name"},
    PEOPLE: {"username", "name"},
    POSTS: {"window", "kind", "username", "start"},
}
KIND_LABELS = {"独立窗口": Window.Kind.INDEPENDENT, "综合窗口": Window.Kind.COMPREHENSIVE}
KIND_NAMES = {v: k for k, v in KIND_LABELS.items()}
# The roles a staff list grants (the auditor is appointed on the server's console only).
ROLES = [r for r in Role if r != Role.AUDITOR]
NOTES_TEXT = [
    "人员名单填写说明",
    "1. 「科室」表：每行一个科室，编码用小写字母、数字和连字符（如 minzheng）。",
    "2. 「窗口」表：窗口类型为「独立窗口」或「综合窗口」；服务科室填科室编码，多个用顿号（、）分隔。",
    "3. 「人员」表：用户名用拼音或字母数字，全系统唯一；角色可填："
    + "、".join(str(r.label) for r in ROLES)
    + "。",
    "4. 初始密码至少 8 位，含大写字母、小写字母、数字、符号中的三类；留空则由系统生成并在导入结果中显示一次。"
    "每个新账号首次登录网页时须修改密码。",
    "5. 「岗位」表：每个窗口一名 A 岗（首问责任人）和一名 B 岗（辅岗）；同一人同一天只能担任一个 A 岗。",
    "6. 导入时检查全部单元格，任何一处有误则不保存任何内容，并列出每处错误所在的表、行和列。",
]
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_UNPACKED = 20 * 1024 * 1024
IMPORT_MAX_ROWS = 2_000


# --- Export ------------------------------------------------------------------------------------


def _role_label(role: str) -> str:
    return str(Role(role).label)


def rows(center: Center) -> dict[str, list[list]]:
    """The center's departments, windows, people and current posts, one list of cells a row."""
    departments = list(Department.objects.filter(center=center).order_by("code"))
    windows = list(Window.objects.filter(center=center).prefetch_related("departments").order_by("number"))
    people = list(
        Staff.objects.filter(center=center, active=True)
        .select_related("user", "department")
        .order_by("user__username")
    )
    held: dict[int, list[str]] = {}
    for user_id, role in (
        RoleAssignment.objects.filter(center=center).exclude(role=Role.AUDITOR).values_list("user_id", "role")
    ):
        held.setdefault(user_id, []).append(role)
    order = {r.value: i for i, r in enumerate(ROLES)}
    posts = (
        Post.objects.filter(window__center=center, end__isnull=True, voided_at__isnull=True)
        .select_related("window", "staff__user")
        .order_by("window__number", "kind")
    )
    return {
        DEPARTMENTS: [[d.code, d.name] for d in departments],
        WINDOWS: [
            [
                w.number,
                w.name,
                KIND_NAMES[w.kind],
                "、".join(sorted(d.code for d in w.departments.all())),
            ]
            for w in windows
        ],
        PEOPLE: [
            [
                s.user.username,
                s.name,
                s.department.code if s.department_id else "",
                s.title,
                s.phone,
                s.badge_number,
                "、".join(_role_label(r) for r in sorted(held.get(s.user_id, []), key=order.__getitem__)),
                "",
            ]
            for s in people
        ],
        POSTS: [[p.window.number, p.kind, p.staff.user.username, p.start.isoformat()] for p in posts],
    }


def _workbook(data: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for sheet, columns in COLUMNS.items():
        ws = wb.create_sheet(sheet)
        for col, (name, header, width) in enumerate(columns, start=1):
            cell = ws.cell(HEADER_ROW, col, header)
            cell.font, cell.fill = Font(bold=True), fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.column_dimensions[get_column_letter(col)].width = width
            letter = get_column_letter(col)
            if (sheet, name) == (WINDOWS, "kind"):
                choice = DataValidation(type="list", formula1='"独立窗口,综合窗口"', allow_blank=True)
            elif (sheet, name) == (POSTS, "kind"):
                choice = DataValidation(type="list", formula1='"A,B"', allow_blank=True)
            else:
                choice = None
            if choice is not None:
                choice.add(f"{letter}{FIRST_ROW}:{letter}2000")
                ws.add_data_validation(choice)
        for r, values in enumerate(data.get(sheet, []), start=FIRST_ROW):
            for c, value in enumerate(values, start=1):
                ws.cell(r, c, value).number_format = "@" if isinstance(value, str) else "General"
        ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    notes = wb.create_sheet(NOTES)
    notes.column_dimensions["A"].width = 110
    for r, line in enumerate(NOTES_TEXT, start=1):
        notes.cell(r, 1, line).font = Font(bold=r == 1, size=14 if r == 1 else 11)
    return xlsx.to_bytes(wb)


def export(center: Center) -> bytes:
    """The center's staff list as an .xlsx file (the same layout the import reads)."""
    return _workbook(rows(center))


def template() -> bytes:
    """An empty staff list with one example row a sheet, to fill in and import."""
    return _workbook(
        {
            DEPARTMENTS: [["minzheng", "民政所"]],
            WINDOWS: [[1, "民政所", "独立窗口", "minzheng"]],
            PEOPLE: [["zhangsan", "张三", "minzheng", "科员", "", "", "窗口工作人员", ""]],
            POSTS: [[1, "A", "zhangsan", clock.today().isoformat()]],
        }
    )


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # 0 when the problem is the file or the sheet itself
    column: int  # 1-based; 0 when the problem is a whole row or sheet
    message: str

    @property
    def column_letter(self) -> str:
        return get_column_letter(self.column) if self.column else ""

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column_letter, "message": self.message}

    def __str__(self):
        if not self.row:
            return _("「%(sheet)s」：%(message)s") % {"sheet": self.sheet, "message": self.message}
        if not self.column:
            return _("「%(sheet)s」表第 %(row)s 行：%(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("「%(sheet)s」表第 %(row)s 行 %(column)s 列：%(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column_letter,
            "message": self.message,
        }


class ImportRefused(Invalid):
    """The workbook has errors: every one is listed, nothing was saved."""

    def __init__(self, errors: list[CellError]):
        shown = "；".join(str(e) for e in errors[:20])
        more = _("……共 %(n)s 处") % {"n": len(errors)} if len(errors) > 20 else ""
        super().__init__(
            "import_invalid",
            _("人员名单有 %(n)s 处错误，未保存任何内容：") % {"n": len(errors)} + shown + more,
        )
        self.errors = errors

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [e.as_dict() for e in self.errors]}


@dataclass
class Row:
    sheet: str
    number: int  # the row's number in the sheet
    values: dict
    columns: dict  # field -> 1-based column

    def col(self, name: str) -> int:
        return self.columns.get(name, 0)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


class Reader:
    def __init__(self, center: Center):
        self.center = center
        self.errors: list[CellError] = []

    def error(self, row: Row, name: str, message: str) -> None:
        self.errors.append(CellError(row.sheet, row.number, row.col(name), message))

    def sheet(self, wb, name: str) -> list[Row]:
        if name not in wb.sheetnames:
            self.errors.append(CellError(name, 0, 0, _("缺少「%(sheet)s」表。") % {"sheet": name}))
            return []
        ws = wb[name]
        headers = {
            _text(cell.value): cell.column
            for cell in next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW), ())
        }
        columns = {}
        for field, header, _width in COLUMNS[name]:
            if header in headers:
                columns[field] = headers[header]
            elif field in REQUIRED[name]:
                self.errors.append(
                    CellError(name, HEADER_ROW, 0, _("缺少「%(header)s」列。") % {"header": header})
                )
        if any(f not in columns for f in REQUIRED[name]):
            return []
        out = []
        for number, cells in enumerate(ws.iter_rows(min_row=FIRST_ROW, values_only=True), start=FIRST_ROW):
            values = {f: _text(cells[c - 1]) if c - 1 < len(cells) else "" for f, c in columns.items()}
            if not any(values.values()):
                continue
            row = Row(name, number, values, columns)
            for field in REQUIRED[name]:
                if not values[field]:
                    header = {f: h for f, h, _w in COLUMNS[name]}[field]
                    self.error(row, field, _("「%(header)s」不能为空。") % {"header": header})
            out.append(row)
        return out

    def read(self, wb) -> dict[str, list[Row]]:
        sheets = {name: self.sheet(wb, name) for name in COLUMNS}
        self.check(sheets)
        return sheets

    # Each sheet's checks, in the order the sheets refer to each other.

    def check(self, sheets: dict[str, list[Row]]) -> None:
        center = self.center
        existing_departments = dict(Department.objects.filter(center=center).values_list("code", "name"))
        existing_windows = dict(Window.objects.filter(center=center).values_list("number", "name"))
        departments = set(existing_departments)
        seen: set[str] = set()
        for row in sheets[DEPARTMENTS]:
            code, name = row.values["code"], row.values["name"]
            if code and not CODE.fullmatch(code):
                self.error(
                    row,
                    "code",
                    _("科室编码「%(code)s」只能使用小写字母、数字和连字符，且以字母开头。")
                    % {"code": code[:50]},
                )
            elif code in seen:
                self.error(row, "code", _("科室编码「%(code)s」重复。") % {"code": code})
            elif code in existing_departments and name and existing_departments[code] != name:
                self.error(
                    row,
                    "name",
                    _("本中心已有编码为「%(code)s」的科室「%(name)s」。")
                    % {"code": code, "name": existing_departments[code]},
                )
            if len(name) > 100:
                self.error(row, "name", _("科室名称过长（最多 100 个字）。"))
            seen.add(code)
            departments.add(code)
        numbers = set(existing_windows)
        seen_numbers: set[int] = set()
        for row in sheets[WINDOWS]:
            number = _number(row.values["number"])
            if row.values["number"] and number is None:
                self.error(
                    row,
                    "number",
                    _("窗口编号应为 1 至 999 的整数，收到「%(value)s」。")
                    % {"value": row.values["number"][:20]},
                )
            elif number is not None and number in seen_numbers:
                self.error(row, "number", _("窗口编号 %(n)s 重复。") % {"n": number})
            elif (
                number in existing_windows
                and row.values["name"]
                and existing_windows[number] != row.values["name"]
            ):
                self.error(
                    row,
                    "name",
                    _("本中心已有 %(n)s 号窗口「%(name)s」。")
                    % {"n": number, "name": existing_windows[number]},
                )
            if len(row.values["name"]) > 100:
                self.error(row, "name", _("窗口名称过长（最多 100 个字）。"))
            kind = row.values.get("kind", "")
            if kind and kind not in KIND_LABELS and kind not in KIND_NAMES:
                self.error(row, "kind", _("窗口类型应为「独立窗口」或「综合窗口」。"))
            for code in _split(row.values.get("departments", "")):
                if code not in departments:
                    self.error(row, "departments", _("没有编码为「%(code)s」的科室。") % {"code": code[:50]})
            if number is not None:
                seen_numbers.add(number)
                numbers.add(number)
        User = get_user_model()
        usernames = [r.values["username"] for r in sheets[PEOPLE]]
        taken = dict(User.objects.filter(username__in=usernames).values_list("username", "staff__center_id"))
        local = set(Staff.objects.filter(center=center).values_list("user__username", flat=True))
        people = set(local)
        seen_users: set[str] = set()
        labels = {str(r.label): r.value for r in ROLES} | {r.value: r.value for r in ROLES}
        for row in sheets[PEOPLE]:
            username, name = row.values["username"], row.values["name"]
            if username and not USERNAME.fullmatch(username):
                self.error(row, "username", _("用户名只能使用字母、数字和 _ . @ + -，最多 150 个字符。"))
            elif username in seen_users:
                self.error(row, "username", _("用户名「%(u)s」重复。") % {"u": username})
            elif username in taken and username not in local:
                self.error(row, "username", _("用户名「%(u)s」已被使用。") % {"u": username})
            seen_users.add(username)
            people.add(username)
            if len(name) > 40:
                self.error(row, "name", _("姓名过长（最多 40 个字）。"))
            department = row.values.get("department", "")
            if department and department not in departments:
                self.error(row, "department", _("没有编码为「%(code)s」的科室。") % {"code": department[:50]})
            for field, limit in (("title", 60), ("phone", 40), ("badge_number", 20)):
                if len(row.values.get(field, "")) > limit:
                    self.error(row, field, _("内容过长（最多 %(n)s 个字）。") % {"n": limit})
            for role in _split(row.values.get("roles", "")):
                if role not in labels:
                    self.error(row, "roles", _("未知角色「%(role)s」。") % {"role": role[:40]})
            password = row.values.get("password", "")
            if password and username and username not in local:
                try:
                    validate_password(password, User(username=username, first_name=name))
                except ValidationError as exc:
                    self.error(row, "password", "；".join(exc.messages))
        seen_posts: set[tuple[int, str]] = set()
        a_posts: dict[str, int] = {}
        for row in sheets[POSTS]:
            number = _number(row.values["window"])
            kind = row.values["kind"].upper()
            username = row.values["username"]
            if row.values["window"] and (number is None or number not in numbers):
                self.error(row, "window", _("没有编号为「%(n)s」的窗口。") % {"n": row.values["window"][:20]})
            if kind and kind not in ("A", "B"):
                self.error(row, "kind", _("岗位只能是 A 或 B。"))
            if username and username not in people:
                self.error(row, "username", _("人员表中没有用户名「%(u)s」。") % {"u": username[:50]})
            if row.values["start"] and _day(row.values["start"]) is None:
                self.error(row, "start", _("起始日期应为 YYYY-MM-DD 格式的日期。"))
            if number is not None and kind in ("A", "B"):
                if (number, kind) in seen_posts:
                    self.error(row, "kind", _("%(n)s 号窗口的 %(k)s 岗重复。") % {"n": number, "k": kind})
                seen_posts.add((number, kind))
            if kind == "A" and username:
                if username in a_posts and a_posts[username] != number:
                    self.error(
                        row,
                        "username",
                        _("%(u)s 已担任 %(n)s 号窗口的 A 岗；同一人同一天只能担任一个 A 岗。")
                        % {"u": username, "n": a_posts[username]},
                    )
                a_posts.setdefault(username, number)


def _split(value: str) -> list[str]:
    return [part for part in SEPARATORS.split(value or "") if part]


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and 1 <= int(value) <= 999 else None


def _day(value: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return day if dt.date(2004, 1, 1) <= day <= dt.date(2099, 12, 31) else None


def _check_bounds(file) -> None:
    too_large = Invalid(
        "import_too_large",
        _("文件过大：人员名单一次最多导入 %(mb)s MB、%(rows)s 行。")
        % {"mb": IMPORT_MAX_BYTES // (1024 * 1024), "rows": IMPORT_MAX_ROWS},
    )
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
        file.seek(0)
    if size > IMPORT_MAX_BYTES:
        raise too_large
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        unpacked = 0
    file.seek(0)
    if unpacked > IMPORT_MAX_UNPACKED:
        raise too_large


def _generated_password() -> str:
    """An initial password that obeys the password rule: four character classes, 14 characters."""
    body = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(10))
    return f"{secrets.choice(string.ascii_uppercase)}{body}{secrets.choice('@#%+')}{secrets.randbelow(10)}x"


# Which column a service's refusal belongs to, by its code.
COLUMN_OF_CODE = {
    "duplicate_code": "code",
    "duplicate_window_number": "number",
    "duplicate_username": "username",
    "weak_password": "password",
    "department_of_other_center": "department",
    "unknown_role": "roles",
    "role_separation": "roles",
    "auditor_account": "roles",
    "forbidden": "roles",
    "post_taken": "kind",
    "already_holds_post": "kind",
    "already_posted_here": "kind",
    "two_a_posts": "username",
    "posting_change_needs_approval": "start",
    "too_long": "name",
}


def import_file(*, actor, center: Center, file) -> dict:
    """Check a staff list and, only if every cell is valid, write it in one transaction.

    Answers the counts written and the initial passwords generated (shown once); raises
    ``ImportRefused`` listing every error, with nothing saved."""
    access.require(actor, center, *access.CONFIGURERS)
    _check_bounds(file)
    try:
        wb = load_workbook(file, data_only=True, read_only=False)
    except Exception:  # any unreadable upload is the same bad input
        raise ImportRefused([CellError(_("文件"), 0, 0, _("不是有效的 Excel 工作簿（.xlsx）。"))]) from None
    total = sum(wb[name].max_row - HEADER_ROW for name in COLUMNS if name in wb.sheetnames)
    if total > IMPORT_MAX_ROWS:
        raise Invalid(
            "import_too_many_rows",
            _("工作簿共有 %(rows)s 行数据，一次最多导入 %(limit)s 行。")
            % {"rows": total, "limit": IMPORT_MAX_ROWS},
        )
    reader = Reader(center)
    sheets = reader.read(wb)
    if reader.errors:
        raise ImportRefused(_sorted(reader.errors))
    errors: list[CellError] = []
    counts = {"departments": 0, "windows": 0, "staff": 0, "posts": 0}
    passwords: list[dict] = []
    with transaction.atomic():
        _write(actor, center, sheets, errors, counts, passwords)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ImportRefused(_sorted(errors))
    return {**counts, "passwords": passwords}


def _sorted(errors: list[CellError]) -> list[CellError]:
    order = [*COLUMNS, NOTES]
    return sorted(errors, key=lambda e: (order.index(e.sheet) if e.sheet in order else -1, e.row, e.column))


def _attempt(errors: list[CellError], row: Row, fallback: str, fn):
    try:
        with transaction.atomic():
            return fn()
    except DomainError as exc:
        column = COLUMN_OF_CODE.get(exc.code, fallback)
        if exc.fields:
            column = next((f for f in exc.fields if f in row.columns), column)
        errors.append(CellError(row.sheet, row.number, row.col(column), exc.message))
        return None


def _write(actor, center, sheets, errors, counts, passwords) -> None:
    departments = {d.code: d for d in Department.objects.filter(center=center)}
    for row in sheets[DEPARTMENTS]:
        code = row.values["code"]
        if code in departments:
            continue
        made = _attempt(
            errors,
            row,
            "code",
            lambda row=row: services.department_create(
                actor=actor, center=center, code=row.values["code"], name=row.values["name"]
            ),
        )
        if made is not None:
            departments[code] = made
            counts["departments"] += 1
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    for row in sheets[WINDOWS]:
        number = int(row.values["number"])
        if number in windows:
            continue
        kind = KIND_LABELS.get(row.values.get("kind", ""), row.values.get("kind") or Window.Kind.INDEPENDENT)
        served = [departments[c] for c in _split(row.values.get("departments", "")) if c in departments]
        made = _attempt(
            errors,
            row,
            "name",
            lambda row=row, number=number, kind=kind, served=served: services.window_create(
                actor=actor,
                center=center,
                number=number,
                name=row.values["name"],
                kind=kind,
                departments=served,
            ),
        )
        if made is not None:
            windows[number] = made
            counts["windows"] += 1
    people = {s.user.username: s for s in Staff.objects.filter(center=center).select_related("user")}
    labels = {str(r.label): r.value for r in ROLES} | {r.value: r.value for r in ROLES}
    for row in sheets[PEOPLE]:
        username = row.values["username"]
        if username in people:
            continue
        password = row.values.get("password") or _generated_password()
        v = row.values

        def create(v=v, password=password):
            staff = services.staff_create(
                actor=actor,
                center=center,
                username=v["username"],
                password=password,
                name=v["name"],
                department=departments.get(v.get("department")) if v.get("department") else None,
                title=v.get("title", ""),
                phone=v.get("phone", ""),
                badge_number=v.get("badge_number", ""),
            )
            for role in _split(v.get("roles", "")):
                services.role_grant(actor=actor, user=staff.user, center=center, role=labels[role])
            return staff

        made = _attempt(errors, row, "username", create)
        if made is not None:
            people[username] = made
            counts["staff"] += 1
            if not row.values.get("password"):
                passwords.append({"username": username, "password": password})
    for row in sheets[POSTS]:
        window = windows.get(int(row.values["window"]))
        staff = people.get(row.values["username"])
        if window is None or staff is None:
            continue  # its window or person failed above, and was reported there
        kind, start = row.values["kind"].upper(), _day(row.values["start"])
        if Post.objects.filter(
            window=window, staff=staff, kind=kind, start=start, end__isnull=True, voided_at__isnull=True
        ).exists():
            continue  # the same posting, imported again
        made = _attempt(
            errors,
            row,
            "kind",
            lambda window=window, staff=staff, kind=kind, start=start: services.post_assign(
                actor=actor, window=window, staff=staff, kind=kind, start=start
            ),
        )
        if made is not None:
            counts["posts"] += 1
