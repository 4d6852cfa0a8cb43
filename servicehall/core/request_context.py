"""Who is asking and from where, for the audit log, set once per request by middleware."""

import ipaddress
from contextvars import ContextVar
from functools import cache

from django.conf import settings

client_ip: ContextVar[str] = ContextVar("client_ip", default="")


@cache
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    """Is ``address`` one of settings.TRUSTED_PROXIES (an address or a network)?"""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def ip_of(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or ``CLIENT_IP_HEADER`` when the request comes
    from a trusted proxy. The header's last address that is not a trusted proxy is the one the
    proxies saw (a client can put anything before it, never after)."""
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.CLIENT_IP_HEADER
    if header and _trusted(remote):
        hops = [hop.strip() for hop in request.META.get(header, "").split(",") if hop.strip()]
        for hop in reversed(hops):
            if not _trusted(hop):
                return hop
        if hops:
            return hops[0]
    return remote


class ClientIpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_of(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
