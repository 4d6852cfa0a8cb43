from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicehall.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self):
        from servicehall.core import auth  # noqa: F401  (the login, logout and password signals)
