"""Writes around the queue: appointments (QUE-4, HRS-3), home visits (QUE-3) and hall devices."""

import datetime as dt
import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.utils.translation import gettext

from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Center, Staff
from servicehall.tickets import devices, rules, selectors
from servicehall.tickets.models import Appointment, Device, HomeVisit, Line, Ticket
from servicehall.tickets.services import ISSUERS, issue_ticket, waiting_ahead
from servicehall.workdays import selectors as workdays

PHONE = re.compile(r"^[0-9+\-]{7,20}$")
ASSIGNERS = (Role.DIRECTOR, Role.DEPARTMENT_HEAD, Role.DUTY_OFFICER)


def _person(name: str, phone: str) -> tuple[str, str]:
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name or len(name) > 40:
        raise Invalid("name_required", gettext("请填写姓名（不超过40字）。"))
    if not PHONE.fullmatch(phone):
        raise Invalid("invalid_phone", gettext("请填写正确的联系电话。"))
    return name, phone


# --- appointments -------------------------------------------------------------------------------


def appointment_book(
    *,
    actor,
    line: Line,
    slot_start: dt.datetime,
    name: str,
    phone: str,
    channel: str,
    device: Device | None = None,
) -> Appointment:
    """QUE-4: book a slot on a line, by phone (staff) or online (the kiosk, the public)."""
    center = line.center
    if device is not None:
        if device.center_id != center.pk or device.kind != Device.Kind.KIOSK:
            raise Forbidden(gettext("该设备不能为本中心预约。"), code="device_refused")
        who = f"{device.get_kind_display()}：{device.name}"
    else:
        access.require(actor, center, *ISSUERS)
        who = actor
    if channel not in Appointment.Channel.values:
        raise Invalid("unknown_channel", gettext("预约方式只能是电话预约或网上预约。"))
    name, phone = _person(name, phone)
    start = clock.local(slot_start)
    if start <= clock.now():
        raise Invalid("slot_past", gettext("只能预约今后的时段。"))
    slot = next((s for s in selectors.slots_on(center, start.date()) if s[0] == start), None)
    if slot is None:
        closure = workdays.closure_on(center, start.date())
        if closure is not None:
            raise Invalid("center_closed", gettext("%(start)s 停止办公（%(value)s），不接受预约。") % {"start": format(start, gettext("%m月%d日")), "value": closure[0]})
        raise Invalid("no_such_slot", gettext("%(start)s 不是可预约的时段。") % {"start": format(start, gettext("%m月%d日 %H:%M"))})
    with transaction.atomic():
        # one booking of a line at a time; NO KEY UPDATE leaves tickets free to reference the line
        Line.objects.select_for_update(no_key=True).filter(pk=line.pk).first()
        taken = Appointment.objects.filter(line=line, slot_start=start, voided_at__isnull=True).count()
        if taken >= selectors.slot_capacity(line):
            raise Conflict("slot_full", gettext("%(start)s 的时段已约满，请选择其他时段。") % {"start": format(start, gettext("%m月%d日 %H:%M"))})
        used = set(Appointment.objects.filter(center=center, day=start.date()).values_list("code", flat=True))
        code = next(c for c in iter(lambda: f"{secrets.randbelow(10**6):06d}", None) if c not in used)
        appointment = Appointment.objects.create(
            center=center,
            line=line,
            day=start.date(),
            slot_start=start,
            slot_end=slot[1],
            name=name,
            phone=phone,
            channel=channel,
            code=code,
            booked_at=clock.now(),
            booked_by=str(who),
        )
        audit.record(
            actor=who,
            action="appointment.book",
            obj=appointment,
            center=center,
            after=audit.snapshot(appointment),
        )
    return appointment


def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    access.require(actor, appointment.center, *ISSUERS)
    if not (reason or "").strip():
        raise Invalid("reason_required", gettext("请填写取消原因。"))
    with transaction.atomic():
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        if appointment.voided_at is not None or appointment.status != Appointment.Status.BOOKED:
            raise Conflict("appointment_state", gettext("该预约已签到或已取消。"))
        appointment.mark_void(actor, reason.strip())
        audit.record(
            actor=actor,
            action="appointment.cancel",
            obj=appointment,
            center=appointment.center,
            after={"reason": appointment.void_reason},
        )
    return appointment


def appointment_check_in(*, actor, center: Center, code: str, device: Device | None = None) -> Ticket:
    """QUE-4: the citizen arrives with the booking code and gets a ticket that goes first at
    its slot (QUE-2). Works outside office hours: lunch-hour and holiday appointments (HRS-3)."""
    if device is not None:
        if device.center_id != center.pk or device.kind != Device.Kind.KIOSK:
            raise Forbidden(gettext("该设备不能为本中心签到。"), code="device_refused")
        who = f"{device.get_kind_display()}：{device.name}"
    else:
        access.require(actor, center, *ISSUERS)
        who = actor
    now = clock.now()
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("line__center__policy")
            .filter(
                center=center, day=clock.local(now).date(), code=(code or "").strip(), voided_at__isnull=True
            )
            .first()
        )
        if appointment is None:
            raise NotFound(gettext("没有今天的这个预约码，请核对或现场取号。"), code="appointment_not_found")
        if appointment.status != Appointment.Status.BOOKED:
            raise Conflict("already_checked_in", gettext("该预约已签到。"))
        opens, closes = rules.check_in_window(appointment.slot_start, appointment.slot_end)
        if not opens <= now <= closes:
            raise Conflict(
                "outside_check_in",
                gettext("请在 %(value)s 至 %(value1)s 之间签到；已过时段请现场取号。") % {"value": format(clock.local(opens), "%H:%M"), "value1": format(clock.local(closes), "%H:%M")},
            )
        appointment.status, appointment.checked_in_at = Appointment.Status.CHECKED_IN, now
        appointment.save(update_fields=["status", "checked_in_at"])
        ticket = issue_ticket(
            who=who,
            line=appointment.line,
            green="",
            source=Ticket.Source.APPOINTMENT,
            appointment=appointment,
        )
    ticket.waiting_ahead = waiting_ahead(ticket, now)
    return ticket


# --- home visits (QUE-3) ---------------------------------------------------------------------


def home_visit_request(
    *,
    actor,
    center: Center,
    name: str,
    phone: str,
    address: str,
    need: str,
    age: int | None = None,
    severely_disabled: bool = False,
) -> HomeVisit:
    """QUE-3: a home visit booked by phone, for people aged 70+ or severely disabled."""
    access.require(actor, center, *ISSUERS)
    name, phone = _person(name, phone)
    if not (address or "").strip() or not (need or "").strip():
        raise Invalid("details_required", gettext("请填写上门地址和办理事项。"))
    if age is not None and not 0 <= age <= 130:
        raise Invalid("invalid_age", gettext("年龄须在 0–130 之间。"))
    if not rules.home_visit_eligible(age, severely_disabled):
        raise Invalid(
            "home_visit_not_eligible", gettext("上门服务面向%(HOME_VISIT_AGE)s周岁以上老人和重度残疾人。") % {"HOME_VISIT_AGE": rules.HOME_VISIT_AGE}
        )
    with transaction.atomic():
        visit = HomeVisit.objects.create(
            center=center,
            name=name,
            phone=phone,
            address=address.strip(),
            need=need.strip(),
            age=age,
            severely_disabled=severely_disabled,
            requested_at=clock.now(),
            requested_by=actor,
        )
        audit.record(
            actor=actor, action="home_visit.request", obj=visit, center=center, after=audit.snapshot(visit)
        )
    return visit


def home_visit_assign(*, actor, visit: HomeVisit, staff: Staff, visit_on: dt.date) -> HomeVisit:
    access.require(actor, visit.center, *ASSIGNERS)
    if staff.center_id != visit.center_id or not staff.active:
        raise Invalid("staff_of_other_center", gettext("%(name)s 不是本中心在岗的工作人员。") % {"name": staff.name})
    if visit_on < clock.today():
        raise Invalid("date_past", gettext("上门日期不能早于今天。"))
    with transaction.atomic():
        visit = HomeVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.status == HomeVisit.Status.DONE or visit.voided_at is not None:
            raise Conflict("home_visit_state", gettext("该上门服务已完成或已取消。"))
        before = audit.snapshot(visit, ["status", "assigned_to", "visit_on"])
        visit.status, visit.assigned_to, visit.visit_on = HomeVisit.Status.ASSIGNED, staff, visit_on
        visit.save(update_fields=["status", "assigned_to", "visit_on"])
        audit.record(
            actor=actor,
            action="home_visit.assign",
            obj=visit,
            center=visit.center,
            before=before,
            after=audit.snapshot(visit, ["status", "assigned_to", "visit_on"]),
        )
    return visit


def home_visit_record_outcome(*, actor, visit: HomeVisit, outcome: str) -> HomeVisit:
    """The assigned person (or a leader) records what was done."""
    if not (outcome or "").strip():
        raise Invalid("outcome_required", gettext("请填写办理结果。"))
    if not access.has_role(actor, visit.center, *ASSIGNERS):
        access.require(actor, visit.center, *ISSUERS)
        if visit.assigned_to is None or visit.assigned_to.user_id != actor.pk:
            raise Forbidden(gettext("只有被安排的工作人员可以登记结果。"))
    with transaction.atomic():
        visit = HomeVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.status != HomeVisit.Status.ASSIGNED:
            raise Conflict("home_visit_state", gettext("请先安排上门人员；已完成的不能重复登记。"))
        visit.status, visit.outcome, visit.done_at = HomeVisit.Status.DONE, outcome.strip(), clock.now()
        visit.save(update_fields=["status", "outcome", "done_at"])
        audit.record(
            actor=actor,
            action="home_visit.done",
            obj=visit,
            center=visit.center,
            after={"outcome": visit.outcome},
        )
    return visit


# --- devices ---------------------------------------------------------------------------------


def device_register(
    *, actor, center: Center, kind: str, name: str, address: str | None = None
) -> tuple[Device, str]:
    """A kiosk or display for the center; returns the token, shown this once (only its hash is kept)."""
    access.require(actor, center, *access.CONFIGURERS)
    if kind not in Device.Kind.values:
        raise Invalid("unknown_device_kind", gettext("设备类型只能是取号机或大厅显示屏。"))
    if not (name or "").strip():
        raise Invalid("name_required", gettext("请填写设备名称。"))
    if address:
        try:
            validate_ipv46_address(address)
        except ValidationError:
            raise Invalid("invalid_address", gettext("「%(value)s」不是有效的 IP 地址。") % {"value": address[:40]}) from None
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        device = Device.objects.create(
            center=center,
            kind=kind,
            name=name.strip()[:60],
            token_hash=devices.digest(token),
            address=address or None,
            created_at=clock.now(),
        )
        audit.record(
            actor=actor,
            action="device.register",
            obj=device,
            center=center,
            after={"kind": kind, "name": device.name, "address": device.address},
        )
    devices.forget()
    return device, token


def device_revoke(*, actor, device: Device, reason: str) -> Device:
    access.require(actor, device.center, *access.CONFIGURERS)
    if not (reason or "").strip():
        raise Invalid("reason_required", gettext("请填写停用原因。"))
    with transaction.atomic():
        device = Device.objects.select_for_update(of=("self",)).select_related("center").get(pk=device.pk)
        if device.voided_at is not None:
            raise Conflict("device_revoked", gettext("该设备已停用。"))
        device.mark_void(actor, reason.strip())
        audit.record(
            actor=actor, action="device.revoke", obj=device, center=device.center, after={"reason": reason}
        )
    devices.forget()
    return device
