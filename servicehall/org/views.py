from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from servicehall.core import clock
from servicehall.core.roles import Role
from servicehall.org import access, selectors

SEES_WINDOWS = {
    Role.DIRECTOR,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SUPERVISOR,
    Role.SYSADMIN,
    Role.DUTY_OFFICER,
    Role.DEPARTMENT_HEAD,
}


# Where each role works, in the order a person reaches for them (URL name, label, roles).
WORK = [
    ("tickets:index", None, "叫号", {Role.WINDOW_STAFF}),
    ("cases:intake", None, "受理办件", {Role.WINDOW_STAFF}),
    ("cases:mine", None, "我的办件", {Role.WINDOW_STAFF}),
    ("cases:visits", None, "来访来电登记", {Role.WINDOW_STAFF, Role.DIRECTOR, Role.DUTY_OFFICER}),
    (
        "cases:supervision",
        "code",
        "电子监察",
        {Role.DIRECTOR, Role.SUPERVISOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER},
    ),
    (
        "catalog:items",
        "code",
        "事项目录",
        {Role.DIRECTOR, Role.DEPARTMENT_HEAD, Role.WINDOW_STAFF, Role.SYSADMIN},
    ),
    ("tickets:statistics", "code", "排队统计", {Role.DIRECTOR, Role.SUPERVISOR}),
    ("workdays:year", "year", "工作日历", {Role.DIRECTOR, Role.SYSADMIN}),
    ("public:home", "code", "公开页面", set(Role.values)),
]


def work_links(center, roles: set[str]) -> list[dict]:
    links = []
    for name, arg, label, allowed in WORK:
        if not roles & allowed:
            continue
        kwargs = (
            {"code": center.code, "year": clock.today().year}
            if arg == "year"
            else ({"code": center.code} if arg else {})
        )
        links.append({"url": reverse(name, kwargs=kwargs), "label": label})
    return links


@login_required
@require_GET
def home(request):
    """The workbench: per center, the person's roles and what each role looks after."""
    today = clock.today()
    memberships = []
    for center in access.centers_of(request.user):
        roles = access.roles_in(request.user, center)
        links = work_links(center, roles)
        if Role.AUDITOR in roles:
            links.append({"url": reverse("audit"), "label": "审计日志"})
        if Role.SYSADMIN in roles and request.user.is_staff:
            links.append({"url": reverse("admin:index"), "label": "系统配置"})
        windows = selectors.windows_with_holders(center, today) if roles & SEES_WINDOWS else None
        if windows is None and Role.WINDOW_STAFF in roles:
            windows = [
                w
                for w in selectors.windows_with_holders(center, today)
                if request.user.pk
                in {getattr(w.holder_a, "user_id", None), getattr(w.holder_b, "user_id", None)}
            ]
        memberships.append(
            {
                "center": center,
                "roles": [Role(r).label for r in sorted(roles)],
                "windows": windows,
                "links": links,
            }
        )
    return render(request, "core/home.html", {"memberships": memberships, "today": today})
