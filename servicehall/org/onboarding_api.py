"""Setting up a center without the admin site (ORG-1 … ORG-7): the center from a preset, its
policy, departments, windows, service lines, staff with their roles, and the A and B posts; the
staff list (人员名单) as an Excel template, import and export.

Only an administrator of the center or above changes it: a new center needs the system
administrator of its parent; departments, windows, lines, posts and the policy the center's
configurers (system administrator or director, ``access.CONFIGURERS``); roles are granted by the
system administrator. Every write goes through ``services`` (one transaction, audited), and a
request that is refused saves nothing.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

import annotated_types
from django.db import transaction
from django.utils.translation import gettext
from ninja import Field, File, Schema, Status
from ninja.files import UploadedFile
from pydantic import BaseModel, BeforeValidator, WithJsonSchema

from servicehall.core import xlsx
from servicehall.core.api_contract import Day, Flag, Id, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access, selectors, services, staff_excel
from servicehall.org.api import center_detail_out, policy_dict, router
from servicehall.org.models import Center, Department, RoleAssignment, Staff, Window
from servicehall.org.presets import PRESETS
from servicehall.tickets.api import router as tickets_router

# The operations are added to the organisation's router (org.api imports this module at its end),
# so a path both share (``/centers``: GET lists, POST creates) is one URL with both methods. The
# line is created on the queue's router, beside its ``GET /centers/{code}/lines``, for the same
# reason; the queue's own service writes it.


def _whole(value):
    """A JSON number without a fraction (``3.0`` is the integer 3); text stays text, refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def Whole(ge: int, le: int):  # noqa: N802 (a type, written like one)
    """An integer as JSON Schema has it: 3 or 3.0, never "3" or true; between ``ge`` and ``le``."""
    return Annotated[
        int,
        BeforeValidator(_whole),
        Field(strict=True),
        annotated_types.Ge(ge),
        annotated_types.Le(le),
        WithJsonSchema({"type": "integer", "minimum": ge, "maximum": le}),
    ]


def _decimal(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


# A share between 1 % and 100 %, sent as a JSON number.
Ratio = Annotated[
    Decimal,
    BeforeValidator(_decimal),
    Field(strict=True),
    annotated_types.Ge(Decimal("0.01")),
    annotated_types.Le(Decimal("1")),
    WithJsonSchema({"type": "number", "minimum": 0.01, "maximum": 1}),
]
CODE_PATTERN = r"^[a-z][a-z0-9-]{1,40}$"
TEXT = r"\S"
Code = Annotated[str, Field(pattern=CODE_PATTERN, max_length=42)]
LEVEL_BELOW = {
    None: Center.Level.COUNTY,
    Center.Level.COUNTY: Center.Level.TOWN,
    Center.Level.TOWN: Center.Level.COMMUNITY,
    Center.Level.COMMUNITY: Center.Level.COMMUNITY,
}
GRANTABLE = tuple(r.value for r in Role if r != Role.AUDITOR)


def _center(request, code: str) -> Center:
    return selectors.get_center(code)


# --- centers and policy ----------------------------------------------------------------------


class CenterIn(Schema):
    code: Code
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    parent: Code | None = None
    preset: str = Field(json_schema_extra={"enum": list(PRESETS)}, max_length=40)
    level: Literal["county", "town", "community"] | None = None
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    complaint_phone: str = Field("", max_length=40)
    complaint_channels: str = Field("", max_length=2000)


@router.post("/centers", response={201: dict})
def center_create(request, payload: CenterIn):
    """ORG-1: a new center below ``parent`` (the system administrator of the parent, or above),
    its policy taken from ``preset`` (GET the detail for every setting). A duplicate code is
    ``duplicate_code`` (409), an unknown preset ``unknown_preset``, an unknown parent
    ``parent_not_found`` (400)."""
    parent = None
    if payload.parent:
        parent = Center.objects.filter(code=payload.parent).first()
        if parent is None:
            raise Invalid("parent_not_found", gettext("没有编码为「%(parent)s」的上级中心。") % {"parent": payload.parent})
        if not access.has_role(request.user, parent, Role.SYSADMIN):
            raise Forbidden(gettext("只有「%(name)s」或其上级的系统管理员可以在其下创建中心。") % {"name": parent.name})
    level = payload.level or LEVEL_BELOW[parent.level if parent else None]
    center = services.center_create(
        actor=request.user,
        code=payload.code,
        name=payload.name.strip(),
        level=level,
        preset=payload.preset,
        parent=parent,
        address=payload.address,
        phone=payload.phone,
        complaint_phone=payload.complaint_phone,
        complaint_channels=payload.complaint_channels,
    )
    return Status(201, center_detail_out(request, selectors.get_center(center.code)))


Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]


class PolicyIn(BaseModel):
    """Any of the settings; those left out keep their value. ``preset`` first resets every setting
    to that preset's, then the others given here apply on top."""

    preset: str | None = Field(None, json_schema_extra={"enum": list(PRESETS)}, max_length=40)
    winter_am_start: Clock | None = None
    winter_am_end: Clock | None = None
    winter_pm_start: Clock | None = None
    winter_pm_end: Clock | None = None
    summer_am_start: Clock | None = None
    summer_am_end: Clock | None = None
    summer_pm_start: Clock | None = None
    summer_pm_end: Clock | None = None
    summer_from: MonthDay | None = None
    summer_to: MonthDay | None = None
    brief_absence_minutes: Whole(0, 240) | None = None
    absence_counts_as_late: Flag | None = None
    leave_notice_days: Whole(0, 60) | None = None
    complaint_answer_days: Whole(1, 60) | None = None
    committed_ratio_max: Ratio | None = None  # rounded to 0.01
    referral_decision_days: Whole(1, 60) | None = None
    revisit_below_level: Whole(1, 5) | None = None
    hotline_sample_percent: Whole(0, 100) | None = None
    assessment_rulebook: str | None = Field(None, min_length=1, max_length=40, pattern=TEXT)
    training_hours_per_year: Whole(0, 1000) | None = None
    monthly_training_session: Flag | None = None
    priority_run_limit: Whole(1, 20) | None = None
    backfill_tolerance_minutes: Whole(0, 1440) | None = None
    backfill_max_workdays: Whole(0, 60) | None = None
    lunch_appointments: Flag | None = None
    holiday_appointments: Flag | None = None
    green_channel_wait_minutes: Whole(1, 240) | None = None
    denial_escalation_to: str | None = Field(None, min_length=1, max_length=60, pattern=TEXT)


def _policy_of(request, center: Center) -> dict:
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": center.name})
    return policy_dict(center.policy)


@router.get("/centers/{code}/policy", response=dict)
def policy_get(request, code: str):
    """Every setting of the center's policy, each under its own name (and the preset it came from)."""
    return _policy_of(request, _center(request, code))


@router.put("/centers/{code}/policy", response=dict)
def policy_put(request, code: str, payload: PolicyIn):
    """Change settings (the center's system administrator or director); audited with before and
    after. Hours out of order are ``hours_out_of_order``, a summer bound that is no day of the
    year ``invalid_month_day``."""
    center = _center(request, code)
    changes = payload.model_dump(exclude_none=True)
    preset = changes.pop("preset", None)
    if "committed_ratio_max" in changes:
        changes["committed_ratio_max"] = changes["committed_ratio_max"].quantize(Decimal("0.01"))
    with transaction.atomic():
        if preset is not None:
            values = services._policy_values(preset)
            changes = {**values, **changes}
        services.policy_update(actor=request.user, center=center, changes=changes)
    center.refresh_from_db()
    return _policy_of(request, selectors.get_center(code))


# --- departments, windows, lines ----------------------------------------------------------------


class DepartmentIn(Schema):
    code: Code
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)


class OnboardingDepartmentOut(Schema):
    code: str
    name: str


@router.post("/centers/{code}/departments", response={201: OnboardingDepartmentOut})
def department_create(request, code: str, payload: DepartmentIn):
    """ORG-2: a department (进驻单位/科室) stationed in the center; a code the center has is
    ``duplicate_code`` (409)."""
    center = _center(request, code)
    department = services.department_create(
        actor=request.user, center=center, code=payload.code, name=payload.name.strip()
    )
    return Status(201, {"code": department.code, "name": department.name})


def _departments(center: Center, codes: list[str]) -> list[Department]:
    found = {d.code: d for d in Department.objects.filter(center=center, code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise Invalid("unknown_department", gettext("本中心没有编码为「%(value)s」的科室。") % {"value": '、'.join(missing)[:200]})
    return [found[c] for c in dict.fromkeys(codes)]


class WindowIn(Schema):
    number: Whole(1, 999)
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)
    kind: Literal["independent", "comprehensive"] = "independent"
    departments: list[Code] = Field(default_factory=list, max_length=50)


class WindowCreatedOut(Schema):
    id: int
    number: int
    name: str
    kind: str
    departments: list[OnboardingDepartmentOut]


@router.post("/centers/{code}/windows", response={201: WindowCreatedOut})
def window_create(request, code: str, payload: WindowIn):
    """ORG-2: an independent or comprehensive window serving the center's departments (a code the
    center lacks is ``unknown_department``); a number in use is ``duplicate_window_number`` (409)."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    served = _departments(center, payload.departments)
    window = services.window_create(
        actor=request.user,
        center=center,
        number=payload.number,
        name=payload.name.strip(),
        kind=payload.kind,
        departments=served,
    )
    return Status(
        201,
        {
            "id": window.pk,
            "number": window.number,
            "name": window.name,
            "kind": window.kind,
            "departments": [{"code": d.code, "name": d.name} for d in served],
        },
    )


class LineIn(Schema):
    prefix: str = Field(pattern=r"^[A-Z]$")
    name: str = Field(min_length=1, max_length=40, pattern=TEXT)
    windows: list[Id] = Field(default_factory=list, max_length=50)
    departments: list[Code] = Field(default_factory=list, max_length=50)


class LineCreatedOut(Schema):
    prefix: str
    name: str
    windows: list[int]
    departments: list[str]


def _windows(center: Center, ids: list[int]) -> list[Window]:
    found = {w.pk: w for w in Window.objects.filter(pk__in=ids)}
    for pk in ids:
        if pk not in found:
            raise Invalid("window_not_found", gettext("没有编号为 %(pk)s 的窗口。") % {"pk": pk})
        if found[pk].center_id != center.pk:
            raise Invalid("window_of_other_center", gettext("窗口 %(pk)s（%(value)s）不属于%(name)s。") % {"pk": pk, "value": found[pk], "name": center.name})
    return [found[pk] for pk in dict.fromkeys(ids)]


@tickets_router.post("/centers/{code}/lines", response={201: LineCreatedOut})
def line_create(request, code: str, payload: LineIn):
    """QUE-1: a service line with its letter, the windows serving it (a window of another center
    is ``window_of_other_center``) and the departments it serves; a letter in use is
    ``duplicate_prefix`` (409)."""
    from servicehall.tickets import services as tickets

    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    windows = _windows(center, payload.windows)
    departments = _departments(center, payload.departments)
    line = tickets.line_create(
        actor=request.user,
        center=center,
        prefix=payload.prefix,
        name=payload.name.strip(),
        windows=windows,
        departments=departments,
    )
    return Status(
        201,
        {
            "prefix": line.prefix,
            "name": line.name,
            "windows": [w.pk for w in windows],
            "departments": [d.code for d in departments],
        },
    )


# --- staff and posts ----------------------------------------------------------------------------


class StaffIn(Schema):
    username: str = Field(pattern=r"^[A-Za-z0-9_.@+-]{1,150}$")
    name: str = Field(min_length=1, max_length=40, pattern=TEXT)
    password: str = Field(max_length=128, **stated(minLength=8))
    department: Code | None = None
    roles: list[Literal[GRANTABLE]] = Field(default_factory=list, max_length=12)  # type: ignore[valid-type]
    title: str = Field("", max_length=60)
    phone: str = Field("", max_length=40)
    badge_number: str = Field("", max_length=20)


class OnboardingStaffOut(Schema):
    username: str
    name: str
    title: str
    department: str | None
    roles: list[str]
    must_change_password: bool


def staff_out(staff: Staff, roles: list[str]) -> dict:
    from servicehall.core import auth

    return {
        "username": staff.user.username,
        "name": staff.name,
        "title": staff.title,
        "department": staff.department.code if staff.department_id else None,
        "roles": roles,
        "must_change_password": auth.must_change_password(staff.user),
    }


@router.post("/centers/{code}/staff", response={201: OnboardingStaffOut})
def staff_create(request, code: str, payload: StaffIn):
    """ORG-7: a person with their own account and roles in the center (roles are granted by its
    system administrator). The initial password obeys the password rule (``weak_password``);
    the person changes it at the first web login. A user name in use is ``duplicate_username``
    (409)."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    if payload.roles:
        access.require(request.user, center, Role.SYSADMIN)
    department = _departments(center, [payload.department])[0] if payload.department else None
    with transaction.atomic():
        staff = services.staff_create(
            actor=request.user,
            center=center,
            username=payload.username,
            password=payload.password,
            name=payload.name.strip(),
            department=department,
            title=payload.title,
            phone=payload.phone,
            badge_number=payload.badge_number,
        )
        roles = list(dict.fromkeys(payload.roles))
        for role in roles:
            services.role_grant(actor=request.user, user=staff.user, center=center, role=role)
    return Status(201, staff_out(staff, roles))


class ApprovalIn(Schema):
    """ORG-5: the center's approval of a change within two years (its leader, the day, the reason)."""

    approved_by: str = Field(pattern=r"^[A-Za-z0-9_.@+-]{1,150}$")
    approved_on: Day
    reason: str = Field(min_length=1, max_length=300, pattern=TEXT)
    document: str = Field("", max_length=60)


class PostIn(Schema):
    staff: str = Field(pattern=r"^[A-Za-z0-9_.@+-]{1,150}$", description="the person's user name")
    post: Literal["A", "B"]
    start: Day = Field(alias="from")
    approval: ApprovalIn | None = None


class OnboardingPostOut(Schema):
    window: int
    staff: str
    name: str
    post: str
    start: dt.date = Field(alias="from")
    approval: int | None

    model_config = {"populate_by_name": True}


def _staff(center: Center, username: str, what: str = "staff") -> Staff:
    staff = Staff.objects.filter(user__username=username).select_related("user").first()
    if staff is None:
        raise Invalid(f"{what}_not_found", gettext("没有用户名为「%(value)s」的工作人员。") % {"value": username[:50]})
    if staff.center_id != center.pk:
        raise Invalid(f"{what}_of_other_center", gettext("%(name)s 不属于%(name1)s。") % {"name": staff.name, "name1": center.name})
    return staff


@router.post("/windows/{window_id}/posts", response={201: OnboardingPostOut}, by_alias=True)
def post_create(request, window_id: Id, payload: PostIn):
    """ORG-3/ORG-5: put a person of the center in the window's A or B post from a day; the
    previous holder's posting ends the day before. Ending a posting of less than two years needs
    the center's approval (``approval``: its leader, day and reason; without it
    ``posting_change_needs_approval``). A person already in another window's A post that day is
    ``two_a_posts`` (409)."""
    window = Window.objects.filter(pk=window_id).select_related("center").first()
    if window is None:
        raise NotFound(gettext("没有编号为 %(window_id)s 的窗口。") % {"window_id": window_id}, code="window_not_found")
    center = window.center
    access.require(request.user, center, *access.CONFIGURERS)
    staff = _staff(center, payload.staff)
    with transaction.atomic():
        approval = None
        if payload.approval is not None:
            approver = _staff(center, payload.approval.approved_by, "approver")
            approval = services.posting_approval_record(
                actor=request.user,
                center=center,
                approved_by=approver,
                approved_on=payload.approval.approved_on,
                reason=payload.approval.reason,
                document=payload.approval.document,
            )
        post = services.post_assign(
            actor=request.user,
            window=window,
            staff=staff,
            kind=payload.post,
            start=payload.start,
            approval=approval,
        )
    return Status(
        201,
        {
            "window": window.pk,
            "staff": staff.user.username,
            "name": staff.name,
            "post": post.kind,
            "from": post.start,
            "approval": approval.pk if approval else None,
        },
    )


# --- the staff list in Excel --------------------------------------------------------------------


@router.get(
    "/centers/{code}/staff.xlsx",
    openapi_extra={"responses": {200: {"description": "The staff list", "content": {xlsx.CONTENT_TYPE: {}}}}},
)
def staff_export(request, code: str):
    """The center's staff list (人员名单): departments, windows, people with their roles and the
    current A and B posts, in the layout the import reads (its configurers)."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    return xlsx.response(staff_excel.export(center), f"{center.code}-staff.xlsx")


@router.get(
    "/centers/{code}/staff/template.xlsx",
    openapi_extra={"responses": {200: {"description": "An empty staff list", "content": {xlsx.CONTENT_TYPE: {}}}}},
)
def staff_template(request, code: str):
    """An empty staff list to fill in, one example row a sheet, with a sheet of instructions."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    return xlsx.response(staff_excel.template(), "staff-template.xlsx")


class ImportedPasswordOut(Schema):
    username: str
    password: str


class ImportOut(Schema):
    departments: int
    windows: int
    staff: int
    posts: int
    passwords: list[ImportedPasswordOut]


@router.post("/centers/{code}/staff/import", response={200: ImportOut})
def staff_import(request, code: str, file: File[UploadedFile]):
    """Import a staff list (.xlsx, multipart field ``file``). Every cell is checked first; on any
    error the answer is ``import_invalid`` (400) with ``errors``, each with its sheet, row and
    column, and nothing is saved. Initial passwords left empty are generated and answered once."""
    center = _center(request, code)
    return staff_excel.import_file(actor=request.user, center=center, file=file)


# --- editing what onboarding created ------------------------------------------------------------
# (After the staff list's own paths, so ``/centers/{code}/staff/template.xlsx`` is not read as a
# person's user name.)


class CenterEditIn(BaseModel):
    """Any of the center's own facts; those left out keep their value. Its code, level and parent
    stay."""

    name: str | None = Field(None, min_length=1, max_length=100, pattern=TEXT)
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    complaint_phone: str | None = Field(None, max_length=40)
    complaint_channels: str | None = Field(None, max_length=2000)
    public_url: str | None = Field(None, max_length=200)


@router.put("/centers/{code}", response=dict)
def center_edit(request, code: str, payload: CenterEditIn):
    """ORG-1: change the center's name, address, phones, complaint channels or public address (the
    system administrator of its parent, as for creating it); audited with before and after. A
    public address that is no URL is ``invalid_field``."""
    center = _center(request, code)
    changes = payload.model_dump(exclude_none=True)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    services.center_update(actor=request.user, center=center, changes=changes)
    return center_detail_out(request, selectors.get_center(code))


class DepartmentEditIn(Schema):
    name: str = Field(min_length=1, max_length=100, pattern=TEXT)


@router.put("/centers/{code}/departments/{department}", response=OnboardingDepartmentOut)
def department_edit(request, code: str, department: str, payload: DepartmentEditIn):
    """ORG-2: rename a department (its code stays); the center's configurers. A code the center
    lacks is ``department_not_found`` (404)."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    found = Department.objects.filter(center=center, code=department).select_related("center").first()
    if found is None:
        raise NotFound(gettext("本中心没有编码为「%(value)s」的科室。") % {"value": department[:50]}, code="department_not_found")
    found = services.department_update(actor=request.user, department=found, name=payload.name.strip())
    return {"code": found.code, "name": found.name}


class WindowEditIn(BaseModel):
    """Any of these; those left out keep their value. ``departments`` replaces the whole set."""

    name: str | None = Field(None, min_length=1, max_length=100, pattern=TEXT)
    kind: Literal["independent", "comprehensive"] | None = None
    departments: list[Code] | None = Field(None, max_length=50)


@router.put("/windows/{window_id}", response=WindowCreatedOut)
def window_edit(request, window_id: Id, payload: WindowEditIn):
    """ORG-2: a window's name, kind and the departments it serves (the center's configurers); a
    department code its center lacks is ``unknown_department``. Its number stays."""
    window = Window.objects.filter(pk=window_id).select_related("center").first()
    if window is None:
        raise NotFound(gettext("没有编号为 %(window_id)s 的窗口。") % {"window_id": window_id}, code="window_not_found")
    center = window.center
    access.require(request.user, center, *access.CONFIGURERS)
    served = _departments(center, payload.departments) if payload.departments is not None else None
    window = services.window_update(
        actor=request.user,
        window=window,
        name=payload.name.strip() if payload.name is not None else None,
        kind=payload.kind,
        departments=served,
    )
    return {
        "id": window.pk,
        "number": window.number,
        "name": window.name,
        "kind": window.kind,
        "departments": [{"code": d.code, "name": d.name} for d in window.departments.order_by("code")],
    }


class StaffEditIn(BaseModel):
    """Any of these; those left out keep their value. ``department``: null takes the person out of
    any department. ``roles`` replaces the person's roles in the center (its system administrator)."""

    name: str | None = Field(None, min_length=1, max_length=40, pattern=TEXT)
    department: Code | None = None
    roles: list[Literal[GRANTABLE]] | None = Field(None, max_length=12)  # type: ignore[valid-type]
    active: Flag | None = None


@router.put("/centers/{code}/staff/{staff_username}", response=OnboardingStaffOut)
def staff_edit(request, code: str, staff_username: str, payload: StaffEditIn):
    """ORG-7: a person's name, department, roles and whether they are active (the center's
    configurers; roles only its system administrator). Deactivating someone who still holds a
    current or later A/B post is ``staff_holds_post`` (409): end the posts first. A person not of
    this center is ``staff_not_found`` (404)."""
    center = _center(request, code)
    access.require(request.user, center, *access.CONFIGURERS)
    if payload.roles is not None:
        access.require(request.user, center, Role.SYSADMIN)
    staff = Staff.objects.filter(user__username=staff_username, center=center).select_related("user", "center").first()
    if staff is None:
        raise NotFound(gettext("本中心没有用户名为「%(value)s」的工作人员。") % {"value": staff_username[:50]}, code="staff_not_found")
    given = payload.model_fields_set
    extra = {}
    if "department" in given:
        extra["department"] = _departments(center, [payload.department])[0] if payload.department else None
    staff = services.staff_update(
        actor=request.user,
        staff=staff,
        name=payload.name.strip() if payload.name is not None else None,
        roles=list(dict.fromkeys(payload.roles)) if payload.roles is not None else None,
        active=payload.active,
        **extra,
    )
    roles = sorted(
        RoleAssignment.objects.filter(user=staff.user, center=center).values_list("role", flat=True)
    )
    return staff_out(staff, roles)
