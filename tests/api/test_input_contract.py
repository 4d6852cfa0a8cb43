"""Bad input is a coded 4xx, never a 500, and the OpenAPI schema states what the code enforces.

Ids no database can hold, lone surrogates, oversized bodies, dates outside the calendar, sums of
money beyond any fee, loose line letters, JSON under another content type and anonymous writes.
"""

import json

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from servicehall.core import clock

BEYOND = 2**63  # one past the largest id PostgreSQL's bigint and SQLite's INTEGER hold
MONDAY = "2026-11-23T10:00"


@pytest.fixture
def hall(demo):
    from servicehall.catalog import demo as catalog_demo
    from servicehall.tickets import demo as tickets_demo

    catalog_demo.load()
    tickets_demo.load()
    with clock.freeze(MONDAY):
        yield demo


def post(client, url, body, headers, content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type=content_type, headers=headers)


def coded(response, status, code=None):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert {"code", "message"} <= set(body), body
    if code:
        assert body["code"] == code, body
    return body


# --- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, body",
    [
        (f"/api/v1/windows/{BEYOND}/call-next", None),
        (f"/api/v1/windows/{BEYOND}/open", None),
        (f"/api/v1/windows/{BEYOND}/pause", None),
        (f"/api/v1/windows/{BEYOND}/call", {"ticket": 1, "reason": "急"}),
        (f"/api/v1/tickets/{BEYOND}/start", None),
        (f"/api/v1/tickets/{BEYOND}/recall", None),
        (f"/api/v1/tickets/{BEYOND}/transfer", {"line": "B"}),
        (f"/api/v1/home-visits/{BEYOND}/outcome", {"outcome": "已办结"}),
        (f"/api/v1/windows/{10**30}/close", None),
    ],
)
def test_api_ids_no_database_can_hold_answer_404(hall, client, bearer, url, body):
    coded(post(client, url, body or {}, bearer("wangmanshu")), 404)


def test_api_ids_beyond_64_bits_in_a_body_are_refused(hall, client, bearer):
    auth = bearer("wangmanshu")
    window = hall.windows.order_by("number").first()
    coded(post(client, f"/api/v1/windows/{window.pk}/call", {"ticket": BEYOND, "reason": "急"}, auth), 400)
    ticket = post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth).json()
    coded(post(client, f"/api/v1/tickets/{ticket['id']}/transfer", {"window": BEYOND}, auth), 400)


@pytest.mark.parametrize("url", [f"/tickets/windows/{BEYOND}/", f"/tickets/kaiyuan/slip/{BEYOND}/"])
def test_pages_with_ids_no_database_can_hold_are_the_products_404(hall, login, url):
    response = login("wangmanshu").get(url)
    assert response.status_code == 404
    assert "找不到您要的页面" in response.content.decode()


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


def test_no_page_takes_an_unbounded_integer():
    """Pages take ids as <id:...> (bounded to 2^63 - 1), so one added later cannot overflow."""
    unbounded = [
        route
        for route, converters in _patterns(get_resolver())
        if any(type(c) is IntConverter for c in converters.values())
    ]
    assert unbounded == []


def test_every_integer_in_a_path_states_its_range(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", ()):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    assert parameter["schema"].get("maximum", BEYOND) < BEYOND, (method, path, parameter)
                    assert parameter["schema"].get("minimum", 0) >= 1, (method, path, parameter)


# --- text, size and content type ------------------------------------------------------------------


def test_lone_surrogate_in_the_token_username_is_a_coded_400(demo, client):
    body = '{"username": "\\ud800", "password": "x"}'
    coded(post(client, "/api/v1/auth/token", body, {}), 400, "invalid_text")


@pytest.mark.parametrize(
    "url, body",
    [
        (
            "/api/v1/visits",
            '{"center": "kaiyuan", "channel": "visit", "category": "consultation", "matter": "问\\ud800",'
            ' "outcome": "handled"}',
        ),
        (
            "/api/v1/centers/kaiyuan/home-visits",
            '{"name": "\\udfff张", "phone": "13800000000", "address": "开元路1号", "need": "办证", "age": 80}',
        ),
        ("/api/v1/cases/KAIYUAN-2026-000001/suspend", '{"reason": "等补正\\ud83d"}'),
    ],
)
def test_lone_surrogates_anywhere_are_a_coded_400_and_nothing_is_saved(hall, client, bearer, url, body):
    from servicehall.core.models import AuditEvent

    auth = bearer("wangmanshu")
    events = AuditEvent.objects.count()
    coded(post(client, url, body, auth), 400, "invalid_text")
    assert AuditEvent.objects.count() == events


def test_a_body_over_the_upload_limit_is_a_coded_413(demo, client, settings):
    body = json.dumps({"username": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10), "password": "x"})
    coded(post(client, "/api/v1/auth/token", body, {}), 413, "request_too_large")


def test_a_page_posted_a_body_over_the_limit_answers_the_products_400(demo, login, settings):
    data = {"matter": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    response = login("wangmanshu").post("/tickets/kaiyuan/services/", data)
    assert response.status_code == 400
    assert "无法处理这个请求" in response.content.decode()


def test_json_is_accepted_only_as_application_json(demo, client):
    body = json.dumps({"username": "wangmanshu", "password": "Demo@2026"})
    coded(
        post(client, "/api/v1/auth/token", body, {}, content_type="text/plain"), 415, "unsupported_media_type"
    )
    assert post(client, "/api/v1/auth/token", body, {}).status_code == 200


def test_anonymous_api_writes_answer_401_with_a_code(demo):
    anonymous = Client(enforce_csrf_checks=True)
    coded(anonymous.post("/api/v1/windows/1/open"), 401, "not_authenticated")
    coded(post(anonymous, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, {}), 401, "not_authenticated")


def test_a_session_write_without_its_csrf_token_is_a_coded_403(demo, user_named):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_named("wangmanshu"))
    coded(browser.post("/api/v1/windows/1/open"), 403, "csrf_failed")


# --- dates, sums and letters ------------------------------------------------------------------------


def test_dates_outside_the_calendar_are_a_coded_400(hall, client, bearer):
    auth = bearer("wangmanshu")
    response = client.get("/api/v1/centers/kaiyuan/appointment-slots?line=A&day=9999-12-31", headers=auth)
    coded(response, 400, "bad_date")
    booking = {"line": "A", "slot_start": "9999-12-31T09:00:00+08:00", "name": "张三", "phone": "13800000000"}
    coded(post(client, "/api/v1/centers/kaiyuan/appointments", booking, auth), 400, "invalid_input")
    extend = {"due_date": "9999-12-31", "reason": "需现场核查"}
    coded(post(client, "/api/v1/cases/KAIYUAN-2026-000001/extend", extend, auth), 400, "invalid_input")
    coded(
        post(client, "/api/v1/cases/KAIYUAN-2026-000001/extend", extend | {"due_date": "2003-12-31"}, auth),
        400,
    )


def test_a_moment_at_any_offset_is_kept_at_the_halls_offset(hall, client, bearer):
    """ISO 8601 allows offsets PostgreSQL refuses (past ±15:59): the API reads every moment at the hall's."""
    opening = {"opened_at": "2026-11-23T18:35+17:35", "letters": 0}
    response = post(client, "/api/v1/centers/kaiyuan/suggestion-box/openings", opening, bearer("wangmanshu"))
    assert response.status_code == 201, response.content[:300]
    assert response.json()["opened_at"].startswith("2026-11-23T09:00:00+08:00")


def test_the_kiosk_booking_page_refuses_a_day_outside_the_calendar(hall, login):
    response = login("wangmanshu").get("/tickets/kaiyuan/kiosk/book?line=A&day=9999-12-31")
    assert response.status_code == 400
    assert "2004" in response.content.decode()


def test_a_fee_of_1e30_is_a_coded_400(hall, client, bearer):
    item = {
        "code": "KY-TEST-1",
        "name": "测试事项",
        "department": hall.departments.order_by("code").first().code,
        "kind": "immediate",
        "materials": [{"name": "身份证"}],
    }
    auth = bearer("wangmanshu")
    for fee in (1e30, {"amount": 1e30}, "1E+30", {"amount": "-1"}, {"amount": 0.001}):
        coded(post(client, "/api/v1/centers/kaiyuan/items", item | {"fee": fee}, auth), 400, "invalid_fee")


def test_a_loose_line_letter_takes_no_ticket(hall, client, bearer):
    from servicehall.tickets.models import Ticket

    auth = bearer("wangmanshu")
    for line in ("B.àîT whatever", "BB", " B", ""):
        coded(post(client, "/api/v1/centers/kaiyuan/tickets", {"line": line}, auth), 400, "invalid_input")
    assert not Ticket.objects.exists()
    assert post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "B"}, auth).status_code == 201


# --- the schema -------------------------------------------------------------------------------------


def test_every_operation_documents_its_refusals_with_the_error_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert {"code", "message"} <= set(error["required"])
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            expected = set()
            if operation.get("parameters") or operation.get("requestBody"):
                expected |= {"400", "404"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if method != "get":
                expected |= {"409"}
            if operation.get("requestBody"):
                expected |= {"413", "415"}
            assert expected <= set(responses), (method, path, expected - set(responses))
            for status in expected:
                ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                documented = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert {"code", "message"} <= set(documented["required"]), (method, path, status, ref)
