"""QUE-4, HRS-3: a local closure offers no slots unless it says appointments go on, a past slot
is never offered, and lunch-hour and rest-day slots say which special service they are."""

import datetime as dt

import pytest

from servicehall.core import clock
from servicehall.core.errors import Invalid
from servicehall.tickets import booking, selectors
from servicehall.tickets.models import Appointment
from servicehall.workdays import services as calendar

pytestmark = pytest.mark.usefixtures("monday")  # Monday 2026-11-23 09:30

WEDNESDAY = dt.date(2026, 11, 25)
SLOTS = "/api/v1/centers/kaiyuan/appointment-slots?line=A&day={}"


def close(user_named, center, day, **kw):
    return calendar.closure_add(
        actor=user_named("wangmanshu"), center=center, start=day, end=day, reason="台风", **kw
    )


def book(queue, user_named, slot):
    return booking.appointment_book(
        actor=user_named("chenshaoli"),
        line=selectors.get_line(queue, "A"),
        slot_start=clock.parse_moment(slot),
        name="张三",
        phone="13800001111",
        channel="phone",
    )


def test_que_4_a_local_closure_offers_and_accepts_no_appointment(queue, user_named, client, bearer):
    assert selectors.slots_on(queue, WEDNESDAY)  # an ordinary Wednesday
    close(user_named, queue, WEDNESDAY)
    assert selectors.slots_on(queue, WEDNESDAY) == []
    assert selectors.free_slots(selectors.get_line(queue, "A"), WEDNESDAY) == []
    assert WEDNESDAY not in selectors.booking_days(queue)
    assert client.get(SLOTS.format(WEDNESDAY), headers=bearer("chenshaoli")).json() == []
    with pytest.raises(Invalid) as exc:
        book(queue, user_named, "2026-11-25T09:00")
    assert exc.value.code == "center_closed" and "台风" in exc.value.message
    assert not Appointment.objects.exists()
    page = client.get("/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-25", headers=bearer("chenshaoli"))
    assert "当天没有可预约的时段" in page.content.decode()


def test_hrs_3_a_closure_that_keeps_appointments_offers_them_as_holiday_service(queue, user_named):
    close(user_named, queue, WEDNESDAY, appointments=True)
    slots = selectors.free_slots(selectors.get_line(queue, "A"), WEDNESDAY)
    assert slots and {(s["service"], s["label"]) for s in slots} == {("holiday", "节假日预约")}
    assert book(queue, user_named, "2026-11-25T09:00").day == WEDNESDAY


def test_que_4_closure_of_a_community_above_closes_its_booking_too(queue, user_named):
    from servicehall.org.models import Center

    county = Center.objects.get(code="county")
    calendar.closure_add(actor=None, center=county, start=WEDNESDAY, end=WEDNESDAY, reason="停电")
    assert selectors.slots_on(queue, WEDNESDAY) == []


def test_que_4_past_slots_are_never_offered(queue, user_named, client, bearer):
    today = selectors.free_slots(selectors.get_line(queue, "A"), dt.date(2026, 11, 23))
    assert today and min(clock.local(s["start"]).strftime("%H:%M") for s in today) == "10:00"
    assert all(s["start"] > clock.now() for s in today)
    body = client.get(SLOTS.format("2026-11-23"), headers=bearer("chenshaoli")).json()
    assert body[0]["start"].startswith("2026-11-23T10:00")
    assert client.get(SLOTS.format("2026-11-20"), headers=bearer("chenshaoli")).json() == []
    with pytest.raises(Invalid) as exc:
        book(queue, user_named, "2026-11-23T09:00")
    assert exc.value.code == "slot_past"


def test_hrs_3_lunch_and_rest_day_slots_are_labelled_on_the_page_and_in_the_api(queue, client, bearer):
    auth = bearer("chenshaoli")
    tuesday = {
        clock.local(dt.datetime.fromisoformat(s["start"])).strftime("%H:%M"): (s["service"], s["label"])
        for s in client.get(SLOTS.format("2026-11-24"), headers=auth).json()
    }
    assert tuesday["09:00"] == ("regular", "")
    assert tuesday["12:00"] == tuesday["13:30"] == tuesday["14:00"] == ("lunch", "午间预约")
    assert tuesday["14:30"] == ("regular", "")
    saturday = client.get(SLOTS.format("2026-11-28"), headers=auth).json()
    assert saturday and {(s["service"], s["label"]) for s in saturday} == {("holiday", "节假日预约")}
    page = client.get("/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-24", headers=auth).content.decode()
    assert 'data-service="lunch"' in page and "午间预约" in page
    page = client.get("/tickets/kaiyuan/kiosk/book?line=A&day=2026-11-28", headers=auth).content.decode()
    assert 'data-service="holiday"' in page and "节假日预约" in page
