from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "servicehall.tickets"
    label = "tickets"
    verbose_name = _("排队叫号")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from servicehall.core import registry
        from servicehall.org.api import WINDOW_DETAIL_PROVIDERS
        from servicehall.org.models import Center, Policy, Window
        from servicehall.tickets.models import Line
        from servicehall.tickets.selectors import forget_config, todo_items, window_details

        WINDOW_DETAIL_PROVIDERS.append(window_details)
        registry.register("todo", todo_items)  # 我的待办: home visits assigned, appointments to serve
        for model in (Line, Window, Center, Policy):
            post_save.connect(forget_config, sender=model, dispatch_uid=f"forget_config_{model.__name__}")
            post_delete.connect(
                forget_config, sender=model, dispatch_uid=f"forget_config_del_{model.__name__}"
            )
