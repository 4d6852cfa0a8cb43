"""Every write to the catalog: one transaction, the same checks for page, API and Excel, an audit event.

Who edits the catalog: the center's director and system administrator (held there or above),
and a department head for the items of their own department (moving an item between two
departments needs both). Importing a whole workbook is for the director and the administrator.
"""

import dataclasses
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext

from servicehall.catalog import rules, selectors
from servicehall.catalog.models import Item, ItemVersion, Material, Participant, Step
from servicehall.catalog.rules import ItemDraft, Problem
from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Center, Department, Staff, Window

EDITORS = (Role.DIRECTOR, Role.SYSADMIN, Role.DEPARTMENT_HEAD)
IMPORTERS = (Role.DIRECTOR, Role.SYSADMIN)
FIRST_REASON = "新设事项"


def can_edit(user, center: Center, department: Department | None = None) -> bool:
    """May ``user`` edit the items of ``department`` (None: of every department)?"""
    held = access.roles_in(user, center)
    if held & {Role.DIRECTOR, Role.SYSADMIN}:
        return True
    if Role.DEPARTMENT_HEAD not in held or department is None:
        return False
    own = Staff.objects.filter(user=user).values_list("department_id", flat=True).first()
    return own == department.pk


def _require_editor(actor, center: Center, *departments: Department) -> None:
    access.require(actor, center, *EDITORS)
    if actor is None:
        return
    for department in departments:
        if not can_edit(actor, center, department):
            raise Forbidden(gettext("科室负责人只能编辑本科室的事项，不能编辑%(name)s的事项。") % {"name": department.name})


class Lookup:
    """A center's departments, windows and policy, loaded once for many drafts (an Excel file)."""

    def __init__(self, center: Center):
        self.center = center
        departments = list(Department.objects.filter(center=center))
        self.departments = {d.name: d for d in departments} | {d.code: d for d in departments}
        self.windows = {
            w.number: w for w in Window.objects.filter(center=center).prefetch_related("departments")
        }
        self.ratio = center.policy.committed_ratio_max

    def department(self, ref: str) -> Department | None:
        """By code or name; a unique end of a name also does (残联 for 街道残联)."""
        ref = ref.strip()
        found = self.departments.get(ref)
        if found is None and ref:
            matches = {d.pk: d for name, d in self.departments.items() if name.endswith(ref)}
            found = next(iter(matches.values())) if len(matches) == 1 else None
        return found


def _stripped(draft: ItemDraft) -> ItemDraft:
    """The same draft with every text trimmed, department names replaced by codes."""

    def strip(obj):
        values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
        return dataclasses.replace(obj, **{k: v.strip() for k, v in values.items() if isinstance(v, str)})

    draft = strip(draft)
    draft.materials = [strip(m) for m in draft.materials]
    draft.steps = [strip(s) for s in draft.steps]
    draft.participants = [strip(p) for p in draft.participants]
    return draft


def _texts(draft: ItemDraft):
    """(field, text) of every text of a draft, rows included."""
    for f in dataclasses.fields(draft):
        value = getattr(draft, f.name)
        if isinstance(value, str):
            yield f.name, value
        elif isinstance(value, list):
            for i, row in enumerate(value):
                if dataclasses.is_dataclass(row):
                    for g in dataclasses.fields(row):
                        if isinstance(getattr(row, g.name), str):
                            yield f"{f.name}.{i}.{g.name}", getattr(row, g.name)


def _sample_ok(sample) -> bool:
    if not isinstance(sample, str) or not sample:
        return True
    safe = sample.startswith(rules.SAMPLE_DIR) and ".." not in sample and "\\" not in sample
    return safe and default_storage.exists(sample)


def _field_problems(instance, prefix: str, exclude: list[str]) -> list[Problem]:
    """Lengths and formats the model declares, as problems of the draft's fields."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            Problem(f"{prefix}{name}", "invalid_field", str(messages[0]))
            for name, messages in exc.message_dict.items()
        ]
    return []


def _build(lookup: Lookup, draft: ItemDraft):
    """Unsaved rows of a draft (departments resolved), for checks and for writing."""
    department = lookup.department(draft.department)
    version = ItemVersion(
        name=draft.name,
        initials=rules.initials(draft.name),
        aliases=rules.aliases(draft.aliases),
        alias_initials=rules.alias_initials(draft.aliases),
        department=department,
        kind=draft.kind,
        statutory_days=draft.statutory_days,
        committed_days=draft.committed_days or 0,
        legal_service=draft.legal_service,
        legal_basis=draft.legal_basis,
        conditions=draft.conditions,
        quantity_limits=draft.quantity_limits,
        contact=draft.contact,
        fee_amount=draft.fee_amount,
        fee_basis=draft.fee_basis,
        fee_approval_document=draft.fee_approval_document,
        authorisation_document=draft.authorisation_document,
    )
    materials = [
        Material(
            position=i,
            code=m.code,
            name=m.name,
            form=m.form,
            copies=m.copies,
            required=m.required,
            condition=m.condition,
            notes=m.notes,
            sample=m.sample or "",
        )
        for i, m in enumerate(draft.materials, start=1)
    ]
    steps = [
        Step(position=i, name=s.name, description=s.description, days=s.days, role=s.role or "")
        for i, s in enumerate(draft.steps, start=1)
    ]
    participants = [
        Participant(department=lookup.department(p.department), days=p.days) for p in draft.participants
    ]
    return version, materials, steps, participants


def problems(lookup: Lookup, draft: ItemDraft) -> list[Problem]:
    """Everything wrong with a draft in this center: the rules, then what only the database knows."""
    draft = _stripped(draft)
    department = lookup.department(draft.department)
    participants = draft.participants
    if department is not None:
        draft.department = department.code
    draft.participants = [
        dataclasses.replace(p, department=getattr(lookup.department(p.department), "code", p.department))
        for p in participants
    ]
    found = rules.item_problems(draft, lookup.ratio)
    found += [
        Problem(path, "invalid_characters", gettext("输入包含无法处理的控制字符。"))
        for path, text in _texts(draft)
        if "\x00" in text
    ]
    if draft.department and department is None:
        found.append(
            Problem(
                "department", "unknown_department", gettext("%(name)s没有科室「%(department)s」。") % {"name": lookup.center.name, "department": draft.department}
            )
        )
    for i, p in enumerate(draft.participants):
        if p.department and lookup.department(p.department) is None:
            found.append(
                Problem(
                    f"participants.{i}.department",
                    "unknown_department",
                    gettext("本中心没有科室「%(department)s」。") % {"department": p.department},
                )
            )
    for number in draft.windows:
        window = lookup.windows.get(number)
        if window is None:
            found.append(Problem("windows", "unknown_window", gettext("本中心没有 %(number)s 号窗口。") % {"number": number}))
        elif department is not None and department not in window.departments.all():
            found.append(
                Problem(
                    "windows",
                    "window_not_serving_department",
                    gettext("%(number)s号窗口不办理%(name)s的事项，不能授权其办理。") % {"number": number, "name": department.name},
                )
            )
    for i, m in enumerate(draft.materials):
        if not _sample_ok(m.sample):
            found.append(Problem(f"materials.{i}.sample", "unknown_sample", gettext("示范文本文件不存在。")))
    if found:
        return found
    version, materials, steps, participants = _build(lookup, draft)
    found += _field_problems(version, "", ["item", "number", "created_at", "created_by", "reason"])
    for prefix, rows in (("materials", materials), ("steps", steps), ("participants", participants)):
        for i, row in enumerate(rows):
            found += _field_problems(row, f"{prefix}.{i}.", ["version", "code", "sample", "department"])
    return found


def raise_first(found: list[Problem]) -> None:
    """Refuse with the first problem's code and message; ``fields`` lists them all."""
    if found:
        fields: dict[str, list[str]] = {}
        for p in found:
            fields.setdefault(p.field, []).append(p.message)
        raise Invalid(found[0].code, found[0].message, fields=fields)


def _used_codes(item: Item | None) -> set[str]:
    if item is None or item.pk is None:
        return set()
    return set(Material.objects.filter(version__item=item).values_list("code", flat=True))


def _write_version(actor, lookup: Lookup, item: Item, draft: ItemDraft, number: int, reason: str):
    """Save a new version of ``item`` (or return None when it would equal the current one)."""
    draft = _stripped(draft)
    before = selectors.content(selectors.version_of(item, item.current.number)) if item.current_id else None
    kept = {m["code"]: m["sample"] for m in (before or {}).get("materials", [])}
    for material in draft.materials:
        if material.sample is None:  # not given: the sample of the same code stays
            material.sample = kept.get(material.code, "")
    version, materials, steps, participants = _build(lookup, draft)
    used = _used_codes(item) | {m.code for m in materials if m.code}
    for material in materials:
        if not material.code:
            material.code = rules.next_material_code(used)
            used.add(material.code)
    windows = [lookup.windows[n] for n in sorted(set(draft.windows))]
    after = selectors.content_of(version, materials, steps, participants, [w.number for w in windows])
    if before == after:
        return None, before, after
    version.item, version.number, version.reason = item, number, reason
    version.created_at, version.created_by = clock.now(), actor if getattr(actor, "pk", None) else None
    version.save()
    for rows in (materials, steps, participants):
        for row in rows:
            row.version = version
    Material.objects.bulk_create(materials)
    Step.objects.bulk_create(steps)
    Participant.objects.bulk_create(participants)
    version.windows.set(windows)
    item.current = version
    item.save(update_fields=["current"])
    return version, before, after


def _create(actor, lookup: Lookup, draft: ItemDraft, reason: str) -> Item:
    center = lookup.center
    raise_first(problems(lookup, draft))
    _require_editor(actor, center, lookup.department(draft.department))
    if Item.objects.filter(center=center, code=draft.code.strip()).exists():
        raise Conflict("duplicate_item_code", gettext("%(name)s已有编码为「%(value)s」的事项。") % {"name": center.name, "value": draft.code.strip()})
    item = Item.objects.create(center=center, code=draft.code.strip(), created_at=clock.now())
    version, _before, after = _write_version(actor, lookup, item, draft, 1, reason or FIRST_REASON)
    audit.record(
        actor=actor, action="catalog.item.create", obj=item, center=center, after={"version": 1, **after}
    )
    return item


def _update(actor, lookup: Lookup, item: Item, draft: ItemDraft, reason: str) -> ItemVersion | None:
    center = lookup.center
    if draft.code.strip() and draft.code.strip() != item.code:
        raise_first([Problem("code", "code_cannot_change", gettext("事项编码不能修改。"))])
    draft = dataclasses.replace(draft, code=item.code)
    raise_first(problems(lookup, draft))
    if not reason.strip():
        raise Invalid("reason_required", gettext("请填写修改原因（将记入事项的版本历史）。"))
    item = Item.objects.select_for_update(of=("self",)).select_related("current__department").get(pk=item.pk)
    _require_editor(actor, center, item.current.department, lookup.department(draft.department))
    number = item.current.number + 1
    version, before, after = _write_version(actor, lookup, item, draft, number, reason.strip())
    if version is not None:
        audit.record(
            actor=actor,
            action="catalog.item.update",
            obj=item,
            center=center,
            before={"version": number - 1, **before},
            after={"version": number, "reason": reason.strip(), **after},
        )
    return version


def item_create(*, actor, center: Center, draft: ItemDraft, reason: str = FIRST_REASON) -> Item:
    """CAT-1: a new item and its first version."""
    access.require(actor, center, *EDITORS)
    with transaction.atomic():
        return _create(actor, Lookup(center), draft, reason)


def item_update(*, actor, item: Item, draft: ItemDraft, reason: str) -> ItemVersion | None:
    """CAT-5: a new version of ``item`` with who, when and why; None when nothing changed."""
    access.require(actor, item.center, *EDITORS)
    with transaction.atomic():
        return _update(actor, Lookup(item.center), item, draft, reason)


def item_void(*, actor, item: Item, reason: str) -> Item:
    """Withdraw an item (事项取消): it leaves the public catalog; its versions stay for the cases on them."""
    access.require(actor, item.center, *EDITORS)
    if not reason.strip():
        raise Invalid("reason_required", gettext("请填写停用原因。"))
    with transaction.atomic():
        item = (
            Item.objects.select_for_update(of=("self",)).select_related("current__department").get(pk=item.pk)
        )
        _require_editor(actor, item.center, item.current.department)
        if item.is_void:
            raise Conflict("item_void", gettext("事项「%(code)s」已停用。") % {"code": item.code})
        before = audit.snapshot(item)
        item.mark_void(actor, reason.strip()[:300])
        audit.record(
            actor=actor,
            action="catalog.item.void",
            obj=item,
            center=item.center,
            before=before,
            after=audit.snapshot(item),
        )
    return item


def parse_amount(text) -> Decimal:
    """A fee amount from a form, a JSON number or a cell; refuses what is not a sum of money."""
    try:
        amount = Decimal(str(text if text not in (None, "") else "0").strip())
    except InvalidOperation:
        raise Invalid("invalid_fee", gettext("收费金额「%(value)s」不是有效的金额。") % {"value": str(text)[:20]}) from None
    # The range first: quantizing 1E+30 to cents exceeds the decimal context (InvalidOperation).
    if not amount.is_finite() or abs(amount) >= 10**8 or amount != amount.quantize(Decimal("0.01")):
        raise Invalid("invalid_fee", gettext("收费金额须为最多两位小数的金额（元）。"))
    return amount


def catalog_import(*, actor, center: Center, drafts: list[ItemDraft], reason: str) -> dict:
    """Write a whole checked workbook in one transaction: new items, new versions, unchanged ones kept.

    The caller (``excel.read``) has already checked every row; this checks again inside the
    transaction, so nothing is saved unless every item is accepted.
    """
    access.require(actor, center, *IMPORTERS)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        lookup = Lookup(center)
        existing = {i.code: i for i in Item.objects.filter(center=center).select_related("current")}
        for draft in drafts:
            item = existing.get(draft.code.strip())
            if item is None:
                _create(actor, lookup, draft, reason)
                counts["created"] += 1
            elif _update(actor, lookup, item, draft, reason) is None:
                counts["unchanged"] += 1
            else:
                counts["updated"] += 1
        audit.record(actor=actor, action="catalog.import", center=center, after={"reason": reason, **counts})
    return counts
