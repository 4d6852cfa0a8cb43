from django.contrib import admin
from django.core.validators import MaxLengthValidator
from django.db import models

from servicehall.core import audit, limits


class AuditedAdmin(admin.ModelAdmin):
    """Configuration through the admin leaves the same audit events as the services; nothing is deleted."""

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def center_of(obj):
        return obj if obj._meta.model_name == "center" else getattr(obj, "center", None)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """A text without a stated max_length gets the limit core.limits enforces, as a form
        error in the admin rather than a refusal at save."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.TextField) and not db_field.max_length and field is not None:
            field.max_length = limits.TEXT_LIMIT
            field.validators.append(MaxLengthValidator(limits.TEXT_LIMIT))
            field.widget.attrs["maxlength"] = str(limits.TEXT_LIMIT)
        return field

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
