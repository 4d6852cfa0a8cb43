"""Who is asking and from where, for the audit log, set once per request by middleware."""

from contextvars import ContextVar

from django.conf import settings

client_ip: ContextVar[str] = ContextVar("client_ip", default="")


def ip_of(request) -> str:
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get(header, "")
        if value:
            return value.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


class ClientIpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(ip_of(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
