"""Reads of the organisation that pages and the API share."""

import datetime as dt
import re

from django.db.models import Prefetch, Q
from django.utils.translation import gettext

from servicehall.core.errors import NotFound
from servicehall.org.models import Center, Post, RoleAssignment, Staff, Window

CODE = re.compile(r"[a-z][a-z0-9-]{1,40}")


def get_center(code: str) -> Center:
    if not CODE.fullmatch(code or ""):
        raise NotFound(gettext("没有编码为「%(value)s」的中心。") % {"value": code[:50]}, code="center_not_found")
    center = Center.objects.filter(code=code).select_related("parent", "policy").first()
    if center is None:
        raise NotFound(gettext("没有编码为「%(code)s」的中心。") % {"code": code}, code="center_not_found")
    return center


def centers_visible_to(user) -> list[Center]:
    """ORG-1: every center where the user holds a role, and all centers below those."""
    all_centers = list(Center.objects.select_related("parent").order_by("id"))
    roots = set(RoleAssignment.objects.filter(user=user).values_list("center_id", flat=True))
    children: dict[int | None, list[Center]] = {}
    for c in all_centers:
        children.setdefault(c.parent_id, []).append(c)
    seen: list[Center] = []
    stack = [c for c in all_centers if c.pk in roots]
    ids = set()
    while stack:
        node = stack.pop()
        if node.pk in ids:
            continue
        ids.add(node.pk)
        seen.append(node)
        stack.extend(children.get(node.pk, []))
    return sorted(seen, key=lambda c: c.pk)


def posts_on(day: dt.date):
    return Post.objects.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day, voided_at__isnull=True)


def windows_with_holders(center: Center, day: dt.date) -> list[Window]:
    """The center's windows, each with ``holder_a`` and ``holder_b`` (Staff or None) on ``day``."""
    windows = list(
        Window.objects.filter(center=center)
        .prefetch_related(
            "departments", Prefetch("posts", queryset=posts_on(day).select_related("staff__user"))
        )
        .order_by("number")
    )
    for window in windows:
        holders = {post.kind: post.staff for post in window.posts.all()}
        window.holder_a = holders.get("A")
        window.holder_b = holders.get("B")
    return windows


def staff_with_roles(center: Center) -> list[dict]:
    """The center's active staff, each with the roles they hold in it (two queries)."""
    people = list(
        Staff.objects.filter(center=center, active=True).select_related("user", "department").order_by("id")
    )
    held: dict[int, list[str]] = {}
    for user_id, role in (
        RoleAssignment.objects.filter(center=center).order_by("role").values_list("user_id", "role")
    ):
        held.setdefault(user_id, []).append(role)
    return [
        {
            "username": s.user.username,
            "name": s.name,
            "title": s.title,
            "department": s.department.code if s.department_id else None,
            "roles": held.get(s.user_id, []),
        }
        for s in people
    ]
