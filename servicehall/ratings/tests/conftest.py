"""Kaiyuan's queue with windows to serve at, and a helper that finishes a ticket at a window."""

import pytest

from servicehall.core import clock
from servicehall.org.models import Window

MONDAY = "2026-11-23T09:30"  # a working day, the hall open


@pytest.fixture
def queue(demo):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.tickets import demo as tickets_demo

    catalog_demo.load()
    tickets_demo.load()
    return demo


@pytest.fixture
def monday():
    with clock.freeze(MONDAY):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from servicehall.ratings import devices as rating_devices
    from servicehall.tickets import devices, selectors

    cache.clear()
    devices.forget()
    rating_devices.forget()
    selectors.forget_display_versions()
    selectors.forget_config()
    yield
    cache.clear()
    rating_devices.forget()


@pytest.fixture
def window():
    def get(number, center="kaiyuan"):
        return Window.objects.select_related("center__policy", "center__parent").get(
            center__code=center, number=number
        )

    return get


@pytest.fixture
def clerk_of():
    from servicehall.org.selectors import posts_on

    def get(w, kind="A"):
        return posts_on(clock.today()).get(window=w, kind=kind).staff.user

    return get


@pytest.fixture
def finish(window, clerk_of):
    """Take a ticket, call it at window ``number`` (opened by its A post), serve and finish it."""
    from servicehall.tickets import selectors, services
    from servicehall.tickets.models import Ticket, WindowState

    def run(number=1, prefix="A"):
        w = window(number)
        clerk = clerk_of(w)
        state = WindowState.objects.filter(window=w).first()
        if state is None or state.state == "closed":
            services.window_action(actor=clerk, window=w, action="open")
        line = selectors.get_line(w.center, prefix)
        ticket = services.ticket_take(actor=None, line=line, green_channel=None)
        called = services.ticket_call(actor=clerk, window=w, ticket=ticket, reason="测试")
        services.ticket_start(actor=clerk, ticket=called)
        return services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=called.pk))

    return run
