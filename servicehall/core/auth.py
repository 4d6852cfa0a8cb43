"""Logging in (with lockout), passwords, API tokens, and their audit events.

Every way in — the web login, the admin's login (through ``LockoutBackend``, the only
authentication backend) and the token endpoint — goes through ``check_credentials``: one
failure count and one lock per user name.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash, user_logged_in, user_logged_out
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext

from servicehall.core import audit, clock, rows
from servicehall.core.errors import DomainError, Forbidden, Invalid, NotAuthenticated
from servicehall.core.models import Account, ApiToken, LoginLock
from servicehall.core.rules import LockState, after_failed_login, is_locked

USERNAME_MAX = 150  # Django's user name length: no account has a longer one
MUST_CHANGE = "servicehall.must_change_password"  # session key: the change page comes first


class AccountLocked(DomainError):
    """Too many failures for this user name. The same words whether or not the name exists."""

    status = 401

    def __init__(self, until: dt.datetime):
        local = clock.local(until)
        super().__init__(
            "account_locked",
            gettext("登录失败次数过多，此用户名已锁定至 %(local)s，请届时再试，或请系统管理员解锁。") % {"local": format(local, "%H:%M")},
        )
        self.until = until


def _lock_state(lock: LoginLock) -> LockState:
    return LockState(failures=lock.failures, locked_until=lock.locked_until)


def channel_of(request) -> str:
    """Which door a login came through, for the audit log."""
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


def bounded(username: str) -> str:
    """A typed user name as the log keeps it: never longer than any real one."""
    return username[:USERNAME_MAX]


_PASSWORDS = ModelBackend()  # the password check itself (it also hashes for unknown names)


def _account_held(user) -> bool:
    return Account.objects.filter(user=user, held_at__isnull=False).exists()


def check_credentials(request, username: str, password: str):
    """The user for these credentials, or an error; counts failures and locks after the limit.

    A locked user name is refused even with the right password until the lock runs out or an
    administrator unlocks it; unknown names are counted and locked alike, so neither the
    message nor the lock tells whether a name exists. Each failure is an audit event (the
    name bounded, never the password); refusals while locked are not counted again.
    """
    typed = (username if isinstance(username, str) else "").strip()
    # What no account name can hold (a NUL, a lone surrogate) never reaches the database.
    storable = typed.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    username = bounded(storable)
    channel = channel_of(request)
    now = clock.now()
    held = False
    with transaction.atomic():
        lock, _ = LoginLock.objects.select_for_update().get_or_create(username=username)
        state = _lock_state(lock)
        if is_locked(state, now):
            raise AccountLocked(state.locked_until)
        user = None
        if username and password and typed == storable and len(typed) <= USERNAME_MAX:
            user = _PASSWORDS.authenticate(request, username=username, password=password)
        if user is None:
            new = after_failed_login(state, now, settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCK_MINUTES)
            lock.failures, lock.locked_until = new.failures, new.locked_until
            lock.save(update_fields=["failures", "locked_until"])
            audit.record(
                actor="anonymous",
                action="auth.login_failed",
                after={"username": username, "channel": channel, "failures": new.failures},
            )
            if new.locked_until:
                audit.record(
                    actor="anonymous",
                    action="account.locked",
                    after={"username": username, "channel": channel, "until": new.locked_until},
                )
        else:
            lock.failures, lock.locked_until = 0, None
            lock.save(update_fields=["failures", "locked_until"])
            held = _account_held(user)
            if held:
                audit.record(
                    actor=user,
                    action="auth.login_refused",
                    obj=user,
                    after={"channel": channel, "reason": "held"},
                )
    if new_lock := (user is None and lock.locked_until):
        raise AccountLocked(new_lock)
    if user is None:
        raise NotAuthenticated(gettext("用户名或密码错误。"), code="invalid_credentials")
    if held:
        raise NotAuthenticated(gettext("该账号已被系统管理员锁定，请联系系统管理员。"), code="account_held")
    return user


class LockoutBackend(ModelBackend):
    """Django's ``authenticate()`` (the admin's login page) under the same lock as our own login."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        try:
            return check_credentials(request, username or "", password or "")
        except AccountLocked:
            raise PermissionDenied from None  # stops authenticate(): no other way in
        except NotAuthenticated:
            return None


# --- Passwords -----------------------------------------------------------------------------------


def account_of(user) -> Account:
    account, _ = Account.objects.get_or_create(user=user)
    return account


def must_change_password(user) -> bool:
    return Account.objects.filter(user=user, must_change_password=True).exists()


def password_set_by_administrator(*, actor, user, created: bool = False) -> None:
    """An administrator gave ``user`` this password: audited; the owner changes it at next login.

    Call inside the transaction that saved the password. A password set from the server's
    console (``actor`` None: the demo loader, management commands) is not forced to change.
    """
    if actor is None:
        return
    own = actor.pk == user.pk  # an administrator's own password, through the admin: no reset
    account = account_of(user)
    account.must_change_password = not own
    account.password_changed_at = clock.now()
    account.save(update_fields=["must_change_password", "password_changed_at"])
    user._password_audited = True
    if own:
        action = "user.password_change"
    else:
        action = "user.password_set" if created else "user.password_reset"
    audit.record(
        actor=actor,
        action=action,
        obj=user,
        after={"username": user.get_username(), "by": actor.get_username(), "must_change": not own},
    )


def password_change(request, *, user, old_password: str, new_password: str, confirm: str) -> None:
    """The owner changes their own password: the old one is checked (and counted like a login)."""
    if not old_password or not new_password:
        raise Invalid("password_required", gettext("请填写原密码和新密码。"))
    if new_password != confirm:
        raise Invalid("password_mismatch", gettext("两次输入的新密码不一致。"))
    try:
        check_credentials(request, user.get_username(), old_password)
    except NotAuthenticated:
        raise Invalid("wrong_password", gettext("原密码不正确。")) from None
    if new_password == old_password:
        raise Invalid("password_unchanged", gettext("新密码不能与原密码相同。"))
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise Invalid("weak_password", "；".join(exc.messages)) from None
    with transaction.atomic():
        user.set_password(new_password)
        user._password_audited = True
        user.save(update_fields=["password"])  # the signal below revokes the user's tokens
        account = account_of(user)
        account.must_change_password = False
        account.password_changed_at = clock.now()
        account.save(update_fields=["must_change_password", "password_changed_at"])
        audit.record(
            actor=user, action="user.password_change", obj=user, after={"username": user.get_username()}
        )
    if request is not None and hasattr(request, "session"):
        update_session_auth_hash(request, user)  # this session stays; the others end
        request.session.pop(MUST_CHANGE, None)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="servicehall.password_saved")
def _on_password_saved(sender, instance, created, update_fields=None, **kwargs):
    """Any new password (a page, the admin, the console): the user's tokens end, and it is audited."""
    if getattr(instance, "_password", None) is None or created:
        return
    tokens_revoke(instance, actor=None, reason="password_changed")
    if not getattr(instance, "_password_audited", False):
        audit.record(
            actor=None, action="user.password_set", obj=instance, after={"username": instance.get_username()}
        )
    instance._password_audited = False


class PasswordChangeMiddleware:
    """After an administrator set the password, the first web login leads to the change page
    and every page goes there until the password is changed (logging out stays possible)."""

    ALLOWED = ("/password/", "/logout/", "/static/", "/i18n/", "/favicon.ico", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE) and not request.path.startswith(self.ALLOWED):
            if request.user.is_authenticated:
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {"code": "password_change_required", "message": gettext("请先修改管理员设置的初始密码。")},
                        status=403,
                    )
                return redirect("password_change")
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="servicehall.logged_in")
def _on_logged_in(sender, request, user, **kwargs):
    channel = channel_of(request)
    audit.record(actor=user, action="auth.login", obj=user, after={"channel": channel})
    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[MUST_CHANGE] = True


@receiver(user_logged_out, dispatch_uid="servicehall.logged_out")
def _on_logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    with transaction.atomic():
        tokens_revoke(user, actor=user, reason="logout")
        audit.record(actor=user, action="auth.logout", obj=user, after={"channel": channel_of(request)})


# --- API tokens ----------------------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(user) -> tuple[str, dt.datetime]:
    """A new bearer token; refused while the password an administrator set is not yet changed."""
    if must_change_password(user):
        raise Forbidden(
            gettext("请先在网页登录并修改管理员设置的初始密码，再申请令牌。"), code="password_change_required"
        )
    key = secrets.token_urlsafe(32)
    now = clock.now()
    expires = now + dt.timedelta(hours=settings.API_TOKEN_HOURS)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=_digest(key), created_at=now, expires_at=expires)
        audit.record(
            actor=user,
            action="token.issue",
            obj=token,
            after={"user": user.get_username(), "expires_at": expires},
        )
    return key, expires


def tokens_revoke(user, *, actor, reason: str, token_ids=None) -> int:
    """End the user's active tokens (or only ``token_ids`` of them); how many ended. Audited."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now())
    if token_ids is not None:
        tokens = tokens.filter(pk__in=list(token_ids))
    with transaction.atomic():
        ids = list(tokens.values_list("pk", flat=True))
        if not ids:
            return 0
        ApiToken.objects.filter(pk__in=ids).update(revoked_at=clock.now())
        audit.record(
            actor=actor,
            action="token.revoke",
            obj=user,
            after={"user": user.get_username(), "tokens": ids, "reason": reason},
        )
    return len(ids)


def tokens_of(user):
    """The user's tokens still in force, newest first."""
    return list(
        ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=clock.now()).order_by(
            "-created_at", "-id"
        )
    )


def token_out(token: ApiToken, current_hash: str = "") -> dict:
    return {
        "id": token.pk,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "current": bool(current_hash) and token.key_hash == current_hash,
    }


def digest_of_request(request) -> str:
    """The digest of the bearer token this request came with ("" for a session)."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    return _digest(key.strip()) if scheme.lower() == "bearer" and key.strip() else ""


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
