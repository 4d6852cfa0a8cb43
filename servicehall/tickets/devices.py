"""Hall devices (kiosk, display) without a staff login: a device token or an allowed address,
and a simple rate limit per device (Django's cache; with the default local-memory cache each
worker counts for itself).

A token comes in the ``X-Device-Token`` header or the ``token`` query parameter. Look-ups are
kept in this process for ``DEVICE_CACHE_SECONDS`` (a display polls every second): a revoked
token stops working in this process at once and in the other workers within that time.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from servicehall.core import clock
from servicehall.core.errors import DomainError, Forbidden
from servicehall.core.memo import Kept
from servicehall.core.request_context import ip_of
from servicehall.tickets.models import Device

DEVICE_CACHE_SECONDS = 30


class TooManyRequests(DomainError):
    status = 429

    def __init__(self):
        super().__init__("too_many_requests", "请求过于频繁，请稍后再试。")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(request) -> str:
    return request.META.get("HTTP_X_DEVICE_TOKEN") or request.GET.get("token") or ""


_devices = Kept(DEVICE_CACHE_SECONDS)


def forget() -> None:
    """After a change to the devices: look them up again (this process; others within the TTL)."""
    _devices.forget()


def _lookup(center_code: str, token: str, address: str, kinds: tuple[str, ...]) -> Device | None:
    """By token: that device, whatever its kind. By address: a device of one of ``kinds`` there."""
    value = digest(token) if token else address
    kinds = () if token else kinds

    def load():
        devices = Device.objects.filter(center__code=center_code, voided_at__isnull=True)
        devices = devices.filter(token_hash=value) if token else devices.filter(address=value)
        if kinds:
            devices = devices.filter(kind__in=kinds)
        return devices.select_related("center").order_by("kind").first()

    return _devices.get((center_code, value, kinds), load)


def limited(key: str) -> bool:
    """Count one request for ``key``; True when it is over ``DEVICE_RATE_LIMIT`` in this period."""
    count, seconds = settings.DEVICE_RATE_LIMIT
    bucket = f"tickets:rate:{key}:{int(clock.now().timestamp() // seconds)}"
    try:
        return cache.incr(bucket) > count
    except ValueError:  # the period's first request
        cache.add(bucket, 1, seconds + 1)
        return False


def device_of(request, center_code: str, *kinds: str) -> Device | None:
    """The center's device making this request (by token, else by address), rate-limited;
    None when the request carries no token and comes from no registered address.

    A token of another center, or of a device that may not do this, is refused (403).
    """
    token = token_of(request)
    address = ip_of(request)
    device = _lookup(center_code, token, address, kinds)
    if device is None:
        if token:
            raise Forbidden("设备令牌无效或已停用。", code="device_refused")
        return None
    if kinds and device.kind not in kinds:
        raise Forbidden(f"{device.get_kind_display()}不能执行此操作。", code="device_refused")
    if limited(f"{device.pk}:{address}"):
        raise TooManyRequests()
    return device
