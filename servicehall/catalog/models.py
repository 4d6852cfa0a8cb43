"""The service catalog: items (事项) and their versions (CAT-1, CAT-2, CAT-5, CAT-6, CAT-7).

An ``Item`` is only an identity: a center and a code. Everything a guide shows belongs to an
``ItemVersion``, which is written once and never changed. Every change makes a new version (who,
when, why) and moves ``Item.current`` to it; the old ones stay readable, so a case keeps a
foreign key to the exact version it was accepted under.

Materials, procedure steps and parallel-approval participants are rows of their version rather
than a JSON snapshot: a case's one-time notice can point at the very ``Material`` rows it asked
for, departments and windows stay real foreign keys, and the database keeps material codes
unique per version. Reading a guide is still a fixed number of queries (the version with its
department, then one query per kind of row; see ``selectors.guide``).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog import rules
from servicehall.core.models import Voidable
from servicehall.org.models import Center, Department, Window

item_code_validator = RegexValidator(
    rules.ITEM_CODE.pattern, _("事项编码只能使用字母、数字、连字符和下划线，以字母或数字开头，最长 40 位。")
)
material_code_validator = RegexValidator(
    rules.MATERIAL_CODE.pattern, _("材料编码只能使用字母、数字、连字符和下划线，最长 20 位。")
)


class Item(Voidable):
    """A service item of a center; its content is its current version."""

    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("事项编码"), max_length=40, validators=[item_code_validator])
    created_at = models.DateTimeField(_("设立时间"))
    current = models.ForeignKey(
        "ItemVersion", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("现行版本")
    )

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="item_code_unique")]

    def __str__(self):
        return f"{self.code} {self.current.name if self.current_id else ''}".strip()


class ItemVersion(models.Model):
    """CAT-1: everything a guide shows, as it stood from ``created_at`` on. Never updated."""

    class Kind(models.TextChoices):
        IMMEDIATE = rules.IMMEDIATE, _("即办件")
        COMMITTED = rules.COMMITTED, _("承诺件")

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("生效时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    reason = models.CharField(_("修改原因"), max_length=300)

    name = models.CharField(_("事项名称"), max_length=100)
    initials = models.CharField(_("拼音首字母"), max_length=100, blank=True)
    aliases = models.CharField(
        _("搜索关键词"),
        max_length=200,
        blank=True,
        help_text=_(
            "群众常用的叫法，用顿号分隔，如「低保、低保申请」；按关键词和它们的拼音首字母都能搜到本事项。"
        ),
    )
    alias_initials = models.CharField(_("关键词拼音首字母"), max_length=400, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="item_versions", verbose_name=_("实施科室")
    )
    kind = models.CharField(_("办件类型"), max_length=12, choices=Kind.choices)
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), null=True, blank=True)
    committed_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), default=0)
    legal_service = models.BooleanField(_("公共法律服务事项"), default=False)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    quantity_limits = models.TextField(_("数量限制"), blank=True)
    contact = models.CharField(_("咨询电话"), max_length=100, blank=True)
    fee_amount = models.DecimalField(_("收费标准（元）"), max_digits=10, decimal_places=2, default=0)
    fee_basis = models.TextField(_("收费依据"), blank=True)
    fee_approval_document = models.CharField(_("物价批复文件"), max_length=200, blank=True)
    windows = models.ManyToManyField(
        Window, blank=True, related_name="authorised_item_versions", verbose_name=_("授权办理窗口")
    )
    authorisation_document = models.CharField(_("授权委托书"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "number"]
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="item_version_number_unique")]

    def __str__(self):
        return _("%(name)s 第%(number)s版") % {"name": self.name, "number": self.number}

    @property
    def is_free(self) -> bool:
        return not self.fee_amount


class Material(models.Model):
    """One entry of an item's material list; ``code`` stays the same across versions."""

    class Form(models.TextChoices):
        ORIGINAL = rules.ORIGINAL, _("原件")
        COPY = rules.COPY, _("复印件")
        BOTH = rules.BOTH, _("原件及复印件")

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="materials")
    position = models.PositiveSmallIntegerField(_("序号"))
    code = models.CharField(_("材料编码"), max_length=20, validators=[material_code_validator])
    name = models.CharField(_("材料名称"), max_length=200)
    form = models.CharField(_("原件/复印件"), max_length=20, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必需"), default=True)
    condition = models.CharField(_("适用情形"), max_length=300, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    sample = models.FileField(_("示范文本"), upload_to=rules.SAMPLE_DIR + "%Y/", max_length=200, blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="material_code_unique")]

    def __str__(self):
        return f"{self.code} {self.name}"


STEP_ROLE_CHOICES = [
    (rules.WINDOW_STAFF, _("窗口工作人员")),
    (rules.DEPARTMENT_HEAD, _("科室负责人")),
    (rules.DEPUTY_LEADER, _("分管领导")),
    (rules.DIRECTOR, _("中心主任")),
    (rules.PRINCIPAL_LEADER, _("主要领导")),
]


class Step(models.Model):
    """One step of the procedure (办理流程), with its own time node in working days (0 = on the spot)."""

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="steps")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("环节"), max_length=60)
    description = models.CharField(_("办理内容"), max_length=300, blank=True)
    days = models.PositiveSmallIntegerField(_("时限（工作日）"), default=0)
    # CAS-9, 000 三.2: who acts on the step; blank: the window for the first, the department head after.
    role = models.CharField(_("审批人员"), max_length=20, blank=True, choices=STEP_ROLE_CHOICES)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["version", "position"]

    def __str__(self):
        return self.name

    @property
    def acting_role(self) -> str:
        return rules.step_role(self.role, self.position)


class Participant(models.Model):
    """CAT-6: a department taking part in a parallel approval, and its days."""

    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="participants")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("协办科室")
    )
    days = models.PositiveSmallIntegerField(_("时限（工作日）"))

    class Meta:
        verbose_name = _("并联审批协办科室")
        verbose_name_plural = _("并联审批协办科室")
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "department"], name="participant_department_unique")
        ]

    def __str__(self):
        return f"{self.department} {self.days}"
