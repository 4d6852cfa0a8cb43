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
