"""Ratings and revisits (EVA-1 … EVA-6): the rating device, one rating per matter, revisits, appraisal, satisfaction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.models import Voidable
from servicehall.org.models import Center, Staff, Window


class Level(models.IntegerChoices):
    """GB/T 39734-2020's five levels; 1 is the best."""

    VERY_SATISFIED = 1, _("非常满意")
    SATISFIED = 2, _("满意")
    BASIC = 3, _("基本满意")
    DISSATISFIED = 4, _("不满意")
    VERY_DISSATISFIED = 5, _("非常不满意")


class RatingDevice(Voidable):
    """A tablet or counter screen that shows a window's finished matter to be rated (EVA-1)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="rating_devices")
    name = models.CharField(_("名称"), max_length=60)
    token_hash = models.CharField(max_length=64, db_index=True)
    address = models.GenericIPAddressField(_("允许地址"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评价器")
        verbose_name_plural = _("评价器")
        ordering = ["center", "window", "id"]

    def __str__(self):
        return f"{self.window} {self.name}"


class HotlineOrder(Voidable):
    """EVA-2: a 12345/12348 work order transferred to the center, rated by the caller on completion."""

    class Hotline(models.TextChoices):
        H12345 = "12345", _("12345 政务服务便民热线")
        H12348 = "12348", _("12348 公共法律服务热线")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    hotline = models.CharField(_("热线"), max_length=5, choices=Hotline.choices)
    reference = models.CharField(_("工单编号"), max_length=60)
    content = models.TextField(_("诉求内容"), max_length=2000)
    caller_name = models.CharField(_("来电人"), max_length=40, blank=True)
    caller_phone = models.CharField(_("来电号码"), max_length=20, blank=True)
    handler = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办人"))
    received_at = models.DateTimeField(_("接收时间"))
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["center", "reference"], name="hotline_reference_unique")
        ]
        indexes = [models.Index(fields=["center", "completed_at"], name="hotline_completed_idx")]

    def __str__(self):
        return self.reference


class Rating(Voidable):
    """One citizen's rating of one served matter (a ticket, a step of a case, a hotline order)."""

    class Kind(models.TextChoices):
        TICKET = "ticket", _("窗口服务")
        CASE = "case", _("办件")
        HOTLINE = "hotline", _("热线工单")

    class Channel(models.TextChoices):
        DEVICE = "device", _("窗口评价器")
        SMS = "sms", _("短信")
        QR = "qr", _("二维码")
        HOTLINE = "hotline", _("热线回访")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    matter_id = models.BigIntegerField()
    step = models.CharField(_("环节"), max_length=12, blank=True)
    ref = models.CharField(_("编号"), max_length=60)
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("窗口")
    )
    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        verbose_name=_("工作人员"),
    )
    item_name = models.CharField(_("事项"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    reasons = models.JSONField(_("原因"), default=list, blank=True)
    comment = models.TextField(_("意见"), max_length=500, blank=True)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    matter_at = models.DateTimeField(_("办结时间"))
    rated_at = models.DateTimeField(_("评价时间"))
    malicious = models.BooleanField(_("恶意差评"), default=False)
    malicious_reason = models.TextField(_("认定理由"), max_length=1000, blank=True)
    malicious_approver = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("批准领导")
    )
    malicious_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    malicious_at = models.DateTimeField(_("认定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_at", "-id"]
        constraints = [
            # one rating per matter (a case: per step), whatever the channel
            models.UniqueConstraint(fields=["kind", "matter_id", "step"], name="one_rating_per_matter"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["center", "rated_at"], name="rating_center_month_idx")]

    def __str__(self):
        return f"{self.ref} {self.get_level_display()}"

    @property
    def reason_labels(self) -> list[str]:
        from servicehall.ratings.rules import REASONS

        return [str(_(REASONS.get(r, r))) for r in self.reasons or []]


class Revisit(Voidable):
    """EVA-3 … EVA-5: a revisit due (a bad rating, a major case, a sampled hotline order) and its record."""

    class Reason(models.TextChoices):
        BAD_RATING = "bad_rating", _("差评回访")
        MAJOR_CASE = "major_case", _("重大影响案件回访")
        SAMPLE = "sample", _("热线工单抽访")

    class Way(models.TextChoices):
        HOME = "home", _("上门走访")
        INTERVIEW = "interview", _("当面约谈")
        PHONE = "phone", _("电话征询")
        FORUM = "forum", _("召开座谈会")

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("回访原因"), max_length=12, choices=Reason.choices)
    rating = models.OneToOneField(
        Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="revisit"
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hotline_order = models.OneToOneField(
        HotlineOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="revisit"
    )
    subject = models.CharField(_("回访对象"), max_length=200)
    note = models.TextField(_("说明"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("生成时间"))
    due_at = models.DateTimeField(_("回访期限"))
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    way = models.CharField(_("回访方式"), max_length=10, choices=Way.choices, blank=True)
    progress = models.TextField(_("办理进度及结果"), max_length=2000, blank=True)
    opinion = models.TextField(_("对工作人员的评价"), max_length=2000, blank=True)
    suggestions = models.TextField(_("意见和建议"), max_length=2000, blank=True)
    justified = models.BooleanField(_("差评属实"), null=True, blank=True)
    rectification = models.TextField(_("整改情况"), max_length=2000, blank=True)
    rectified_on = models.DateField(_("整改日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["center", "due_at"], condition=Q(done_at__isnull=True), name="revisit_due_idx"
            ),
            models.Index(fields=["center", "created_at"], name="revisit_month_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.subject}"


class HotlineSample(models.Model):
    """EVA-4: the month's random sample of completed hotline orders, with its seed, so a second draw
    with the same seed over the same orders gives the same sample."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))  # the first day of the sampled month
    seed = models.BigIntegerField(_("随机种子"))
    percent = models.PositiveSmallIntegerField(_("抽访比例（%）"))
    population = models.JSONField(_("当月办结工单"))  # the ids drawn from, in order
    chosen = models.JSONField(_("抽中工单"))
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("热线工单抽访")
        verbose_name_plural = _("热线工单抽访")
        constraints = [
            models.UniqueConstraint(fields=["center", "month"], name="hotline_sample_month_unique")
        ]

    def __str__(self):
        return f"{self.center} {self.month:%Y-%m}"


class Appraisal(Voidable):
    """EVA-6: a democratic appraisal of a center's windows and staff for a period."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=100)
    period = models.CharField(_("期间"), max_length=7)  # YYYY-MM, or YYYY for a year
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class QuestionnaireCode(models.Model):
    """A one-use code of an anonymous questionnaire. Only its hash is kept, and whether it has been
    used: no holder, no time, nothing that points to the answer it gave (nor the answer to it)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="+")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("问卷码")
        verbose_name_plural = _("问卷码")

    def __str__(self):
        return f"{self.appraisal_id}:{self.code_hash[:8]}"


class AppraisalVote(models.Model):
    """One level given to a window (and, when named, a person) in an appraisal. A questionnaire's
    vote carries no code, no time and no sequence of its own answer sheet."""

    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("问卷测评")
        ONSITE = "onsite", _("现场测评")
        PEER = "peer", _("窗口互评")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="votes")
    source = models.CharField(pgettext_lazy("rating source", "方式"), max_length=14, choices=Source.choices)
    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    rater_window = models.ForeignKey(
        Window, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("评议票")
        verbose_name_plural = _("评议票")
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "rater_window", "window"],
                condition=Q(source="peer"),
                name="one_peer_vote_per_window_pair",
            ),
            models.CheckConstraint(
                condition=~Q(rater_window=models.F("window")), name="peer_never_rates_itself"
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="vote_level_1_to_5"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.window_id} {self.level}"


class AppraisalComment(models.Model):
    """A questionnaire's optional comment: the text alone — no code, no time, no vote points to it."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.PROTECT, related_name="comments")
    text = models.TextField(_("意见"), max_length=500)

    class Meta:
        verbose_name = _("评议意见")
        verbose_name_plural = _("评议意见")

    def __str__(self):
        return self.text[:30]
