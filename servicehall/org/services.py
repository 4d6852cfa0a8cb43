"""Every write to the organisation: one transaction, validation, an audit event."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext

from servicehall.core import audit, auth
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.roles import EXCLUSIVE_ROLES, Role
from servicehall.org import access
from servicehall.org.models import (
    Center,
    Department,
    Policy,
    Post,
    PostingApproval,
    RoleAssignment,
    Staff,
    Window,
)
from servicehall.org.presets import PRESETS, preset_values
from servicehall.org.rules import (
    Period,
    holds_role_conflict,
    is_month_day,
    posting_change_needs_approval,
)

POLICY_FIELDS = [f.name for f in Policy._meta.concrete_fields if f.name not in {"id", "center"}]


def _policy_values(preset: str) -> dict:
    try:
        values = preset_values(preset)
    except KeyError:
        names = "、".join(PRESETS)
        raise Invalid("unknown_preset", gettext("没有名为「%(preset)s」的制度预设。可选：%(names)s。") % {"preset": preset, "names": names}) from None
    return {"preset": preset, **values}


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise Invalid("invalid_field", first, fields=fields) from None


def center_create(
    *, actor, code: str, name: str, level: str, preset: str, parent: Center | None = None, **details
) -> Center:
    """ORG-1: a new center in the tree, with a policy taken from a preset."""
    values = _policy_values(preset)
    if parent is not None:
        access.require(actor, parent, Role.SYSADMIN)
    elif actor is not None and not actor.is_superuser:
        raise Invalid("top_center_needs_superuser", gettext("只有超级管理员可以创建顶级中心。"))
    with transaction.atomic():
        if Center.objects.filter(code=code).exists():
            raise Conflict("duplicate_code", gettext("编码「%(code)s」已被其他中心使用。") % {"code": code})
        center = Center(code=code, name=name, level=level, parent=parent, **details)
        _clean(center)
        center.save()
        policy = Policy(center=center, **values)
        _clean(policy)
        policy.save()
        audit.record(
            actor=actor,
            action="center.create",
            obj=center,
            center=center,
            after={**audit.snapshot(center), "policy": audit.snapshot(policy)},
        )
    return center


HOURS = ("am_start", "am_end", "pm_start", "pm_end")


def _check_policy(policy: Policy) -> None:
    """Settings that only make sense together: a day of the year for the summer's bounds, and each
    season's hours in order (the morning ends before the afternoon starts)."""
    for name in ("summer_from", "summer_to"):
        value = getattr(policy, name)
        if not is_month_day(value):
            label = Policy._meta.get_field(name).verbose_name
            raise Invalid("invalid_month_day", gettext("「%(label)s」应为一年中的某一天（月-日，如 05-01），收到「%(value)s」。") % {"label": label, "value": value})
    for season, label in (("winter", gettext("冬令")), ("summer", gettext("夏令"))):
        times = [_as_time(getattr(policy, f"{season}_{part}")) for part in HOURS]
        if not all(a < b for a, b in zip(times, times[1:], strict=False)):
            raise Invalid(
                "hours_out_of_order",
                gettext("%(label)s作息时间须依次为上午开始、上午结束、下午开始、下午结束（每个时间晚于前一个）。") % {"label": label},
            )


def _as_time(value) -> dt.time:
    if isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


def policy_apply_preset(*, actor, center: Center, preset: str) -> Policy:
    values = _policy_values(preset)
    return policy_update(actor=actor, center=center, changes=values)


def policy_update(*, actor, center: Center, changes: dict) -> Policy:
    """Change any policy values; the audit event keeps before and after."""
    access.require(actor, center, *access.CONFIGURERS)
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise Invalid("unknown_policy_setting", gettext("未知的制度设置：%(value)s。") % {"value": '、'.join(sorted(unknown))})
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(center=center)
        before = audit.snapshot(policy)
        for name, value in changes.items():
            setattr(policy, name, value)
        _clean(policy)
        _check_policy(policy)
        policy.save()
        policy.refresh_from_db()
        after = audit.snapshot(policy)
        changed = {k for k in after if before.get(k) != after[k]}
        audit.record(
            actor=actor,
            action="policy.update",
            obj=policy,
            center=center,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return policy


def department_create(*, actor, center: Center, code: str, name: str) -> Department:
    access.require(actor, center, *access.CONFIGURERS)
    with transaction.atomic():
        if Department.objects.filter(center=center, code=code).exists():
            raise Conflict("duplicate_code", gettext("本中心已有编码为「%(code)s」的科室。") % {"code": code})
        department = Department(center=center, code=code, name=name)
        _clean(department)
        department.save()
        audit.record(
            actor=actor,
            action="department.create",
            obj=department,
            center=center,
            after=audit.snapshot(department),
        )
    return department


def window_create(
    *,
    actor,
    center: Center,
    number: int,
    name: str,
    kind: str = Window.Kind.INDEPENDENT,
    departments: list[Department] = (),
) -> Window:
    access.require(actor, center, *access.CONFIGURERS)
    if any(d.center_id != center.pk for d in departments):
        raise Invalid("department_of_other_center", gettext("窗口只能服务本中心的科室。"))
    with transaction.atomic():
        if Window.objects.filter(center=center, number=number).exists():
            raise Conflict("duplicate_window_number", gettext("本中心已有 %(number)s 号窗口。") % {"number": number})
        window = Window(center=center, number=number, name=name, kind=kind)
        _clean(window)
        window.save()
        window.departments.set(departments)
        audit.record(
            actor=actor,
            action="window.create",
            obj=window,
            center=center,
            after={**audit.snapshot(window), "departments": [d.pk for d in departments]},
        )
    return window


def staff_create(
    *,
    actor,
    center: Center,
    username: str,
    password: str,
    name: str,
    department: Department | None = None,
    password_hash: str = "",
    **details,
) -> Staff:
    """A staff member and their own login account (SEC-1: every person uses only their own).

    ``password_hash``: the password already hashed (``make_password(password)``). Only the demo
    loader passes it: its accounts share one password, and hashing it again for each of some
    eighty accounts (about half a second each) made the first ``make demo`` wait minutes.
    """
    access.require(actor, center, *access.CONFIGURERS)
    User = get_user_model()
    if department is not None and department.center_id != center.pk:
        raise Invalid("department_of_other_center", gettext("该科室不属于本中心。"))
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise Conflict("duplicate_username", gettext("用户名「%(username)s」已被使用。") % {"username": username})
        user = User(username=username, first_name=name)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise Invalid("weak_password", "；".join(exc.messages)) from None
        if password_hash and actor is None:
            user.password = password_hash
        else:
            user.set_password(password)
        user.save()
        staff = Staff(user=user, center=center, department=department, name=name, **details)
        _clean(staff)
        staff.save()
        audit.record(
            actor=actor,
            action="staff.create",
            obj=staff,
            center=center,
            after={**audit.snapshot(staff), "username": username},
        )
        auth.password_set_by_administrator(actor=actor, user=user, created=True)  # changed at first login
    return staff


def role_grant(*, actor, user, center: Center, role: str) -> RoleAssignment:
    access.require(actor, center, Role.SYSADMIN)
    if role not in Role.values:
        raise Invalid("unknown_role", gettext("未知角色「%(role)s」。") % {"role": role})
    if actor is not None and (
        role == Role.AUDITOR or RoleAssignment.objects.filter(user=user, role=Role.AUDITOR).exists()
    ):
        # Separation of duties: the auditor is appointed on the server's console, not by the administrator.
        raise Forbidden(gettext("审计员的角色不由系统管理员设置。"), code="auditor_account")
    with transaction.atomic():
        held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
        if holds_role_conflict(held, role, EXCLUSIVE_ROLES):
            raise Conflict("role_separation", gettext("系统管理员与审计员必须由不同的人担任。"))
        assignment, created = RoleAssignment.objects.get_or_create(user=user, center=center, role=role)
        if created:
            audit.record(
                actor=actor,
                action="role.grant",
                obj=assignment,
                center=center,
                after={**audit.snapshot(assignment), "username": user.get_username()},
            )
    access.forget_roles(user)
    return assignment


def posting_approval_record(
    *, actor, center: Center, approved_by: Staff, approved_on: dt.date, reason: str, document: str = ""
) -> PostingApproval:
    """ORG-5: the center approves a posting change; the approver must lead the center."""
    access.require(actor, center, *access.CONFIGURERS)
    if not access.has_role(
        approved_by.user, center, Role.DIRECTOR, Role.PRINCIPAL_LEADER, Role.DEPUTY_LEADER
    ):
        raise Invalid("approver_not_leader", gettext("%(name)s 不是本中心的领导，不能批准岗位调整。") % {"name": approved_by.name})
    if not reason.strip():
        raise Invalid("reason_required", gettext("请填写调整原因。"))
    with transaction.atomic():
        approval = PostingApproval.objects.create(
            center=center,
            approved_by=approved_by,
            approved_on=approved_on,
            reason=reason.strip(),
            document=document,
        )
        audit.record(
            actor=actor,
            action="posting_approval.record",
            obj=approval,
            center=center,
            after=audit.snapshot(approval),
        )
    return approval


def _end_post(actor, post: Post, last_day: dt.date, approval: PostingApproval | None) -> None:
    if last_day < post.start:
        raise Invalid("end_before_start", gettext("岗位结束日期不能早于开始日期。"))
    if posting_change_needs_approval(post.start, last_day + dt.timedelta(days=1)):
        if approval is None:
            raise Invalid(
                "posting_change_needs_approval",
                gettext("%(name)s 自 %(start)s 起在岗未满两年，调整须经中心审核同意（请先登记审批）。") % {"name": post.staff.name, "start": format(post.start, "%Y-%m-%d")},
            )
        if approval.center_id != post.window.center_id:
            raise Invalid("approval_of_other_center", gettext("该审批不属于本中心。"))
    before = audit.snapshot(post)
    post.end, post.approval = last_day, approval
    post.save(update_fields=["end", "approval"])
    audit.record(
        actor=actor,
        action="post.end",
        obj=post,
        center=post.window.center,
        before=before,
        after=audit.snapshot(post),
    )


def _refuse_second_a_post(staff: Staff, window: Window, new: Period) -> None:
    """ORG-3: the A post is the window's first-inquiry person; one person is that at one window a
    day, so nobody holds two A posts on the same day."""
    Staff.objects.select_for_update().filter(pk=staff.pk).first()  # serialise one person's posts
    others = (
        Post.objects.filter(staff=staff, kind=Post.Kind.A, voided_at__isnull=True)
        .exclude(window=window)
        .select_related("window")
    )
    for other in others:
        period = Period(other.start, other.end)
        if period.overlaps(new):
            day = max(other.start, new.start)
            raise Conflict(
                "two_a_posts",
                gettext("%(name)s 在 %(day)s 已担任%(window)s的 A 岗；同一人同一天只能担任一个 A 岗。") % {"name": staff.name, "day": format(day, "%Y-%m-%d"), "window": other.window},
            )


def post_assign(
    *, actor, window: Window, staff: Staff, kind: str, start: dt.date, approval: PostingApproval | None = None
) -> Post:
    """ORG-3: put a person in a window's A or B post from ``start``.

    The current holder of that post (if any) ends the day before; if they have served less
    than two years, the change needs a recorded approval (ORG-5). One person holds at most
    one post of a window at a time, and each post has one holder on any day.
    """
    center = window.center
    access.require(actor, center, *access.CONFIGURERS)
    if kind not in Post.Kind.values:
        raise Invalid("unknown_post", gettext("岗位只能是 A 或 B，收到「%(kind)s」。") % {"kind": kind})
    if staff.center_id != center.pk:
        raise Invalid("staff_of_other_center", gettext("%(name)s 不属于%(name1)s。") % {"name": staff.name, "name1": center.name})
    with transaction.atomic():
        Window.objects.select_for_update().filter(pk=window.pk).first()  # serialise changes to one window
        posts = list(Post.objects.filter(window=window, voided_at__isnull=True).select_related("staff"))
        new = Period(start, None)
        for post in posts:
            period = Period(post.start, post.end)
            if post.kind == kind and post.end is None and post.start < start:
                continue  # the current holder: ended below
            if post.kind == kind and period.overlaps(new):
                raise Conflict(
                    "post_taken", gettext("%(window)s的 %(kind)s 岗在 %(start)s 已由 %(name)s 担任。") % {"window": window, "kind": kind, "start": format(start, "%Y-%m-%d"), "name": post.staff.name}
                )
            if post.staff_id == staff.pk and post.kind != kind and period.overlaps(new) and post.end is None:
                raise Conflict("already_posted_here", gettext("%(name)s 已在本窗口担任 %(kind)s 岗。") % {"name": staff.name, "kind": post.kind})
        if kind == Post.Kind.A:
            _refuse_second_a_post(staff, window, new)
        current = next((p for p in posts if p.kind == kind and p.end is None), None)
        if current is not None:
            if current.staff_id == staff.pk:
                raise Conflict("already_holds_post", gettext("%(name)s 已担任该岗位。") % {"name": staff.name})
            _end_post(actor, current, start - dt.timedelta(days=1), approval)
        try:
            with transaction.atomic():
                post = Post.objects.create(window=window, staff=staff, kind=kind, start=start)
        except IntegrityError:
            raise Conflict("post_taken", gettext("%(window)s的 %(kind)s 岗已有人担任。") % {"window": window, "kind": kind}) from None
        audit.record(actor=actor, action="post.assign", obj=post, center=center, after=audit.snapshot(post))
    return post


def post_end(*, actor, post: Post, last_day: dt.date, approval: PostingApproval | None = None) -> Post:
    access.require(actor, post.window.center, *access.CONFIGURERS)
    if post.end is not None:
        raise Conflict("post_already_ended", gettext("该岗位任职已结束。"))
    with transaction.atomic():
        _end_post(actor, post, last_day, approval)
    return post


def post_void(*, actor, post: Post, reason: str) -> Post:
    """SEC-2: a posting entered by mistake is voided with a reason, never deleted; history keeps it."""
    access.require(actor, post.window.center, *access.CONFIGURERS)
    if not reason.strip():
        raise Invalid("reason_required", gettext("作废须填写原因。"))
    if post.voided_at is not None:
        raise Conflict("already_void", gettext("该任职记录已作废。"))
    with transaction.atomic():
        before = audit.snapshot(post)
        post.mark_void(actor, reason.strip())
        audit.record(
            actor=actor,
            action="post.void",
            obj=post,
            center=post.window.center,
            before=before,
            after=audit.snapshot(post),
        )
    return post


# --- editing what onboarding created -------------------------------------------------------------

CENTER_EDITABLE = ("name", "address", "phone", "complaint_phone", "complaint_channels", "public_url")


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def center_update(*, actor, center: Center, changes: dict) -> Center:
    """The center's own public facts (name, address, phones, complaint channels, public address);
    its code and place in the tree stay. The same people as create it: the system administrator of
    its parent (a top center: the superuser)."""
    if center.parent_id is not None:
        access.require(actor, center.parent, Role.SYSADMIN)
    elif actor is not None and not actor.is_superuser:
        raise Forbidden(gettext("只有超级管理员可以修改顶级中心。"), code="top_center_needs_superuser")
    unknown = set(changes) - set(CENTER_EDITABLE)
    if unknown:
        raise Invalid("unknown_center_field", gettext("不能修改中心的这些字段：%(value)s。") % {"value": "、".join(sorted(unknown))})
    with transaction.atomic():
        center = Center.objects.select_for_update().get(pk=center.pk)
        before = audit.snapshot(center)
        for name, value in changes.items():
            setattr(center, name, value)
        _clean(center)
        center.save()
        before, after = _changed(before, audit.snapshot(center))
        audit.record(actor=actor, action="center.update", obj=center, center=center, before=before, after=after)
    return center


def department_update(*, actor, department: Department, name: str) -> Department:
    """Rename a department; its code stays (windows, lines and records refer to it)."""
    center = department.center
    access.require(actor, center, *access.CONFIGURERS)
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        before = audit.snapshot(department)
        department.name = name
        _clean(department)
        department.save()
        before, after = _changed(before, audit.snapshot(department))
        audit.record(
            actor=actor, action="department.update", obj=department, center=center, before=before, after=after
        )
    return department


def window_update(
    *,
    actor,
    window: Window,
    name: str | None = None,
    kind: str | None = None,
    departments: list[Department] | None = None,
) -> Window:
    """A window's name, kind (independent or comprehensive) and the departments it serves (replaced
    as a whole; departments of its own center only). Its number and center stay."""
    center = window.center
    access.require(actor, center, *access.CONFIGURERS)
    if departments is not None and any(d.center_id != center.pk for d in departments):
        raise Invalid("department_of_other_center", gettext("窗口只能服务本中心的科室。"))
    with transaction.atomic():
        window = Window.objects.select_for_update().get(pk=window.pk)
        before = {**audit.snapshot(window), "departments": sorted(window.departments.values_list("pk", flat=True))}
        if name is not None:
            window.name = name
        if kind is not None:
            window.kind = kind
        _clean(window)
        window.save()
        if departments is not None:
            window.departments.set(departments)
        after = {**audit.snapshot(window), "departments": sorted(window.departments.values_list("pk", flat=True))}
        before, after = _changed(before, after)
        audit.record(actor=actor, action="window.update", obj=window, center=center, before=before, after=after)
    return window


UNSET = object()


def staff_update(
    *,
    actor,
    staff: Staff,
    name: str | None = None,
    department=UNSET,
    roles: list[str] | None = None,
    active: bool | None = None,
    today: dt.date | None = None,
) -> Staff:
    """A person's name, department, roles in the center (replaced as a set; only its system
    administrator grants or takes them, and the auditor's role is never set here) and whether they
    are active. Someone who holds a current or later A/B post is not deactivated: the posts are
    ended first (``post_end``), so no window is left with a holder who is gone."""
    center = staff.center
    access.require(actor, center, *access.CONFIGURERS)
    if roles is not None:
        access.require(actor, center, Role.SYSADMIN)
    if department is not UNSET and department is not None and department.center_id != center.pk:
        raise Invalid("department_of_other_center", gettext("该科室不属于本中心。"))
    with transaction.atomic():
        staff = Staff.objects.select_for_update().select_related("user").get(pk=staff.pk)
        user = staff.user
        held_here = set(RoleAssignment.objects.filter(user=user, center=center).values_list("role", flat=True))
        before = {**audit.snapshot(staff), "roles": sorted(held_here)}
        if name is not None:
            staff.name = name
        if department is not UNSET:
            staff.department = department
        if active is False and staff.active:
            from servicehall.core import clock

            day = today or clock.today()
            posts = Post.objects.filter(staff=staff, voided_at__isnull=True).filter(
                models.Q(end__isnull=True) | models.Q(end__gte=day)
            )
            if posts.exists():
                raise Conflict(
                    "staff_holds_post",
                    gettext("%(name)s 仍担任窗口的 A/B 岗，请先结束其岗位任职再停用。") % {"name": staff.name},
                )
        if active is not None:
            staff.active = active
        _clean(staff)
        staff.save()
        if name is not None and user.first_name != name:
            user.first_name = name
            user.save(update_fields=["first_name"])
        if roles is not None:
            wanted = set(roles)
            if actor is not None and (Role.AUDITOR in wanted or Role.AUDITOR in held_here):
                raise Forbidden(gettext("审计员的角色不由系统管理员设置。"), code="auditor_account")
            for role in sorted(wanted - held_here):
                role_grant(actor=actor, user=user, center=center, role=role)
            for assignment in RoleAssignment.objects.filter(user=user, center=center).exclude(role__in=wanted):
                snapshot = {**audit.snapshot(assignment), "username": user.get_username()}
                assignment.delete()
                audit.record(actor=actor, action="role.revoke", obj=staff, center=center, before=snapshot)
            access.forget_roles(user)
        held_now = set(RoleAssignment.objects.filter(user=user, center=center).values_list("role", flat=True))
        before, after = _changed(before, {**audit.snapshot(staff), "roles": sorted(held_now)})
        audit.record(actor=actor, action="staff.update", obj=staff, center=center, before=before, after=after)
    return staff
