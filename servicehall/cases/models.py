from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.cases import rules
from servicehall.core.i18n import translate
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


class Case(Voidable):
    """One application by one applicant for one item (办件), under the item's exact version (CAT-5).

    Deadline fields are written by the steps that move them (acceptance, resume, extension) and
    the colour is derived from them when read (CAS-14), so no job has to run for it to be right.
    """

    class Status(models.TextChoices):
        AWAITING = rules.AWAITING, _("待补正材料")
        ACCEPTED = rules.ACCEPTED, _("已受理")
        SUSPENDED = rules.SUSPENDED, _("已挂起")
        DENIAL_FILED = rules.DENIAL_FILED, _("否定报备中")
        COMPLETED = rules.COMPLETED, _("已办结")
        REFUSED = rules.REFUSED, _("不予受理")
        DENIED = rules.DENIED, _("不予办理")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("个人")
        ORGANISATION = "organisation", _("单位")

    number = models.CharField(_("办件编号"), max_length=60, unique=True)
    query_code = models.CharField(_("查询码"), max_length=8)
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="cases")
    window = models.ForeignKey(
        Window, on_delete=models.PROTECT, related_name="cases", verbose_name=_("受理窗口")
    )
    item_version = models.ForeignKey(
        "catalog.ItemVersion", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项版本")
    )
    kind = models.CharField(_("办件类型"), max_length=12)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices)
    officer = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="cases_received", verbose_name=_("首问责任人")
    )
    handler = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="cases_handled", verbose_name=_("经办人")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("号票"),
    )

    applicant_kind = models.CharField(_("申请人类型"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_number = models.CharField(_("身份证号码/统一社会信用代码"), max_length=18)
    applicant_phone = models.CharField(_("联系电话"), max_length=20)
    agent_name = models.CharField(_("代办人"), max_length=40, blank=True)
    agent_id_number = models.CharField(_("代办人身份证号码"), max_length=18, blank=True)
    agent_phone = models.CharField(_("代办人电话"), max_length=20, blank=True)

    received_at = models.DateTimeField(_("收件时间"))
    recorded_at = models.DateTimeField(_("录入时间"))
    backfilled = models.BooleanField(_("补录"), default=False)
    backfill_reason = models.CharField(_("补录原因"), max_length=300, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=0)
    due_at = models.DateTimeField(_("办结期限"), null=True, blank=True)
    due_date = models.DateField(_("办结日期"), null=True, blank=True)
    warn_date = models.DateField(_("预警日期"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定最长期限"), null=True, blank=True)
    provisional = models.BooleanField(_("日期暂定"), default=False)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    suspended_days = models.PositiveSmallIntegerField(_("累计挂起（工作日）"), default=0)
    finished_at = models.DateTimeField(_("办结/终止时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    reason = models.TextField(_("理由"), blank=True)
    basis = models.TextField(_("依据"), blank=True)
    # CAT-7, CAS-9: taken at a window authorised for the item (it decides itself) or not (the case
    # goes through the version's steps, each approved by the role it names); the current step.
    authorised = models.BooleanField(_("授权窗口办理"), default=True)
    parallel = models.BooleanField(_("并联审批"), default=False)  # CAT-6: the version names participants
    step = models.PositiveSmallIntegerField(_("当前环节序号"), null=True, blank=True)
    step_name = models.CharField(_("当前环节"), max_length=60, blank=True)
    step_since = models.DateTimeField(_("环节开始时间"), null=True, blank=True)
    # CAS-5: a clerk's extension waits for the department head or the center to approve it.
    extension_due = models.DateField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=300, blank=True)
    extension_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("延期申请人")
    )

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [
            # CAS-14: the board counts and lists only open cases; history never enters the index. The
            # board's counts read the index alone (no row of the table): a county's board costs
            # what its own open cases cost, however many cases the other centers hold.
            models.Index(
                fields=["center", "status", "due_at", "warn_date", "backfilled", "voided_at"],
                name="case_open_center_cover_idx",
                condition=models.Q(status__in=rules.OPEN, voided_at__isnull=True),
            ),
            # the running cases in deadline order: red counts, and the most urgent first.
            models.Index(
                fields=["center", "due_at", "due_date", "status", "voided_at"],
                name="case_running_center_cover_idx",
                condition=models.Q(status__in=rules.RUNNING, voided_at__isnull=True),
            ),
            models.Index(
                fields=["handler", "due_at"],
                name="case_open_handler_idx",
                condition=models.Q(status__in=rules.OPEN),
            ),
            models.Index(
                fields=["window", "due_at"],
                name="case_open_window_idx",
                condition=models.Q(status__in=rules.OPEN),
            ),
            models.Index(fields=["window", "-received_at", "-id"], name="case_window_received_idx"),
            # the director's center-wide list, newest first (and its parallel filter)
            models.Index(fields=["center", "-received_at", "-id"], name="case_center_received_idx"),
            models.Index(fields=["handler", "-received_at"], name="case_handler_received_idx"),
        ]

    def __str__(self):
        return self.number


class CaseMaterial(models.Model):
    """One line of a case's checklist: a material of the item's version, and when it came in."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("收到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "material__position"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="case_material_unique")]

    def __str__(self):
        return f"{self.case} {self.material}"


class CaseEvent(models.Model):
    """CAS-11: every step of a case, in order — the start of its case file."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(_("环节"), max_length=30)
    status = models.CharField(_("之后状态"), max_length=20, choices=Case.Status.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("办件环节")
        verbose_name_plural = _("办件环节")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.action}"

    @property
    def label(self) -> str:
        return translate(rules.EVENT_NAMES.get(self.action, self.action))


class StepAction(models.Model):
    """CAS-9: a decision on one step of a case — approved, or returned to the previous step with a
    reason — by someone holding the authority the item names for it (000 三.2)."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="step_actions")
    position = models.PositiveSmallIntegerField(_("环节序号"))
    name = models.CharField(_("环节"), max_length=60)
    role = models.CharField(_("审批人员"), max_length=20)
    decision = models.CharField(_("意见"), max_length=8, choices=Decision.choices)
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("环节审批")
        verbose_name_plural = _("环节审批")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.name} {self.decision}"


class Urge(models.Model):
    """催办: a dated note to whoever holds a case's current step, shown on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="holder_urges")
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    step = models.PositiveSmallIntegerField(_("环节序号"), null=True, blank=True)
    step_name = models.CharField(_("环节"), max_length=60, blank=True)
    note = models.CharField(_("催办意见"), max_length=500)

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case} {self.at:%Y-%m-%d}"


class Notice(models.Model):
    """A printed notice as issued (CAS-3, CAS-10): its content is kept when issued and its PDF once
    rendered; neither changes afterwards, so a reprint is the same document."""

    class Kind(models.TextChoices):
        ONE_TIME = "one_time", _("一次性告知单")
        ACCEPTANCE = "acceptance", _("受理通知书")
        REFUSAL = "refusal", _("不予受理通知书")
        EXTENSION = "extension", _("延期办结告知书")
        DENIAL = "denial", _("不予办理告知书")
        COMPLETION = "completion", _("办结通知书")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("种类"), max_length=12, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=60)
    issued_at = models.DateTimeField(_("出具时间"))
    issued_by = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, related_name="+")
    content = models.JSONField(_("内容"), default=dict)  # everything the PDF shows, kept as issued
    pdf = models.BinaryField(_("PDF"), default=b"")
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("通知书")
        verbose_name_plural = _("通知书")
        ordering = ["case", "issued_at", "id"]

    def __str__(self):
        return self.number


class Counter(models.Model):
    """Running numbers per center, year and series (cases, and each kind of notice)."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=12)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["center", "year", "series"], name="counter_unique")]

    def __str__(self):
        return f"{self.center_id}/{self.year}/{self.series}={self.last}"


class LookUpGuard(models.Model):
    """Wrong query codes at the citizen look-up, per case number and per client address, and until
    when the look-up is refused there: a query code cannot be guessed by trying (see
    ``rules.after_failed_look_up``). Updated in place: a counter, not a record."""

    key = models.CharField(max_length=80, unique=True)  # "case:<number>" or "address:<ip>"
    failures = models.PositiveSmallIntegerField(default=0)
    since = models.DateTimeField(null=True, blank=True)  # the first failure counted
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.key}: {self.failures}"
