from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "servicehall.training"
    label = "training"
    verbose_name = _("学习培训")

    def ready(self):
        from servicehall.core import registry
        from servicehall.core.roles import HALL_ROLES
        from servicehall.org.menu import MenuLink
        from servicehall.training import demo, selectors
        from servicehall.training.services import ORGANISERS

        registry.register("todo", selectors.todo_with_hours)  # sessions ahead, hours behind, approvals
        registry.register("facts", selectors.conduct_facts)  # TRN-3: unexcused absences
        registry.register("board", selectors.board_notes)  # TRN-1/2: months without a session
        registry.register("menu", menu_links)
        registry.register("demo", demo.load)
        self.links = [
            MenuLink("training:center", "code", _("学习培训"), frozenset(ORGANISERS)),
            MenuLink("training:mine", None, _("我的学习"), HALL_ROLES),
        ]


def menu_links():
    from django.apps import apps

    return apps.get_app_config("training").links
