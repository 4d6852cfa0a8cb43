"""我的待办 (issue 13 item 3): each person's to-do list on the home page and at /api/v1/me/todo.

Every app offers its items through core.todo's protocol; the list answers in a fixed number of
queries whatever the number of open items (10 or 10,000), on SQLite and PostgreSQL.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.cases import rules
from servicehall.cases.models import Case
from servicehall.core import clock, registry, todo
from servicehall.org.models import Staff, Window
from servicehall.tickets.models import Appointment, HomeVisit, Line

NOW = "2026-11-23T10:00"  # the Monday of the intake fixture, half an hour after it
TZ = clock.TZ


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def copies(case: Case, n: int, prefix: str, first: int = 0, **changes) -> list[Case]:
    """``n`` copies of ``case`` (new numbers), with ``changes`` applied: bulk-created."""
    fields = {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields if not f.primary_key}
    rows = [Case(**{**fields, **changes, "number": f"{prefix}-{i:05d}"}) for i in range(first, first + n)]
    return Case.objects.bulk_create(rows, batch_size=1000)


def open_items(kaiyuan, case: Case, n: int, first: int = 0) -> None:
    """``n`` open items of each kind: 陈建伟's cases (at his 5号窗口), denial filings for the
    director, home visits assigned to him, today's appointments on a line his window serves."""
    staff = Staff.objects.get(user__username="chenjianwei")
    copies(case, n, "C", first, due_at=at("2026-12-07T17:30"))
    copies(case, n, "D", first, status=rules.DENIAL_FILED, due_at=at("2026-12-07T17:30"))
    HomeVisit.objects.bulk_create(
        [
            HomeVisit(
                center=kaiyuan,
                name="李老伯",
                phone="13800000000",
                address="象峰一路1号",
                age=80,
                need="残疾人证新办",
                requested_at=at("2026-11-20T09:00"),
                status=HomeVisit.Status.ASSIGNED,
                assigned_to=staff,
                visit_on=dt.date(2026, 11, 25),
            )
            for _ in range(n)
        ],
        batch_size=1000,
    )
    line = Line.objects.filter(center=kaiyuan, prefix="Z").first() or Line.objects.create(
        center=kaiyuan, prefix="Z", name="残联业务"
    )
    line.windows.add(Window.objects.get(center=kaiyuan, number=5))
    start = at("2026-11-23T15:00")
    Appointment.objects.bulk_create(
        [
            Appointment(
                center=kaiyuan,
                line=line,
                day=dt.date(2026, 11, 23),
                slot_start=start,
                slot_end=start + dt.timedelta(minutes=30),
                name="赵女士",
                phone="13900000000",
                channel=Appointment.Channel.PHONE,
                code=f"{i:06d}",
                booked_at=at("2026-11-20T09:00"),
                booked_by="chenjianwei",
            )
            for i in range(first, first + n)
        ],
        batch_size=1000,
    )


def count_queries(user_named, username) -> tuple[int, todo.Todo]:
    user = user_named(username)  # a fresh user: no roles or staff record kept from before
    with clock.freeze(NOW), CaptureQueriesContext(connection) as queries:
        found = todo.todo_for(user)
    return len(queries), found


@pytest.mark.parametrize("username", ["chenjianwei", "wangmanshu"])
def test_todo_is_a_fixed_number_of_queries_with_10_or_10000_open_items(intake, kaiyuan, user_named, username):
    """A window clerk's and a director's list: the same statements for 10 and for 10,000 open
    items of every kind (cases, denials, home visits, appointments)."""
    case = intake()
    Case.objects.filter(pk=case.pk).update(voided_at=at("2026-11-23T09:40"))  # only the copies count
    open_items(kaiyuan, case, 10)
    few, found_few = count_queries(user_named, username)
    open_items(kaiyuan, case, 9_990, first=10)
    many, found_many = count_queries(user_named, username)
    # the person's staff record and roles, then a few statements per app for the kinds the person
    # can have (cases, queue, parallel opinions, complaints, revisits, duty, training, assessment
    # appeals for a director)
    assert few == many == {"chenjianwei": 12, "wangmanshu": 18}[username], (few, many)
    assert found_many.more and len(found_many.items) == todo.LIMIT
    kinds = {item.kind for item in found_many.items}
    if username == "chenjianwei":
        assert not found_few.more and len(found_few.items) == 30  # cases, home visits, appointments
        assert kinds == {"appointment"}  # today's appointments come before the cases due later
    else:
        assert not found_few.more and len(found_few.items) == 10
        assert kinds == {"denial"}


def test_todo_most_urgent_first_overdue_then_today_then_by_due_time(intake, kaiyuan, user_named):
    case = intake()
    Case.objects.filter(pk=case.pk).update(voided_at=at("2026-11-23T09:40"))
    open_items(kaiyuan, case, 1)
    copies(case, 1, "LATE", due_at=at("2026-11-20T17:30"), warn_date=dt.date(2026, 11, 18))
    copies(case, 1, "SOON", due_at=at("2026-11-23T17:30"), warn_date=dt.date(2026, 11, 20))
    with clock.freeze(NOW):
        found = todo.todo_for(user_named("chenjianwei"))
    got = [(item.kind, item.ref, item.urgency, item.colour) for item in found.items]
    assert got == [
        ("case", "LATE-00000", todo.OVERDUE, rules.RED),
        ("appointment", "000000", todo.TODAY, ""),
        ("case", "SOON-00000", todo.TODAY, rules.YELLOW),
        ("home_visit", got[3][1], todo.LATER, ""),
        ("case", "C-00000", todo.LATER, rules.GREEN),
    ]
    assert found.items[0].link == "/cases/LATE-00000/"
    assert found.items[3].all_day and found.items[3].due == at("2026-11-25T23:59:59")


def test_todo_only_what_waits_on_the_person(intake, kaiyuan, user_named):
    """Another window's cases, a denial for a window clerk, a finished or void item: not listed."""
    case = intake()
    other = Window.objects.get(center=kaiyuan, number=1)
    someone = Staff.objects.get(user__username="chenshaoli")
    copies(case, 1, "OTHER", window_id=other.pk, handler_id=someone.pk)
    copies(case, 1, "DONE", status=rules.COMPLETED)
    copies(case, 1, "DENY", status=rules.DENIAL_FILED)
    with clock.freeze(NOW):
        clerk = todo.todo_for(user_named("chenjianwei"))
        director = todo.todo_for(user_named("wangmanshu"))
        colleague = todo.todo_for(user_named("chenshaoli"))
    assert [i.ref for i in clerk.items] == [case.number]
    assert [(i.kind, i.ref) for i in director.items] == [("denial", "DENY-00000")]
    assert [i.ref for i in colleague.items] == ["OTHER-00000"]  # handled by her, at window 1


def test_todo_the_registry_takes_a_new_protocol_only_by_name():
    with pytest.raises(ValueError, match="unknown protocol"):
        registry.register("faxts", lambda center, start, end: [])
    assert {"servicehall.cases.selectors", "servicehall.tickets.selectors"} <= {
        p.__module__ for p in registry.providers("todo")
    }  # later apps add theirs


def test_todo_api_lists_the_callers_items_and_refuses_without_sign_in(intake, client, bearer):
    intake()
    assert client.get("/api/v1/me/todo").status_code == 401
    with clock.freeze(NOW):
        response = client.get("/api/v1/me/todo", headers=bearer("chenjianwei"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["more"] is False
    [item] = body["items"]
    assert item["kind"] == "case" and item["urgency"] == todo.LATER and item["colour"] == rules.GREEN
    assert item["link"] == f"/cases/{item['ref']}/"
    assert dt.datetime.fromisoformat(item["due"]) == at("2026-12-07T17:30")
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/me/todo"]["get"]["responses"]
    assert {"200", "401"} <= set(responses)
    assert "urgency" in schema["components"]["schemas"]["TodoItemOut"]["properties"]


def test_todo_home_page_shows_the_list_in_chinese_and_english(intake, login):
    case = intake()
    client = login("chenjianwei")
    with clock.freeze(NOW):
        page = client.get("/").content.decode()
        english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "我的待办" in page and f'href="/cases/{case.number}/"' in page
    assert "My to-do list" in english and f'href="/cases/{case.number}/"' in english
