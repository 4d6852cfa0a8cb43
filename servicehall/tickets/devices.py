"""Hall devices (kiosk, display) without a staff login: a device token or an allowed address,
and a simple rate limit per device (Django's cache; each worker counts for itself).

A token comes in the ``X-Device-Token`` header or the ``token`` query parameter. Lookups are
cached for ``DEVICE_CACHE_SECONDS``: a revoked token stops working in this process at once
and in the other workers within that time.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from servicehall.core import clock
from servicehall.core.errors import DomainError, Forbidden
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


def _cache_key(center_code: str, value: str, kinds: tuple[str, ...]) -> str:
    return f"tickets:device:{center_code}:{value}:{','.join(kinds)}"


def forget(device: Device) -> None:
    """Drop the cached look-ups of this device's token and address (after a change)."""
    combos = [(), *((kind,) for kind in Device.Kind.values)]
    cache.delete_many(
        [
            _cache_key(device.center.code, value, kinds)
            for value in (device.token_hash, device.address or "")
            for kinds in combos
        ]
    )


def _lookup(center_code: str, token: str, address: str, kinds: tuple[str, ...]) -> Device | None:
    """By token: that device, whatever its kind. By address: a device of one of ``kinds`` there."""
    value = digest(token) if token else address
    kinds = () if token else kinds
    key = _cache_key(center_code, value, kinds)
    found = cache.get(key)
    if found is None:
        devices = Device.objects.filter(center__code=center_code, voided_at__isnull=True)
        devices = devices.filter(token_hash=value) if token else devices.filter(address=value)
        if kinds:
            devices = devices.filter(kind__in=kinds)
        found = devices.select_related("center").order_by("kind").first() or False
        cache.set(key, found, DEVICE_CACHE_SECONDS)
    return found or None


def limited(key: str) -> bool:
    """Count one request for ``key``; True when it is over ``DEVICE_RATE_LIMIT`` in this period."""
    count, seconds = settings.DEVICE_RATE_LIMIT
    bucket = f"tickets:rate:{key}:{int(clock.now().timestamp() // seconds)}"
    if cache.add(bucket, 1, seconds + 1):
        return False
    try:
        return cache.incr(bucket) > count
    except ValueError:  # expired between add and incr
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
