from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "servicehall.assessment"
    label = "assessment"
    verbose_name = _("考核评比")

    def ready(self):
        # Register this app's protocols here (core.registry): "todo", "facts", "board", "menu", "demo".
        pass
