"""HRS-2, CAS-5: a closure of working days moves the due dates of open cases, and reopening moves
them back — in the closure's transaction, with an event on the case and an SMS to the applicant."""

import datetime as dt
import re

import pytest

from servicehall.cases import services
from servicehall.cases.models import Case, OutboxMessage
from servicehall.core import clock
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEvent
from servicehall.workdays import services as calendar
from servicehall.workdays.models import Closure

D = dt.date


def close(user_named, center, start, end=None, confirm=False, at="2026-11-23T16:00", **kw):
    with clock.freeze(at):
        return calendar.closure_add(
            actor=user_named("wangmanshu"),
            center=center,
            start=start,
            end=end or start,
            reason=kw.pop("reason", "台风"),
            confirm=confirm,
            **kw,
        )


def reopen(user_named, closure, confirm=False, at="2026-11-23T17:00"):
    with clock.freeze(at):
        return calendar.closure_void(
            actor=user_named("wangmanshu"), closure=closure, reason="登记有误", confirm=confirm
        )


def test_cas_5_a_closure_moves_the_due_date_of_an_open_case(intake, user_named, kaiyuan):
    case = intake()  # accepted Monday 11-23, 10 working days: due Monday 12-07
    assert case.due_date == D(2026, 12, 7) and case.statutory_due_date == D(2026, 12, 21)
    closure = close(user_named, kaiyuan, D(2026, 11, 25))
    case.refresh_from_db()
    assert case.due_date == D(2026, 12, 8)
    assert clock.local(case.due_at) == dt.datetime(2026, 12, 8, 17, 30, tzinfo=clock.TZ)
    assert case.statutory_due_date == D(2026, 12, 22)
    event = case.events.get(action="deadline_moved")
    assert "2026-12-07" in event.note and "2026-12-08" in event.note and "台风" in event.note
    assert event.label == "期限调整（停止办公）"
    sms = OutboxMessage.objects.get(reference=case.number, text__contains="顺延")
    assert sms.phone == "13812345678" and "2026年12月08日" in sms.text
    assert AuditEvent.objects.filter(action="case.deadline_moved", object_id=str(case.pk)).count() == 1
    assert closure.impact["deadlines"] == 1

    reopen(user_named, closure)
    case.refresh_from_db()
    assert (case.due_date, case.statutory_due_date) == (D(2026, 12, 7), D(2026, 12, 21))
    assert case.events.filter(action="deadline_moved").count() == 2
    assert OutboxMessage.objects.filter(reference=case.number, text__contains="提前").count() == 1


def test_cas_5_a_closure_during_a_suspension_is_not_counted_twice(intake, user_named, kaiyuan):
    handler = user_named("chenjianwei")
    case = intake()  # due 12-07
    with clock.freeze("2026-11-24T10:00"):
        services.case_suspend(actor=handler, case=case, reason="补正材料")
    close(user_named, kaiyuan, D(2026, 11, 25), at="2026-11-24T16:00")  # while suspended
    case.refresh_from_db()
    assert case.due_date == D(2026, 12, 8)
    with clock.freeze("2026-11-30T09:00"):
        services.case_resume(actor=handler, case=case)
    case.refresh_from_db()
    # one working day (11-24) used before the suspension, nine left from Monday 11-30
    assert case.due_date == D(2026, 12, 11)


def test_cas_5_a_closure_inside_a_finished_suspension_keeps_the_due_date(intake, user_named, kaiyuan):
    handler = user_named("chenjianwei")
    case = intake()
    with clock.freeze("2026-11-24T10:00"):
        services.case_suspend(actor=handler, case=case, reason="补正材料")
    with clock.freeze("2026-11-27T10:00"):
        services.case_resume(actor=handler, case=case)
    case.refresh_from_db()
    assert (case.due_date, case.suspended_days) == (D(2026, 12, 10), 3)
    sent = OutboxMessage.objects.count()
    close(user_named, kaiyuan, D(2026, 11, 25), confirm=True, at="2026-11-27T16:00")  # in the past
    case.refresh_from_db()
    assert (case.due_date, case.suspended_days) == (D(2026, 12, 10), 2)
    assert "累计挂起改为 2 个工作日" in case.events.get(action="deadline_moved").note
    assert OutboxMessage.objects.count() == sent  # the date did not move: no SMS


def test_hrs_2_only_open_cases_of_the_center_and_those_below_move(intake, user_named, kaiyuan):
    from servicehall.org.models import Center

    running = intake()
    finished = intake(item="KY-CL-001")
    Case.objects.filter(pk=finished.pk).update(status="completed")
    awaiting = intake(materials=["M01"])
    assert awaiting.due_date is None
    county = Center.objects.get(code="county")
    with clock.freeze("2026-11-23T16:00"):
        calendar.closure_add(
            actor=None, center=county, start=D(2026, 11, 26), end=D(2026, 11, 26), reason="停电"
        )
    running.refresh_from_db()
    finished.refresh_from_db()
    assert running.due_date == D(2026, 12, 8)  # the county above closes Kaiyuan too
    assert finished.due_date == D(2026, 12, 7) and not finished.events.filter(action="deadline_moved")


def test_hrs_2_a_year_long_retroactive_closure_asks_for_confirmation_and_changes_nothing(
    intake, user_named, kaiyuan
):
    case = intake()
    before = (AuditEvent.objects.count(), OutboxMessage.objects.count())
    with pytest.raises(Conflict) as exc:
        close(user_named, kaiyuan, D(2026, 1, 1), D(2026, 12, 31), reason="误操作")
    error = exc.value
    assert error.code == "confirmation_required" and "请确认" in error.message
    impact = error.as_dict()["impact"]
    assert impact["working_days"] > 240 and 0 < impact["past_days"] < impact["working_days"]
    assert impact["kiosk"][0]["start"] == "2026-01-04"  # 2026-01-04 was a worked Sunday (元旦调休)
    assert impact["kiosk"][-1]["end"] == "2026-12-31"
    assert impact["deadlines"] == 1 and impact["by_kind"] == {"办件": 1}
    assert impact["moved"][0]["before"] == "2026-12-07" and impact["moved"][0]["after"].startswith("2027-")
    assert not Closure.objects.exists()
    case.refresh_from_db()
    assert case.due_date == D(2026, 12, 7)
    assert (AuditEvent.objects.count(), OutboxMessage.objects.count()) == before
    with clock.freeze("2026-11-24T10:00"):
        from servicehall.workdays import selectors

        assert selectors.is_open(kaiyuan)  # the kiosk did not close

    closure = close(user_named, kaiyuan, D(2026, 1, 1), D(2026, 12, 31), reason="误操作", confirm=True)
    case.refresh_from_db()
    assert case.due_date.isoformat() == impact["moved"][0]["after"]

    with pytest.raises(Conflict) as exc:  # reopening a year is confirmed too
        reopen(user_named, closure)
    assert exc.value.code == "confirmation_required" and exc.value.impact["reopening"] is True
    reopen(user_named, closure, confirm=True)
    case.refresh_from_db()
    assert case.due_date == D(2026, 12, 7)
    assert Closure.objects.get().is_void  # kept, voided with its reason


def test_hrs_2_closures_over_the_api_confirm_and_reopen(intake, user_named, kaiyuan, client, bearer):
    case = intake()
    auth = bearer("wangmanshu")
    body = {"start": "2026-11-25", "end": "2026-12-01", "reason": "台风"}
    with clock.freeze("2026-11-23T16:00"):
        r = client.post(
            "/api/v1/centers/kaiyuan/closures", body, content_type="application/json", headers=auth
        )
        assert r.status_code == 409 and r.json()["code"] == "confirmation_required"
        impact = r.json()["impact"]
        assert impact["working_days"] == 5 and impact["deadlines"] == 1
        assert impact["kiosk"] == [{"start": "2026-11-25", "end": "2026-12-01"}]
        assert not Closure.objects.exists()
        r = client.post(
            "/api/v1/centers/kaiyuan/closures",
            {**body, "confirm": True},
            content_type="application/json",
            headers=auth,
        )
        assert r.status_code == 201 and r.json()["impact"]["deadlines"] == 1
        closure_id = r.json()["id"]
        case.refresh_from_db()
        assert case.due_date == D(2026, 12, 14)
        listed = client.get("/api/v1/centers/kaiyuan/closures", headers=auth).json()
        assert [c["id"] for c in listed] == [closure_id]
        void = f"/api/v1/closures/{closure_id}/void"
        r = client.post(void, {"reason": "登记有误"}, content_type="application/json", headers=auth)
        assert r.status_code == 409 and r.json()["impact"]["reopening"] is True
        r = client.post(
            void, {"reason": "登记有误", "confirm": True}, content_type="application/json", headers=auth
        )
        assert r.status_code == 200 and r.json()["void"] is True
        case.refresh_from_db()
        assert case.due_date == D(2026, 12, 7)
        r = client.post(void, {"reason": "x", "confirm": True}, content_type="application/json", headers=auth)
        assert r.status_code == 409 and r.json()["code"] == "already_void"
        r = client.post(
            "/api/v1/closures/999999/void", {"reason": "x"}, content_type="application/json", headers=auth
        )
        assert r.status_code == 404 and r.json()["code"] == "closure_not_found"
        r = client.post(  # an id no database can hold is refused by the path's own rule
            f"/api/v1/closures/{2**64}/void", {"reason": "x"}, content_type="application/json", headers=auth
        )
        assert r.status_code == 404 and r.json()["code"] == "not_found"
        r = client.post(
            "/api/v1/centers/kaiyuan/closures",
            body,
            content_type="application/json",
            headers=bearer("chenjianwei"),
        )
        assert r.status_code == 403 and not Closure.objects.filter(voided_at__isnull=True).exists()


def test_hrs_2_the_closure_page_states_the_impact_and_applies_once_confirmed(intake, login, kaiyuan):
    case = intake()
    client = login("wangmanshu")
    form = {"start": "2026-11-25", "end": "2026-12-01", "reason": "台风"}
    with clock.freeze("2026-11-23T16:00"):
        r = client.post("/workdays/kaiyuan/closures/", form)
        page = r.content.decode()
        assert r.status_code == 409 and 'data-testid="confirm-closure"' in page
        assert "2026-11-25 至 2026-12-01" in page and case.number in page
        assert 'name="confirm" value="1"' in page and not Closure.objects.exists()
        assert "wd-closure" not in re.search(r'class="([^"]*)" data-date="2026-11-25"', page).group(1)
        r = client.post("/workdays/kaiyuan/closures/", {**form, "confirm": "1"})
        assert r.status_code == 302 and Closure.objects.filter(reason="台风").exists()
    case.refresh_from_db()
    assert case.due_date == D(2026, 12, 14)
