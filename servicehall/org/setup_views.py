"""Setting up a center from the browser (ORG-1 … ORG-7): a county administrator creates a town
center from a preset, then adds its departments, windows, staff and their A and B posts, each a
small form on one page. The same services as the onboarding API do every write."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from servicehall.core import clock
from servicehall.core.errors import DomainError, Invalid
from servicehall.core.roles import Role
from servicehall.org import access, selectors, services, staff_excel
from servicehall.org.models import Center, Department, RoleAssignment, Staff, Window
from servicehall.org.presets import PRESETS
from servicehall.org.staff_excel import ROLES

LEVEL_BELOW = {
    Center.Level.COUNTY: Center.Level.TOWN,
    Center.Level.TOWN: Center.Level.COMMUNITY,
    Center.Level.COMMUNITY: Center.Level.COMMUNITY,
}


def _administered(user) -> list[Center]:
    """The centers where ``user`` is a system administrator, and every center below them."""
    held = set(
        RoleAssignment.objects.filter(user=user, role=Role.SYSADMIN).values_list("center_id", flat=True)
    )
    return [c for c in selectors.centers_visible_to(user) if set(access.ancestors_and_self(c)) & held]


@login_required
def center_new(request):
    """A new center below one the administrator runs, its policy from a preset."""
    parents = _administered(request.user)
    if not parents:
        raise PermissionDenied(_("只有系统管理员可以新建中心。"))
    form = {
        "code": "",
        "name": "",
        "parent": parents[0].code,
        "preset": "shexi-2022",
        "address": "",
        "phone": "",
        "complaint_phone": "",
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        parent = next((c for c in parents if c.code == form["parent"]), None)
        try:
            if parent is None:
                raise Invalid("parent_not_found", _("请选择上级中心。"))
            center = services.center_create(
                actor=request.user,
                code=form["code"],
                name=form["name"],
                level=LEVEL_BELOW[parent.level],
                preset=form["preset"],
                parent=parent,
                address=form["address"],
                phone=form["phone"],
                complaint_phone=form["complaint_phone"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已新建%(name)s。") % {"name": center.name})
            return redirect("center_setup", code=center.code)
    presets = [(name, values["title"]) for name, values in PRESETS.items()]
    return render(request, "org/center_new.html", {"parents": parents, "presets": presets, "form": form})


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Invalid("invalid_date", _("请填写有效的日期（YYYY-MM-DD）。")) from None


def _act(request, center: Center) -> str:
    """Run the form posted (``action``) and answer its success message."""
    post = request.POST
    action = post.get("action")
    if action == "department":
        d = services.department_create(
            actor=request.user,
            center=center,
            code=post.get("code", "").strip(),
            name=post.get("name", "").strip(),
        )
        return _("已添加科室「%(name)s」。") % {"name": d.name}
    if action == "window":
        departments = list(Department.objects.filter(center=center, code__in=post.getlist("departments")))
        number = post.get("number", "")
        if not number.isdigit() or not 1 <= int(number) <= 999:
            raise Invalid("invalid_number", _("窗口编号应为 1 至 999 的整数。"))
        w = services.window_create(
            actor=request.user,
            center=center,
            number=int(number),
            name=post.get("name", "").strip(),
            kind=post.get("kind") or Window.Kind.INDEPENDENT,
            departments=departments,
        )
        return _("已添加%(window)s。") % {"window": w}
    if action == "staff":
        roles = [r for r in post.getlist("roles") if r in {role.value for role in ROLES}]
        if roles:
            access.require(request.user, center, Role.SYSADMIN)
        department = Department.objects.filter(center=center, code=post.get("department", "")).first()
        with transaction.atomic():
            s = services.staff_create(
                actor=request.user,
                center=center,
                username=post.get("username", "").strip(),
                password=post.get("password", ""),
                name=post.get("name", "").strip(),
                department=department,
                title=post.get("title", "").strip(),
            )
            for role in roles:
                services.role_grant(actor=request.user, user=s.user, center=center, role=role)
        return _("已添加工作人员 %(name)s（首次登录须修改初始密码）。") % {"name": s.name}
    if action == "post":
        window = Window.objects.filter(center=center, pk=post.get("window") or 0).first()
        staff = Staff.objects.filter(center=center, pk=post.get("staff") or 0).first()
        if window is None or staff is None:
            raise Invalid("choose_window_and_staff", _("请选择窗口和工作人员。"))
        p = services.post_assign(
            actor=request.user,
            window=window,
            staff=staff,
            kind=post.get("kind", ""),
            start=_day(post.get("start", "")),
        )
        return _("%(name)s 自 %(day)s 起担任%(window)s %(kind)s 岗。") % {
            "name": staff.name,
            "day": p.start.isoformat(),
            "window": window,
            "kind": p.kind,
        }
    raise Invalid("unknown_action", _("未知的操作。"))


# What each small form of the setup page shows: empty at first, and after a refusal what the
# person typed (the password excepted), so that they correct one field instead of starting again.
FORM_FIELDS = {
    "department": ("code", "name"),
    "window": ("number", "name", "kind"),
    "staff": ("username", "name", "department", "title"),
    "post": ("window", "staff", "kind", "start"),
}
FORM_LISTS = {"window": ("departments",), "staff": ("roles",)}


def _forms(posted=None) -> dict:
    forms = {
        action: {**dict.fromkeys(fields, ""), **dict.fromkeys(FORM_LISTS.get(action, ()), [])}
        for action, fields in FORM_FIELDS.items()
    }
    forms["post"]["start"] = clock.today().isoformat()
    action = posted.get("action") if posted is not None else None
    if action in forms:
        forms[action].update({f: posted.get(f, "").strip() for f in FORM_FIELDS[action]})
        forms[action].update({f: posted.getlist(f) for f in FORM_LISTS.get(action, ())})
    return forms


@login_required
def center_setup(request, code: str):
    """The center's departments, windows with today's A and B posts and staff, and a form for each."""
    try:
        center = selectors.get_center(code)
    except DomainError:
        raise Http404 from None
    if not access.has_role(request.user, center, *access.CONFIGURERS):
        raise PermissionDenied(_("只有本中心或上级中心的系统管理员、中心主任可以设置中心。"))
    imported = None
    forms = _forms()
    if request.method == "POST" and request.POST.get("action") == "import":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise Invalid("file_required", _("请选择要导入的人员名单（.xlsx）。"))
            imported = staff_excel.import_file(actor=request.user, center=center, file=upload)
        except staff_excel.ImportRefused as exc:
            messages.error(request, _("人员名单有 %(n)s 处错误，未保存任何内容：") % {"n": len(exc.errors)})
            imported = {"errors": [str(e) for e in exc.errors]}
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已导入 %(d)s 个科室、%(w)s 个窗口、%(s)s 名工作人员、%(p)s 个岗位。")
                % {
                    "d": imported["departments"],
                    "w": imported["windows"],
                    "s": imported["staff"],
                    "p": imported["posts"],
                },
            )
    elif request.method == "POST":
        try:
            done = _act(request, center)
        except DomainError as exc:
            messages.error(request, exc.message)
            forms = _forms(request.POST)
        else:
            messages.success(request, done)
            return redirect("center_setup", code=center.code)
    context = {
        "imported": imported,
        "center": center,
        "departments": list(center.departments.all()),
        "windows": selectors.windows_with_holders(center, clock.today()),
        "staff": [
            {**s, "role_labels": [Role(r).label for r in s["roles"]]}
            for s in selectors.staff_with_roles(center)
        ],
        "people": list(Staff.objects.filter(center=center, active=True).order_by("id")),
        "roles": [(r.value, r.label) for r in ROLES],
        "kinds": Window.Kind.choices,
        "forms": forms,
        "is_sysadmin": access.has_role(request.user, center, Role.SYSADMIN),
        # The policy is edited in the configuration pages, open to administrators who have them.
        "edits_policy": request.user.is_staff and access.has_role(request.user, center, Role.SYSADMIN),
    }
    return render(request, "org/center_setup.html", context)
