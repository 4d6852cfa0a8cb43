"""Parallel approval behind the lead window (PAR-1 … PAR-5): opinions, urging, second rounds,
the lead's decision, joint meetings.

Who takes part and with what limit is the case's item version (CAT-6, ``catalog.Participant``);
when the round started is the case's acceptance or the last resubmission. A participant's due
date, deemed approval and lateness are derived from these rows when read (``selectors``), never
written by a job.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Voidable
from servicehall.org.models import Department, Staff
from servicehall.parallel import rules


class Opinion(Voidable):
    """PAR-2, PAR-3: what a participating department said in a round, and when."""

    class Kind(models.TextChoices):
        APPROVE = rules.APPROVE, _("同意")
        REJECT = rules.REJECT, _("不同意")
        RECTIFY = rules.RECTIFY, _("需整改")
        REPORTED_UP = rules.REPORTED_UP, _("已报上级审批")
        EXPLAINED = rules.EXPLAINED, _("书面说明延期")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="opinions")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("站所")
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    kind = models.CharField(_("意见"), max_length=12, choices=Kind.choices)
    note = models.TextField(_("说明"), max_length=2000, blank=True)
    expected_date = models.DateField(_("预计办结日期"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人"))

    class Meta:
        verbose_name = _("并联审批意见")
        verbose_name_plural = _("并联审批意见")
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["department", "case", "round"], name="opinion_department_idx")]

    def __str__(self):
        return f"{self.case_id} {self.department_id} {self.kind}"


class Urge(Voidable):
    """PAR-3: the lead's urging (催办) of a participant: dated, with a note, shown to it."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="urges")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("站所")
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    note = models.CharField(_("催办内容"), max_length=500)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("催办人")
    )

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.department_id} {self.at:%Y-%m-%d}"


class Resubmission(Voidable):
    """PAR-2: the applicant's corrected application after a rectification: a new round starts."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="resubmissions")
    round = models.PositiveSmallIntegerField(_("轮次"))
    note = models.CharField(_("整改情况"), max_length=500)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("经办人")
    )

    class Meta:
        verbose_name = _("二次申请")
        verbose_name_plural = _("二次申请")
        ordering = ["case", "round"]
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="resubmission_round_unique")]

    def __str__(self):
        return f"{self.case_id} #{self.round}"


class Decision(Voidable):
    """PAR-4: the lead's decision, issued with the approval-seal area; its content is kept as
    issued and its PDF rendered once, so a reprint is the same document."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="parallel_decision")
    number = models.CharField(_("文号"), max_length=80)
    approve = models.BooleanField(_("准予许可"))
    result = models.TextField(_("决定内容"), max_length=2000)
    at = models.DateTimeField(_("决定时间"))
    by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("决定人")
    )
    content = models.JSONField(_("内容"), default=dict)
    pdf = models.BinaryField(_("PDF"), default=b"")
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("并联审批决定")
        verbose_name_plural = _("并联审批决定")

    def __str__(self):
        return self.number


class Meeting(Voidable):
    """PAR-5: a joint review meeting (联审会议) or joint site inspection (联合踏勘) for a case."""

    class Kind(models.TextChoices):
        REVIEW = rules.REVIEW, _("联审会议")
        SITE = rules.SITE, _("联合踏勘")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    convened_at = models.DateTimeField(_("召集时间"))
    convened_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("召集人")
    )

    class Meta:
        verbose_name = _("联审会议与联合踏勘")
        verbose_name_plural = _("联审会议与联合踏勘")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """PAR-5: an invited department, its representative, and its attendance once recorded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("站所")
    )
    representative = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("代表")
    )
    present = models.BooleanField(_("出席"), null=True)
    excuse = models.CharField(_("缺席理由"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("会议邀请")
        verbose_name_plural = _("会议邀请")
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "department"], name="invitation_department_unique")
        ]

    def __str__(self):
        return f"{self.meeting_id} {self.department_id}"
