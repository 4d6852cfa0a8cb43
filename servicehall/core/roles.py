"""ORG-7: the roles a person can hold in a center."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("中心主任")
    WINDOW_STAFF = "window_staff", _("窗口工作人员")
    DEPARTMENT_HEAD = "department_head", _("科室负责人")
    DEPUTY_LEADER = "deputy_leader", _("分管领导")
    PRINCIPAL_LEADER = "principal_leader", _("主要领导")
    DUTY_OFFICER = "duty_officer", _("值日人员")
    COMPLAINT_OFFICER = "complaint_officer", _("投诉处理人员")
    ARCHIVIST = "archivist", _("档案管理员")
    SUPERVISOR = "supervisor", _("监督人员（纪工委/效能办）")
    SYSADMIN = "sysadmin", _("系统管理员")
    AUDITOR = "auditor", _("审计员")


# The administrator and the auditor are kept apart: nobody holds both (separation of duties).
EXCLUSIVE_ROLES = frozenset({Role.SYSADMIN, Role.AUDITOR})
LEADERS = frozenset({Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER})
# Everyone who works in the hall: every role but the administrator's and the auditor's.
HALL_ROLES = frozenset(Role.values) - EXCLUSIVE_ROLES
# The complaint officer and the leaders: who handle a complaint (ask for explanations, explain a
# delay, escalate, conclude) and revisit a bad rating. A tuple: it is what a complaint's
# ``concluders`` answer while the complaint is not escalated.
COMPLAINT_HANDLERS = (Role.COMPLAINT_OFFICER, Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)
