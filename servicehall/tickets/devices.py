"""Hall devices (kiosk, display) without a staff login: each carries its token, and a simple
rate limit applies per device (Django's cache; with the default local-memory cache each worker
counts for itself).

The administrator registers a device on the center's 大厅设备 page and is shown its token once
(only a hash is kept); the device's browser is enrolled at ``/tickets/<center>/devices/enroll/``
with that token and keeps it in a cookie (``DEVICE_COOKIE``); a program sends it in the
``X-Device-Token`` header instead. Revoking the device stops the token. A token never travels
in a URL (URLs land in access logs). A device registered with an address works only from
there (``request_context.ip_of``: a proxy's header counts only from ``TRUSTED_PROXIES``).

On the API the cookie counts only for reads (the display's polling): a browser sends its
cookies with any request a page makes, so a device writes over the API with the header.

Development only (``DEVICE_LOOPBACK``, refused in production): a device registered at a
loopback address is recognised without a token from a connection that really comes from that
address, so ``make demo`` shows its kiosk and display on the same machine.

Look-ups are kept in this process for ``DEVICE_CACHE_SECONDS`` (a display polls every second):
a revoked token stops working in this process at once and in the other workers within that time.
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext

from servicehall.core import clock
from servicehall.core.errors import DomainError, Forbidden
from servicehall.core.memo import Kept
from servicehall.core.request_context import ip_of
from servicehall.tickets.models import Device

DEVICE_CACHE_SECONDS = 30
DEVICE_COOKIE = "servicehall_device"
DEVICE_COOKIE_SECONDS = 5 * 365 * 24 * 3600  # a kiosk is enrolled once; revoking ends it
READS = ("GET", "HEAD", "OPTIONS")


class TooManyRequests(DomainError):
    status = 429

    def __init__(self):
        super().__init__("too_many_requests", "请求过于频繁，请稍后再试。")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(request) -> str:
    """The device token of the request: its header, else its enrolment cookie (on the API, for
    reads only)."""
    token = request.META.get("HTTP_X_DEVICE_TOKEN", "")
    if token or (request.path.startswith("/api/") and request.method not in READS):
        return token
    return request.COOKIES.get(DEVICE_COOKIE, "")


def enrol(response, token: str) -> None:
    """The device's browser keeps its token: a cookie no script reads, sent to this site only."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_COOKIE_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


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


def _same_address(a: str, b: str) -> bool:
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return False


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def by_token(request, center_code: str, token: str) -> Device:
    """The center's live device with this token, used from its registered address (if any)."""
    device = _lookup(center_code, token, "", ()) if token else None
    if device is None:
        raise Forbidden(gettext("设备令牌无效或已停用。"), code="device_refused")
    if device.address and not _same_address(device.address, ip_of(request)):
        raise Forbidden(gettext("此设备令牌只能在登记的设备地址上使用。"), code="device_refused")
    return device


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
    """The center's device making this request (by its token; in development also a loopback
    device), rate-limited; None when the request carries no token.

    A token of another center, revoked, used from elsewhere than the device's registered
    address, or of a device that may not do this, is refused (403).
    """
    token = token_of(request)
    if token:
        device = by_token(request, center_code, token)
    else:
        remote = request.META.get("REMOTE_ADDR", "")  # the connection's own: never a header
        if not (settings.DEVICE_LOOPBACK and _loopback(remote)):
            return None
        device = _lookup(center_code, "", remote, kinds)
        if device is None:
            return None
    if kinds and device.kind not in kinds:
        raise Forbidden(gettext("%(value)s不能执行此操作。") % {"value": device.get_kind_display()}, code="device_refused")
    if limited(f"{device.pk}:{ip_of(request)}"):
        raise TooManyRequests()
    return device
