"""What each role may open, for the workbench and the top menu of every staff page.

A link is shown only to the roles whose page accepts them: the menu never offers a page that
answers "no".
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servicehall.core import clock, registry
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Center

# Where each role works, in the order a person reaches for them (URL name, argument, label, roles).
WORK = [
    ("tickets:index", None, _("叫号"), {Role.WINDOW_STAFF}),
    ("cases:intake", None, _("受理办件"), {Role.WINDOW_STAFF}),
    ("cases:mine", None, _("我的办件"), {Role.WINDOW_STAFF}),
    ("cases:visits", "center", _("来访来电登记"), {Role.WINDOW_STAFF, Role.DIRECTOR, Role.DUTY_OFFICER}),
    (
        "cases:supervision",
        "code",
        _("电子监察"),
        {Role.DIRECTOR, Role.SUPERVISOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER},
    ),
    (
        "catalog:items",
        "code",
        _("事项目录"),
        {Role.DIRECTOR, Role.DEPARTMENT_HEAD, Role.WINDOW_STAFF, Role.SYSADMIN},
    ),
    ("tickets:statistics", "code", _("排队统计"), {Role.DIRECTOR, Role.SUPERVISOR}),
    ("workdays:year", "year", _("工作日历"), {Role.DIRECTOR, Role.SYSADMIN}),
    ("public:home", "code", _("公开页面"), set(Role.values)),
]


@dataclass(frozen=True)
class MenuLink:
    """An app's page in the top menu (the ``"menu"`` protocol of ``core.registry``). ``arg`` is
    how the URL takes the center: None (no argument), "code" (``code=``), "center"
    (``?center=``) or "year" (``code=`` and the current ``year=``)."""

    url_name: str
    arg: str | None
    label: str
    roles: frozenset


def entries() -> list[tuple]:
    """The menu: the first half's pages, then each later app's, in the order apps register."""
    later = [
        (link.url_name, link.arg, link.label, set(link.roles))
        for provider in registry.providers("menu")
        for link in provider()
    ]
    return WORK + later


def work_links(center, roles: set[str]) -> list[dict]:
    links = []
    for name, arg, label, allowed in entries():
        if not roles & allowed:
            continue
        if arg == "year":
            url = reverse(name, kwargs={"code": center.code, "year": clock.today().year})
        elif arg == "code":
            url = reverse(name, kwargs={"code": center.code})
        elif arg == "center":
            url = f"{reverse(name)}?center={center.code}"
        else:
            url = reverse(name)
        links.append({"url": url, "label": label, "name": name})
    return links


def links_for(user, center, roles: set[str]) -> list[dict]:
    """The person's work in one center, the audit log and the configuration included."""
    links = work_links(center, roles)
    if Role.AUDITOR in roles:
        links.append({"url": reverse("audit"), "label": _("审计日志"), "name": "audit"})
    if Role.SYSADMIN in roles:
        links.append({"url": reverse("accounts"), "label": _("账号管理"), "name": "accounts"})
    if roles & set(access.CONFIGURERS):
        # The setup page takes a director as well as an administrator (departments, windows,
        # staff and posts of their own center), so both find it in the menu.
        links.append(
            {
                "url": reverse("center_setup", args=[center.code]),
                "label": _("中心设置"),
                "name": "center_setup",
            }
        )
    if Role.SYSADMIN in roles and user.is_staff:
        links.append({"url": reverse("admin:index"), "label": _("系统配置"), "name": "admin:index"})
    return links


# Center codes never change (the admin keeps them read-only): kept for the process, so the menu
# of every page costs no query beyond the person's roles, which the page's own checks share.
_codes: dict[int, str] = {}


def _code(center_id: int) -> str:
    if center_id not in _codes:
        _codes.update(Center.objects.values_list("id", "code"))
    return _codes[center_id]


def top_menu(user, path: str = "") -> list[dict]:
    """The top menu: the work of the first center the person holds a role in (the workbench
    lists every center), the link of the page being shown marked active.

    The roles come from the same per-request cache as ``access.roles_in`` (one query, shared
    with the page's own checks). The first center is the one with the lowest id, as in
    ``access.centers_of``: centers are made top-down, so no center above it holds a role of
    the person's."""
    if user is None or not user.is_authenticated:
        return []
    cache = access.held_roles(user)
    if not cache:
        return []
    first = min(cache)
    links = links_for(user, SimpleNamespace(pk=first, code=_code(first)), set(cache[first]))
    for link in links:
        target = link["url"].split("?")[0]
        link["active"] = bool(path) and target != "/" and path.startswith(target)
    return links
