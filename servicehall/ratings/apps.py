from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "servicehall.ratings"
    label = "ratings"
    verbose_name = _("评价与回访")

    def ready(self):
        from servicehall.cases import hooks
        from servicehall.core import registry
        from servicehall.ratings import demo, hotline_views, selectors, views

        registry.register("todo", selectors.todo_items)  # revisits due, on the revisit officer's list
        registry.register("facts", selectors.conduct_facts)  # bad ratings found justified
        registry.register("satisfaction", selectors.satisfaction)  # ASM-3's citizen ratings
        registry.register("menu", views.menu_links)
        registry.register("menu", hotline_views.menu_links)  # 热线工单
        registry.register("demo", demo.load)
        # EVA-2: the SMS link after a case is completed (the completion's own transaction)
        hooks.add(hooks.COMPLETE_GUARDS, views.invite_on_completion)
        hooks.add(hooks.NOTICE_LINKS, views.notice_rating_link)  # EVA-2: the QR code on the notices
