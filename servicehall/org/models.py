from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Voidable
from servicehall.core.roles import Role

code_validator = RegexValidator(r"^[a-z][a-z0-9-]{1,40}$", _("只能使用小写字母、数字和连字符。"))


class Center(models.Model):
    """ORG-1: a service hall. Centers form a tree: county → town/street → community."""

    class Level(models.TextChoices):
        COUNTY = "county", _("县级中心")
        TOWN = "town", _("镇（街道）中心")
        COMMUNITY = "community", _("村（社区）站")

    code = models.CharField(_("编码"), max_length=42, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级中心"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=40, blank=True)
    complaint_channels = models.TextField(_("投诉渠道"), blank=True)
    public_url = models.URLField(
        _("公开网址"),
        max_length=200,
        blank=True,
        help_text=_(
            "群众访问本中心网站的地址，如 https://zwfw.example.gov.cn；通知书上的办件查询地址"
            "由它加 /q/ 组成。留空则使用系统设置 PUBLIC_BASE_URL。"
        ),
    )

    class Meta:
        verbose_name = _("中心")
        verbose_name_plural = _("中心")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Policy(models.Model):
    """A center's settings: every value the requirements name as a policy setting."""

    center = models.OneToOneField(
        Center, on_delete=models.PROTECT, related_name="policy", verbose_name=_("中心")
    )
    preset = models.CharField(_("制度预设"), max_length=40)
    winter_am_start = models.TimeField(_("冬令上午开始"))
    winter_am_end = models.TimeField(_("冬令上午结束"))
    winter_pm_start = models.TimeField(_("冬令下午开始"))
    winter_pm_end = models.TimeField(_("冬令下午结束"))
    summer_am_start = models.TimeField(_("夏令上午开始"))
    summer_am_end = models.TimeField(_("夏令上午结束"))
    summer_pm_start = models.TimeField(_("夏令下午开始"))
    summer_pm_end = models.TimeField(_("夏令下午结束"))
    summer_from = models.CharField(_("夏令时起（月-日）"), max_length=5)
    summer_to = models.CharField(_("夏令时止（月-日）"), max_length=5)
    brief_absence_minutes = models.PositiveSmallIntegerField(_("短暂离岗无需顶岗上限（分钟）"))
    absence_counts_as_late = models.BooleanField(_("超时离岗无人顶岗按迟到处理"))
    leave_notice_days = models.PositiveSmallIntegerField(_("请假提前天数"))
    complaint_answer_days = models.PositiveSmallIntegerField(_("投诉答复时限（工作日）"))
    committed_ratio_max = models.DecimalField(
        _("承诺时限不超过法定时限的比例"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    referral_decision_days = models.PositiveSmallIntegerField(_("分流交办受理决定时限（日）"))
    revisit_below_level = models.PositiveSmallIntegerField(
        _("该等级及以下评价全部回访"),
        default=3,
        help_text=_(
            "评价等级 1 非常满意、2 满意、3 基本满意、4 不满意、5 非常不满意；此等级及更差的评价全部回访（默认 3 基本满意）。"
        ),
    )
    hotline_sample_percent = models.PositiveSmallIntegerField(_("热线工单抽访比例（%）"))
    assessment_rulebook = models.CharField(_("考核细则"), max_length=40)
    training_hours_per_year = models.PositiveSmallIntegerField(_("每人每年学时"))
    monthly_training_session = models.BooleanField(_("每月集中学习"))
    priority_run_limit = models.PositiveSmallIntegerField(_("连续优先叫号次数上限"))
    backfill_tolerance_minutes = models.PositiveSmallIntegerField(_("受理时间容差（分钟）"))
    backfill_max_workdays = models.PositiveSmallIntegerField(
        _("补录期限（工作日）"),
        default=5,
        help_text=_("收件时间最多可补录到几个工作日以前；更早的收件不能补录。"),
    )
    lunch_appointments = models.BooleanField(_("午间预约服务"))
    holiday_appointments = models.BooleanField(_("节假日预约服务"))
    green_channel_wait_minutes = models.PositiveSmallIntegerField(
        _("绿色通道等候提醒（分钟）"),
        default=10,
        help_text=_("绿色通道号票等候超过此分钟数仍未叫号，在主任工作台上标红提醒。"),
    )
    denial_escalation_to = models.CharField(_("否定事项报备对象"), max_length=60)
    duty_early_minutes = models.PositiveSmallIntegerField(
        _("值日人员提前到岗（分钟）"),
        default=5,
        help_text=_("当天值日人员须在上班前多少分钟到岗打卡（001 四(一)2：提前5-10分钟）。"),
    )

    class Meta:
        verbose_name = _("制度设置")
        verbose_name_plural = _("制度设置")

    def __str__(self):
        return f"{self.center} · {self.preset}"


class Department(models.Model):
    """ORG-2: an office that stations windows in a center (进驻单位/科室)."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="departments", verbose_name=_("中心")
    )
    code = models.CharField(_("编码"), max_length=42, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="department_code_unique")]
        ordering = ["center", "id"]

    def __str__(self):
        return self.name


class Window(models.Model):
    """ORG-2: a counter, independent or comprehensive (综合窗口)."""

    class Kind(models.TextChoices):
        INDEPENDENT = "independent", _("独立窗口")
        COMPREHENSIVE = "comprehensive", _("综合窗口")

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="windows", verbose_name=_("中心")
    )
    number = models.PositiveSmallIntegerField(_("编号"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.INDEPENDENT)
    departments = models.ManyToManyField(Department, related_name="windows", verbose_name=_("科室"))

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        constraints = [models.UniqueConstraint(fields=["center", "number"], name="window_number_unique")]
        ordering = ["center", "number"]

    def __str__(self):
        return _("%(number)s号窗口 %(name)s") % {"number": self.number, "name": self.name}


class Staff(models.Model):
    """A person who works in a center; one login account each (SEC-1)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff", verbose_name=_("账号")
    )
    center = models.ForeignKey(Center, on_delete=models.PROTECT, related_name="staff", verbose_name=_("中心"))
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("科室"),
    )
    name = models.CharField(_("名称"), max_length=40)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    photo = models.ImageField(_("照片"), upload_to="staff/", blank=True)
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    duties = models.TextField(_("岗位职责"), blank=True)
    commitment = models.TextField(_("服务承诺"), blank=True)
    badge_number = models.CharField(_("工号"), max_length=20, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["center", "id"]

    def __str__(self):
        return self.name


class PostingApproval(models.Model):
    """ORG-5: the center's recorded approval of a posting change within two years."""

    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="posting_approvals", verbose_name=_("中心")
    )
    approved_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    approved_on = models.DateField(_("批准日期"))
    document = models.CharField(_("文号"), max_length=60, blank=True)
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("岗位调整审批")
        verbose_name_plural = _("岗位调整审批")

    def __str__(self):
        return f"{self.approved_on} {self.reason}"


class Post(Voidable):
    """ORG-3/ORG-5: who holds a window's A (primary) or B (backup) post, and since when."""

    class Kind(models.TextChoices):
        A = "A", _("A岗（首问责任人）")
        B = "B", _("B岗（辅岗）")

    window = models.ForeignKey(Window, on_delete=models.PROTECT, related_name="posts", verbose_name=_("窗口"))
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="posts", verbose_name=_("工作人员")
    )
    kind = models.CharField(_("岗位"), max_length=1, choices=Kind.choices)
    start = models.DateField(_("起"))
    end = models.DateField(_("止"), null=True, blank=True)
    approval = models.ForeignKey(
        PostingApproval,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_posts",
        verbose_name=_("岗位调整审批"),
    )

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["window", "kind", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["window", "kind"],
                condition=Q(end__isnull=True, voided_at__isnull=True),
                name="one_open_post_per_window_kind",
            )
        ]

    def __str__(self):
        return f"{self.window} {self.kind}: {self.staff}"


class RoleAssignment(models.Model):
    """ORG-7: a role a person holds in a center (and so over the centers below it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="roles", verbose_name=_("账号")
    )
    center = models.ForeignKey(
        Center, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("中心")
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [models.UniqueConstraint(fields=["user", "center", "role"], name="role_unique")]

    def __str__(self):
        return f"{self.user} · {self.center} · {self.get_role_display()}"
