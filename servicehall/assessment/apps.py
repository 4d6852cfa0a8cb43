from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "servicehall.assessment"
    label = "assessment"
    verbose_name = _("考核评比")

    def ready(self):
        from servicehall.assessment import menu, selectors
        from servicehall.core import registry

        registry.register("facts", selectors.own_provider)
        registry.register("board", selectors.board_notes)
        registry.register("todo", selectors.todo_items)
        registry.register("menu", menu.menu_links)
        registry.register("demo", menu.demo_load)
