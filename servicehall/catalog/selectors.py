"""Reads of the catalog that pages, the API and the other apps share.

For the cases and tickets apps:

* ``get_item(center, code)`` and ``item.current`` — the version a case is accepted under
  (store the ``ItemVersion``, never the item: the guide may change later).
* ``guide(center, code)`` / ``version_of(item, number)`` — a version with its materials, steps,
  participants and authorised windows loaded (a fixed number of queries).
* ``version.materials.all()`` — ``Material`` rows; ``code`` is stable across versions.
* ``version.kind`` (``ItemVersion.Kind.IMMEDIATE`` / ``COMMITTED``), ``version.statutory_days``,
  ``version.committed_days`` (working days; 0 for an immediate item).
* ``is_authorised(version, window)`` (CAT-7) and ``handling_windows(version)``.
"""

import re
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext

from servicehall.catalog.models import Item, ItemVersion, Material, Participant, Step
from servicehall.core.errors import NotFound
from servicehall.org.models import Center, Window

VERSION_PREFETCH = (
    "materials",
    "steps",
    Prefetch("participants", queryset=Participant.objects.select_related("department")),
    Prefetch("windows", queryset=Window.objects.order_by("number")),
)
SEARCH_TERMS = 5


def items_of(center: Center) -> QuerySet[Item]:
    """The center's items in force, each with its current version and department (one query)."""
    return (
        Item.objects.filter(center=center, voided_at__isnull=True, current__isnull=False)
        .select_related("current", "current__department")
        .order_by("current__department_id", "code")
    )


def search(items: QuerySet[Item], q: str) -> QuerySet[Item]:
    """Every word of ``q`` must match the name, the department, the code, a search keyword
    (低保 for 最低生活保障申请), or the pinyin initials of the name or of a keyword (dbsq)."""
    for word in (q or "").split()[:SEARCH_TERMS]:
        word = word[:50]
        match = (
            Q(current__name__icontains=word)
            | Q(current__department__name__icontains=word)
            | Q(code__iexact=word)
            | Q(current__aliases__icontains=word)
        )
        letters = re.sub(r"[^a-z0-9]", "", word.lower())
        if letters:
            match |= Q(current__initials__contains=letters) | Q(current__alias_initials__contains=letters)
        items = items.filter(match)
    return items


def get_item(center: Center, code: str) -> Item:
    item = (
        Item.objects.filter(center=center, code=code[:40], voided_at__isnull=True)
        .select_related("center", "current")
        .first()
    )
    if item is None or item.current_id is None:
        raise NotFound(gettext("%(name)s没有编码为「%(value)s」的事项。") % {"name": center.name, "value": code[:40]}, code="item_not_found")
    return item


def _versions() -> QuerySet[ItemVersion]:
    return ItemVersion.objects.select_related("item", "department", "created_by").prefetch_related(
        *VERSION_PREFETCH
    )


def guide(center: Center, code: str) -> ItemVersion:
    """CAT-4: the current version of an item, everything of its guide loaded."""
    item = get_item(center, code)
    return _versions().get(pk=item.current_id)


def version_of(item: Item, number: int) -> ItemVersion:
    version = _versions().filter(item=item, number=number).first()
    if version is None:
        raise NotFound(gettext("事项「%(code)s」没有第 %(number)s 版。") % {"code": item.code, "number": number}, code="version_not_found")
    return version


def versions(item: Item) -> list[ItemVersion]:
    """CAT-5: every version of an item, newest first."""
    return list(_versions().filter(item=item).order_by("-number"))


def is_authorised(version: ItemVersion, window: Window) -> bool:
    """CAT-7: may this window decide the item without asking its leaders (授权委托书)?"""
    return any(w.pk == window.pk for w in version.windows.all())


def handling_windows(version: ItemVersion) -> list[Window]:
    """The windows where a citizen applies: those serving the item's department."""
    return list(Window.objects.filter(departments=version.department_id).order_by("number"))


def material_content(m: Material) -> dict:
    return {
        "code": m.code,
        "name": m.name,
        "form": m.form,
        "copies": m.copies,
        "required": m.required,
        "condition": m.condition,
        "notes": m.notes,
        "sample": m.sample.name or "",
    }


def content_of(
    version: ItemVersion,
    materials: list[Material],
    steps: list[Step],
    participants: list[Participant],
    windows: list[int],
) -> dict:
    """A version's content as plain values: compared to see whether anything changed, and kept in
    the audit log (SEC-4: a fee never changes without a trace)."""
    return {
        "name": version.name,
        "aliases": version.aliases,
        "department": version.department.code,
        "kind": version.kind,
        "statutory_days": version.statutory_days,
        "committed_days": version.committed_days,
        "legal_service": version.legal_service,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "quantity_limits": version.quantity_limits,
        "contact": version.contact,
        "fee_amount": f"{Decimal(version.fee_amount):.2f}",
        "fee_basis": version.fee_basis,
        "fee_approval_document": version.fee_approval_document,
        "windows": sorted(windows),
        "authorisation_document": version.authorisation_document,
        "materials": [material_content(m) for m in materials],
        "steps": [
            {
                "name": s.name,
                "description": s.description,
                "days": s.days,
                **({"role": s.role} if s.role else {}),
            }
            for s in steps
        ],
        "participants": [{"department": p.department.code, "days": p.days} for p in participants],
    }


def content(version: ItemVersion) -> dict:
    return content_of(
        version,
        list(version.materials.all()),
        list(version.steps.all()),
        list(version.participants.all()),
        [w.number for w in version.windows.all()],
    )
