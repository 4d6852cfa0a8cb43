"""CAS-1: a back-filled receipt time that cannot be true is a coded 400, on the API and the page,
never a 500 and never a case: decades ago, past the policy's back-fill limit, before the ticket,
in the future, or on an earlier rest day without a reason."""

import datetime as dt

import pytest

from servicehall.cases.models import Case
from servicehall.cases.tests.conftest import ALL_REQUIRED, MONDAY
from servicehall.core import clock
from servicehall.core.errors import Invalid
from servicehall.org.models import Policy, Window

PERSON = {"name": "张三丰", "id_number": "11010519491231002X", "phone": "13812345678"}
REASON = "系统停电，纸质收件后补录"


def post_case(client, bearer, at=MONDAY, **body):
    data = {"center": "kaiyuan", "item": "KY-CL-001", "applicant": PERSON, "materials": ALL_REQUIRED, **body}
    with clock.freeze(at):
        return client.post(
            "/api/v1/cases", data, content_type="application/json", headers=bearer("chenjianwei")
        )


# Dates outside the calendar may already be refused by the API's input schema (invalid_input);
# either way a coded 400 and no case. The page and the service always say backfill_too_old.
OUT_OF_RANGE = {"backfill_too_old", "invalid_input"}


@pytest.mark.parametrize(
    ("received_at", "reason", "codes"),
    [
        ("1900-01-01T09:00:00+08:00", REASON, OUT_OF_RANGE),  # was CalendarError → 500
        ("2003-12-31T09:00:00+08:00", REASON, OUT_OF_RANGE),  # the day before the calendar
        ("2026-01-01T10:00:00+08:00", REASON, {"backfill_too_old"}),  # eleven months, onto New Year
        ("2026-11-13T10:00:00+08:00", REASON, {"backfill_too_old"}),  # Friday: 6 working days before
        ("2026-11-22T10:00:00+08:00", "", {"received_on_rest_day"}),  # yesterday was a Sunday
        ("2026-11-23T11:00:00+08:00", "", {"received_in_future"}),
    ],
)
def test_cas_1_an_untrue_receipt_time_is_a_coded_400_and_no_case(
    kaiyuan, client, bearer, received_at, reason, codes
):
    response = post_case(client, bearer, received_at=received_at, backfill_reason=reason)
    assert response.status_code == 400, response.content
    assert response.json()["code"] in codes and response.json()["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("day", ["1900-01-01", "2003-12-31"])
def test_cas_1_the_service_refuses_a_receipt_outside_the_calendar(kaiyuan, intake, day):
    with pytest.raises(Invalid) as refused:
        intake(received_at=dt.datetime.fromisoformat(f"{day}T09:00"), backfill_reason=REASON)
    assert refused.value.code == "backfill_too_old" and not Case.objects.exists()


def test_cas_1_back_fill_within_the_policy_limit_is_accepted_and_flagged(kaiyuan, client, bearer):
    # Monday 2026-11-16 is 5 working days before Monday 2026-11-23: the default limit.
    response = post_case(client, bearer, received_at="2026-11-16T10:00:00+08:00", backfill_reason=REASON)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.backfilled and case.backfill_reason == REASON


def test_cas_1_a_rest_day_receipt_with_a_reason_is_accepted(kaiyuan, client, bearer):
    response = post_case(
        client, bearer, received_at="2026-11-22T10:00:00+08:00", backfill_reason="周日预约服务收件"
    )
    assert response.status_code == 201, response.content


def test_cas_1_the_back_fill_limit_is_the_centers_policy(kaiyuan, client, bearer):
    Policy.objects.filter(center=kaiyuan).update(backfill_max_workdays=10)
    ok = post_case(client, bearer, received_at="2026-11-13T10:00:00+08:00", backfill_reason=REASON)
    assert ok.status_code == 201, ok.content
    Policy.objects.filter(center=kaiyuan).update(backfill_max_workdays=0)
    refused = post_case(client, bearer, received_at="2026-11-20T16:00:00+08:00", backfill_reason=REASON)
    assert refused.status_code == 400 and refused.json()["code"] == "backfill_too_old"


def test_cas_1_a_receipt_before_the_ticket_is_refused(kaiyuan, client, bearer, user_named):
    from servicehall.tickets import demo as tickets_demo
    from servicehall.tickets import services as tickets
    from servicehall.tickets.models import Line

    tickets_demo.load()
    clerk = user_named("chenjianwei")
    window = Window.objects.get(center=kaiyuan, number=5)
    with clock.freeze("2026-11-23T09:10"):
        tickets.ticket_take(actor=clerk, line=Line.objects.get(center=kaiyuan, prefix="B"))
        tickets.window_action(actor=clerk, window=window, action="open")
        ticket = tickets.ticket_call_next(actor=clerk, window=window)
    before = post_case(
        client, bearer, ticket=ticket.pk, received_at="2026-11-23T09:05:00+08:00", backfill_reason=REASON
    )
    assert before.status_code == 400 and before.json()["code"] == "received_before_ticket"
    assert "09:10" in before.json()["message"] and not Case.objects.exists()
    after = post_case(client, bearer, ticket=ticket.pk, received_at="2026-11-23T09:15:00+08:00")
    assert after.status_code == 201, after.content


@pytest.mark.parametrize(
    ("received_at", "code"),
    [("1900-01-01T09:00", "backfill_too_old"), ("2003-12-31T09:00", "backfill_too_old")],
)
def test_cas_1_the_intake_page_shows_the_coded_refusal(kaiyuan, login, received_at, code):
    form = {
        "item": "KY-CL-001",
        "name": "张三丰",
        "number": PERSON["id_number"],
        "phone": PERSON["phone"],
        "materials": ALL_REQUIRED,
        "received_at": received_at,
        "backfill_reason": REASON,
    }
    with clock.freeze(MONDAY):
        response = login("chenjianwei").post("/cases/new/?center=kaiyuan", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-code="{code}"' in html and "补录期限" in html
    assert not Case.objects.exists()
