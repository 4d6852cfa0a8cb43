from django.utils.translation import gettext
from ninja import Router, Schema

from servicehall.core import clock
from servicehall.core.errors import Forbidden
from servicehall.org import access, selectors
from servicehall.org.models import Policy
from servicehall.org.services import POLICY_FIELDS

router = Router(tags=["centers"])

# What other apps add to each window of the center detail (the queue: the lines a window serves
# and its state), registered from their AppConfig.ready() so that org imports none of them.
# Each provider is ``provider(center, windows) -> {window_id: {field: value}}``.
WINDOW_DETAIL_PROVIDERS: list = []


def window_details(center, windows) -> dict[int, dict]:
    details: dict[int, dict] = {w.pk: {} for w in windows}
    for provider in WINDOW_DETAIL_PROVIDERS:
        for pk, fields in provider(center, windows).items():
            details[pk].update(fields)
    return details


class CenterOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class DepartmentOut(Schema):
    code: str
    name: str


class HolderOut(Schema):
    username: str
    name: str
    title: str


class WindowLineOut(Schema):
    prefix: str
    name: str


class WindowOut(Schema):
    id: int
    number: int
    name: str
    kind: str
    departments: list[DepartmentOut]
    a: HolderOut | None
    b: HolderOut | None
    lines: list[WindowLineOut] = []  # filled by the ticket queue, when installed
    state: str | None = None


class StaffRolesOut(Schema):
    username: str
    name: str
    title: str
    department: str | None
    roles: list[str]


class CenterDetailOut(CenterOut):
    preset: str
    departments: list[DepartmentOut]
    windows: list[WindowOut]
    policy: dict
    staff: list[StaffRolesOut]


def _center_out(center) -> dict:
    return {
        "code": center.code,
        "name": center.name,
        "level": center.level,
        "parent": center.parent.code if center.parent_id else None,
    }


def _holder(staff) -> dict | None:
    if staff is None:
        return None
    return {"username": staff.user.username, "name": staff.name, "title": staff.title}


def policy_dict(policy: Policy) -> dict:
    out = {}
    for name in POLICY_FIELDS:
        value = getattr(policy, name)
        out[name] = (
            value.strftime("%H:%M")
            if hasattr(value, "strftime")
            else (str(value) if value is not None and not isinstance(value, bool | int | str) else value)
        )
    return out


@router.get("/centers", response=list[CenterOut])
def center_list(request):
    """ORG-1: the centers in the caller's scope, as a tree (each names its parent)."""
    return [_center_out(c) for c in selectors.centers_visible_to(request.user)]


@router.get("/centers/{code}", response=CenterDetailOut)
def center_detail(request, code: str):
    """Departments, windows with today's A and B post holders and their user names (and, from the
    queue, the lines each serves and its state), the preset and every policy setting under its
    own name, and the center's staff with the roles they hold there."""
    return center_detail_out(request, selectors.get_center(code))


def center_detail_out(request, center) -> dict:
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": center.name})
    windows = selectors.windows_with_holders(center, clock.today())
    details = window_details(center, windows)
    return {
        **_center_out(center),
        "preset": center.policy.preset,
        "departments": [{"code": d.code, "name": d.name} for d in center.departments.all()],
        "windows": [
            {
                "id": w.pk,
                "number": w.number,
                "name": w.name,
                "kind": w.kind,
                "departments": [{"code": d.code, "name": d.name} for d in w.departments.all()],
                "a": _holder(w.holder_a),
                "b": _holder(w.holder_b),
                **details[w.pk],
            }
            for w in windows
        ],
        "policy": policy_dict(center.policy),
        "staff": selectors.staff_with_roles(center),
    }


# Creating and editing centers (onboarding): its operations join this router.
from servicehall.org import onboarding_api  # noqa: E402, F401
