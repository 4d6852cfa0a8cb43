from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "servicehall.ratings"
    label = "ratings"
    verbose_name = _("评价与回访")

    def ready(self):
        # Register this app's protocols here (core.registry): "todo", "facts", "board", "menu", "demo".
        pass
