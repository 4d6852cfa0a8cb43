"""This app's pages in the top menu, and its part of the demo halls."""

from django.utils.translation import gettext_lazy as _

from servicehall.core.roles import HALL_ROLES, Role
from servicehall.org.menu import MenuLink

LEADERS = frozenset(
    {Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER, Role.SUPERVISOR, Role.DEPARTMENT_HEAD}
)


def menu_links() -> list[MenuLink]:
    return [
        MenuLink("assessment:month", "code", _("月度考评"), LEADERS),
        MenuLink("assessment:mine", None, _("我的考评"), frozenset({Role.WINDOW_STAFF})),
        MenuLink("assessment:awards", "code", _("评比表彰"), HALL_ROLES),
        MenuLink(
            "assessment:conduct", "code", _("日常考核台账"), frozenset({Role.DUTY_OFFICER, Role.DIRECTOR})
        ),
        MenuLink(
            "assessment:supervision",
            "code",
            _("督查与现场办公"),
            frozenset({Role.SUPERVISOR}),
        ),
    ]


def demo_load() -> bool:
    from servicehall.assessment import demo

    return demo.load()
