"""Every write to the calendar: local closures (HRS-2), corrections, official schedules.

Each is one transaction with an audit event, and renews the calendar's version stamp so that
every process rebuilds its cached calendars (cache.py).
"""

import datetime as dt
import io
import re
import zipfile

from django.db import transaction

from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.org import access
from servicehall.workdays import cache, rules, seed, selectors
from servicehall.workdays.models import CalendarDay, CalendarVersion, Closure, DayCorrection, OfficialSchedule
from servicehall.workdays.rules import CalendarError, Day

MAX_CLOSURE_DAYS = 366
MAX_SCHEDULE_BYTES = 1_000_000


def _invalid(exc: CalendarError) -> Invalid:
    return Invalid(exc.code, exc.message)


def _in_range(d: dt.date) -> None:
    if not rules.FIRST_DATE <= d <= rules.LAST_DATE:
        raise Invalid(
            "date_out_of_range", f"日期 {d} 超出工作日历范围（{rules.FIRST_DATE} 至 {rules.LAST_DATE}）。"
        )


def _text(value: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid("missing_field", f"请填写{label}。", fields={label: ["必填"]})
    if len(value) > limit:
        raise Invalid("too_long", f"{label}不能超过 {limit} 个字。")
    return value


def _ensure_seeded() -> None:
    """The table is seeded by its migration; only an emptied database needs it again."""
    if CalendarVersion.objects.filter(pk=1).exists():
        return
    if CalendarDay.objects.exists():
        CalendarVersion.objects.create(pk=1, stamp=seed.new_stamp())
    else:
        seed.seed(CalendarDay, CalendarVersion)


def _renew_stamp() -> None:
    CalendarVersion.objects.filter(pk=1).update(stamp=seed.new_stamp(), changed_at=clock.now())
    cache.forget()


def _require_calendar_admin(actor) -> None:
    if actor is not None and not selectors.can_manage_calendar(actor):
        raise Forbidden("只有系统管理员可以更改全国工作日历（更正日期、导入国务院安排）。")


def _day_dict(day: CalendarDay | Day) -> dict:
    return {"kind": day.kind, "name": day.name, "workday": day.workday, "provisional": day.provisional}


# --- local closures (HRS-2) ---------------------------------------------------------------


def closure_add(*, actor, center, start: dt.date, end: dt.date, reason: str) -> Closure:
    """Close a center — and every center below it — from ``start`` to ``end`` inclusive."""
    access.require(actor, center, *access.CONFIGURERS)
    reason = _text(reason, "原因", 60)
    _in_range(start)
    _in_range(end)
    if end < start:
        raise Invalid("bad_range", f"结束日期 {end} 早于开始日期 {start}。")
    if (end - start).days >= MAX_CLOSURE_DAYS:
        raise Invalid("bad_range", f"一次停止办公不能超过 {MAX_CLOSURE_DAYS} 天。")
    with transaction.atomic():
        _ensure_seeded()
        overlap = (
            Closure.objects.filter(center=center, voided_at__isnull=True, start__lte=end, end__gte=start)
            .order_by("start")
            .first()
        )
        if overlap is not None:
            raise Conflict(
                "closure_overlaps",
                f"与已登记的停止办公重叠：{overlap.start} 至 {overlap.end}（{overlap.reason}）。",
            )
        closure = Closure.objects.create(
            center=center,
            start=start,
            end=end,
            reason=reason,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor, action="closure.add", obj=closure, center=center, after=audit.snapshot(closure)
        )
        _renew_stamp()
    return closure


def closure_void(*, actor, closure: Closure, reason: str) -> Closure:
    """Withdraw a closure (SEC-2: voided with a reason, never deleted)."""
    access.require(actor, closure.center, *access.CONFIGURERS)
    reason = _text(reason, "作废原因", 300)
    with transaction.atomic():
        closure = Closure.objects.select_for_update().select_related("center").get(pk=closure.pk)
        if closure.is_void:
            raise Conflict("already_void", "该停止办公登记已作废。")
        before = audit.snapshot(closure)
        closure.mark_void(actor, reason)
        audit.record(
            actor=actor,
            action="closure.void",
            obj=closure,
            center=closure.center,
            before=before,
            after=audit.snapshot(closure),
        )
        _renew_stamp()
    return closure


# --- corrections --------------------------------------------------------------------------------


def day_correct(*, actor, date: dt.date, workday: bool, name: str, reason: str) -> CalendarDay:
    """Set one day of the national calendar by hand; the day stops being provisional."""
    _require_calendar_admin(actor)
    _in_range(date)
    name = _text(name, "名称", 60, required=False)
    reason = _text(reason, "更正原因", 200)
    new = rules.day_as(date, workday, name)
    with transaction.atomic():
        _ensure_seeded()
        row = CalendarDay.objects.select_for_update().get(date=date)
        before = _day_dict(row)
        if (row.workday, row.kind, row.name, row.provisional) == (new.workday, new.kind, new.name, False):
            raise Invalid(
                "no_change",
                f"{date} 已是{row.get_kind_display()}{('（' + row.name + '）') if row.name else ''}，无需更正。",
            )
        row.kind, row.name, row.workday = new.kind, new.name, new.workday
        row.provisional, row.source = False, CalendarDay.Source.CORRECTED
        row.save()
        after = _day_dict(row)
        DayCorrection.objects.create(
            date=date,
            before=before,
            after=after,
            reason=reason,
            corrected_by=actor if getattr(actor, "pk", None) else None,
            corrected_at=clock.now(),
        )
        audit.record(
            actor=actor, action="calendar.correct", obj=row, before=before, after={**after, "reason": reason}
        )
        _renew_stamp()
    return row


# --- official schedules -------------------------------------------------------------------------

_RANGE_SPACES = re.compile(r"\s*(\.\.|~|～|至)\s*")
_CELLS = re.compile(r"\s*[,，\t]\s*|\s+")


def _text_rows(content: bytes | str) -> list[tuple[int, list[str]]]:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            content = content.decode("gb18030", errors="replace")
    return [
        (number, _CELLS.split(_RANGE_SPACES.sub(r"\1", line.strip()), maxsplit=2))
        for number, line in enumerate(content.splitlines(), start=1)
    ]


def _cell(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def _xlsx_rows(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        rows = [
            (n, [_cell(v) for v in row[:3]])
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError):
        raise Invalid("bad_file", "无法读取该 Excel 文件，请另存为 .xlsx 后重试。") from None
    if rows and rows[0][1] and rows[0][1][0].strip().lower() in {"日期", "date"}:
        rows = rows[1:]  # a header row
    return rows


def _schedule_text(entries: list[rules.ScheduleEntry]) -> str:
    lines = []
    for e in entries:
        when = str(e.first) if e.first == e.last else f"{e.first}..{e.last}"
        lines.append(f"{when} {'workday' if e.workday else 'holiday'} {e.name}".rstrip())
    return "\n".join(lines) + "\n"


def schedule_load(
    *, actor, content: bytes | str, file_name: str = "", document: str = ""
) -> OfficialSchedule:
    """Load a year's official holiday arrangement (text or .xlsx, docs/calendar.md).

    Every day of that year becomes official (no longer provisional): listed days as listed,
    the others plain weekdays and weekends. The record keeps the days that changed; the
    deadlines they move come from ``review.deadlines_to_review``.
    """
    _require_calendar_admin(actor)
    document = _text(document, "文号", 80, required=False)
    file_name = _text(file_name, "文件名", 200, required=False)
    if len(content) > MAX_SCHEDULE_BYTES:
        raise Invalid("file_too_large", "文件过大（不超过 1 MB）。")
    if file_name.lower().endswith(".xlsx"):
        rows = _xlsx_rows(content if isinstance(content, bytes) else content.encode())
    elif file_name and not file_name.lower().endswith((".txt", ".csv")):
        raise Invalid("bad_file", "只接受文本（.txt、.csv）或 Excel（.xlsx）文件。")
    else:
        rows = _text_rows(content)
    try:
        entries = rules.parse_schedule(rows)
        year = rules.schedule_year(entries)
        days = rules.official_days(year, entries)
    except CalendarError as exc:
        raise _invalid(exc) from None
    with transaction.atomic():
        _ensure_seeded()
        current = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(date__in=[d.date for d in days])
        }
        before = [Day(r.date, r.workday, r.kind, r.name, r.provisional) for r in current.values()]
        changes = [
            {"date": old.date.isoformat(), "before": _day_dict(old), "after": _day_dict(new)}
            for old, new in rules.changed_days(before, days)
        ]
        for day in days:
            row = current[day.date]
            row.kind, row.name, row.workday = day.kind, day.name, day.workday
            row.provisional, row.source = False, CalendarDay.Source.OFFICIAL
        CalendarDay.objects.bulk_update(
            current.values(), ["kind", "name", "workday", "provisional", "source"]
        )
        schedule = OfficialSchedule.objects.create(
            year=year,
            document=document,
            file_name=file_name,
            text=_schedule_text(entries),
            changes=changes,
            loaded_by=actor if getattr(actor, "pk", None) else None,
            loaded_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="calendar.schedule_load",
            obj=schedule,
            before={c["date"]: c["before"] for c in changes},
            after={"year": year, "document": document, "days": {c["date"]: c["after"] for c in changes}},
        )
        _renew_stamp()
    return schedule
