from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import Item
from servicehall.core.models import Voidable
from servicehall.org.models import Center, Department, Staff, Window
from servicehall.tickets import rules


class GreenChannel(models.TextChoices):
    """QUE-2 (002 一(四)2; 001 一(四)4): who is served through the green channel."""

    WOMEN = "women", _("妇女")
    MINOR = "minor", _("未成年人")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    MIGRANT_WORKER = "migrant_worker", _("农民工")
    MILITARY = "military", _("现役军人")
    MAJOR_PROJECT = "major_project", _("重大招商引资项目")


class Line(Voidable):
    """QUE-1: a service line of a center, with its letter: it serves some departments and service
    items; windows serve lines."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="lines")
    prefix = models.CharField(_("字母"), max_length=1)
    name = models.CharField(_("名称"), max_length=60)
    departments = models.ManyToManyField(Department, blank=True, related_name="lines", verbose_name=_("科室"))
    items = models.ManyToManyField(Item, blank=True, related_name="lines", verbose_name=_("事项"))
    windows = models.ManyToManyField(Window, blank=True, related_name="lines", verbose_name=_("窗口"))

    class Meta:
        verbose_name = _("业务线")
        verbose_name_plural = _("业务线")
        ordering = ["center", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "prefix"], condition=Q(voided_at__isnull=True), name="line_prefix_unique"
            )
        ]

    def __str__(self):
        return f"{self.prefix} {self.name}"


class LineDay(models.Model):
    """The last number a line issued on a day, incremented under lock with each ticket (QUE-1),
    and how many of the line's tickets wait now: moved in the same transaction as every ticket
    that starts or stops waiting, so the kiosk tells people ahead without counting the queue."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)
    waiting = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "day"], name="line_day_unique")]

    def __str__(self):
        return f"{self.line} {self.day}: {self.last_number}"


class Appointment(Voidable):
    """QUE-4: a booked slot on a line (by phone or online); checked in on arrival."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("电话预约")
        ONLINE = "online", _("网上预约")

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="appointments")
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="appointments")
    day = models.DateField(_("日期"))
    slot_start = models.DateTimeField(_("时段开始"))
    slot_end = models.DateTimeField(_("时段结束"))
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    code = models.CharField(_("预约码"), max_length=6)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    booked_at = models.DateTimeField(_("预约时间"))
    booked_by = models.CharField(_("登记人"), max_length=150)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "day", "code"], name="appointment_code_unique")
        ]

    def __str__(self):
        return f"{self.code} {self.line.prefix} {self.slot_start:%Y-%m-%d %H:%M}"


class Ticket(Voidable):
    """QUE-1: a number taken for a line; waits, is called to a window, served."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已叫号")
        SERVING = "serving", _("办理中")
        DONE = "done", _("已办结")
        NO_SHOW = "no_show", _("过号")

    class Source(models.TextChoices):
        KIOSK = "kiosk", _("取号机")
        CONSOLE = "console", _("窗口代取")
        API = "api", _("接口")
        APPOINTMENT = "appointment", _("预约签到")

    # No single-column indexes where a composite one below starts with the column: each index
    # costs every take, and every call and no-show (status is indexed, so they rewrite all).
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="tickets", db_index=False)
    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="tickets", db_index=False)
    origin_line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField()
    number = models.CharField(_("号码"), max_length=8)
    green_channel = models.CharField(_("绿色通道"), max_length=16, choices=GreenChannel.choices, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="ticket"
    )
    slot_start = models.DateTimeField(_("预约时段"), null=True, blank=True)
    issued_at = models.DateTimeField(_("取号时间"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.WAITING)
    window = models.ForeignKey(  # indexed where set (below): a waiting ticket has none
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("窗口"),
        db_index=False,
    )
    target_window = models.ForeignKey(  # indexed where set (below): almost never
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("转至窗口"),
        db_index=False,
    )
    served_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    first_called_at = models.DateTimeField(_("首次叫号"), null=True, blank=True)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    started_at = models.DateTimeField(_("开始办理"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("号票")
        verbose_name_plural = _("号票")
        ordering = ["day", "issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["origin_line", "day", "seq"], name="ticket_number_unique"),
            # a window has at most one citizen at its counter
            models.UniqueConstraint(
                fields=["window"],
                condition=Q(status__in=["called", "serving"]),
                name="one_current_ticket_per_window",
            ),
        ]
        indexes = [
            # QUE-2's classes, each one range whatever the planner believes (a new day is never
            # in its statistics, so it expects one waiting ticket): the normal tickets
            # (green_channel = '') in call order (issued_at, id: the first is the first read),
            # the green channel (green_channel > ''), the due appointments (slot_start <= now).
            # No index in issue order across classes: the planner took it for every class and
            # read the whole queue through it.
            models.Index(
                fields=["line", "day", "status", "green_channel", "issued_at", "id"], name="ticket_class_idx"
            ),
            models.Index(  # appointments only: the smallest index, so always the one chosen
                fields=["line", "day", "status", "slot_start"],
                condition=Q(slot_start__isnull=False),
                name="ticket_appointment_idx",
            ),
            # Only the tickets that have one: an index holding every waiting ticket's NULL was
            # what a misinformed planner took for "target_window_id IS NULL", reading the queue.
            models.Index(fields=["window"], condition=Q(window__isnull=False), name="ticket_window_idx"),
            models.Index(
                fields=["target_window"], condition=Q(target_window__isnull=False), name="ticket_sent_idx"
            ),
            models.Index(fields=["center", "day", "status"], name="ticket_center_day_idx"),
            models.Index(fields=["center", "day", "called_at"], name="ticket_calls_idx"),
        ]

    def __str__(self):
        return self.number


class WindowState(models.Model):
    """QUE-5: the state a window is in now, who is at it, and its fairness count (QUE-2)."""

    class State(models.TextChoices):
        OPEN = rules.OPEN, _("正常办理")
        PAUSED = rules.PAUSED, _("请稍候")
        COVERED = rules.COVERED, _("B岗顶岗")
        CLOSED = rules.CLOSED, _("暂停服务")

    window = models.OneToOneField(Window, on_delete=models.PROTECT, related_name="queue_state")
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=rules.CLOSED)
    since = models.DateTimeField(_("自"))
    operator = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("在岗人员")
    )
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resume_to = models.CharField(max_length=8, blank=True)
    current = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("当前号")
    )
    priority_run = models.PositiveSmallIntegerField(default=0)
    run_day = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("窗口状态")
        verbose_name_plural = _("窗口状态")

    def __str__(self):
        return f"{self.window}: {self.get_state_display()}"


class WindowStateChange(models.Model):
    """QUE-5: the history of a window's states (open, pause, cover, close) with who and when."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=8, choices=WindowState.State.choices)
    at = models.DateTimeField()
    operator = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["window", "at"])]

    def __str__(self):
        return f"{self.window} {self.state} {self.at:%H:%M}"


class Absence(models.Model):
    """QUE-5: a pause longer than the policy allows with nobody covering, against the person
    (Kaiyuan 004 art.17(1): counts as late). The assessment reads these records."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="uncovered_absences")
    day = models.DateField()
    started_at = models.DateTimeField(_("离岗时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    minutes = models.PositiveIntegerField(_("分钟"))
    threshold_minutes = models.PositiveSmallIntegerField(_("允许分钟"))
    counts_as_late = models.BooleanField(_("按迟到处理"))

    class Meta:
        verbose_name = _("无人顶岗离岗")
        verbose_name_plural = _("无人顶岗离岗")
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.staff} {self.started_at:%Y-%m-%d %H:%M} {self.minutes}′"


class ExtendedService(models.Model):
    """HRS-3: how long a window served past closing time on a day."""

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    closing_at = models.DateTimeField()
    until = models.DateTimeField()
    minutes = models.PositiveIntegerField(_("延时分钟"))

    class Meta:
        verbose_name = _("延时服务")
        verbose_name_plural = _("延时服务")
        constraints = [models.UniqueConstraint(fields=["window", "day"], name="extended_window_day_unique")]

    def __str__(self):
        return f"{self.window} {self.day} +{self.minutes}′"


class HomeVisit(Voidable):
    """QUE-3: a home visit requested by phone for someone aged 70+ or severely disabled."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待安排")
        ASSIGNED = "assigned", _("已安排")
        DONE = "done", _("已完成")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="home_visits")
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20)
    address = models.CharField(_("地址"), max_length=200)
    age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    severely_disabled = models.BooleanField(_("重度残疾"), default=False)
    need = models.CharField(_("办理事项"), max_length=300)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    assigned_to = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="home_visits"
    )
    visit_on = models.DateField(_("上门日期"), null=True, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("上门服务")
        verbose_name_plural = _("上门服务")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.name} {self.need}"


class Device(Voidable):
    """A kiosk or hall display: reaches its center's device pages by token or by address."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("取号机")
        DISPLAY = "display", _("大厅显示屏")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="devices")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    address = models.GenericIPAddressField(_("允许地址"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("大厅设备")
        verbose_name_plural = _("大厅设备")
        ordering = ["center", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"
