"""SEC-1 and accounts: own account, lockout, idle sessions, API tokens, the audit log's readers."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from servicehall.core import clock

KAIYUAN = "/api/v1/centers/kaiyuan"


def test_sec_1_login_page_is_chinese(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_sec_1_login_with_right_password_reaches_home(client, demo):
    response = client.post("/login/", {"username": "wangmanshu", "password": "Demo@2026"})
    assert response.status_code == 302 and response.url == "/"
    assert "开元街道便民服务中心" in client.get("/").content.decode()


def test_sec_1_five_wrong_passwords_lock_the_account_for_thirty_minutes(client, demo):
    with clock.freeze("2026-11-23T09:30"):
        for _ in range(5):
            response = client.post("/login/", {"username": "chenshaoli", "password": "wrong-Pass1"})
            assert response.status_code == 401
        response = client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"})
        assert response.status_code == 401 and "已锁定" in response.content.decode()
        api = client.post(
            "/api/v1/auth/token",
            {"username": "chenshaoli", "password": "Demo@2026"},
            content_type="application/json",
        )
        assert api.status_code == 401 and api.json()["code"] == "account_locked"
    with clock.freeze("2026-11-23T09:59:59"):
        assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 401
    with clock.freeze("2026-11-23T10:00:01"):
        assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 302


def test_sec_1_four_failures_then_success_resets_the_count(client, demo):
    for _ in range(4):
        client.post("/login/", {"username": "chenshaoli", "password": "nope"})
    assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 302
    client.post("/logout/")
    for _ in range(4):
        client.post("/login/", {"username": "chenshaoli", "password": "nope"})
    assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 302


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Demo@2026", True),
        ("short1A", False),
        ("alllowercase", False),
        ("lower1234", False),
        ("Lower1234", True),
        # common passwords and spaces at either end (they pass the length and class rules)
        ("     A1a", False),
        ("Password1", False),
        ("P@ssw0rd", False),
        ("Aa123456", False),
        ("Demo@2026 ", False),
    ],
)
def test_sec_1_password_policy(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


def test_sec_1_sessions_end_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_sec_1_idle_session_is_refused_after_thirty_minutes(client, demo):
    from django.contrib.sessions.models import Session

    client.post("/login/", {"username": "wangmanshu", "password": "Demo@2026"})
    assert client.get("/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    Session.objects.filter(pk=session.pk).update(expire_date=session.expire_date - dt.timedelta(minutes=31))
    assert client.get("/").status_code == 302


def test_sec_1_token_endpoint_and_bearer_access(client, demo):
    response = client.post(
        "/api/v1/auth/token",
        {"username": "wangmanshu", "password": "Demo@2026"},
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200 and set(body) == {"token", "expires_at"}
    assert client.get(KAIYUAN).status_code == 401
    assert client.get(KAIYUAN, headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200
    assert client.get(KAIYUAN, headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_sec_1_token_expires(client, demo, bearer):
    headers = bearer("wangmanshu")
    with clock.travel(clock.now() + dt.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)):
        assert client.get(KAIYUAN, headers=headers).status_code == 401


@pytest.mark.parametrize("payload", [{}, {"username": "x"}, {"username": 1, "password": []}, "not json"])
def test_token_bad_input_is_400_json(client, db, payload):
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] in {"invalid_input", "bad_request"}


def test_token_wrong_password_is_401(client, demo):
    response = client.post(
        "/api/v1/auth/token", {"username": "wangmanshu", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_sec_2_only_the_auditor_reads_the_audit_log(login, demo):
    assert login("auditor").get("/audit/").status_code == 200
    for username in ["admin", "wangmanshu", "chenshaoli"]:
        assert login(username).get("/audit/").status_code == 403
    assert login("admin").get("/admin/core/auditevent/").status_code == 404


def test_sec_2_auditor_page_shows_the_chains_intact(login, demo):
    page = login("auditor").get("/audit/").content.decode()
    assert "kaiyuan" in page and "完整" in page


def test_sec_2_auditor_cannot_configure(login, demo):
    assert login("auditor").get("/admin/").status_code == 302  # not staff: sent to the admin login


def test_english_is_available_as_the_second_language(client, db):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/login/").content.decode()
    assert "Staff sign-in" in page and 'lang="en"' in page


# --- One lock for every way in (the admin's login included) ------------------------------------


def _admin_login(client, username, password):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sec_1_admin_login_failures_count_with_the_web_login(client, demo):
    with clock.freeze("2026-11-23T09:30"):
        for _ in range(3):
            assert _admin_login(client, "admin", "wrong-Pass1").status_code == 200
        for _ in range(2):
            client.post("/login/", {"username": "admin", "password": "wrong-Pass1"})
        response = _admin_login(client, "admin", "Demo@2026")
        assert response.status_code == 200 and not _signed_in(client)
        assert client.get("/admin/").status_code == 302
        api = client.post(
            "/api/v1/auth/token",
            {"username": "admin", "password": "Demo@2026"},
            content_type="application/json",
        )
        assert api.status_code == 401 and api.json()["code"] == "account_locked"


def test_sec_1_locked_account_does_not_get_in_through_the_admin_login(client, demo):
    with clock.freeze("2026-11-23T09:30"):
        for _ in range(5):
            client.post("/login/", {"username": "admin", "password": "wrong-Pass1"})
        response = _admin_login(client, "admin", "Demo@2026")
        assert response.status_code == 200 and not _signed_in(client)
    with clock.freeze("2026-11-23T10:00:01"):
        response = _admin_login(client, "admin", "Demo@2026")
        assert response.status_code == 302 and _signed_in(client)


# --- The lock message, and the administrator's unlock ------------------------------------------


def _lock_out(client, username):
    for _ in range(5):
        response = client.post("/login/", {"username": username, "password": "wrong-Pass1"})
    return response


def _alert(response) -> str:
    import re

    return re.search(r'role="alert"[^>]*>([^<]*)<', response.content.decode()).group(1)


def test_sec_1_lock_message_does_not_tell_whether_the_name_exists(client, demo):
    with clock.freeze("2026-11-23T09:30"):
        real = _alert(_lock_out(client, "chenshaoli"))
        unknown = _alert(_lock_out(client, "no-such-person"))
        assert real.replace("chenshaoli", "") == unknown.replace("no-such-person", "")
        assert "账号" not in real and "已锁定" in real and "10:00" in real
        wrong_real = client.post("/login/", {"username": "wangmanshu", "password": "x"})
        wrong_unknown = client.post("/login/", {"username": "nobody-here", "password": "x"})
        assert _alert(wrong_real) == _alert(wrong_unknown)


def test_sec_1_administrator_unlocks_a_locked_account_from_the_accounts_page(client, demo, login):
    from servicehall.core.models import AuditEvent

    with clock.freeze("2026-11-23T09:30"):
        _lock_out(client, "chenshaoli")
        admin = login("admin")
        page = admin.get("/accounts/").content.decode()
        assert 'data-username="chenshaoli"' in page and "/accounts/chenshaoli/unlock/" in page
        assert admin.post("/accounts/chenshaoli/unlock/").status_code == 302
        admin.post("/logout/")
        response = client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"})
        assert response.status_code == 302
    event = AuditEvent.objects.filter(action="account.unlock").get()
    assert event.actor_name == "admin" and event.object_id == str(client.session["_auth_user_id"])
    assert event.before["locked_until"] and event.after["locked_until"] is None


def test_sec_1_only_an_administrator_of_the_center_unlocks(client, demo, login):
    with clock.freeze("2026-11-23T09:30"):
        _lock_out(client, "chenshaoli")
        for username in ["wangmanshu", "xieshanhong", "auditor"]:
            clerk = login(username)
            assert clerk.get("/accounts/").status_code == 403
            assert clerk.post("/accounts/chenshaoli/unlock/").status_code == 403
            api = clerk.post("/api/v1/accounts/chenshaoli/unlock")
            assert api.status_code == 404 and api.json()["code"] == "account_not_found"
        client.post("/logout/")
        assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 401


def test_sec_1_administrator_unlocks_through_the_api(client, demo, bearer):
    with clock.freeze("2026-11-23T09:30"):
        headers = bearer("admin")
        _lock_out(client, "chenshaoli")
        state = client.get("/api/v1/accounts/chenshaoli", headers=headers).json()
        assert state["locked_until"] and state["failures"] == 5
        response = client.post("/api/v1/accounts/chenshaoli/unlock", headers=headers)
        assert response.status_code == 200 and response.json()["locked_until"] is None
        assert client.post("/api/v1/accounts/no-such-person/unlock", headers=headers).status_code == 404
        assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 302


# --- Tokens end with the password, the logout and the administrator's lock ----------------------


def _token(client, username="chenshaoli", password="Demo@2026"):  # noqa: S107
    response = client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _works(client, headers) -> bool:
    from django.test import Client

    return Client().get(KAIYUAN, headers=headers).status_code == 200


def test_sec_1_changing_the_password_ends_the_users_tokens(client, demo, login):
    headers = _token(client)
    assert _works(client, headers)
    response = login("chenshaoli").post(
        "/password/",
        {"old_password": "Demo@2026", "new_password": "Qing-Shui7", "new_password2": "Qing-Shui7"},
    )
    assert response.status_code == 302 and response.url == "/"
    assert not _works(client, headers)
    assert _works(client, _token(client, password="Qing-Shui7"))


def test_sec_1_web_logout_ends_the_users_tokens(client, demo, login):
    headers = _token(client)
    login("chenshaoli").post("/logout/")
    assert not _works(client, headers)


def test_sec_1_api_logout_ends_the_users_tokens(client, demo):
    first, second = _token(client), _token(client)
    response = client.post("/api/v1/auth/logout", headers=first)
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert not _works(client, first) and not _works(client, second)


def test_sec_1_administrators_lock_ends_tokens_and_logins_until_unlocked(client, demo, bearer):
    from django.test import Client

    clerk = Client()
    clerk.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"})
    assert clerk.get("/").status_code == 200
    token = _token(client)
    admin = bearer("admin")
    response = client.post("/api/v1/accounts/chenshaoli/lock", headers=admin)
    assert response.status_code == 200 and response.json()["held"] is True
    assert not _works(client, token)
    assert clerk.get("/").status_code == 302  # the open session ended too
    refused = Client().post("/login/", {"username": "chenshaoli", "password": "Demo@2026"})
    assert refused.status_code == 401 and "系统管理员锁定" in refused.content.decode()
    assert client.post("/api/v1/accounts/chenshaoli/unlock", headers=admin).json()["held"] is False
    assert _works(client, _token(client))


def test_sec_1_owner_lists_and_revokes_own_tokens(client, demo):
    first, second = _token(client), _token(client)
    listed = client.get("/api/v1/auth/tokens", headers=first).json()
    assert len(listed) == 2 and [t["current"] for t in listed].count(True) == 1
    other = next(t["id"] for t in listed if not t["current"])
    assert client.post(f"/api/v1/auth/tokens/{other}/revoke", headers=first).json() == {"revoked": 1}
    assert not _works(client, second) and _works(client, first)
    assert client.post(f"/api/v1/auth/tokens/{other}/revoke", headers=first).status_code == 404
    stranger = _token(client, "wangmanshu")
    mine = client.get("/api/v1/auth/tokens", headers=first).json()[0]["id"]
    assert client.post(f"/api/v1/auth/tokens/{mine}/revoke", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/auth/tokens/{2**63}/revoke", headers=stranger).status_code == 404
    assert _works(client, first)


def test_sec_1_administrator_lists_and_revokes_a_users_tokens(client, demo, bearer):
    token = _token(client)
    admin = bearer("admin")
    assert len(client.get("/api/v1/accounts/chenshaoli/tokens", headers=admin).json()) == 1
    director = _token(client, "wangmanshu")
    assert client.post("/api/v1/accounts/chenshaoli/tokens/revoke", headers=director).status_code == 404
    assert _works(client, token)
    response = client.post("/api/v1/accounts/chenshaoli/tokens/revoke", headers=admin)
    assert response.json() == {"revoked": 1} and not _works(client, token)


# --- Own password, and the change forced after an administrator set it --------------------------


def test_sec_1_user_changes_own_password(client, demo, login):
    from servicehall.core.models import AuditEvent

    page = login("chenshaoli")
    assert "原密码" in page.get("/password/").content.decode()
    cases = [
        (
            {"old_password": "wrong", "new_password": "Qing-Shui7", "new_password2": "Qing-Shui7"},
            "wrong_password",
        ),
        (
            {"old_password": "Demo@2026", "new_password": "Qing-Shui7", "new_password2": "Qing-Shui8"},
            "password_mismatch",
        ),
        (
            {"old_password": "Demo@2026", "new_password": "Password1", "new_password2": "Password1"},
            "weak_password",
        ),
        (
            {"old_password": "Demo@2026", "new_password": "Demo@2026", "new_password2": "Demo@2026"},
            "password_unchanged",
        ),
    ]
    for data, code in cases:
        response = page.post("/password/", data)
        assert response.status_code == 400 and f'data-code="{code}"' in response.content.decode()
    ok = page.post(
        "/password/",
        {"old_password": "Demo@2026", "new_password": "Qing-Shui7", "new_password2": "Qing-Shui7"},
    )
    assert ok.status_code == 302 and page.get("/").status_code == 200  # this session stays
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.actor_name == "chenshaoli" and "Qing-Shui7" not in str(event.after)
    page.post("/logout/")
    assert client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"}).status_code == 401
    assert client.post("/login/", {"username": "chenshaoli", "password": "Qing-Shui7"}).status_code == 302


def test_sec_1_password_page_needs_login(client, db):
    response = client.get("/password/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_sec_1_first_login_after_the_administrator_set_the_password_forces_a_change(
    client, demo, login, user_named
):
    from servicehall.core.models import AuditEvent

    admin = login("admin")
    clerk = user_named("chenshaoli")
    response = admin.post(
        f"/admin/auth/user/{clerk.pk}/password/",
        {"password1": "Temp-Pass42", "password2": "Temp-Pass42", "set_usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.password_reset")
    assert event.actor_name == "admin" and event.object_id == str(clerk.pk)
    admin.post("/logout/")
    response = client.post("/login/", {"username": "chenshaoli", "password": "Temp-Pass42"})
    assert response.status_code == 302
    for url in ["/", "/tickets/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == "/password/", url
    api = client.get(KAIYUAN)
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"
    token = client.post(
        "/api/v1/auth/token",
        {"username": "chenshaoli", "password": "Temp-Pass42"},
        content_type="application/json",
    )
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"
    assert "系统管理员设置" in client.get("/password/").content.decode()
    client.post(
        "/password/",
        {"old_password": "Temp-Pass42", "new_password": "Qing-Shui7", "new_password2": "Qing-Shui7"},
    )
    assert client.get("/").status_code == 200
    client.post("/logout/")
    client.post("/login/", {"username": "chenshaoli", "password": "Qing-Shui7"})
    assert client.get("/").status_code == 200
    _token(client, password="Qing-Shui7")


def test_sec_1_demo_users_are_not_asked_to_change_their_password(client, demo):
    client.post("/login/", {"username": "wangmanshu", "password": "Demo@2026"})
    assert client.get("/").status_code == 200


def test_sec_1_staff_created_by_an_administrator_change_the_password_first(client, demo, user_named):
    from servicehall.org import services

    services.staff_create(
        actor=user_named("admin"), center=demo, username="xinren", password="Kai-Yuan2026", name="新人"
    )
    client.post("/login/", {"username": "xinren", "password": "Kai-Yuan2026"})
    assert client.get("/").url == "/password/"


# --- Logins, logouts, failures, tokens and passwords are audited --------------------------------


def test_sec_2_logins_logouts_failures_and_tokens_are_audited(client, demo):
    from servicehall.core.models import AuditEvent

    long_name = "x" * 200_000
    client.post("/login/", {"username": long_name, "password": "Secret-Guess1"})
    client.post("/login/", {"username": "chenshaoli", "password": "Secret-Guess2"})
    client.post("/login/", {"username": "chenshaoli", "password": "Demo@2026"})
    client.post("/logout/")
    _token(client)
    client.post("/admin/login/", {"username": "chenshaoli", "password": "Secret-Guess3"})
    events = list(
        AuditEvent.objects.filter(
            action__in=["auth.login_failed", "auth.login", "auth.logout", "token.issue"]
        ).order_by("id")
    )
    assert [e.action for e in events] == [
        "auth.login_failed",
        "auth.login_failed",
        "auth.login",
        "auth.logout",
        "token.issue",
        "auth.login_failed",
    ]
    assert len(events[0].after["username"]) == 150 and events[1].after["username"] == "chenshaoli"
    assert [events[i].after["channel"] for i in (1, 2, 5)] == ["web", "web", "admin"]
    assert events[2].actor_name == "chenshaoli" and events[4].actor_name == "chenshaoli"
    text = str([(e.before, e.after, e.actor_name) for e in AuditEvent.objects.all()])
    assert "Secret-Guess" not in text and "Demo@2026" not in text


def test_sec_1_administrator_lists_the_accounts_with_their_locks(
    client, demo, bearer, django_assert_max_num_queries
):
    with clock.freeze("2026-11-23T09:30"):
        _lock_out(client, "chenshaoli")
        admin = bearer("admin")
        with django_assert_max_num_queries(12):  # a fixed number of reads, not a few per account
            listed = {a["username"]: a for a in client.get("/api/v1/accounts", headers=admin).json()}
        assert {"chenshaoli", "wangmanshu", "auditor", "admin"} <= set(listed)
        assert listed["chenshaoli"]["failures"] == 5 and listed["chenshaoli"]["locked_until"]
        assert listed["wangmanshu"]["locked_until"] is None and listed["auditor"]["auditor"] is True
        assert client.get("/api/v1/accounts", headers=bearer("wangmanshu")).json() == []


@pytest.mark.parametrize("username", ["a\x00b", "\ud800", "x" * 200_000])
def test_sec_1_a_user_name_no_account_can_have_is_a_wrong_login_not_a_crash(client, demo, username):
    from django.test import RequestFactory

    from servicehall.core.auth import check_credentials
    from servicehall.core.errors import NotAuthenticated
    from servicehall.core.models import AuditEvent, LoginLock

    with pytest.raises(NotAuthenticated):
        check_credentials(RequestFactory().post("/login/"), username, "Demo@2026")
    if "\ud800" not in username:  # a browser cannot send a lone surrogate in a form
        response = client.post("/login/", {"username": username, "password": "x"})
        assert response.status_code == 401 and "用户名或密码错误" in response.content.decode()
        assert _admin_login(client, username, "x").status_code == 200
    names = list(LoginLock.objects.values_list("username", flat=True))
    assert names and all(len(name) <= 150 and "\x00" not in name for name in names)
    events = AuditEvent.objects.filter(action="auth.login_failed")
    assert events.exists() and all(len(e.after["username"]) <= 150 for e in events)
