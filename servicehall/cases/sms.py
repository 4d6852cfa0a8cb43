"""CAS-7: telling the applicant by SMS through a pluggable sender.

``settings.SERVICEHALL_SMS_SENDER`` names a class (dotted path) with ``send(*, phone, text,
reference)``. The default writes the message to the outbox table, inside the caller's
transaction, for a gateway to pick up; a deployment with an SMS gateway names its own class.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from servicehall.cases.models import OutboxMessage
from servicehall.core import clock

DEFAULT_SENDER = "servicehall.cases.sms.OutboxSender"


class OutboxSender:
    def send(self, *, phone: str, text: str, reference: str = "") -> None:
        OutboxMessage.objects.create(phone=phone, text=text, reference=reference, created_at=clock.now())


def send(*, phone: str, text: str, reference: str = "") -> None:
    sender = import_string(getattr(settings, "SERVICEHALL_SMS_SENDER", DEFAULT_SENDER))
    sender().send(phone=phone, text=text, reference=reference)
