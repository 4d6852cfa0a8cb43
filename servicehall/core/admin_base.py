from django.contrib import admin

from servicehall.core import audit


class AuditedAdmin(admin.ModelAdmin):
    """Configuration through the admin leaves the same audit events as the services; nothing is deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def center_of(obj):
        return obj if obj._meta.model_name == "center" else getattr(obj, "center", None)

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=f"admin.{'change' if change else 'add'}",
            obj=obj,
            center=self.center_of(obj),
            before=before,
            after=audit.snapshot(obj),
        )
