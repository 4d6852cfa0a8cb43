"""QUE-3 home visits, QUE-4 appointments, HRS-3 lunch-hour and holiday appointments."""

import datetime as dt

import pytest

from servicehall.core import clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.models import AuditEvent
from servicehall.tickets import booking, selectors, services
from servicehall.tickets.models import Appointment, HomeVisit, Ticket

pytestmark = pytest.mark.usefixtures("monday")


def at(text):
    return clock.parse_moment(text)


def book(queue, actor, slot, prefix="A", **kw):
    return booking.appointment_book(
        actor=actor,
        line=selectors.get_line(queue, prefix),
        slot_start=at(slot),
        name=kw.pop("name", "张三"),
        phone=kw.pop("phone", "13800001111"),
        channel=kw.pop("channel", "phone"),
        **kw,
    )


def starts(queue, day):
    return [clock.local(s).strftime("%H:%M") for s, _e in selectors.slots_on(queue, day)]


def test_que_4_slots_follow_the_hours_in_half_hours(queue):
    queue.policy.lunch_appointments = False
    slots = starts(queue, dt.date(2026, 11, 24))
    assert slots[0] == "08:00" and slots[-1] == "17:00" and "12:00" not in slots and "14:30" in slots


def test_hrs_3_lunch_hour_appointments_when_the_policy_allows(queue, user_named):
    assert "12:30" in starts(queue, dt.date(2026, 11, 24))  # Kaiyuan: lunch_appointments on
    a = book(queue, user_named("chenshaoli"), "2026-11-24T12:30")
    assert a.slot_end == at("2026-11-24T13:00")
    queue.policy.lunch_appointments = False
    queue.policy.save()
    with pytest.raises(Invalid) as exc:
        book(queue, user_named("chenshaoli"), "2026-11-24T13:00")
    assert exc.value.code == "no_such_slot"


def test_hrs_3_holiday_appointments_and_check_in_on_the_holiday(queue, user_named):
    national_day = dt.date(2026, 10, 1)
    with clock.freeze("2026-09-28T09:00"):
        assert starts(queue, national_day)[0] == "08:00"
        a = book(queue, user_named("chenshaoli"), "2026-10-01T09:00")
    with clock.freeze("2026-10-01T08:50"):
        with pytest.raises(Conflict):  # no walk-ins on the holiday
            services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
        ticket = booking.appointment_check_in(actor=user_named("chenshaoli"), center=queue, code=a.code)
    assert ticket.number == "A001" and ticket.source == "appointment" and ticket.day == national_day
    queue.policy.holiday_appointments = False
    queue.policy.save()
    assert starts(queue, dt.date(2026, 10, 2)) == []


def test_que_4_a_slot_takes_as_many_as_windows_serve_the_line(queue, user_named):
    clerk = user_named("chenshaoli")
    for i in range(3):  # line B: windows 3, 4, 5
        book(queue, clerk, "2026-11-23T15:00", "B", phone=f"1380000111{i}")
    with pytest.raises(Conflict) as exc:
        book(queue, clerk, "2026-11-23T15:00", "B")
    assert exc.value.code == "slot_full"
    free = {
        clock.local(s["start"]).strftime("%H:%M"): s["free"]
        for s in selectors.free_slots(selectors.get_line(queue, "B"), dt.date(2026, 11, 23))
    }
    assert free["15:00"] == 0 and free["15:30"] == 3


@pytest.mark.parametrize(
    "slot,kw,code",
    [
        ("2026-11-23T09:00", {}, "slot_past"),
        ("2026-11-23T10:10", {}, "no_such_slot"),
        ("2026-11-23T10:00", {"phone": "12"}, "invalid_phone"),
        ("2026-11-23T10:00", {"name": " "}, "name_required"),
        ("2026-11-23T10:00", {"channel": "fax"}, "unknown_channel"),
    ],
)
def test_que_4_bad_bookings_are_refused_and_save_nothing(queue, user_named, slot, kw, code):
    with pytest.raises(Invalid) as exc:
        book(queue, user_named("chenshaoli"), slot, **kw)
    assert exc.value.code == code and exc.value.message
    assert not Appointment.objects.exists()


def test_que_4_check_in_window_cancel_and_refusals(queue, user_named):
    clerk = user_named("chenshaoli")
    a = book(queue, clerk, "2026-11-23T11:00")
    with pytest.raises(Conflict) as exc:  # 09:30 is more than an hour before 11:00
        booking.appointment_check_in(actor=clerk, center=queue, code=a.code)
    assert exc.value.code == "outside_check_in"
    with clock.freeze("2026-11-23T10:05"):
        booking.appointment_check_in(actor=clerk, center=queue, code=a.code)
        with pytest.raises(Conflict):
            booking.appointment_check_in(actor=clerk, center=queue, code=a.code)
        with pytest.raises(NotFound):
            booking.appointment_check_in(actor=clerk, center=queue, code="99999x")
    b = book(queue, clerk, "2026-11-23T11:30")
    with pytest.raises(Invalid):
        booking.appointment_cancel(actor=clerk, appointment=b, reason="")
    booking.appointment_cancel(actor=clerk, appointment=b, reason="群众来电取消")
    with clock.freeze("2026-11-23T11:20"), pytest.raises(NotFound):
        booking.appointment_check_in(actor=clerk, center=queue, code=b.code)
    with pytest.raises(Forbidden):
        book(queue, user_named("auditor"), "2026-11-23T16:00")
    assert AuditEvent.objects.filter(action="appointment.cancel").count() == 1


def test_que_3_home_visits_for_70_and_over_or_severely_disabled(queue, user_named):
    clerk = user_named("chenshaoli")
    details = {"name": "老人", "phone": "13800001111", "address": "象峰社区", "need": "养老认证"}
    assert booking.home_visit_request(actor=clerk, center=queue, age=70, **details).status == "requested"
    assert booking.home_visit_request(actor=clerk, center=queue, severely_disabled=True, **details)
    with pytest.raises(Invalid) as exc:
        booking.home_visit_request(actor=clerk, center=queue, age=69, **details)
    assert exc.value.code == "home_visit_not_eligible"
    with pytest.raises(Invalid):
        booking.home_visit_request(actor=clerk, center=queue, age=200, **details)
    assert HomeVisit.objects.filter(name="老人").count() == 2


def test_que_3_assigned_to_staff_and_outcome_recorded(queue, user_named):
    visit = HomeVisit.objects.get(name="林阿婆")
    clerk, other = user_named("chenshaoli"), user_named("weixiaojing")
    with pytest.raises(Forbidden):
        booking.home_visit_assign(actor=clerk, visit=visit, staff=clerk.staff, visit_on=dt.date(2026, 11, 24))
    with pytest.raises(Invalid):
        booking.home_visit_assign(
            actor=user_named("wangmanshu"), visit=visit, staff=clerk.staff, visit_on=dt.date(2026, 11, 1)
        )
    booking.home_visit_assign(
        actor=user_named("wangmanshu"), visit=visit, staff=clerk.staff, visit_on=dt.date(2026, 11, 24)
    )
    with pytest.raises(Forbidden):
        booking.home_visit_record_outcome(actor=other, visit=HomeVisit.objects.get(pk=visit.pk), outcome="x")
    with pytest.raises(Invalid):
        booking.home_visit_record_outcome(actor=clerk, visit=visit, outcome=" ")
    done = booking.home_visit_record_outcome(
        actor=clerk, visit=HomeVisit.objects.get(pk=visit.pk), outcome="已办结"
    )
    assert done.status == "done" and done.done_at is not None
    with pytest.raises(Conflict):
        booking.home_visit_record_outcome(actor=clerk, visit=done, outcome="again")


# --- the API -------------------------------------------------------------------------------------


def post(client, url, body, headers=None, **extra):
    return client.post(url, body, content_type="application/json", headers=headers or {}, **extra)


def test_api_appointments_slots_book_and_check_in(client, queue, bearer):
    auth = bearer("chenshaoli")
    slots = client.get("/api/v1/centers/kaiyuan/appointment-slots?line=A&day=2026-11-24", headers=auth).json()
    assert slots[0]["free"] == 4 and len(slots) == 19
    r = post(
        client,
        "/api/v1/centers/kaiyuan/appointments",
        {"line": "A", "slot_start": "2026-11-23T10:00:00+08:00", "name": "钱七", "phone": "13500001111"},
        auth,
    )
    assert r.status_code == 201 and len(r.json()["code"]) == 6
    code = r.json()["code"]
    with clock.freeze("2026-11-23T09:45"):
        r = post(client, "/api/v1/centers/kaiyuan/appointments/check-in", {"code": code}, auth)
    assert r.status_code == 201 and r.json()["number"] == "A001"
    r = post(client, "/api/v1/centers/kaiyuan/appointments/check-in", {"code": code}, auth)
    assert r.status_code == 409


def test_api_appointment_refusals(client, queue, bearer):
    auth = bearer("chenshaoli")
    far = {"REMOTE_ADDR": "10.9.9.9"}
    assert (
        client.get("/api/v1/centers/kaiyuan/appointment-slots?line=A&day=2026-11-24", **far).status_code
        == 401
    )
    r = client.get("/api/v1/centers/kaiyuan/appointment-slots?line=A&day=24.11.2026", headers=auth)
    assert r.status_code == 400 and r.json()["code"] == "bad_date"
    r = post(client, "/api/v1/centers/kaiyuan/appointments", {"line": "A", "slot_start": "soon"}, auth)
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = post(
        client,
        "/api/v1/centers/kaiyuan/appointments",
        {"line": "A", "slot_start": "2026-11-23T10:00:00+08:00", "name": "x", "phone": "1"},
        bearer("auditor"),
    )
    assert r.status_code == 403
    assert not Appointment.objects.exists() and not Ticket.objects.exists()


def test_api_home_visits(client, queue, bearer):
    r = post(
        client,
        "/api/v1/centers/kaiyuan/home-visits",
        {"name": "周八", "phone": "13500001111", "address": "新华路", "need": "低保复核", "age": 81},
        bearer("chenshaoli"),
    )
    assert r.status_code == 201 and r.json()["status"] == "requested"
    vid = r.json()["id"]
    r = post(
        client,
        f"/api/v1/home-visits/{vid}/assign",
        {"staff": "chenshaoli", "visit_on": "2026-11-25"},
        bearer("chenshaoli"),
    )
    assert r.status_code == 403
    r = post(
        client,
        f"/api/v1/home-visits/{vid}/assign",
        {"staff": "nobody", "visit_on": "2026-11-25"},
        bearer("wangmanshu"),
    )
    assert r.status_code == 400
    r = post(
        client,
        f"/api/v1/home-visits/{vid}/assign",
        {"staff": "chenshaoli", "visit_on": "2026-11-25"},
        bearer("wangmanshu"),
    )
    assert r.status_code == 200 and r.json()["assigned_to"] == "陈少丽"
    r = post(client, f"/api/v1/home-visits/{vid}/outcome", {"outcome": "已上门办理"}, bearer("chenshaoli"))
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert (
        post(client, "/api/v1/home-visits/99999/outcome", {"outcome": "x"}, bearer("chenshaoli")).status_code
        == 404
    )
    r = post(
        client,
        "/api/v1/centers/kaiyuan/home-visits",
        {"name": "x", "phone": "13500001111", "address": "y", "need": "z", "age": 30},
        bearer("chenshaoli"),
    )
    assert r.status_code == 400 and r.json()["code"] == "home_visit_not_eligible"
