import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Voidable


class CalendarDay(models.Model):
    """HRS-2: one row per date, 2004-01-01 to 2099-12-31 — the national working-day calendar.

    Seeded by a data migration from ``rules.year_days``; changed only by the services (an
    administrator's correction, an official schedule), which also renew ``CalendarVersion``.
    """

    class Kind(models.TextChoices):
        WORKDAY = "workday", _("工作日")
        WEEKEND = "weekend", _("周末")
        HOLIDAY = "holiday", _("节假日")
        ADJUSTED_WORKDAY = "adjusted_workday", _("调休上班")

    class Source(models.TextChoices):
        PUBLISHED = "published", _("已公布（chinesecalendar）")
        PROVISIONAL = "provisional", _("按法定规则推算（暂定）")
        OFFICIAL = "official", _("国务院通知（管理员导入）")
        CORRECTED = "corrected", _("管理员更正")

    date = models.DateField(_("日期"), primary_key=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60, blank=True)
    workday = models.BooleanField(_("工作日"))
    provisional = models.BooleanField(_("暂定"), default=False)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)

    class Meta:
        verbose_name = _("日历日")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class CalendarVersion(models.Model):
    """A single row whose stamp every change to the calendar or to closures renews.

    Each process caches its calendars under the stamp and rebuilds them when it changes.
    """

    stamp = models.CharField(max_length=32)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.stamp


class Closure(Voidable):
    """HRS-2: a local closure of a center — and of every center below it — for a run of days."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.PROTECT, related_name="closures", verbose_name=_("中心")
    )
    start = models.DateField(_("起"))
    end = models.DateField(_("止"))
    reason = models.CharField(_("原因"), max_length=60)
    # HRS-3: whether booked appointments still run on the closed days (none are offered otherwise).
    appointments = models.BooleanField(_("照常预约"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("停止办公")
        verbose_name_plural = _("停止办公")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="closure_end_after_start")
        ]

    def __str__(self):
        return f"{self.center} {self.start}–{self.end} {self.reason}"


class DayCorrection(models.Model):
    """An administrator's correction of one calendar day: what it was, what it became, and why."""

    date = models.DateField(_("日期"), db_index=True)
    before = models.JSONField(_("更正前"))
    after = models.JSONField(_("更正后"))
    reason = models.CharField(_("原因"), max_length=200)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(_("更正时间"))

    class Meta:
        verbose_name = _("日历更正")
        verbose_name_plural = _("日历更正")
        ordering = ["-corrected_at", "-id"]

    def __str__(self):
        return f"{self.date} {self.reason}"


class OfficialSchedule(models.Model):
    """A year's holiday arrangement as the State Council published it, loaded by an administrator."""

    year = models.PositiveSmallIntegerField(_("年份"))
    document = models.CharField(_("文号"), max_length=80, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    text = models.TextField(_("安排内容"))
    changes = models.JSONField(_("变化的日期"), default=list)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    loaded_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("国务院节假日安排")
        verbose_name_plural = _("国务院节假日安排")
        ordering = ["-loaded_at", "-id"]

    def __str__(self):
        return f"{self.year} {self.document}".strip()

    @property
    def changed_workdays(self) -> list[dt.date]:
        """The dates whose working status the load turned round (they move deadlines)."""
        return [
            dt.date.fromisoformat(c["date"])
            for c in self.changes
            if c["before"]["workday"] != c["after"]["workday"]
        ]
