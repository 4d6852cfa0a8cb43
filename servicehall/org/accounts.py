"""The administrator's hand on login accounts: unlock, lock, end API tokens (all audited).

An account belongs to the centers where its user is on the staff or holds a role; the system
administrator of any of those centers (or of a center above them) looks after it. The auditor's
account is kept out of the administrator's reach (separation of duties): the administrator may
lift a lockout after failed logins, nothing more.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext

from servicehall.core import audit, auth, clock
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.models import Account, LoginLock
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Center, RoleAssignment, Staff
from servicehall.org.selectors import centers_visible_to


def is_auditor(user) -> bool:
    return user is not None and RoleAssignment.objects.filter(user=user, role=Role.AUDITOR).exists()


def centers_of_account(user) -> list[Center]:
    ids = set(RoleAssignment.objects.filter(user=user).values_list("center_id", flat=True))
    ids |= set(Staff.objects.filter(user=user).values_list("center_id", flat=True))
    return list(Center.objects.filter(pk__in=ids).select_related("parent"))


def administers(actor, user) -> bool:
    """Whether ``actor`` is a system administrator over one of ``user``'s centers.

    An account in no center at all is looked after by the administrators of a top center.
    """
    centers = centers_of_account(user)
    if not centers:
        centers = list(Center.objects.filter(parent__isnull=True))
    return any(access.has_role(actor, center, Role.SYSADMIN) for center in centers)


def require_administrator(actor, user) -> None:
    if actor is not None and not administers(actor, user):
        raise Forbidden(gettext("只有该账号所在中心的系统管理员可以管理此账号。"), code="not_account_administrator")


def require_not_auditor(actor, user) -> None:
    """Separation of duties: nobody but the console touches the auditor's credentials or roles."""
    if actor is not None and is_auditor(user):
        raise Forbidden(gettext("审计员账号的密码、角色和令牌不由系统管理员管理。"), code="auditor_account")


def account_by_username(actor, username: str):
    """The account an administrator asks for; unknown and out-of-reach both answer 404."""
    user = get_user_model().objects.filter(username=username[: auth.USERNAME_MAX]).first()
    if user is None or (actor is not None and not administers(actor, user)):
        raise NotFound(gettext("没有这个账号，或它不在您管理的中心。"), code="account_not_found")
    return user


def _state(user, lock, account, tokens: int, auditor: bool, now) -> dict:
    expired = bool(lock and lock.locked_until and lock.locked_until <= now)
    return {
        "username": user.get_username(),
        "name": user.first_name,
        "active": user.is_active,
        "failures": lock.failures if lock and not expired else 0,
        "locked_until": lock.locked_until if lock and lock.locked_until and not expired else None,
        "held": bool(account and account.held_at),
        "held_at": account.held_at if account else None,
        "must_change_password": bool(account and account.must_change_password),
        "tokens": tokens,
        "auditor": auditor,
    }


def state_of(user) -> dict:
    return _state(
        user,
        LoginLock.objects.filter(username=user.get_username()).first(),
        Account.objects.filter(user=user).first(),
        len(auth.tokens_of(user)),
        is_auditor(user),
        clock.now(),
    )


def accounts_for(actor) -> list[dict]:
    """Every account the administrator looks after, with its lock state (a fixed number of reads)."""
    administered = [c.pk for c in centers_visible_to(actor) if access.has_role(actor, c, Role.SYSADMIN)]
    if not administered:
        return []
    User = get_user_model()
    now = clock.now()
    in_centers = Q(roles__center_id__in=administered) | Q(staff__center_id__in=administered)
    if Center.objects.filter(pk__in=administered, parent__isnull=True).exists():
        in_centers |= Q(roles__isnull=True, staff__isnull=True)  # accounts in no center yet
    users = list(
        User.objects.filter(in_centers)
        .distinct()
        .annotate(
            live_tokens=Count(
                "api_tokens",
                filter=Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=now),
                distinct=True,
            )
        )
        .order_by("username")
    )
    names = [u.get_username() for u in users]
    locks = {lock.username: lock for lock in LoginLock.objects.filter(username__in=names)}
    held = {a.user_id: a for a in Account.objects.filter(user__in=users)}
    auditors = set(
        RoleAssignment.objects.filter(user__in=users, role=Role.AUDITOR).values_list("user_id", flat=True)
    )
    return [
        _state(u, locks.get(u.get_username()), held.get(u.pk), u.live_tokens, u.pk in auditors, now)
        for u in users
    ]


def unlock(*, actor, user) -> dict:
    """Lift a lockout (failed logins) and an administrator's lock; audited with who and whom."""
    require_administrator(actor, user)
    with transaction.atomic():
        before = state_of(user)
        LoginLock.objects.filter(username=user.get_username()).update(failures=0, locked_until=None)
        Account.objects.filter(user=user).update(held_at=None, held_by=None)
        after = state_of(user)
        audit.record(
            actor=actor,
            action="account.unlock",
            obj=user,
            before={k: before[k] for k in ("failures", "locked_until", "held")},
            after={
                "username": user.get_username(),
                **{k: after[k] for k in ("failures", "locked_until", "held")},
            },
        )
    return after


def hold(*, actor, user) -> dict:
    """Lock an account until an administrator unlocks it; its API tokens end at once."""
    require_administrator(actor, user)
    require_not_auditor(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise Forbidden(gettext("不能锁定自己的账号。"), code="cannot_lock_self")
    with transaction.atomic():
        account = auth.account_of(user)
        if account.held_at is None:
            account.held_at = clock.now()
            account.held_by = actor if getattr(actor, "pk", None) else None
            account.save(update_fields=["held_at", "held_by"])
            audit.record(
                actor=actor, action="account.lock", obj=user, after={"username": user.get_username()}
            )
        auth.tokens_revoke(user, actor=actor, reason="locked")
        _end_sessions(user)
    return state_of(user)


def _end_sessions(user) -> None:
    """Sign the user out everywhere (sessions are not records: they are simply ended)."""
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=clock.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()


def tokens_revoke(*, actor, user) -> int:
    require_administrator(actor, user)
    require_not_auditor(actor, user)
    return auth.tokens_revoke(user, actor=actor, reason="administrator")
