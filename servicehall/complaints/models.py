"""Complaints (CMP-1 … CMP-8, INQ-3): register by every channel, answer within the policy's working days, follow until concluded.

Nothing here is a state set by a clock: the due date, the colour and the overdue working days of
a complaint are derived when read from ``received_at`` and the working-day calendar
(``selectors.with_deadlines``), so a moved clock or a changed calendar is seen at once.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.complaints import rules
from servicehall.core.models import Voidable
from servicehall.org.models import Center, Department, Staff, Window


class Complaint(Voidable):
    """One complaint (投诉), numbered per center and year; its whole process is kept (CMP-8)."""

    class Channel(models.TextChoices):
        ON_SITE = rules.ON_SITE, _("现场投诉")
        PHONE = rules.PHONE, _("电话投诉")
        BOX = rules.BOX, _("意见箱")
        LETTER = rules.LETTER, _("信函投诉")
        FAX = rules.FAX, _("传真投诉")
        ONLINE = rules.ONLINE, _("网上投诉")
        TRANSFER = rules.TRANSFER, _("其他部门转办")

    class Category(models.TextChoices):
        NOT_ACCEPTED = "not_accepted", _("符合条件的事项不依法受理或随意退件")
        DUTY = "duty", _("不依法履行职责或违反审批程序")
        DELAY = "delay", _("推诿、拖延、刁难，未按承诺时限办理")
        ATTITUDE = "attitude", _("态度恶劣、语言生硬、与服务对象争吵")
        NOT_INFORMED = "not_informed", _("未一次性告知，致使多次往返")
        ABSENT = "absent", _("缺岗、溜岗影响群众办事")
        BRIBERY = "bribery", _("吃拿卡要或变相谋取好处")
        FEES = "fees", _("违规收费")
        OTHER = "other", _("其他违反服务规定的行为")

    class Status(models.TextChoices):
        OPEN = rules.OPEN, _("处理中")
        ESCALATED = rules.ESCALATED, _("已上报")
        CONCLUDED = rules.CONCLUDED, _("已办结")

    class EscalatedTo(models.TextChoices):
        LEADER = rules.TO_LEADER, _("分管领导")
        DISCIPLINE = rules.TO_DISCIPLINE, _("纪工委/效能办")

    class AnsweredVia(models.TextChoices):
        ON_SITE = "on_site", _("当场答复")
        PHONE = "phone", _("电话答复")
        LETTER = "letter", _("书面复函")
        SMS = "sms", _("短信")
        ONLINE = "online", _("网上答复")

    number = models.CharField(_("投诉编号"), max_length=60, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(_("投诉渠道"), max_length=12, choices=Channel.choices)
    category = models.CharField(_("投诉类别"), max_length=16, choices=Category.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=rules.OPEN)
    complainant_name = models.CharField(_("投诉人"), max_length=40, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    content = models.TextField(_("投诉内容"), max_length=2000)
    against_staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_against",
        verbose_name=_("被投诉人"),
    )
    against_window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被投诉窗口"),
    )
    against_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被投诉科室"),
    )
    received_at = models.DateTimeField(_("受理时间"))
    received_day = models.DateField(_("受理日期"))  # the local day: the deadline counts from it
    recorded_at = models.DateTimeField(_("登记时间"))
    received_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("受理人")
    )
    transfer_from = models.CharField(_("转办单位"), max_length=100, blank=True)
    transfer_reference = models.CharField(_("转办文号"), max_length=60, blank=True)
    reply_to = models.CharField(_("回复地址"), max_length=200, blank=True)
    delay_explanation = models.TextField(_("延期说明"), max_length=2000, blank=True)
    delayed_at = models.DateTimeField(_("延期说明时间"), null=True, blank=True)
    escalated_to = models.CharField(_("上报至"), max_length=12, choices=EscalatedTo.choices, blank=True)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    escalation_note = models.TextField(_("上报说明"), max_length=2000, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("办结人")
    )
    substantiated = models.BooleanField(_("经查属实"), null=True, blank=True)
    finding = models.TextField(_("调查结论"), max_length=2000, blank=True)
    action = models.TextField(_("处理措施"), max_length=2000, blank=True)
    answer = models.TextField(_("答复内容"), max_length=2000, blank=True)
    answered_via = models.CharField(_("答复方式"), max_length=12, choices=AnsweredVia.choices, blank=True)
    transfer_reply = models.TextField(_("向转办单位的回复"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-received_at", "-id"]
        indexes = [
            # the complaint book, newest first (every status)
            models.Index(fields=["center", "-received_at", "-id"], name="complaint_book_idx"),
            # the officer's board: only complaints not yet concluded; history never enters it
            models.Index(
                fields=["center", "received_at", "id"],
                name="complaint_open_idx",
                condition=models.Q(status__in=rules.UNCONCLUDED),
            ),
            models.Index(
                fields=["center", "status", "-received_at", "-id"],
                name="complaint_status_idx",
            ),
            models.Index(
                fields=["center", "concluded_at"],
                name="complaint_substantiated_idx",
                condition=models.Q(substantiated=True),
            ),
        ]

    def __str__(self):
        return self.number


class ComplaintEvent(models.Model):
    """CMP-8: every step of a complaint, in order (the complaint book's process column)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(_("环节"), max_length=30)
    note = models.TextField(_("说明"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("投诉处理环节")
        verbose_name_plural = _("投诉处理环节")
        ordering = ["complaint", "at", "id"]

    def __str__(self):
        return f"{self.complaint} {self.action}"

    @property
    def label(self) -> str:
        return rules.EVENT_NAMES.get(self.action, self.action)


class Explanation(models.Model):
    """CMP-6: an explanation and proposed handling asked of a person or a department, by a date."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="explanations")
    from_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="explanations_asked"
    )
    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    question = models.TextField(_("需说明的问题"), max_length=2000)
    due_date = models.DateField(_("说明期限"))
    requested_at = models.DateTimeField(_("发出时间"))
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    answer = models.TextField(_("情况说明"), max_length=2000, blank=True)
    proposal = models.TextField(_("拟处理意见"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    answered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("情况说明")
        verbose_name_plural = _("情况说明")
        ordering = ["complaint", "requested_at", "id"]
        indexes = [
            models.Index(
                fields=["from_staff", "due_date"],
                name="explanation_waiting_idx",
                condition=models.Q(answered_at__isnull=True),
            ),
            models.Index(
                fields=["from_department", "due_date"],
                name="explanation_dept_waiting_idx",
                condition=models.Q(answered_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.complaint} #{self.pk}"


class BoxOpening(models.Model):
    """002 八(二): the suggestion box opened on a working day at 17:00, and how many letters."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="box_openings")
    day = models.DateField(_("开箱日期"))
    opened_at = models.DateTimeField(_("开箱时间"))
    letters = models.PositiveSmallIntegerField(_("信件数"), default=0)
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"))
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("意见箱开箱记录")
        verbose_name_plural = _("意见箱开箱记录")
        ordering = ["center", "-day"]
        constraints = [models.UniqueConstraint(fields=["center", "day"], name="box_opening_unique")]

    def __str__(self):
        return f"{self.center_id} {self.day} {self.letters}"


class FirstInquiryFailure(Voidable):
    """INQ-3 (001 一(一)4): a first-inquiry failure found against the officer, with the visit or
    case it concerns — from a complaint's conclusion or recorded by a leader directly."""

    class Kind(models.TextChoices):
        NOT_HANDED_OVER = "not_handed_over", _("未及时将拟办事项移交有关人员")
        NOT_INFORMED = "not_informed", _("冷漠对待服务对象，未按规定明确告知")
        SHIRKING = "shirking", _("推诿扯皮，不负责任")
        BAD_ATTITUDE = "bad_attitude", _("态度恶劣，使用文明忌语")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="first_inquiry_failures")
    kind = models.CharField(_("情形"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("认定时间"))
    visit = models.ForeignKey(
        "cases.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="first_inquiry_failures"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("首问责任不落实")
        verbose_name_plural = _("首问责任不落实")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["center", "at"], name="fif_center_at_idx")]

    def __str__(self):
        return f"{self.staff} {self.kind}"
