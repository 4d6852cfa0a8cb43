from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.cases import rules
from servicehall.core.models import Voidable
from servicehall.org.models import Center, Staff, Window


class Visit(Voidable):
    """INQ-1 … INQ-4: one visit or call, recorded by the staff member who received it."""

    class Channel(models.TextChoices):
        VISIT = "visit", _("来访")
        CALL = "call", _("来电")

    class Category(models.TextChoices):
        CONSULTATION = "consultation", _("政策咨询")
        APPLICATION = "application", _("事项办理")
        LEGAL = "legal", _("法律咨询")
        HELP = "help", _("求助")
        COMPLAINT = "complaint", _("投诉举报")
        SUGGESTION = "suggestion", _("意见建议")
        OTHER = "other", _("其他")

    class Outcome(models.TextChoices):
        HANDLED = rules.HANDLED, _("当场办理或答复")
        HANDED_OVER = rules.HANDED_OVER, _("移交本单位同事")
        GUIDED = rules.GUIDED, _("引导至承办窗口")
        ESCALATED = rules.ESCALATED, _("请示领导")
        TRANSFERRED = rules.TRANSFERRED, _("转送其他部门")
        DENIAL = rules.DENIAL, _("解释说明并否定报备")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="visits")
    window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("接待窗口"),
    )
    officer = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="first_inquiries", verbose_name=_("首问责任人")
    )
    at = models.DateTimeField(_("登记时间"))
    day = models.DateField(_("日期"))
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    matter = models.CharField(_("事由"), max_length=300)
    visitor_name = models.CharField(_("来访人"), max_length=40, blank=True)
    visitor_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=16, choices=Outcome.choices)
    colleague = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("接手同事")
    )
    target_window = models.ForeignKey(
        Window,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("引导至窗口"),
    )
    leader = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("请示领导")
    )
    agency = models.CharField(_("转送部门"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("来访来电登记")
        verbose_name_plural = _("来访来电登记")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["center", "day"], name="visit_center_day_idx"),
            models.Index(fields=["window", "day"], name="visit_window_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.get_channel_display()} {self.matter[:20]}"


class OutboxMessage(models.Model):
    """CAS-7: an SMS as the default sender leaves it, for a gateway (or a person) to send on."""

    phone = models.CharField(_("手机号码"), max_length=20)
    text = models.CharField(_("内容"), max_length=500)
    reference = models.CharField(_("关联编号"), max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(_("生成时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信待发")
        verbose_name_plural = _("短信待发")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.phone} {self.text[:20]}"
