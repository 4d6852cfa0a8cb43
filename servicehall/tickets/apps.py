from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "servicehall.tickets"
    label = "tickets"
    verbose_name = _("排队叫号")

    def ready(self):
        from servicehall.org.api import WINDOW_DETAIL_PROVIDERS
        from servicehall.tickets.selectors import window_details

        WINDOW_DETAIL_PROVIDERS.append(window_details)
