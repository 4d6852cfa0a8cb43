"""Training (TRN-1 … TRN-3): sessions the center plans and holds, who was invited and came,
and the self-study each person declares. Hours and absences are read from these (selectors)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import Voidable
from servicehall.org.models import Center
from servicehall.training import rules


class Session(Voidable):
    """A study session (集中学习): planned with its date, held when attendance is recorded."""

    class Kind(models.TextChoices):
        CENTRALISED = rules.CENTRALISED, _("中心集中学习")
        COUNTY = rules.COUNTY, _("县级集中业务培训")

    class Subject(models.TextChoices):  # 001 四(二)1: what is studied
        POLITICS = "politics", _("政治理论")
        LAW = "law", _("法规制度")
        BUSINESS = "business", _("业务知识")
        LICENSING = "licensing", _("行政许可与计算机操作")
        ETIQUETTE = "etiquette", _("文明礼仪")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="training_sessions")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("内容类别"), max_length=20, choices=Subject.choices)
    topic = models.CharField(_("主题"), max_length=200)
    starts_at = models.DateTimeField(_("时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("学习培训")
        verbose_name_plural = _("学习培训")
        indexes = [models.Index(fields=["center", "starts_at"], name="training_session_day")]

    def __str__(self):
        return f"{self.starts_at:%Y-%m-%d} {self.topic}"


class Attendance(models.Model):
    """One invited person at one session: invited, then present, excused or absent (TRN-3)."""

    class Status(models.TextChoices):
        INVITED = rules.INVITED, _("待登记")
        PRESENT = rules.PRESENT, _("出席")
        EXCUSED = rules.EXCUSED, pgettext_lazy("attendance", "请假")
        ABSENT = rules.ABSENT, _("无故缺席")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="attendance")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("出勤"), max_length=10, choices=Status.choices, default=Status.INVITED)
    excuse = models.CharField(_("请假事由"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(_("登记时间"), null=True)

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="training_attendance_once")]
        indexes = [models.Index(fields=["staff", "session"], name="training_attendance_staff")]

    def __str__(self):
        return f"{self.session_id}/{self.staff_id} {self.status}"


class SelfStudy(Voidable):
    """Hours a person studied on their own (自学), declared and approved by a leader."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已认定")
        REJECTED = "rejected", _("未认定")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    topic = models.CharField(_("学习内容"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    declared_at = models.DateTimeField(_("申报时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", db_index=False
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("个人自学")
        verbose_name_plural = _("个人自学")
        indexes = [models.Index(fields=["staff", "day"], name="training_self_study_staff")]

    def __str__(self):
        return f"{self.day} {self.topic}"
