"""Logging in (with lockout) and API tokens."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.db import transaction

from servicehall.core import audit, clock, rows
from servicehall.core.errors import DomainError, NotAuthenticated
from servicehall.core.models import ApiToken, LoginLock
from servicehall.core.rules import LockState, after_failed_login, is_locked


class AccountLocked(DomainError):
    status = 401

    def __init__(self, until: dt.datetime):
        local = clock.local(until)
        super().__init__(
            "account_locked",
            f"连续 {settings.LOGIN_FAILURE_LIMIT} 次密码错误，账号已锁定至 {local:%H:%M}，请稍后再试或联系系统管理员。",
        )
        self.until = until


def _lock_state(lock: LoginLock) -> LockState:
    return LockState(failures=lock.failures, locked_until=lock.locked_until)


def check_credentials(request, username: str, password: str):
    """The user for these credentials, or an error; counts failures and locks after the limit.

    A locked account is refused even with the right password until the lock runs out.
    """
    username = (username or "").strip()
    now = clock.now()
    with transaction.atomic():
        lock, _ = LoginLock.objects.select_for_update().get_or_create(username=username)
        state = _lock_state(lock)
        if is_locked(state, now):
            raise AccountLocked(state.locked_until)
        user = authenticate(request, username=username, password=password) if username and password else None
        if user is None:
            new = after_failed_login(state, now, settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCK_MINUTES)
            lock.failures, lock.locked_until = new.failures, new.locked_until
            lock.save(update_fields=["failures", "locked_until"])
            if new.locked_until:
                audit.record(
                    actor=username or "anonymous", action="account.locked", after={"username": username}
                )
        else:
            lock.failures, lock.locked_until = 0, None
            lock.save(update_fields=["failures", "locked_until"])
    if new_lock := (user is None and lock.locked_until):
        raise AccountLocked(new_lock)
    if user is None:
        raise NotAuthenticated("用户名或密码错误。", code="invalid_credentials")
    return user


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(user) -> tuple[str, dt.datetime]:
    key = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + dt.timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, key_hash=_digest(key), created_at=now, expires_at=expires)
    return key, expires


_ACTIVE_TOKEN = rows.Prepared(  # every staff API request: compiled once
    lambda key_hash, now: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now
    ),
    "\x00sample",
    dt.datetime(1901, 2, 3, 4, 5, 6, 789, tzinfo=dt.UTC),
)


def token_user(key: str):
    """The active user behind a bearer token, or None."""
    if not key:
        return None
    token = _ACTIVE_TOKEN.first(_digest(key), clock.now())
    if token is None or not token.user.is_active:
        return None
    return token.user


def user_by_username(username: str):
    return get_user_model().objects.filter(username=username).first()
