"""The audit chain's HMAC key: from the environment or a key file (settings.AUDIT_KEY), never the database."""

from django.conf import settings


def key() -> bytes:
    return settings.AUDIT_KEY.encode("utf-8")
