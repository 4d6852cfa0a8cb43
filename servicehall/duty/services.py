"""Every write of the duty app: the roster's hand changes, leave and its chain, clock-ins.

Each service takes ``actor`` first, checks scope, runs in one transaction and records an audit
event; a refusal raises before anything is written.
"""

import datetime as dt
import hashlib

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.duty import clockfile, rules
from servicehall.duty.models import (
    ClockImport,
    ClockIn,
    ClockLayout,
    Leave,
    LeaveChain,
    LeaveStep,
    RosterEntry,
)
from servicehall.org import access
from servicehall.org.models import Center, RoleAssignment, Staff, Window
from servicehall.workdays import selectors as workdays

ROSTER_EDITORS = (Role.DIRECTOR, Role.SYSADMIN)
LEAVE_FILERS = (Role.DIRECTOR, Role.DEPARTMENT_HEAD)  # may file for someone else
CLOCK_EDITORS = (Role.DIRECTOR, Role.SYSADMIN)


def _staff_of(center: Center, username: str, field: str = "staff") -> Staff:
    staff = Staff.objects.filter(user__username=username or "").select_related("user", "center").first()
    if staff is None:
        raise Invalid(
            "staff_not_found",
            gettext("没有用户名为「%(username)s」的工作人员。") % {"username": (username or "")[:40]},
            fields={field: "not_found"},
        )
    if staff.center_id != center.pk:
        raise Invalid(
            "staff_of_other_center",
            gettext("%(staff)s 不是「%(name)s」的工作人员。") % {"staff": staff.name, "name": center.name},
            fields={field: "other"},
        )
    return staff


# --- the roster (DUT-1) ------------------------------------------------------------------------


def roster_set(*, actor, center: Center, seats: list[dict], duty: list[dict]) -> int:
    """Hand changes to a month's roster: ``seats`` [{"date", "window" (number), "staff" (username or
    None: the window left empty)}], ``duty`` [{"date", "staff"}]. Each replaces the day's earlier
    change. Returns how many changes were stored."""
    access.require(actor, center, *ROSTER_EDITORS)
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    now = clock.now()
    entries = []
    for seat in seats:
        window = windows.get(seat["window"])
        if window is None:
            raise Invalid(
                "window_not_found", gettext("本中心没有 %(window)s 号窗口。") % {"window": seat["window"]}
            )
        staff = _staff_of(center, seat["staff"]) if seat.get("staff") else None
        entries.append(
            RosterEntry(
                center=center, day=seat["date"], kind=RosterEntry.Kind.SEAT, window=window, staff=staff
            )
        )
    for row in duty:
        staff = _staff_of(center, row["staff"]) if row.get("staff") else None
        entries.append(RosterEntry(center=center, day=row["date"], kind=RosterEntry.Kind.DUTY, staff=staff))
    keys = {(e.day, e.kind, e.window_id) for e in entries}
    if len(keys) != len(entries):
        raise Invalid("duplicate_roster_entry", gettext("同一天同一窗口（或值日）只能填写一次。"))
    with transaction.atomic():
        for e in entries:
            old = RosterEntry.objects.select_for_update().filter(
                center=center, day=e.day, kind=e.kind, window=e.window, voided_at__isnull=True
            )
            for o in old:
                o.mark_void(actor, "值班表调整")
            e.set_by = actor if getattr(actor, "pk", None) else None
            e.set_at = now
            e.save()
        audit.record(
            actor=actor,
            action="roster.change",
            center=center,
            after={
                "seats": [
                    {
                        "date": e.day.isoformat(),
                        "window": e.window.number if e.window else None,
                        "staff": e.staff_id,
                    }
                    for e in entries
                ]
            },
        )
    return len(entries)


# --- leave (DUT-2, DUT-3) ----------------------------------------------------------------------


def chain_of(center: Center, day: dt.date) -> tuple[int, list[dict]]:
    """The center's chain in force on ``day`` (its latest version from then), or the default."""
    chain = LeaveChain.objects.filter(center=center, effective_from__lte=day).order_by("-version").first()
    if chain is None:
        return 0, rules.DEFAULT_CHAIN
    return chain.version, chain.rules


def chain_set(
    *, actor, center: Center, chain: list[dict], effective_from: dt.date, note: str = ""
) -> LeaveChain:
    """A new version of the center's approval chain (the old stays for requests filed under it)."""
    access.require(actor, center, *ROSTER_EDITORS)
    roles = set(Role.values) | {"director"}
    for rule in chain:
        if not isinstance(rule.get("min_half_days"), int) or not rule.get("steps"):
            raise Invalid("bad_chain", gettext("每条规则须有 min_half_days（整数）和至少一个审批步骤。"))
        for step in rule["steps"]:
            if step.get("role") not in roles or step.get("action") not in ("review", "approve"):
                raise Invalid("bad_chain", gettext("审批步骤的角色或动作无效。"))
    if not any(r["min_half_days"] == 0 for r in chain):
        raise Invalid("bad_chain", gettext("须有一条从 0 个半天起适用的规则。"))
    with transaction.atomic():
        last = LeaveChain.objects.select_for_update().filter(center=center).order_by("-version").first()
        made = LeaveChain.objects.create(
            center=center,
            version=(last.version if last else 0) + 1,
            effective_from=effective_from,
            rules=chain,
            note=note,
        )
        audit.record(actor=actor, action="leave_chain.set", obj=made, center=center, after={"rules": chain})
    return made


def _holder(center: Center, role: str):
    """The person holding ``role`` nearest to the center (its own, then the centers above)."""
    lineage = access.ancestors_and_self(center)
    found = {}
    for ra in (
        RoleAssignment.objects.filter(center_id__in=lineage, role=role).select_related("user").order_by("-id")
    ):
        found[ra.center_id] = ra.user  # the lowest id of each center last: it wins
    for center_id in lineage:
        if center_id in found:
            return found[center_id]
    return None


def _department_head(center: Center, department_id: int | None):
    """DUT-3 (000 一.2): the head of the applicant's own department (所在科室主要负责人), never
    another department's; None when the applicant has no department or it has no head."""
    if department_id is None:
        return None
    head = (
        Staff.objects.filter(
            department_id=department_id,
            active=True,
            user__roles__role=Role.DEPARTMENT_HEAD,
            user__roles__center_id__in=access.ancestors_and_self(center),
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return head.user if head else None


def _step_holder(center: Center, role: str, person: Staff):
    """Who a step of ``person``'s leave goes to: the department head is their own department's."""
    if role == Role.DEPARTMENT_HEAD:
        return _department_head(center, person.department_id)
    return _holder(center, role)


def leave_file(
    *,
    actor,
    staff: str,
    kind: str,
    start: str,
    end: str,
    reason: str,
    substitute: str | None,
    urgent: bool = False,
) -> Leave:
    """DUT-2/DUT-3: file a request. Refused (nothing saved) when filed too late (an urgent trip
    may be registered afterwards, flagged), without a substitute, overlapping another request."""
    person = (
        Staff.objects.filter(user__username=staff or "")
        .select_related("user", "center__policy", "center__parent")
        .first()
    )
    if person is None:
        raise Invalid(
            "staff_not_found",
            gettext("没有用户名为「%(username)s」的工作人员。") % {"username": (staff or "")[:40]},
            fields={"staff": "not_found"},
        )
    center = person.center
    if actor is not None and actor.pk != person.user_id:
        access.require(actor, center, *LEAVE_FILERS)
    if kind not in Leave.Kind.values:
        raise Invalid("bad_kind", gettext("请假类别无效。"), fields={"kind": "invalid"})
    try:
        start_day, start_half = rules.parse_half(start)
        end_day, end_half = rules.parse_half(end)
    except ValueError:
        raise Invalid("bad_half_day", gettext("起止时间应写成「2026-11-24am」或「2026-11-24pm」。")) from None
    for d in (start_day, end_day):
        if not dt.date(2004, 1, 1) <= d <= dt.date(2099, 12, 31):
            raise Invalid("date_out_of_range", gettext("日期 %(day)s 超出工作日历范围。") % {"day": d})
    if (end_day, end_half != "am") < (start_day, start_half != "am"):
        raise Invalid("end_before_start", gettext("结束时间早于开始时间。"))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", gettext("请填写事由。"), fields={"reason": "required"})
    cal = workdays.calendar_for(center)
    halves = rules.halves(start_day, start_half, end_day, end_half, cal.is_workday)
    if not halves:
        raise Invalid("no_workday", gettext("所请期间没有工作日。"))
    today = clock.today()
    late = not rules.filed_in_time(today, start_day, center.policy.leave_notice_days)
    if late and not (kind == Leave.Kind.TRIP and urgent):
        raise Invalid(
            "too_late",
            gettext("请假须提前 %(days)s 天提出（紧急下乡、出差可事后补办，须勾选“紧急”并说明事由）。")
            % {"days": center.policy.leave_notice_days},
        )
    if not substitute:
        raise Invalid("substitute_required", gettext("请安排顶岗人员。"), fields={"substitute": "required"})
    cover = _staff_of(center, substitute, "substitute")
    if cover.pk == person.pk:
        raise Invalid(
            "substitute_is_requester", gettext("顶岗人员不能是请假人本人。"), fields={"substitute": "self"}
        )
    version, chain = chain_of(center, start_day)
    rule = rules.chain_for(len(halves), chain)
    now = clock.now()
    with transaction.atomic():
        # Lock the person's row: two requests of the same person are checked one after the other.
        Staff.objects.select_for_update().filter(pk=person.pk).first()
        for other in Leave.objects.filter(
            Q(staff=person) | Q(staff=cover),
            voided_at__isnull=True,
            status__in=[Leave.Status.PENDING, Leave.Status.APPROVED],
            start__lte=end_day,
            end__gte=start_day,
        ):
            if rules.overlaps(
                other.start,
                other.start_half,
                other.end,
                other.end_half,
                start_day,
                start_half,
                end_day,
                end_half,
            ):
                if other.staff_id == person.pk:
                    raise Conflict(
                        "leave_overlaps",
                        gettext("与已有的请假（%(start)s%(half)s 起）时间重叠。")
                        % {"start": other.start, "half": other.start_half},
                    )
                raise Conflict(
                    "substitute_on_leave",
                    gettext("顶岗人员 %(name)s 在此期间也请了假。") % {"name": cover.name},
                )
        leave = Leave(
            center=center,
            staff=person,
            kind=kind,
            start=start_day,
            start_half=start_half,
            end=end_day,
            end_half=end_half,
            half_days=len(halves),
            reason=reason,
            substitute=cover,
            filed_at=now,
            filed_by=actor if getattr(actor, "pk", None) else None,
            registered_after=late,
            chain_version=version,
        )
        leave.save()
        steps = []
        for i, step in enumerate(rule["steps"]):
            steps.append(
                LeaveStep(
                    leave=leave,
                    order=i,
                    role=step["role"],
                    action=step["action"],
                    approver=_step_holder(center, step["role"], person),
                    status=LeaveStep.Status.PENDING if i == 0 else LeaveStep.Status.WAITING,
                )
            )
        for j, role in enumerate(rule.get("inform", []), start=len(steps)):
            steps.append(
                LeaveStep(
                    leave=leave,
                    order=j,
                    role=role,
                    action=LeaveStep.Action.INFORM,
                    approver=_step_holder(center, role, person),
                    status=LeaveStep.Status.INFORMED,
                    decided_at=now,
                )
            )
        LeaveStep.objects.bulk_create(steps)
        audit.record(actor=actor, action="leave.file", obj=leave, center=center, after=audit.snapshot(leave))
    return leave


def _open_leave(leave_id: int) -> Leave:
    leave = (
        Leave.objects.select_for_update(of=("self",))
        .filter(pk=leave_id, voided_at__isnull=True)
        .select_related("center__policy", "center__parent", "staff__user", "substitute__user")
        .first()
    )
    if leave is None:
        raise NotFound(gettext("没有这条请假记录。"), code="leave_not_found")
    return leave


def leave_decide(*, actor, leave_id: int, approve: bool, note: str = "") -> Leave:
    """DUT-3: the current step of the chain decides. Only a holder of the step's role over the
    center, never the requester; the last approval approves the request, a refusal ends it."""
    with transaction.atomic():
        leave = _open_leave(leave_id)
        if leave.status != Leave.Status.PENDING:
            raise Conflict("leave_not_pending", gettext("该申请已审批完毕。"))
        if actor is not None and actor.pk == leave.staff.user_id:
            raise Forbidden(gettext("不能审批本人的请假申请。"), code="own_leave")
        steps = list(leave.steps.select_for_update().order_by("order"))
        current = next(s for s in steps if s.status == LeaveStep.Status.PENDING)
        if actor is not None and not access.has_role(actor, leave.center, current.role):
            raise Forbidden(
                gettext("此步骤须由%(role)s审批。") % {"role": Role(current.role).label},
                code="wrong_approver",
            )
        if (
            actor is not None
            and current.role == Role.DEPARTMENT_HEAD
            and (
                leave.staff.department_id is None
                or not Staff.objects.filter(user=actor, department_id=leave.staff.department_id).exists()
            )
        ):
            raise Forbidden(
                gettext("此步骤须由申请人所在科室的负责人审批。"),
                code="wrong_approver",
            )
        now = clock.now()
        current.status = LeaveStep.Status.APPROVED if approve else LeaveStep.Status.REJECTED
        current.decided_by = actor if getattr(actor, "pk", None) else None
        current.decided_at = now
        current.note = (note or "")[:300]
        current.save()
        later = [s for s in steps if s.order > current.order and s.status == LeaveStep.Status.WAITING]
        if not approve:
            leave.status = Leave.Status.REJECTED
            for s in later:
                s.status = LeaveStep.Status.SKIPPED
                s.save(update_fields=["status"])
        elif later:
            later[0].status = LeaveStep.Status.PENDING
            later[0].save(update_fields=["status"])
        else:
            leave.status = Leave.Status.APPROVED
        leave.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="leave.approve" if approve else "leave.reject",
            obj=leave,
            center=leave.center,
            after={
                "step": current.role,
                "action": current.action,
                "status": leave.status,
                "note": current.note,
            },
        )
    return leave


def leave_confirm_cover(*, actor, leave_id: int) -> Leave:
    """DUT-2: the substitute confirms they will cover the window."""
    with transaction.atomic():
        leave = _open_leave(leave_id)
        if actor is not None and (not leave.substitute_id or actor.pk != leave.substitute.user_id):
            raise Forbidden(gettext("只有申请中指定的顶岗人员可以确认顶岗。"), code="not_the_substitute")
        if leave.status == Leave.Status.REJECTED:
            raise Conflict("leave_not_open", gettext("该申请未获批准。"))
        if leave.cover_confirmed_at is not None:
            raise Conflict("cover_already_confirmed", gettext("已确认过顶岗。"))
        leave.cover_confirmed_at = clock.now()
        leave.save(update_fields=["cover_confirmed_at"])
        audit.record(
            actor=actor,
            action="leave.confirm_cover",
            obj=leave,
            center=leave.center,
            after={"substitute": leave.substitute_id},
        )
    return leave


# --- clock-ins (DUT-4) -------------------------------------------------------------------------


def layout_of(center: Center) -> clockfile.Layout:
    row = ClockLayout.objects.filter(center=center).first()
    if row is None:
        return clockfile.DEFAULT
    return clockfile.Layout(
        username=row.username, badge=row.badge, name=row.name, time=row.time, device=row.device
    )


def layout_set(
    *, actor, center: Center, username: str, badge: str, name: str, time: str, device: str
) -> ClockLayout:
    access.require(actor, center, *CLOCK_EDITORS)
    if not (time or "").strip() or not ((username or "").strip() or (badge or "").strip()):
        raise Invalid("layout_incomplete", gettext("须指定打卡时间列，以及用户名列或工号列。"))
    with transaction.atomic():
        row = ClockLayout.objects.select_for_update().filter(center=center).first() or ClockLayout(
            center=center
        )
        before = audit.snapshot(row) if row.pk else None
        row.username, row.badge, row.name, row.time, row.device = (
            (username or "").strip(),
            (badge or "").strip(),
            (name or "").strip(),
            time.strip(),
            (device or "").strip(),
        )
        row.save()
        audit.record(
            actor=actor,
            action="clock_layout.set",
            obj=row,
            center=center,
            before=before,
            after=audit.snapshot(row),
        )
    return row


class BadRows(Invalid):
    """A clock-in file with bad rows: refused whole, each bad row named (row, column, message)."""

    def __init__(self, errors: list[dict]):
        super().__init__(
            "bad_rows",
            gettext("文件有 %(n)s 处错误，未导入任何记录，请修改后重新导入。") % {"n": len(errors)},
        )
        self.errors = errors

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": self.errors[:200]}


def clock_import(*, actor, center: Center, content: bytes, filename: str = "") -> dict:
    """DUT-4: import the fingerprint machine's file. All or nothing: a file with any bad row is
    refused with every bad row named; a punch already stored (the same person and moment) is a
    duplicate, so importing the same file twice adds nothing."""
    access.require(actor, center, *CLOCK_EDITORS)
    layout = layout_of(center)
    columns, rows = clockfile.read(content, layout)  # Invalid for an unreadable file or header
    by_username, by_badge = {}, {}
    for pk, username, badge, name in Staff.objects.filter(center=center).values_list(
        "pk", "user__username", "badge_number", "name"
    ):
        by_username[username] = (pk, name)
        if badge:
            by_badge[badge] = (pk, name)
    punches, errors = clockfile.resolve(rows, layout, columns, by_username, by_badge, clock.TZ)
    if errors:
        raise BadRows(errors)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        if punches:
            low = min(p[1] for p in punches)
            high = max(p[1] for p in punches)
            existing = set(
                ClockIn.objects.filter(
                    center=center, at__gte=low, at__lte=high, voided_at__isnull=True
                ).values_list("staff_id", "at")
            )
        else:
            existing = set()
        fresh, seen = [], set()
        for staff_id, at, device in punches:
            key = (staff_id, at)
            if key in existing or key in seen:
                continue
            seen.add(key)
            fresh.append((staff_id, at, device))
        batch = ClockImport(
            center=center,
            filename=(filename or "")[:200],
            sha256=digest,
            added=len(fresh),
            duplicates=len(punches) - len(fresh),
            imported_at=clock.now(),
            imported_by=actor if getattr(actor, "pk", None) else None,
        )
        batch.save()
        ClockIn.objects.bulk_create(
            [ClockIn(center=center, staff_id=s, at=a, device=d, batch=batch) for s, a, d in fresh],
            batch_size=2000,
        )
        audit.record(
            actor=actor,
            action="clock_in.import",
            obj=batch,
            center=center,
            after={
                "file": batch.filename,
                "sha256": digest,
                "added": batch.added,
                "duplicates": batch.duplicates,
            },
        )
    return {"added": batch.added, "duplicates": batch.duplicates, "errors": []}


def clock_in_add(*, actor, center: Center, staff: str, at: dt.datetime, reason: str) -> ClockIn:
    """A manual correction: a punch the machine missed, with a reason, audited."""
    access.require(actor, center, *CLOCK_EDITORS)
    person = _staff_of(center, staff)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("reason_required", gettext("补录打卡须说明原因。"), fields={"reason": "required"})
    if at.tzinfo is None:
        at = at.replace(tzinfo=clock.TZ)
    if at > clock.now():
        raise Invalid("clock_in_in_future", gettext("不能补录未来的打卡。"))
    with transaction.atomic():
        if ClockIn.objects.filter(staff=person, at=at, voided_at__isnull=True).exists():
            raise Conflict("clock_in_exists", gettext("该时刻已有打卡记录。"))
        made = ClockIn(center=center, staff=person, at=at, source=ClockIn.Source.MANUAL, reason=reason)
        made.save()
        audit.record(actor=actor, action="clock_in.add", obj=made, center=center, after=audit.snapshot(made))
    return made


def clock_in_void(*, actor, clock_in_id: int, reason: str) -> ClockIn:
    """A manual correction: a wrong punch voided with a reason, audited (nothing is deleted)."""
    reason = (reason or "").strip()
    with transaction.atomic():
        row = (
            ClockIn.objects.select_for_update(of=("self",))
            .filter(pk=clock_in_id)
            .select_related("center")
            .first()
        )
        if row is None:
            raise NotFound(gettext("没有这条打卡记录。"), code="clock_in_not_found")
        access.require(actor, row.center, *CLOCK_EDITORS)
        if not reason:
            raise Invalid("reason_required", gettext("作废打卡须说明原因。"), fields={"reason": "required"})
        if row.is_void:
            raise Conflict("clock_in_void", gettext("该打卡记录已作废。"))
        before = audit.snapshot(row)
        row.mark_void(actor, reason[:300])
        audit.record(
            actor=actor,
            action="clock_in.void",
            obj=row,
            center=row.center,
            before=before,
            after=audit.snapshot(row),
        )
    return row
