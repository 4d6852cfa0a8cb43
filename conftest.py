"""Fixtures the whole suite shares."""

import uuid

import pytest
from django.db import connection
from hypothesis import settings as hypothesis_settings

from servicehall.core.db import install_audit_guards, remove_audit_guards

# Property tests judge answers, never time: a loaded CI machine must not fail an example for
# taking longer than Hypothesis's default 200 ms deadline.
hypothesis_settings.register_profile("servicehall", deadline=None)
hypothesis_settings.load_profile("servicehall")

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_anchor_dir(tmp_path_factory):
    """Each test's signed audit anchors go to a directory of its own (made only if written)."""
    from django.conf import settings

    kept = settings.AUDIT_ANCHOR_DIR
    settings.AUDIT_ANCHOR_DIR = tmp_path_factory.getbasetemp() / f"anchors-{uuid.uuid4().hex}"
    yield
    settings.AUDIT_ANCHOR_DIR = kept


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request in English leaves English active in the thread (the locale middleware activates
    a language and nothing deactivates it); the next test on the worker must start in the
    product's own language, whatever ran before it."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


def _calendar_seeded_again_after_a_flush():
    """The calendar's migration seeds 2004-2099; a transactional test's flush empties it, and a
    later test on the same worker would find no calendar. Seeded again here, committed, outside
    any test's transaction (one cheap look when nothing was flushed)."""
    from servicehall.workdays import services

    services._ensure_seeded()


@pytest.fixture(autouse=True)
def _audit_guards(request):
    """Every database test runs with the audit table append-only, as in production.

    Transactional tests (threads, live servers) empty the database afterwards with DELETE or
    TRUNCATE, which the guards refuse; for those throw-away rows the guards are lifted after
    the test and before the flush (this fixture is torn down before transactional_db).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not (DB_FIXTURES & set(request.fixturenames) or marker):
        yield
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        _calendar_seeded_again_after_a_flush()
    request.getfixturevalue("transactional_db" if transactional else "db")
    from servicehall.workdays import cache

    cache.forget()  # a calendar stamp kept from an earlier test's database
    install_audit_guards(connection)
    yield
    if transactional:
        remove_audit_guards(connection)


@pytest.fixture
def demo(db):
    """The demo organisation (ORG-8): county → Kaiyuan → Xiangfeng, with the staff of 004."""
    from servicehall.org import demo as org_demo

    org_demo.load()
    from servicehall.org.models import Center
    from servicehall.tickets.selectors import forget_config

    forget_config()  # lines and windows kept by an earlier test are not this database's

    return Center.objects.get(code="kaiyuan")


@pytest.fixture
def halls(demo):
    """The five demo halls (ORG-1, ORG-8): Kaiyuan as in ``demo`` and the four other halls with
    their departments, windows, staff and every ORG-7 role; a dict of the centers by code.
    Catalogs and lines are not loaded here (``load_demo`` loads them)."""
    from servicehall.org import demo_halls
    from servicehall.org.models import Center

    demo_halls.load()
    return {c.code: c for c in Center.objects.select_related("policy")}


@pytest.fixture
def user_named():
    from django.contrib.auth import get_user_model

    def get(username):
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def login(client, user_named):
    """Log the test client in as a demo user by name."""

    def as_user(username):
        client.force_login(user_named(username))
        return client

    return as_user


@pytest.fixture
def bearer(client):
    """Headers for an API call with a fresh token of a demo user."""

    def for_user(username, password="Demo@2026"):
        response = client.post(
            "/api/v1/auth/token",
            {"username": username, "password": password},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return for_user


FUZZED = "tests/api/test_fuzz.py::test_api_operation_passes_every_check["


def pytest_terminal_summary(terminalreporter):
    """Say in the log how many API operations the fuzz test ran (each operation is a test of its own)."""
    outcomes = {
        name: sum(
            1 for r in terminalreporter.stats.get(name, []) if getattr(r, "nodeid", "").startswith(FUZZED)
        )
        for name in ("passed", "failed", "skipped")
    }
    if any(outcomes.values()):
        ran = outcomes["passed"] + outcomes["failed"]
        terminalreporter.write_line(
            f"API fuzz: {ran} operations fuzzed with schemathesis's checks "
            f"({outcomes['passed']} passed, {outcomes['failed']} failed, {outcomes['skipped']} skipped)"
        )
