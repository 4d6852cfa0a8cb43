from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "servicehall.duty"
    label = "duty"
    verbose_name = _("值班请假与考勤")

    def ready(self):
        from servicehall.core import registry
        from servicehall.duty import demo, selectors, views

        registry.register("todo", selectors.todo_items)  # leave steps, covers to confirm, the duty day
        registry.register("facts", selectors.conduct_facts)  # late, early, absent, uncovered days
        registry.register("board", selectors.board_notes)  # windows left uncovered by approved leave
        registry.register("menu", views.menu_links)
        registry.register("demo", demo.load)
