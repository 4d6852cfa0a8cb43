"""The Kaiyuan queue: lines A, B, C on the demo organisation, and helpers to drive windows."""

import pytest

from servicehall.core import clock
from servicehall.org.models import Window

MONDAY = "2026-11-23T09:30"  # a working day, winter hours 08:00–12:00, 14:30–17:30


@pytest.fixture
def queue(demo):
    from servicehall.tickets import demo as tickets_demo

    tickets_demo.load()
    return demo


@pytest.fixture
def monday():
    with clock.freeze(MONDAY):
        yield


@pytest.fixture
def window():
    def get(number, center="kaiyuan"):
        return Window.objects.select_related("center__policy", "center__parent").get(
            center__code=center, number=number
        )

    return get


@pytest.fixture
def opened(window, user_named):
    """Open window ``number`` as its A post holder; returns the window."""
    from servicehall.org.selectors import posts_on
    from servicehall.tickets import services

    def open_(number):
        w = window(number)
        holder = posts_on(clock.today()).get(window=w, kind="A").staff.user
        services.window_action(actor=holder, window=w, action="open")
        return w

    return open_


@pytest.fixture
def holder(user_named):
    """The user holding post ``kind`` of a window today."""
    from servicehall.org.selectors import posts_on

    def get(w, kind="A"):
        return posts_on(clock.today()).get(window=w, kind=kind).staff.user

    return get


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Device look-ups, the kept lines, the display version memo and rate-limit counters live
    in the process: every test starts without them."""
    from django.core.cache import cache

    from servicehall.tickets import devices, selectors

    cache.clear()
    devices.forget()
    selectors.forget_display_versions()
    selectors.forget_config()
    yield
    cache.clear()
    devices.forget()
