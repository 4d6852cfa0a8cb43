"""SEC (issue: unbounded text): every text a model stores has a limit, on SQLite as on PostgreSQL;
a value over it is a coded 400 with nothing saved, and the audit log keeps only bounded values."""

import pytest
from django.apps import apps
from django.db import models

from servicehall.cases.models import Visit
from servicehall.catalog.models import ItemVersion
from servicehall.core import clock, limits
from servicehall.core.errors import Invalid
from servicehall.core.models import AuditEvent, LoginLock

MB = 1_000_000
MORNING = "2026-11-23T09:30"


def _largest_audit_value() -> int:
    return max(
        (len(repr(values)) for values in AuditEvent.objects.values_list("before", "after", "actor_name")),
        default=0,
    )


def test_sec_7_a_one_megabyte_visitor_name_is_refused_and_nothing_is_saved(client, demo, bearer):
    body = {
        "center": "kaiyuan",
        "channel": "visit",
        "category": "legal",
        "matter": "咨询",
        "outcome": "handled",
        "visitor_name": "m" * MB,  # one megabyte, under the request body limit
    }
    with clock.freeze(MORNING):
        headers = bearer("chenjianwei")
        events = AuditEvent.objects.count()
        response = client.post("/api/v1/visits", body, content_type="application/json", headers=headers)
    assert response.status_code == 400, response.content[:500]
    assert response.json()["code"] in {"too_long", "invalid_input"}
    assert not Visit.objects.exists() and AuditEvent.objects.count() == events


def test_sec_7_a_one_megabyte_legal_basis_is_refused_and_nothing_is_saved(client, demo, bearer):
    from servicehall.catalog.tests.test_api import URL, body

    headers = bearer("wangmanshu")
    versions, events = ItemVersion.objects.count(), AuditEvent.objects.count()
    response = client.post(URL, body(legal_basis="b" * MB), content_type="application/json", headers=headers)
    assert response.status_code == 400, response.content[:500]
    assert response.json()["code"] in {"too_long", "invalid_input"}
    assert ItemVersion.objects.count() == versions and AuditEvent.objects.count() == events


def test_sec_7_a_200_kb_username_leaves_no_giant_audit_event(client, db):
    username = "u" * 200_000
    for _attempt in range(6):  # past the lockout
        response = client.post(
            "/api/v1/auth/token", {"username": username, "password": "x"}, content_type="application/json"
        )
        assert 400 <= response.status_code < 500
    assert _largest_audit_value() < 2_000
    assert not LoginLock.objects.filter(username=username).exists()


def test_sec_7_the_model_guard_refuses_text_over_its_limit_on_every_database(db):
    with pytest.raises(Invalid) as refused:
        LoginLock.objects.create(username="x" * 151)
    assert refused.value.code == "too_long" and refused.value.fields == {"username": "too_long"}
    assert not LoginLock.objects.exists()
    lock = LoginLock.objects.create(username="x" * 150)
    lock.username = "y" * 500
    lock.save(update_fields=["failures"])  # a field not saved is not checked
    with pytest.raises(Invalid):
        lock.save(update_fields=["username"])
    with pytest.raises(Invalid):
        limits.check(LoginLock, {"username": "z" * 151})


def test_sec_7_every_text_field_of_the_project_has_a_limit():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if limits._covered(model)
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.name not in {name for name, _attname, _limit in limits._limits(model)}
    ]
    assert unbounded == []


def test_sec_7_admin_forms_state_the_text_limit_instead_of_failing_at_save(demo, rf, user_named):
    from django.contrib import admin
    from django.core.exceptions import ValidationError

    from servicehall.org.models import Center

    request = rf.get("/admin/")
    request.user = user_named("admin")
    form_class = admin.site._registry[Center].get_form(request, demo)
    field = form_class.base_fields["complaint_channels"]
    assert field.max_length == limits.TEXT_LIMIT
    assert field.clean("x" * limits.TEXT_LIMIT)
    with pytest.raises(ValidationError):
        field.clean("x" * (limits.TEXT_LIMIT + 1))
