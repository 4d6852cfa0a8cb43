"""Separation of duties over login accounts: the administrator and the auditor's credentials."""

import pytest

from servicehall.core.errors import Forbidden
from servicehall.core.models import AuditEvent
from servicehall.org import services
from servicehall.org.models import RoleAssignment


def test_sec_2_administrator_cannot_reset_the_auditors_password(client, demo, login, user_named):
    auditor = user_named("auditor")
    admin = login("admin")
    assert admin.get(f"/admin/auth/user/{auditor.pk}/password/").status_code == 403
    response = admin.post(
        f"/admin/auth/user/{auditor.pk}/password/",
        {"password1": "Take-Over42", "password2": "Take-Over42", "set_usable_password": "true"},
    )
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert auditor.check_password("Demo@2026") and not auditor.check_password("Take-Over42")
    admin.post("/logout/")
    assert client.post("/login/", {"username": "auditor", "password": "Take-Over42"}).status_code == 401


def test_sec_2_administrator_cannot_change_the_auditor_in_the_user_admin(demo, login, user_named):
    auditor = user_named("auditor")
    admin = login("admin")
    page = admin.get(f"/admin/auth/user/{auditor.pk}/change/")
    assert page.status_code == 200 and 'name="username"' not in page.content.decode()  # read only
    response = admin.post(
        f"/admin/auth/user/{auditor.pk}/change/",
        {"username": "auditor", "is_active": "on", "is_staff": "on", "is_superuser": "on"},
    )
    assert response.status_code == 403
    auditor.refresh_from_db()
    assert not auditor.is_staff and not auditor.is_superuser


def test_sec_2_administrator_cannot_make_anyone_an_auditor_or_change_the_auditors_roles(
    demo, login, user_named
):
    admin, auditor, clerk = user_named("admin"), user_named("auditor"), user_named("chenshaoli")
    for user, role in [(clerk, "auditor"), (auditor, "director"), (admin, "auditor")]:
        with pytest.raises(Forbidden) as exc:
            services.role_grant(actor=admin, user=user, center=demo, role=role)
        assert exc.value.code == "auditor_account"
    page = login("admin")
    response = page.post(
        "/admin/org/roleassignment/add/", {"user": clerk.pk, "center": demo.parent.pk, "role": "auditor"}
    )
    assert response.status_code == 200 and "职责分离" in response.content.decode()
    response = page.post(
        "/admin/org/roleassignment/add/", {"user": auditor.pk, "center": demo.pk, "role": "director"}
    )
    assert response.status_code == 200 and "职责分离" in response.content.decode()
    existing = RoleAssignment.objects.get(user=auditor, role="auditor")
    response = page.post(
        f"/admin/org/roleassignment/{existing.pk}/change/",
        {"user": clerk.pk, "center": existing.center_id, "role": "auditor"},
    )
    assert response.status_code == 403
    assert list(RoleAssignment.objects.filter(role="auditor").values_list("user__username", flat=True)) == [
        "auditor"
    ]
    assert set(RoleAssignment.objects.filter(user=auditor).values_list("role", flat=True)) == {"auditor"}


def test_sec_2_user_admin_creations_role_changes_and_password_resets_are_audited(demo, login, user_named):
    page = login("admin")
    response = page.post(
        "/admin/auth/user/add/",
        {
            "username": "linxiaomei",
            "password1": "Kai-Yuan2026",
            "password2": "Kai-Yuan2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    new = user_named("linxiaomei")
    created = AuditEvent.objects.get(action="user.create")
    assert created.actor_name == "admin" and created.object_id == str(new.pk)
    assert created.after["username"] == "linxiaomei" and "password" not in created.after
    password_set = AuditEvent.objects.get(action="user.password_set", object_id=str(new.pk))
    assert password_set.actor_name == "admin" and password_set.after["must_change"] is True

    response = page.post(
        f"/admin/auth/user/{new.pk}/change/",
        {
            "username": "linxiaomei",
            "first_name": "林晓梅",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-11-23",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    changed = AuditEvent.objects.get(action="user.change")
    assert changed.actor_name == "admin" and changed.object_id == str(new.pk)
    assert changed.before["is_staff"] is False and changed.after["is_staff"] is True

    response = page.post(
        "/admin/org/roleassignment/add/", {"user": new.pk, "center": demo.pk, "role": "director"}
    )
    assert response.status_code == 302
    granted = AuditEvent.objects.get(action="role.grant", actor_name="admin")
    assert granted.actor_name == "admin" and granted.after["username"] == "linxiaomei"
    assert granted.after["role"] == "director"

    clerk = user_named("chenshaoli")
    page.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "Temp-Pass42", "password2": "Temp-Pass42", "set_usable_password": "true"},
    )
    reset = AuditEvent.objects.get(action="user.password_reset")
    assert reset.actor_name == "admin" and reset.object_id == str(clerk.pk)
    assert reset.after == {"username": "chenshaoli", "by": "admin", "must_change": True}


def test_sec_2_a_password_set_on_the_console_is_audited_too(demo, user_named):
    auditor = user_named("auditor")
    auditor.set_password("Shen-Ji2026")
    auditor.save()
    event = AuditEvent.objects.get(action="user.password_set")
    assert event.object_id == str(auditor.pk) and event.actor_name == "system"


def test_sec_2_user_admin_deletes_nobody(demo, login, user_named):
    clerk = user_named("chenshaoli")
    assert login("admin").post(f"/admin/auth/user/{clerk.pk}/delete/", {"post": "yes"}).status_code == 403
    assert user_named("chenshaoli")


def test_sec_2_the_auditor_is_appointed_on_the_console(demo, monkeypatch, user_named):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.setenv("NEW_AUDITOR_PASSWORD", "Kai-Yuan2026")
    call_command("appoint_auditor", "shenji", center="county", password_env="NEW_AUDITOR_PASSWORD")
    assert RoleAssignment.objects.filter(user__username="shenji", role="auditor").exists()
    assert user_named("shenji").check_password("Kai-Yuan2026")
    assert AuditEvent.objects.filter(
        action="user.create", actor_name="console", after__username="shenji"
    ).exists()
    with pytest.raises(CommandError):  # the administrator stays apart from the auditor there too
        call_command("appoint_auditor", "admin", center="county", password_env="NEW_AUDITOR_PASSWORD")
