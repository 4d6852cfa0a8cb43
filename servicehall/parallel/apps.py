from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParallelConfig(AppConfig):
    name = "servicehall.parallel"
    label = "parallel"
    verbose_name = _("并联审批")

    def ready(self):
        from servicehall.cases import hooks
        from servicehall.core import registry
        from servicehall.parallel import demo, selectors, services, views

        registry.register("todo", selectors.todo_items)
        registry.register("facts", selectors.conduct_facts)
        registry.register("board", selectors.board_notes)
        registry.register("demo", demo.load)
        hooks.add(hooks.DETAIL_PROVIDERS, selectors.detail)
        hooks.add(hooks.PAGE_PANELS, views.panel)
        hooks.add(hooks.URGE_HANDLERS, services.on_urge)
        hooks.add(hooks.ACCEPTED, services.on_accepted)
        hooks.add(hooks.ADVANCE_GUARDS, services.guard_advance)
        hooks.add(hooks.COMPLETE_GUARDS, services.guard_complete)
