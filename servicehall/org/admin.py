from django import forms
from django.contrib import admin

from servicehall.core.admin_base import AuditedAdmin
from servicehall.core.roles import EXCLUSIVE_ROLES
from servicehall.org.models import (
    Center,
    Department,
    Policy,
    Post,
    PostingApproval,
    RoleAssignment,
    Staff,
    Window,
)
from servicehall.org.rules import holds_role_conflict


@admin.register(Center)
class CenterAdmin(AuditedAdmin):
    list_display = ["code", "name", "level", "parent"]
    readonly_fields = ["code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


@admin.register(Policy)
class PolicyAdmin(AuditedAdmin):
    list_display = [
        "center",
        "preset",
        "brief_absence_minutes",
        "complaint_answer_days",
        "committed_ratio_max",
    ]
    readonly_fields = ["center", "preset"]

    def has_add_permission(self, request):
        return False  # a policy is made with its center, from a preset


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "code", "center"]
    list_filter = ["center"]


@admin.register(Window)
class WindowAdmin(AuditedAdmin):
    list_display = ["number", "name", "kind", "center"]
    list_filter = ["center", "kind"]
    filter_horizontal = ["departments"]


@admin.register(Staff)
class StaffAdmin(AuditedAdmin):
    list_display = ["name", "title", "department", "center", "badge_number", "active"]
    list_filter = ["center", "department"]
    search_fields = ["name", "user__username"]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    """Postings change through the posting service (ORG-5 approvals); here they are history to read."""

    list_display = ["window", "kind", "staff", "start", "end", "approval"]
    list_filter = ["window__center", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PostingApproval)
class PostingApprovalAdmin(AuditedAdmin):
    list_display = ["center", "approved_on", "approved_by", "document", "reason"]

    def has_change_permission(self, request, obj=None):
        return False


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "center", "role"]

    def clean(self):
        data = super().clean()
        user, role = data.get("user"), data.get("role")
        if user and role:
            held = set(
                RoleAssignment.objects.filter(user=user)
                .exclude(pk=self.instance.pk)
                .values_list("role", flat=True)
            )
            if holds_role_conflict(held, role, EXCLUSIVE_ROLES):
                raise forms.ValidationError("系统管理员与审计员必须由不同的人担任。", code="role_separation")
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "center", "role"]
    list_filter = ["center", "role"]
