from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "servicehall.training"
    label = "training"
    verbose_name = _("学习培训")

    def ready(self):
        pass
