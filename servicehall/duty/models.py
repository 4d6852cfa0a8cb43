"""Duty roster, leave, clock-ins and attendance (DUT-1 … DUT-5).

The roster and attendance are derived when read: a month's seats come from the window posts
(A post by default), the hand changes stored here and approved leave with a confirmed
substitute; attendance from the clock-ins, the hours of the season, the calendar and leave.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import Voidable
from servicehall.org.models import Center, Staff, Window


class RosterEntry(Voidable):
    """DUT-1: a hand change to the roster — who sits at a window on a day, or the day's duty
    officer (值日人员). A later change voids the one before it."""

    class Kind(models.TextChoices):
        SEAT = "seat", _("窗口值守")
        DUTY = "duty", _("值日")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    window = models.ForeignKey(Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    set_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("值班表调整")
        verbose_name_plural = _("值班表调整")
        indexes = [models.Index(fields=["center", "day"])]


class LeaveChain(models.Model):
    """DUT-3: the approval chain by length as data, versioned per center (a center without one
    follows the system default of 001 四(一)3, ``rules.DEFAULT_CHAIN``). ``rules``: a list of
    ``{"min_half_days", "steps": [{"role", "action"}], "inform": [roles]}``; the request keeps
    the version it was filed under."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    rules = models.JSONField(_("审批规则"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("请假审批流程")
        verbose_name_plural = _("请假审批流程")
        constraints = [
            models.UniqueConstraint(fields=["center", "version"], name="leave_chain_version_unique")
        ]

    def __str__(self):
        return f"{self.center} v{self.version}"


class Leave(Voidable):
    """DUT-2/DUT-3: a request for leave, a shift swap or a trip, in half-days, with the substitute
    who covers the window."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年休假")
        SWAP = "swap", _("调班")
        TRIP = "trip", _("下乡/出差")

    class Status(models.TextChoices):
        PENDING = "pending", _("审批中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="leaves")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    start = models.DateField(_("开始日期"))
    start_half = models.CharField(_("开始半天"), max_length=2)  # "am" or "pm"
    end = models.DateField(_("结束日期"))
    end_half = models.CharField(_("结束半天"), max_length=2)
    half_days = models.PositiveIntegerField(_("半天数"))
    reason = models.CharField(pgettext_lazy("leave", "事由"), max_length=300)
    substitute = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="covers"
    )
    cover_confirmed_at = models.DateTimeField(_("顶岗确认时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    filed_at = models.DateTimeField(_("提交时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    registered_after = models.BooleanField(_("事后补办"), default=False)
    chain_version = models.PositiveIntegerField(_("审批流程版本"), default=0)

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["center", "start"]), models.Index(fields=["staff", "start"])]

    def __str__(self):
        return (
            f"{self.staff} {self.get_kind_display()} {self.start}{self.start_half}–{self.end}{self.end_half}"
        )

    @property
    def period(self) -> str:
        """The period as people read it: 2026-12-02 上午 – 2026-12-02 下午 (not the API's am/pm)."""
        halves = {"am": _("上午"), "pm": _("下午")}
        start = halves.get(self.start_half, self.start_half)
        end = halves.get(self.end_half, self.end_half)
        return f"{self.start.isoformat()} {start} – {self.end.isoformat()} {end}"


class LeaveStep(models.Model):
    """One step of a request's chain: review or approve by a role, or a role informed."""

    class Action(models.TextChoices):
        REVIEW = "review", _("审核")
        APPROVE = "approve", _("审批")
        INFORM = "inform", _("知会")

    class Status(models.TextChoices):
        WAITING = "waiting", _("待前序")
        PENDING = "pending", _("待办")
        APPROVED = "approved", pgettext_lazy("leave step status", "同意")
        REJECTED = "rejected", pgettext_lazy("leave step status", "不同意")
        INFORMED = "informed", _("已知会")
        SKIPPED = "skipped", _("未进行")

    leave = models.ForeignKey(Leave, on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField()
    role = models.CharField(_("角色"), max_length=24)
    action = models.CharField(_("动作"), max_length=8, choices=Action.choices)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["leave", "order"]
        indexes = [models.Index(fields=["approver", "status"])]

    def __str__(self):
        return f"{self.leave_id}#{self.order} {self.role} {self.status}"


class ClockLayout(models.Model):
    """DUT-4: how a center's fingerprint machine names its columns (a column map)."""

    center = models.OneToOneField(Center, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("用户名列"), max_length=40, blank=True)
    badge = models.CharField(_("工号列"), max_length=40, blank=True)
    name = models.CharField(_("姓名列"), max_length=40, blank=True)
    time = models.CharField(_("打卡时间列"), max_length=40)
    device = models.CharField(_("设备列"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("考勤机列对应")
        verbose_name_plural = _("考勤机列对应")

    def __str__(self):
        return f"{self.center}"


class ClockImport(models.Model):
    """One imported file: what it added and what it already had."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    added = models.PositiveIntegerField()
    duplicates = models.PositiveIntegerField()
    imported_at = models.DateTimeField()
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    def __str__(self):
        return f"{self.center} {self.filename} +{self.added}"


class ClockIn(Voidable):
    """DUT-4: one punch of a person (from the machine's file, or a correction with a reason)."""

    class Source(models.TextChoices):
        IMPORT = "import", _("考勤机导入")
        MANUAL = "manual", _("手工补录")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", db_index=False)
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", db_index=False)
    at = models.DateTimeField(_("打卡时间"))
    device = models.CharField(_("设备"), max_length=60, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.IMPORT)
    batch = models.ForeignKey(
        ClockImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    reason = models.CharField(_("补录原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("打卡记录")
        verbose_name_plural = _("打卡记录")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "at"], condition=Q(voided_at__isnull=True), name="clock_in_once"
            )
        ]
        indexes = [models.Index(fields=["center", "at"])]
