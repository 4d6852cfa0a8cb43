from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "servicehall.duty"
    label = "duty"
    verbose_name = _("值班请假与考勤")

    def ready(self):
        # Register this app's protocols here (core.registry): "todo", "facts", "board", "menu", "demo".
        pass
