"""Staff writes to the catalog: POST /centers/{code}/items, PUT /centers/{code}/items/{item_code},
POST .../{item_code}/void, and an item's version history. Public reads are under /public/
(servicehall.public.api)."""

from decimal import Decimal
from typing import Annotated

from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status
from pydantic import BaseModel, PlainValidator, WithJsonSchema

from servicehall.catalog import rules, selectors, services
from servicehall.catalog.models import ItemVersion
from servicehall.catalog.rules import ItemDraft, MaterialDraft, ParticipantDraft, StepDraft
from servicehall.core import clock
from servicehall.core.api_contract import Flag, stated
from servicehall.core.errors import Forbidden
from servicehall.org import access
from servicehall.org.selectors import get_center

router = Router(tags=["catalog"])
LABELS = {label: key for key, label in (rules.KINDS | rules.FORMS).items()}  # 承诺件 → committed


AMOUNT_TEXT = r"[0-9]{1,8}(\.[0-9]{1,2})?"
AMOUNT_MESSAGE = "收费金额须为 0 至 99999999.99 元、最多两位小数的金额"


def _scalar(value):
    if isinstance(value, dict | list):
        raise ValueError(AMOUNT_MESSAGE)
    return value  # services.parse_amount checks it (invalid_fee)


Amount = Annotated[
    Decimal | str,
    PlainValidator(_scalar),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "exclusiveMaximum": 10**8, "multipleOf": 0.01},
                {"type": "string", "pattern": f"^{AMOUNT_TEXT}$"},
            ],
            "description": "yuan, at most two decimals",
        }
    ),
]


class FeeIn(BaseModel):  # pydantic, not ninja.Schema, which would read a bare number's attributes
    amount: Amount = "0"
    basis: str = ""
    approval_document: str = ""


KIND_NAMES = [*rules.KINDS, *rules.KINDS.values()]
FORM_NAMES = [*rules.FORMS, *rules.FORMS.values()]
Named = Annotated[str, Field(**stated(minLength=1, pattern=r"\S"))]


class MaterialIn(Schema):
    code: str = Field("", **stated(pattern=rf"^({rules.MATERIAL_CODE.pattern})?$"))
    name: Named
    form: str = Field(rules.ORIGINAL, **stated(enum=FORM_NAMES))
    copies: int = Field(1, **stated(minimum=1, maximum=rules.MAX_COPIES))
    required: Flag = True
    condition: str = ""
    notes: str = ""


class StepIn(Schema):
    name: Named
    description: str = ""
    days: int = Field(0, **stated(minimum=0, maximum=rules.MAX_DAYS))
    role: str = Field("", **stated(enum=["", *rules.STEP_ROLES]))


class ParticipantIn(Schema):
    department: Named
    days: int = Field(**stated(minimum=1, maximum=rules.MAX_DAYS))


class ItemIn(Schema):
    model_config = {"json_schema_extra": lambda schema: schema.setdefault("required", []).append("materials")}

    code: str = Field("", **stated(pattern=rf"^({rules.ITEM_CODE.pattern})?$"))
    name: Named
    aliases: str = Field(
        "", max_length=200, description="search keywords citizens use, separated by 、 (低保、低保申请)"
    )
    department: Named = Field(description="code or name of a department of the center")
    kind: str = Field(
        description="immediate (即办件) or committed (承诺件); the Chinese also does",
        **stated(enum=KIND_NAMES),
    )
    statutory_days: int | None = Field(None, **stated(minimum=1, maximum=rules.MAX_DAYS))
    committed_days: int | None = Field(None, **stated(minimum=0, maximum=rules.MAX_DAYS))
    legal_service: Flag = False
    legal_basis: str = ""
    conditions: str = ""
    quantity_limits: str = ""
    contact: str = ""
    fee: FeeIn | Amount | None = Field(
        None, description="an object {amount, basis, approval_document} or an amount"
    )
    windows: list[int] = Field([], description="numbers of the windows authorised to decide the item (CAT-7)")
    authorisation_document: str = ""
    materials: list[MaterialIn] = Field([], **stated(minItems=1))
    steps: list[StepIn] = []
    participants: list[ParticipantIn] = Field([], description="parallel approval (CAT-6)")
    reason: str = Field("", description="why the item changes; required to change an item")


class VersionOut(Schema):
    number: int
    created_at: str
    created_by: str
    reason: str
    content: dict


def draft_from(payload: ItemIn) -> ItemDraft:
    fee = payload.fee if isinstance(payload.fee, FeeIn) else FeeIn(amount=payload.fee or "0")
    return ItemDraft(
        code=payload.code,
        name=payload.name,
        aliases=payload.aliases,
        department=payload.department,
        kind=LABELS.get(payload.kind, payload.kind),
        statutory_days=payload.statutory_days,
        committed_days=payload.committed_days,
        legal_service=payload.legal_service,
        legal_basis=payload.legal_basis,
        conditions=payload.conditions,
        quantity_limits=payload.quantity_limits,
        contact=payload.contact,
        fee_amount=services.parse_amount(fee.amount),
        fee_basis=fee.basis,
        fee_approval_document=fee.approval_document,
        windows=payload.windows,
        authorisation_document=payload.authorisation_document,
        materials=[
            MaterialDraft(**(m.dict() | {"form": LABELS.get(m.form, m.form)})) for m in payload.materials
        ],
        steps=[StepDraft(**s.dict()) for s in payload.steps],
        participants=[ParticipantDraft(**p.dict()) for p in payload.participants],
    )


def guide_out(center, version: ItemVersion) -> dict:
    """An item's guide as JSON: everything of CAT-1, the same as the printed page."""
    item_code = version.item.code
    return {
        "code": item_code,
        "name": version.name,
        "aliases": version.aliases,
        "version": version.number,
        "updated_at": clock.local(version.created_at).isoformat(),
        "department": {"code": version.department.code, "name": version.department.name},
        "kind": version.kind,
        "kind_label": version.get_kind_display(),
        "statutory_days": version.statutory_days,
        "committed_days": version.committed_days,
        "legal_service": version.legal_service,
        "legal_basis": version.legal_basis,
        "conditions": version.conditions,
        "quantity_limits": version.quantity_limits,
        "contact": version.contact,
        "fee": {
            "amount": f"{version.fee_amount:.2f}",
            "free": version.is_free,
            "basis": version.fee_basis,
            "approval_document": version.fee_approval_document,
        },
        "windows": [{"number": w.number, "name": w.name} for w in version.windows.all()],
        "authorisation_document": version.authorisation_document,
        "materials": [
            {
                "code": m.code,
                "name": m.name,
                "form": m.form,
                "form_label": m.get_form_display(),
                "copies": m.copies,
                "required": m.required,
                "condition": m.condition,
                "notes": m.notes,
                "sample_url": reverse("public:sample", args=[center.code, item_code, m.code])
                if m.sample
                else None,
            }
            for m in version.materials.all()
        ],
        "steps": [
            {"name": s.name, "description": s.description, "days": s.days, "role": s.acting_role}
            for s in version.steps.all()
        ],
        "participants": [
            {"department": {"code": p.department.code, "name": p.department.name}, "days": p.days}
            for p in version.participants.all()
        ],
    }


@router.post("/centers/{code}/items", response={201: dict})
def item_create(request, code: str, payload: ItemIn):
    """CAT-1: a new item (director, system administrator, or the head of its department)."""
    center = get_center(code)
    item = services.item_create(
        actor=request.user,
        center=center,
        draft=draft_from(payload),
        reason=payload.reason or services.FIRST_REASON,
    )
    return Status(201, guide_out(center, selectors.guide(center, item.code)))


@router.put("/centers/{code}/items/{item_code}", response=dict)
def item_update(request, code: str, item_code: str, payload: ItemIn):
    """CAT-5: change an item; a new version is made (the body is the whole item, with a reason)."""
    center = get_center(code)
    item = selectors.get_item(center, item_code)
    services.item_update(actor=request.user, item=item, draft=draft_from(payload), reason=payload.reason)
    return guide_out(center, selectors.guide(center, item.code))


class VoidIn(Schema):
    reason: str = Field(**stated(minLength=1, pattern=r"\S"))


@router.post("/centers/{code}/items/{item_code}/void", response={204: None})
def item_void(request, code: str, item_code: str, payload: VoidIn):
    """Withdraw an item from the catalog (事项取消); its versions stay readable for the cases on them."""
    center = get_center(code)
    services.item_void(actor=request.user, item=selectors.get_item(center, item_code), reason=payload.reason)
    return Status(204, None)


@router.get("/centers/{code}/items/{item_code}/versions", response=list[VersionOut])
def item_versions(request, code: str, item_code: str):
    """CAT-5: every version of an item, newest first, for anyone with a role in the center."""
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": center.name})
    item = selectors.get_item(center, item_code)
    return [
        {
            "number": v.number,
            "created_at": clock.local(v.created_at).isoformat(),
            "created_by": v.created_by.get_full_name() or v.created_by.username if v.created_by else gettext("系统"),
            "reason": v.reason,
            "content": selectors.content(v),
        }
        for v in selectors.versions(item)
    ]
