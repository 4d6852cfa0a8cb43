from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "servicehall.workdays"
    label = "workdays"
    verbose_name = _("工作日与办公时间")

    def ready(self):
        from servicehall.workdays import cache

        # Not domain flow: the per-request memo of the calendar's version stamp (cache.py).
        request_started.connect(cache.request_started, dispatch_uid="workdays.request_started")
        request_finished.connect(cache.request_finished, dispatch_uid="workdays.request_finished")
