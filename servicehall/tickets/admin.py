from django.contrib import admin

from servicehall.core.admin_base import AuditedAdmin
from servicehall.tickets.models import Line


@admin.register(Line)
class LineAdmin(AuditedAdmin):
    """Configuration: a center's lines, their letters, departments and windows."""

    list_display = ["center", "prefix", "name", "voided_at"]
    list_filter = ["center"]
    filter_horizontal = ["departments", "items", "windows"]
    fields = ["center", "prefix", "name", "departments", "items", "windows", "voided_at", "void_reason"]
