"""The client's address: a proxy's header counts only when the request comes from a trusted proxy."""

import pytest
from django.test import RequestFactory

from servicehall.core.request_context import ip_of


@pytest.fixture
def behind_proxy(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/24", "::1"]


def request(remote, header=None):
    meta = {"REMOTE_ADDR": remote}
    if header is not None:
        meta["HTTP_X_FORWARDED_FOR"] = header
    return RequestFactory().get("/", **meta)


def test_client_ip_header_is_honoured_only_from_a_trusted_proxy(behind_proxy):
    assert ip_of(request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    assert ip_of(request("::1", "203.0.113.7")) == "203.0.113.7"
    assert ip_of(request("198.51.100.9", "127.0.0.1")) == "198.51.100.9"  # a client's own header


def test_the_last_address_no_trusted_proxy_added_is_the_client(behind_proxy):
    # what the client wrote comes first; each proxy appends the address it saw
    assert ip_of(request("10.0.0.2", "127.0.0.1, 203.0.113.7, 10.0.0.5")) == "203.0.113.7"
    assert ip_of(request("10.0.0.2", "10.0.0.9")) == "10.0.0.9"  # only proxies: the first
    assert ip_of(request("10.0.0.2", "")) == "10.0.0.2"  # no header: the connection's


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXIES = []
    assert ip_of(request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
    settings.CLIENT_IP_HEADER = ""
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert ip_of(request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
