"""Every API operation, fed inputs generated from its own OpenAPI schema, passes all of
schemathesis's checks: no server error, every status and response body documented, schema-valid
requests accepted and invalid ones refused, authentication enforced.

Each operation is a test of its own (its id is the operation: ``POST /api/v1/tickets/{ticket_id}/start``),
collected from the schema when this module is imported, so an endpoint added later is fuzzed
without touching this file; ``pytest_terminal_summary`` in the root conftest prints how many ran.
"""

import importlib
import importlib.util
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, settings
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.python._constants.orchestrator import make_constants_value_source
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case, positive_data_acceptance

from config.wsgi import application
from servicehall.core import clock

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = sorted(
    (result.ok().label for result in schema.get_all_operations()),
    key=lambda label: (label.split(" ", 1)[1], label),
)
EXAMPLES = 12
MONDAY_MORNING = "2026-11-23T10:00"  # a working day, the hall open
# schemathesis's positive_data_acceptance, but for the refusals that no JSON schema can state: a
# rule across fields, a checksum, a reference to a record that exists, the state of the hall now.
# Every other 400 of a request that fits the schema is a schema that says less than the code.
RULES = {
    # a rule across fields, or a checksum
    "applicant_number_required",  # an ID number or a credit code, one of the two
    "invalid_id_number",  # checksum and birth date
    "invalid_credit_code",  # checksum
    "backfill_reason_required",  # only for a receipt time earlier than the tolerance
    "transfer_target",  # a line or a window, one of the two
    "same_line",
    "same_window",
    "home_visit_not_eligible",  # aged 70+ or severely disabled
    "note_required",  # only when a denial is returned, or for a visit's denial outcome
    "colleague_required",  # a visit's outcome names what it needs: a colleague, a window, ...
    "window_required",  # ... or, for one without a window post today, the window it is at
    "leader_required",
    "agency_required",
    "handed_to_self",
    "end_before_start",
    "bad_range",  # a closure's end before its start
    "invalid_item_code",  # a new item needs a code; a change may leave it out (one schema for both)
    "committed_limit_required",
    "committed_limit_too_long",
    "immediate_has_no_limit",
    "immediate_steps_take_days",
    "steps_exceed_committed_limit",
    "immediate_not_parallel",
    "participant_is_lead",
    "duplicate_participant",
    "participant_exceeds_committed_limit",
    "legal_service_must_be_free",
    "fee_basis_required",
    "fee_approval_required",
    "duplicate_material_code",
    "condition_required",
    # a reference to a record that must exist (in the caller's center)
    "item_not_found",
    "item_not_authorised",
    "unknown_material",
    "unknown_department",
    "department_of_other_center",
    "ticket_not_found",
    "window_not_found",
    "window_of_other_center",
    "staff_of_other_center",
    "not_a_leader",
    "code_cannot_change",
    # the state of the hall, the case or the calendar now
    "ticket_not_at_window",
    "extension_not_later",
    "extension_in_past",
    "no_such_slot",
    "slot_past",
    "center_closed",
    "date_past",
    "not_a_workday",
    "received_in_future",
    "date_out_of_range",  # working-day arithmetic that runs past 2099
    "unprintable_character",  # a notice's text must be printable in its fonts
    "invalid_characters",  # a NUL character: no database text column holds one
}


def app_fuzz_modules():
    """Each app's optional ``fuzz.py``: ``RULES`` (its refusals no JSON schema can state) and
    ``anchors(center) -> dict`` (a value that exists in the demo per path parameter name), so a
    later app adds its own without touching this file."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("servicehall.") and importlib.util.find_spec(f"{config.name}.fuzz"):
            found.append(importlib.import_module(f"{config.name}.fuzz"))
    return found


RULES |= {code for module in app_fuzz_modules() for code in getattr(module, "RULES", ())}
FEEDBACK = FeedbackSources(constants_value_source=make_constants_value_source(schema))
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def demo_hall(django_db_setup, django_db_blocker):
    """The whole demo (catalog, cases, queue), loaded once for the module inside a transaction
    rolled back at its end (each test runs in a savepoint within it), and per parameter name a
    value that exists in it: the operations' examples, so that generated requests reach past
    "no such center"."""
    from servicehall.core.management.commands.load_demo import all_loaders
    from servicehall.org.models import Center
    from servicehall.tickets.selectors import forget_config
    from servicehall.workdays import cache

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            forget_config()
            cache.forget()
            for _name, load in all_loaders():
                load()
            with clock.freeze(MONDAY_MORNING):
                yield anchors(Center.objects.get(code="kaiyuan"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            forget_config()
            cache.forget()


@pytest.fixture
def hall(demo_hall, db):
    with clock.freeze(MONDAY_MORNING):
        yield demo_hall


def anchors(demo) -> dict:
    from servicehall.cases.models import Case
    from servicehall.catalog.models import Item
    from servicehall.org.models import Window
    from servicehall.tickets import services
    from servicehall.tickets.models import HomeVisit, Line

    line = Line.objects.filter(center=demo).order_by("prefix").first()
    ticket = services.ticket_take(actor=None, line=line, green_channel=None, source="api", device=None)
    case = Case.objects.filter(center=demo).order_by("pk").first()
    later = {}
    for module in app_fuzz_modules():
        if hasattr(module, "anchors"):
            later.update(module.anchors(demo))
    return later | {
        "code": demo.code,
        "center": demo.code,
        "window_id": Window.objects.filter(center=demo).order_by("number").first().pk,
        "ticket_id": ticket.pk,
        "visit_id": HomeVisit.objects.filter(center=demo).order_by("pk").first().pk,
        "number": case.number,
        "notice_id": case.notices.order_by("pk").first().pk,
        "item_code": Item.objects.filter(center=demo).order_by("code").first().code,
        "line": line.prefix,
        "item": Item.objects.filter(center=demo).order_by("code").first().code,
    }


@pytest.fixture
def fuzz_headers(hall, client):
    """A director's token; requests reach the WSGI app directly, so keep the test's connection
    open between them, as Django's own test client does."""
    response = client.post(
        "/api/v1/auth/token",
        {"username": "wangmanshu", "password": "Demo@2026"},
        content_type="application/json",
    )
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {response.json()['token']}"}
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def with_examples(anchors: dict):
    """The schema, each parameter named in ``anchors`` given that value as its example."""
    fresh = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    for methods in fresh.raw_schema["paths"].values():
        for operation in methods.values():
            for parameter in operation.get("parameters", ()):
                if parameter["name"] in anchors:
                    parameter["example"] = anchors[parameter["name"]]
    for component in fresh.raw_schema.get("components", {}).get("schemas", {}).values():
        for name, prop in component.get("properties", {}).items():
            if name in ("center", "line", "item") and name in anchors:
                prop["examples"] = [anchors[name]]
    return fresh


def accepted_by_schema(case) -> bool:
    """A request generated to fit the schema (not a coverage probe of an unexpected shape)."""
    return (
        case.meta is not None
        and case.meta.generation.mode.is_positive
        and not is_unexpected_http_status_case(case)
    )


def fuzz(label: str, headers: dict, anchors: dict) -> None:
    """Run schemathesis's phases for one operation (its examples, the coverage of each parameter's
    boundaries and kinds of invalid value, then positive and negative fuzzing), each response
    checked by every check schemathesis enables."""

    def check(case):
        response = case.call(headers=headers)
        case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])
        if response.status_code >= 400 and response.status_code != 405:
            body = json.loads(response.text)
            assert {"code", "message"} <= set(body), body
            if accepted_by_schema(case) and response.status_code in (400, 413, 415, 422):
                assert body["code"] in RULES, (
                    f"schema-valid request refused: {case.as_curl_command()}\n{body}"
                )

    anchored = with_examples(anchors)
    build_operation_test(
        config=anchored.config,
        operation=anchored.find_operation_by_label(label),
        test_func=check,
        given_kwargs={},
        feedback=FEEDBACK,
        explicit_settings=settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,  # the same cases on every run: CI fails for a change, not a draw
            phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, not shrunk
        ),
    )()


def test_every_operation_is_fuzzed():
    """Every operation the schema lists is a test here: none is lost to a broken schema entry."""
    listed = [m for methods in schema.raw_schema["paths"].values() for m in methods if m in METHODS]
    assert len(OPERATIONS) == len(listed) >= 48


@pytest.mark.parametrize("label", OPERATIONS)
def test_api_operation_passes_every_check(label, fuzz_headers, hall):
    fuzz(label, fuzz_headers, hall)
