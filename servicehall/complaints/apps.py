from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "servicehall.complaints"
    label = "complaints"
    verbose_name = _("投诉处理")

    def ready(self):
        from servicehall.complaints import demo, selectors
        from servicehall.core import registry

        registry.register("todo", selectors.todo_items)  # complaints to answer, explanations asked, the box
        registry.register("facts", selectors.conduct_facts)  # CMP-7, INQ-3
        registry.register("board", selectors.board_notes)  # a day with no box opening; overdue complaints
        registry.register("menu", selectors.menu_links)
        registry.register("demo", demo.load)
