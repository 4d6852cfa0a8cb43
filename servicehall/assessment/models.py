"""The 100-point assessment (ASM-1 … ASM-8), the duty ledger and closing checks (DUT-6, DUT-7), supervision findings (SUP-1, SUP-2) and awards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import Voidable
from servicehall.org.models import Center, Window


class Rulebook(models.Model):
    """ASM-2: a center's rulebook from a month on (a copy of a preset, edited). Never changed once
    saved: an edit is a new version from a later month."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="rulebooks")
    version = models.CharField(_("版本"), max_length=60)
    valid_from = models.DateField(_("起用月份"))  # the first day of a month
    data = models.JSONField(_("细则"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("保存时间"))

    class Meta:
        verbose_name = _("考核细则")
        verbose_name_plural = _("考核细则")
        constraints = [
            models.UniqueConstraint(fields=["center", "valid_from"], name="asm_rulebook_month_unique"),
            models.UniqueConstraint(fields=["center", "version"], name="asm_rulebook_version_unique"),
        ]

    def __str__(self):
        return self.version


class Entry(Voidable):
    """A conduct fact this app keeps: entered by hand, the duty officer's ledger (DUT-6), a
    closing-check failure (DUT-7) or a supervision finding (SUP-1)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("手工录入")
        LEDGER = "ledger", _("日常考核台账")
        CLOSING = "closing", _("下班检查")
        FINDING = "finding", _("督查发现")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    kind = models.CharField(_("事实类型"), max_length=32)  # a core.facts kind
    rule = models.CharField(_("规则"), max_length=40)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    window = models.ForeignKey(Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"))
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2, default=1)
    event = models.CharField(_("事件"), max_length=100, blank=True)  # praise: one event counts once
    note = models.CharField(_("说明"), max_length=500)
    evidence = models.CharField(_("证据"), max_length=500, blank=True)
    photo = models.FileField(_("照片"), upload_to="assessment/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(_("录入时间"))
    finding = models.ForeignKey(
        "Finding", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )

    class Meta:
        verbose_name = _("考核事实")
        verbose_name_plural = _("考核事实")
        indexes = [
            models.Index(fields=["center", "at"], name="asm_entry_center_at"),
            models.Index(fields=["staff", "at"], name="asm_entry_staff_at"),
        ]

    def __str__(self):
        return f"{self.rule} {self.at:%Y-%m-%d}"


class Finding(Voidable):
    """SUP-1: what a patrol, spot check, video check or unannounced visit found."""

    class Kind(models.TextChoices):
        PATROL = "patrol", _("现场巡查")
        SPOT = "spot", _("抽查")
        VIDEO = "video", _("远程视频督查")
        UNANNOUNCED = "unannounced", _("明察暗访")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(pgettext_lazy("supervision kind", "方式"), max_length=12, choices=Kind.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    window = models.ForeignKey(Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    rule = models.CharField(_("违反规则"), max_length=40)
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    note = models.CharField(_("情况"), max_length=1000)
    photos = models.JSONField(_("照片"), default=list, blank=True)
    notice = models.BooleanField(_("通报批评"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("督查发现")
        verbose_name_plural = _("督查发现")


class ClosingCheck(models.Model):
    """DUT-7: the duty officer's closing round of a working day (001 四(四))."""

    ITEMS = {
        "computers": _("电脑"),
        "printers": _("打印机"),
        "lights": _("照明"),
        "ac": _("空调"),
        "doors": _("门"),
        "windows": _("窗"),
    }

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(_("检查时间"))
    failures = models.JSONField(_("未关闭项"), default=list, blank=True)  # [{"window", "item"}]

    class Meta:
        verbose_name = _("下班检查")
        verbose_name_plural = _("下班检查")
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="asm_closing_day_unique")]

    def __str__(self):
        return f"{self.center_id} {self.day}"


class Meeting(Voidable):
    """SUP-2: a window meeting (003 art.16), a leader's on-site day (003 art.17), a director's
    regular meeting (004 art.5)."""

    class Kind(models.TextChoices):
        WINDOW_MEETING = "window_meeting", _("窗口例会")
        ON_SITE = "on_site", _("领导现场办公")
        REGULAR = "regular", _("工作例会")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    day = models.DateField(_("日期"))
    leader = models.CharField(_("领导/召集人"), max_length=60)
    note = models.CharField(_("内容"), max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("会议与现场办公")
        verbose_name_plural = _("会议与现场办公")


class Publication(models.Model):
    """ASM-7: a month published by the director, frozen with the rulebook version it used."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("月份"), max_length=7)
    version = models.CharField(_("细则版本"), max_length=60)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"))

    class Meta:
        verbose_name = _("考核发布")
        verbose_name_plural = _("考核发布")
        constraints = [models.UniqueConstraint(fields=["center", "period"], name="asm_publication_unique")]

    def __str__(self):
        return self.period


class Result(models.Model):
    """A person's published month (the snapshot); changed only by a recorded adjustment."""

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="results")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, null=True, related_name="+")
    parts = models.JSONField()
    bonus = models.DecimalField(max_digits=8, decimal_places=2)
    total = models.DecimalField(max_digits=8, decimal_places=2)
    rating = models.JSONField(default=dict)  # {"ratings", "satisfied"}
    disqualified = models.BooleanField(default=False)
    rank = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["publication", "staff"], name="asm_result_unique")]

    def __str__(self):
        return f"{self.staff_id} {self.total}"


class Line(models.Model):
    """One scored fact of a published month: rule, quantity, points, evidence."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="lines")
    rule = models.CharField(max_length=40)
    part = models.CharField(max_length=16)
    kind = models.CharField(max_length=32)
    at = models.DateTimeField()
    quantity = models.DecimalField(max_digits=8, decimal_places=2)
    points = models.DecimalField(max_digits=8, decimal_places=2)
    event = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=500, blank=True)
    evidence_kind = models.CharField(max_length=32, blank=True)
    evidence_ref = models.CharField(max_length=100, blank=True)
    evidence_url = models.CharField(max_length=500, blank=True)
    removed = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.rule} {self.points}"


class Appeal(models.Model):
    """ASM-7: a person's appeal of a published line, and the director's decision."""

    class Status(models.TextChoices):
        OPEN = "open", _("待裁定")
        UPHELD = "upheld", _("维持")
        REMOVED = "removed", _("撤销该项")

    line = models.OneToOneField(Line, on_delete=models.PROTECT, related_name="appeal")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.CharField(_("申诉理由"), max_length=1000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    decision = models.CharField(_("裁定理由"), max_length=1000, blank=True)

    def __str__(self):
        return f"{self.line_id} {self.status}"


class Adjustment(models.Model):
    """A correction of a published month, with its reason (ASM-7)."""

    result = models.ForeignKey(Result, on_delete=models.PROTECT, related_name="adjustments")
    line = models.ForeignKey(Line, on_delete=models.PROTECT, null=True, related_name="+")
    before = models.DecimalField(max_digits=8, decimal_places=2)
    after = models.DecimalField(max_digits=8, decimal_places=2)
    reason = models.CharField(max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.before} → {self.after}"
