"""Rating devices (评价器): a tablet or counter screen bound to one window, without a staff login.

Like the kiosk (``tickets.devices``): the administrator registers it for a window and is shown its
token once (only a hash is kept); the device's browser is enrolled at ``/ratings/devices/enrol/``
and keeps the token in a cookie (``RATER_COOKIE``), which counts for reads only on the API; a
program sends ``X-Device-Token``. Development only (``DEVICE_LOOPBACK``): a rating device
registered at a loopback address is recognised from that address without a token.
"""

import ipaddress

from django.conf import settings
from django.utils.translation import gettext

from servicehall.core.errors import Forbidden
from servicehall.core.memo import Kept
from servicehall.core.request_context import ip_of
from servicehall.ratings.models import RatingDevice
from servicehall.ratings.services import device_digest
from servicehall.tickets.devices import READS, TooManyRequests, limited

RATER_COOKIE = "servicehall_rater"
COOKIE_SECONDS = 5 * 365 * 24 * 3600
_devices = Kept(30)

__all__ = ["RatingDevice", "TooManyRequests", "device_of", "enrol", "forget", "token_of"]


def forget() -> None:
    _devices.forget()


def token_of(request) -> str:
    token = request.META.get("HTTP_X_DEVICE_TOKEN", "")
    if token or (request.path.startswith("/api/") and request.method not in READS):
        return token
    return request.COOKIES.get(RATER_COOKIE, "")


def enrol(response, token: str) -> None:
    response.set_cookie(
        RATER_COOKIE,
        token,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def by_token(token: str) -> RatingDevice | None:
    def load():
        return (
            RatingDevice.objects.filter(token_hash=device_digest(token), voided_at__isnull=True)
            .select_related("window__center", "center")
            .first()
        )

    return _devices.get(("token", device_digest(token)), load)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def device_of(request, window_id) -> RatingDevice | None:
    """The rating device making this request, bound to ``window_id`` (when given); None without a
    token (or, in development, a loopback device of that window). A token of another window,
    revoked, or used from elsewhere than the registered address is refused (403)."""
    token = token_of(request)
    if token:
        device = by_token(token)
        if device is None:
            raise Forbidden(gettext("评价器令牌无效或已停用。"), code="device_refused")
        if device.address and ip_of(request) != device.address:
            raise Forbidden(gettext("此评价器令牌只能在登记的设备地址上使用。"), code="device_refused")
    else:
        remote = request.META.get("REMOTE_ADDR", "")
        if not (settings.DEVICE_LOOPBACK and _loopback(remote) and window_id):
            return None
        device = _devices.get(
            ("loopback", str(window_id)),
            lambda: (
                RatingDevice.objects.filter(
                    window_id=window_id, address__isnull=False, voided_at__isnull=True
                )
                .select_related("window__center", "center")
                .first()
            ),
        )
        if device is None or not _loopback(device.address or ""):
            return None
    if window_id is not None and str(device.window_id) != str(window_id):
        raise Forbidden(gettext("这台评价器不属于这个窗口。"), code="device_refused")
    if limited(f"rater:{device.pk}:{ip_of(request)}"):
        raise TooManyRequests()
    return device
