from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParallelConfig(AppConfig):
    name = "servicehall.parallel"
    label = "parallel"
    verbose_name = _("并联审批")

    def ready(self):
        # Register this app's protocols here (core.registry): "todo", "facts", "board", "menu", "demo".
        pass
