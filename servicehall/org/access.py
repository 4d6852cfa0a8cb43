"""Who may act where: a role in a center reaches that center and every center below it."""

from django.utils.translation import gettext

from servicehall.core.errors import Forbidden
from servicehall.core.roles import Role
from servicehall.org.models import Center, RoleAssignment
from servicehall.org.selectors import get_center

CONFIGURERS = (Role.SYSADMIN, Role.DIRECTOR)


def ancestors_and_self(center: Center) -> list[int]:
    ids, node = [], center
    while node is not None:
        ids.append(node.pk)
        node = node.parent if node.parent_id else None
    return ids


def held_roles(user) -> dict[int, set[str]]:
    """The roles ``user`` holds, by the id of the center they are held in: read once per user
    object (one query), then kept on it."""
    cache = getattr(user, "_servicehall_roles", None)
    if cache is None:
        cache = {}
        for center_id, role in RoleAssignment.objects.filter(user=user).values_list("center_id", "role"):
            cache.setdefault(center_id, set()).add(role)
        user._servicehall_roles = cache
    return cache


def roles_in(user, center: Center) -> set[str]:
    """The roles ``user`` holds over ``center`` (held there or at a center above it)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = held_roles(user)
    held: set[str] = set()
    for center_id in ancestors_and_self(center):
        held |= cache.get(center_id, set())
    return held


def has_role(user, center: Center, *roles: str) -> bool:
    return bool(roles_in(user, center) & set(roles))


def require(actor, center: Center, *roles: str) -> None:
    """Refuse unless ``actor`` holds one of ``roles`` over ``center``. ``None`` is the system itself
    (management commands loading data); views and the API always pass the signed-in user."""
    if actor is None:
        return
    if not has_role(actor, center, *roles):
        raise Forbidden(gettext("您在「%(name)s」没有此操作所需的角色。") % {"name": center.name})


def center_for(user, code: str, *roles: str) -> Center:
    """The center of ``code`` (404 if there is none), refused unless ``user`` holds one of
    ``roles`` over it: how a staff page of one center begins."""
    center = get_center(code)
    require(user, center, *roles)
    return center


def forget_roles(user) -> None:
    if user is not None and hasattr(user, "_servicehall_roles"):
        del user._servicehall_roles


def centers_of(user) -> list[Center]:
    """The centers a user holds any role in, top ones first."""
    ids = RoleAssignment.objects.filter(user=user).values_list("center_id", flat=True)
    return list(Center.objects.filter(pk__in=ids).select_related("parent").order_by("id"))
