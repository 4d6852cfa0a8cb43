"""Every text a model stores has a length limit, enforced here on both databases.

PostgreSQL refuses a too-long ``varchar`` (as a 500); SQLite stores anything. Before any model
of the project (or a Django user) is saved, each text field's value is checked against the
field's ``max_length`` — a ``TextField`` without one against ``TEXT_LIMIT`` — and a value that
does not fit is refused with ``Invalid("too_long")`` naming the field, before anything is
written, so the service's transaction saves nothing. ``check`` is the same test for values a
service writes without ``save()`` (``QuerySet.update``).
"""

from functools import cache

from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from servicehall.core.errors import Invalid

TEXT_LIMIT = 20_000  # characters of a TextField that states no max_length


@cache
def _limits(model: type[models.Model]) -> tuple[tuple[str, str, int], ...]:
    """(field name, attname, limit) of each text field of ``model``."""
    out = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            limit = field.max_length or (TEXT_LIMIT if isinstance(field, models.TextField) else None)
            if limit:
                out.append((field.name, field.attname, limit))
    return tuple(out)


def _refuse(model: type[models.Model], name: str, limit: int, length: int):
    label = str(model._meta.get_field(name).verbose_name)
    raise Invalid(
        "too_long",
        _("“%(field)s”过长：最多 %(limit)s 个字符，现有 %(length)s 个。")
        % {"field": label, "limit": limit, "length": length},
        fields={name: "too_long"},
    )


def check(model: type[models.Model], values: dict) -> None:
    """Refuse a text value longer than its field allows (``values``: field name -> value)."""
    for name, attname, limit in _limits(model):
        for key in (name, attname):
            value = values.get(key)
            if isinstance(value, str) and len(value) > limit:
                _refuse(model, name, limit, len(value))


def _guard(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not _covered(sender):
        return
    for name, attname, limit in _limits(sender):
        if update_fields is not None and name not in update_fields and attname not in update_fields:
            continue
        value = getattr(instance, attname, None)
        if isinstance(value, str) and len(value) > limit:
            _refuse(sender, name, limit, len(value))


@cache
def _covered(model: type[models.Model]) -> bool:
    return model.__module__.startswith("servicehall.") or model._meta.label == "auth.User"


pre_save.connect(_guard, dispatch_uid="servicehall.core.limits")
