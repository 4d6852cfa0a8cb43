from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext

from servicehall.core import audit, auth
from servicehall.core.admin_base import AuditedAdmin
from servicehall.core.roles import EXCLUSIVE_ROLES, Role
from servicehall.org import access, accounts
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

User = get_user_model()


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
                raise forms.ValidationError(gettext("系统管理员与审计员必须由不同的人担任。"), code="role_separation")
        original = RoleAssignment.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if (
            role == Role.AUDITOR
            or (user and accounts.is_auditor(user))
            or (original and (original.role == Role.AUDITOR or accounts.is_auditor(original.user)))
        ):
            raise forms.ValidationError(
                gettext("审计员的角色不由系统管理员设置（职责分离），请在服务器上由安装人员办理。"),
                code="auditor_account",
            )
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedAdmin):
    form = RoleAssignmentForm
    list_display = ["user", "center", "role"]
    list_filter = ["center", "role"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.role == Role.AUDITOR or accounts.is_auditor(obj.user)):
            return False  # separation of duties: the auditor's roles are not the administrator's
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """A role given or changed: audited with who gave it and to whom."""
        before = None
        if change and obj.pk:
            old = RoleAssignment.objects.select_related("user").get(pk=obj.pk)
            before = {**audit.snapshot(old), "username": old.user.get_username()}
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        audit.record(
            actor=request.user,
            action="role.change" if change else "role.grant",
            obj=obj,
            center=obj.center,
            before=before,
            after={**audit.snapshot(obj), "username": obj.user.get_username()},
        )
        access.forget_roles(obj.user)


# --- Login accounts: Django's user admin, audited, with the auditor out of reach --------------

USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]


def _user_state(user) -> dict:
    return {
        **{name: getattr(user, name) for name in USER_FIELDS},
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


class AuditedPasswordForm(AdminPasswordChangeForm):
    def save(self, commit=True):
        self.user._password_audited = True  # the admin's view below records who set it
        return super().save(commit)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Creating users, changing their flags, groups and passwords: each an audit event naming the
    administrator and the user. The auditor's account is read-only here (separation of duties):
    its password, roles and groups are set on the server's console, never by the administrator.
    A password the administrator sets must be changed by its owner at the next login."""

    change_password_form = AuditedPasswordForm

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and accounts.is_auditor(obj):
            return False
        return super().has_change_permission(request, obj)

    @transaction.atomic
    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and accounts.is_auditor(user):
            raise PermissionDenied
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and request.method == "POST":
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                auth.password_set_by_administrator(actor=request.user, user=user)
        return response

    def save_model(self, request, obj, form, change):
        request._servicehall_user_before = (
            _user_state(User.objects.get(pk=obj.pk)) if change and obj.pk else None
        )
        super().save_model(request, obj, form, change)

    @transaction.atomic
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        before = getattr(request, "_servicehall_user_before", None)
        after = _user_state(user)
        if change and before == after:
            return
        audit.record(
            actor=request.user,
            action="user.change" if change else "user.create",
            obj=user,
            before=before,
            after=after,
        )
        if not change and user.has_usable_password():
            auth.password_set_by_administrator(actor=request.user, user=user, created=True)
        if change and before and before["is_active"] and not user.is_active:
            auth.tokens_revoke(user, actor=request.user, reason="deactivated")


# The administrator's own password goes through the product's page (audited, ends old tokens).
admin.site.password_change = lambda request, extra_context=None: redirect("password_change")
