"""HRS-2, CAS-5: a closure of working days moves the due dates of open cases, and reopening moves
them back — in the closure's transaction, with an event on the case and an SMS to the applicant."""

import datetime as dt

import pytest

from servicehall.cases import services
from servicehall.cases.models import Case, OutboxMessage
from servicehall.core import clock
from servicehall.core.errors import Conflict
from servicehall.core.models import AuditEvent
from servicehall.workdays import services as calendar
from servicehall.workdays import shifts
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
