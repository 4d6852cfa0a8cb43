"""Every write to the calendar: local closures (HRS-2), corrections, official schedules.

Each is one transaction with an audit event, and renews the calendar's version stamp so that
every process rebuilds its cached calendars (cache.py).
"""

import datetime as dt
import io
import re
import zipfile
from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext

from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.org import access
from servicehall.org.models import Center
from servicehall.workdays import cache, rules, seed, selectors, shifts
from servicehall.workdays.models import CalendarDay, CalendarVersion, Closure, DayCorrection, OfficialSchedule
from servicehall.workdays.rules import CalendarError, Day

MAX_CLOSURE_DAYS = 366
MAX_SCHEDULE_BYTES = 1_000_000
MOVED_LISTED = 50  # deadlines listed one by one in a closure's impact


def _invalid(exc: CalendarError) -> Invalid:
    return Invalid(exc.code, exc.message)


def _in_range(d: dt.date) -> None:
    if not rules.FIRST_DATE <= d <= rules.LAST_DATE:
        raise Invalid(
            "date_out_of_range", gettext("日期 %(d)s 超出工作日历范围（%(FIRST_DATE)s 至 %(LAST_DATE)s）。") % {"d": d, "FIRST_DATE": rules.FIRST_DATE, "LAST_DATE": rules.LAST_DATE}
        )


def _text(value: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid("missing_field", gettext("请填写%(label)s。") % {"label": label}, fields={label: [gettext("必填")]})
    if len(value) > limit:
        raise Invalid("too_long", gettext("%(label)s不能超过 %(limit)s 个字。") % {"label": label, "limit": limit})
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
        raise Forbidden(gettext("只有系统管理员可以更改全国工作日历（更正日期、导入国务院安排）。"))


def _day_dict(day: CalendarDay | Day) -> dict:
    return {"kind": day.kind, "name": day.name, "workday": day.workday, "provisional": day.provisional}


# --- local closures (HRS-2) ---------------------------------------------------------------


class ConfirmationRequired(Conflict):
    """409 ``confirmation_required``: the change is applied only when sent again with
    ``confirm``; ``impact`` states what it would change (``impact_of``)."""

    def __init__(self, message: str, impact: dict):
        super().__init__("confirmation_required", message)
        self.impact = impact

    def as_dict(self) -> dict:
        return {**super().as_dict(), "impact": self.impact}


class _Preview(Exception):
    """Rolls back a change that waits for its confirmation."""

    def __init__(self, impact: dict):
        self.impact = impact


@contextmanager
def _calendar_write():
    """One transaction over the locked calendar (yields its stamp before the change). A preview
    of a change that needs confirmation answers ``ConfirmationRequired`` with its impact; on any
    failure the request forgets the calendar stamp it may have memoised inside the transaction."""
    try:
        with transaction.atomic():
            yield _locked_calendar()
    except _Preview as preview:
        cache.forget()
        raise ConfirmationRequired(_confirm_message(preview.impact), preview.impact) from None
    except BaseException:
        cache.forget()
        raise


def _subtree(center) -> list:
    """The center and every center below it."""
    rows = list(Center.objects.select_related("policy", "parent").order_by("id"))
    children: dict = {}
    for c in rows:
        children.setdefault(c.parent_id, []).append(c)
    out, stack = [], [next(c for c in rows if c.pk == center.pk)]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children.get(node.pk, []))
    return out


def _runs(pairs: list[tuple[dt.date, dt.date]]) -> list[dict]:
    return [{"start": a.isoformat(), "end": b.isoformat()} for a, b in pairs]


def impact_of(change: shifts.CalendarChange, center, moved: list[shifts.MovedDeadline]) -> dict:
    """What a closure (or its reopening) changes: the working days the center's hall and
    kiosk close (or open again) and the open deadlines that move, by kind."""
    old, new = change.calendars(center)
    days = rules.turned(old, new, change.first, change.last, closed=not change.reopened)
    today = clock.today()
    kinds: dict[str, int] = {}
    for row in moved:
        kinds[row.kind] = kinds.get(row.kind, 0) + 1
    return {
        "reopening": change.reopened,
        "working_days": len(days),
        "past_days": sum(1 for d in days if d < today),
        "kiosk": _runs(rules.runs(days, new if change.reopened else old)),
        "days": [d.isoformat() for d in days],
        "deadlines": len(moved),
        "by_kind": kinds,
        "moved": [row.as_dict() for row in moved[:MOVED_LISTED]],
    }


def _confirm_message(impact: dict) -> str:
    runs = "、".join(
        r["start"] if r["start"] == r["end"] else f"{r['start']} 至 {r['end']}" for r in impact["kiosk"][:5]
    ) + (gettext("等") if len(impact["kiosk"]) > 5 else "")
    verb = gettext("恢复办公") if impact["reopening"] else gettext("停止办公")
    past = gettext("，其中 %(value)s 天已经过去") % {"value": impact['past_days']} if impact["past_days"] else ""
    kinds = "、".join(f"{k} {n} 件" for k, n in impact["by_kind"].items()) or gettext("无")
    return (
        gettext("请确认：将%(verb)s %(value)s 个工作日%(past)s（取号机%(value1)s：%(value2)s），期限%(value3)s的未办结事项：%(kinds)s。确认后再提交一次。") % {"verb": verb, "value": impact['working_days'], "past": past, "value1": '重新开放' if impact['reopening'] else '停止取号', "value2": runs or '无', "value3": '提前' if impact['reopening'] else '顺延', "kinds": kinds}
    )


def _calendar_change(*, actor, center, first, last, reopened, note, confirm, old):
    """After the closure row is written: move the deadlines, or roll back with the impact."""
    _renew_stamp()
    change = shifts.CalendarChange(
        centers=_subtree(center),
        first=first,
        last=last,
        reopened=reopened,
        note=note,
        actor=actor,
        old=old,
        new=cache.snapshot(),
    )
    old_cal, new_cal = change.calendars(center)
    days = rules.turned(old_cal, new_cal, first, last, closed=not reopened)
    today = clock.today()
    needs = bool(days) and rules.needs_confirmation(len(days), min(days), today)
    if needs and not confirm:
        raise _Preview(impact_of(change, center, shifts.shift_deadlines(change, apply=False)))
    moved = shifts.shift_deadlines(change, apply=True)
    return impact_of(change, center, moved)


def _locked_calendar():
    """Calendar changes one at a time: each sees the calendar the one before it left."""
    _ensure_seeded()
    CalendarVersion.objects.select_for_update().filter(pk=1).first()
    return cache.snapshot()


def closure_add(
    *,
    actor,
    center,
    start: dt.date,
    end: dt.date,
    reason: str,
    appointments: bool = False,
    confirm: bool = False,
) -> Closure:
    """Close a center — and every center below it — from ``start`` to ``end`` inclusive.

    Every open deadline of those centers that runs across the closed working days moves on by
    the working days lost, in the same transaction (``shifts``). More than a few working days,
    or days in the past, need ``confirm``: without it the answer is ``ConfirmationRequired``
    with the impact, and nothing is saved. ``appointments``: booked appointments go on.
    """
    access.require(actor, center, *access.CONFIGURERS)
    reason = _text(reason, gettext("原因"), 60)
    _in_range(start)
    _in_range(end)
    if end < start:
        raise Invalid("bad_range", gettext("结束日期 %(end)s 早于开始日期 %(start)s。") % {"end": end, "start": start})
    if (end - start).days >= MAX_CLOSURE_DAYS:
        raise Invalid("bad_range", gettext("一次停止办公不能超过 %(MAX_CLOSURE_DAYS)s 天。") % {"MAX_CLOSURE_DAYS": MAX_CLOSURE_DAYS})
    with _calendar_write() as old:
        overlap = (
            Closure.objects.filter(center=center, voided_at__isnull=True, start__lte=end, end__gte=start)
            .order_by("start")
            .first()
        )
        if overlap is not None:
            raise Conflict(
                "closure_overlaps",
                gettext("与已登记的停止办公重叠：%(start)s 至 %(end)s（%(reason)s）。") % {"start": overlap.start, "end": overlap.end, "reason": overlap.reason},
            )
        closure = Closure.objects.create(
            center=center,
            start=start,
            end=end,
            reason=reason,
            appointments=bool(appointments),
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=clock.now(),
        )
        span = str(start) if start == end else gettext("%(start)s至%(end)s") % {"start": start, "end": end}
        closure.impact = _calendar_change(
            actor=actor,
            center=center,
            first=start,
            last=end,
            reopened=False,
            note=gettext("%(span)s停止办公（%(reason)s）") % {"span": span, "reason": reason},
            confirm=confirm,
            old=old,
        )
        audit.record(
            actor=actor,
            action="closure.add",
            obj=closure,
            center=center,
            after={**audit.snapshot(closure), "deadlines_moved": closure.impact["deadlines"]},
        )
    return closure


def closure_void(*, actor, closure: Closure, reason: str, confirm: bool = False) -> Closure:
    """Reopen: withdraw a closure (SEC-2: voided with a reason, never deleted). The deadlines it
    moved move back the same way; a long or past closure needs ``confirm`` like adding one."""
    access.require(actor, closure.center, *access.CONFIGURERS)
    reason = _text(reason, gettext("作废原因"), 300)
    with _calendar_write() as old:
        closure = Closure.objects.select_for_update().select_related("center").get(pk=closure.pk)
        if closure.is_void:
            raise Conflict("already_void", gettext("该停止办公登记已作废。"))
        before = audit.snapshot(closure)
        closure.mark_void(actor, reason)
        span = str(closure.start) if closure.start == closure.end else gettext("%(start)s至%(end)s") % {"start": closure.start, "end": closure.end}
        closure.impact = _calendar_change(
            actor=actor,
            center=closure.center,
            first=closure.start,
            last=closure.end,
            reopened=True,
            note=gettext("%(span)s停止办公（%(reason)s）已撤销") % {"span": span, "reason": closure.reason},
            confirm=confirm,
            old=old,
        )
        audit.record(
            actor=actor,
            action="closure.void",
            obj=closure,
            center=closure.center,
            before=before,
            after={**audit.snapshot(closure), "deadlines_moved": closure.impact["deadlines"]},
        )
    return closure


# --- corrections --------------------------------------------------------------------------------


def day_correct(*, actor, date: dt.date, workday: bool, name: str, reason: str) -> CalendarDay:
    """Set one day of the national calendar by hand; the day stops being provisional."""
    _require_calendar_admin(actor)
    _in_range(date)
    name = _text(name, gettext("名称"), 60, required=False)
    reason = _text(reason, gettext("更正原因"), 200)
    new = rules.day_as(date, workday, name)
    with transaction.atomic():
        _ensure_seeded()
        row = CalendarDay.objects.select_for_update().get(date=date)
        before = _day_dict(row)
        if (row.workday, row.kind, row.name, row.provisional) == (new.workday, new.kind, new.name, False):
            raise Invalid(
                "no_change",
                gettext("%(date)s 已是%(value)s%(value1)s，无需更正。") % {"date": date, "value": row.get_kind_display(), "value1": ('（' + row.name + '）') if row.name else ''},
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
        raise Invalid("bad_file", gettext("无法读取该 Excel 文件，请另存为 .xlsx 后重试。")) from None
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
    document = _text(document, gettext("文号"), 80, required=False)
    file_name = _text(file_name, gettext("文件名"), 200, required=False)
    if len(content) > MAX_SCHEDULE_BYTES:
        raise Invalid("file_too_large", gettext("文件过大（不超过 1 MB）。"))
    if file_name.lower().endswith(".xlsx"):
        rows = _xlsx_rows(content if isinstance(content, bytes) else content.encode())
    elif file_name and not file_name.lower().endswith((".txt", ".csv")):
        raise Invalid("bad_file", gettext("只接受文本（.txt、.csv）或 Excel（.xlsx）文件。"))
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
