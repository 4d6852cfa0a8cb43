from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "servicehall.complaints"
    label = "complaints"
    verbose_name = _("投诉处理")

    def ready(self):
        # Register this app's protocols here (core.registry): "todo", "facts", "board", "menu", "demo".
        pass
