"""The catalog is edited on the staff pages (every change a version); the admin only reads it."""

from django.contrib import admin

from servicehall.catalog.models import Item, ItemVersion
from servicehall.core.admin_base import AuditedAdmin


class ReadOnly(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ["code", "current", "center", "created_at"]
    list_filter = ["center"]
    search_fields = ["code", "current__name"]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnly):
    list_display = [
        "item",
        "number",
        "name",
        "kind",
        "statutory_days",
        "committed_days",
        "created_at",
        "reason",
    ]
    list_filter = ["item__center", "kind"]
    search_fields = ["name", "initials", "item__code"]
