"""QUE-2 and the window console: call next, pick with a reason, recall, no-show, serve, transfer."""

import datetime as dt

import pytest
from django.db import connection

from servicehall.core import clock
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.models import AuditEvent
from servicehall.tickets import booking, rules, selectors, services
from servicehall.tickets.models import Ticket, WindowState

pytestmark = pytest.mark.usefixtures("monday")


def take(center, prefix="A", green=None):
    return services.ticket_take(actor=None, line=selectors.get_line(center, prefix), green_channel=green)


def call(w, actor):
    return services.ticket_call_next(actor=actor, window=w)


def serve(ticket, actor):
    services.ticket_start(actor=actor, ticket=ticket)
    return services.ticket_finish(actor=actor, ticket=Ticket.objects.get(pk=ticket.pk))


def test_que_2_green_channel_first_then_first_come_first_served(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    a1, a2 = take(queue), take(queue)
    g = take(queue, green="disabled")
    order = []
    for _ in range(3):
        t = call(w, clerk)
        order.append(t.number)
        services.ticket_no_show(actor=clerk, ticket=t)
    assert order == [g.number, a1.number, a2.number]
    assert call(w, clerk) is None  # nobody waits


def test_que_2_after_three_priority_calls_a_normal_ticket_is_called(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    normal = take(queue)
    greens = [take(queue, green=g) for g in ["elderly", "women", "minor", "military", "migrant_worker"]]
    called = []
    for _ in range(6):
        t = call(w, clerk)
        called.append(t.number)
        serve(t, clerk)
    assert called == [greens[0].number, greens[1].number, greens[2].number, normal.number] + [
        g.number for g in greens[3:]
    ]


def test_que_2_the_fairness_bound_comes_from_the_policy(queue, opened, holder):
    queue.policy.priority_run_limit = 1
    queue.policy.save()
    w = opened(1)
    clerk = holder(w)
    normal = take(queue)
    g1, g2 = take(queue, green="elderly"), take(queue, green="elderly")
    called = [call(w, clerk)]
    services.ticket_no_show(actor=clerk, ticket=called[0])
    called.append(call(w, clerk))
    services.ticket_no_show(actor=clerk, ticket=called[1])
    called.append(call(w, clerk))
    assert [t.number for t in called] == [g1.number, normal.number, g2.number]


def test_que_2_a_checked_in_appointment_goes_first_at_its_slot(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    with clock.freeze("2026-11-23T08:10"):
        appointment = booking.appointment_book(
            actor=clerk,
            line=selectors.get_line(queue, "A"),
            slot_start=dt.datetime(2026, 11, 23, 10, 0, tzinfo=clock.TZ),
            name="张三",
            phone="13800001111",
            channel="phone",
        )
    early = take(queue, green="elderly")
    ticket = booking.appointment_check_in(actor=clerk, center=queue, code=appointment.code)
    assert ticket.source == "appointment" and ticket.slot_start == appointment.slot_start
    first = call(w, clerk)
    assert first.pk == early.pk  # 09:30: before its slot the appointment waits
    services.ticket_no_show(actor=clerk, ticket=first)
    with clock.freeze("2026-11-23T10:00"):
        later_green = take(queue, green="elderly")
        second = call(w, clerk)
        assert second.pk == ticket.pk  # at its slot it goes first
        services.ticket_no_show(actor=clerk, ticket=second)
        assert call(w, clerk).pk == later_green.pk


def test_call_next_only_by_the_windows_operator(queue, opened, holder, window, user_named):
    w = opened(1)
    take(queue)
    with pytest.raises(Forbidden) as exc:
        call(w, holder(w, "B"))  # the B post must cover first
    assert exc.value.code == "not_window_operator"
    with pytest.raises(Forbidden):
        call(w, user_named("weixiaojing"))  # the A post of another window
    with pytest.raises(Forbidden):
        call(w, user_named("auditor"))
    with pytest.raises(Conflict) as exc:
        call(window(2), holder(window(2)))  # window 2 is closed
    assert exc.value.code == "window_not_open"
    assert Ticket.objects.filter(status="waiting").count() == 1


def test_one_citizen_at_a_time_at_a_window(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    take(queue), take(queue)
    first = call(w, clerk)
    with pytest.raises(Conflict) as exc:
        call(w, clerk)
    assert exc.value.code == "window_busy" and first.number in exc.value.message


def test_a_window_calls_only_its_lines(queue, opened, holder):
    w3 = opened(3)  # line B only
    take(queue, "A")
    assert call(w3, holder(w3)) is None
    b = take(queue, "B")
    assert call(w3, holder(w3)).pk == b.pk


def test_recall_up_to_three_times_then_no_show(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    take(queue)
    t = call(w, clerk)
    for n in range(1, rules.MAX_RECALLS + 1):
        with clock.freeze(clock.now() + dt.timedelta(seconds=30 * n)):
            t = services.ticket_recall(actor=clerk, ticket=t)
        assert t.recalls == n
    with pytest.raises(Conflict) as exc:
        services.ticket_recall(actor=clerk, ticket=t)
    assert exc.value.code == "recall_limit" and "过号" in exc.value.message
    t = services.ticket_no_show(actor=clerk, ticket=t)
    assert t.status == "no_show" and WindowState.objects.get(window=w).current is None
    assert AuditEvent.objects.filter(action="ticket.recall").count() == 3


def test_start_and_finish_record_the_service(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    take(queue)
    t = call(w, clerk)
    with pytest.raises(Conflict):
        services.ticket_finish(actor=clerk, ticket=t)  # not started yet
    with clock.freeze("2026-11-23T09:35"):
        services.ticket_start(actor=clerk, ticket=t)
    with clock.freeze("2026-11-23T09:47"):
        t = services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
    assert t.status == "done" and (t.finished_at - t.started_at) == dt.timedelta(minutes=12)
    assert t.served_by.user == clerk and t.window == w
    with pytest.raises(Conflict):
        services.ticket_recall(actor=clerk, ticket=t)


def test_pick_a_particular_ticket_needs_a_reason_and_is_audited(queue, opened, holder):
    w = opened(1)
    clerk = holder(w)
    take(queue)
    second = take(queue)
    with pytest.raises(Invalid) as exc:
        services.ticket_call(actor=clerk, window=w, ticket=second, reason="  ")
    assert exc.value.code == "reason_required"
    t = services.ticket_call(actor=clerk, window=w, ticket=second, reason="孕妇，身体不适")
    assert t.status == "called" and t.window == w
    event = AuditEvent.objects.filter(action="ticket.pick").get()
    assert event.after["reason"] == "孕妇，身体不适"
    b = take(queue, "B")
    services.ticket_no_show(actor=clerk, ticket=t)
    with pytest.raises(Conflict) as exc:
        services.ticket_call(actor=clerk, window=w, ticket=b, reason="x")  # window 1 does not serve B
    assert exc.value.code == "ticket_not_waiting"


def test_transfer_to_another_line_keeps_the_number_and_issue_time(queue, opened, holder):
    w1, w3 = opened(1), opened(3)
    a1 = take(queue, "A")
    with clock.freeze("2026-11-23T09:40"):
        b1 = take(queue, "B")
    t = call(w1, holder(w1))
    moved = services.ticket_transfer(actor=holder(w1), ticket=t, line=selectors.get_line(queue, "B"))
    assert moved.status == "waiting" and moved.number == "A001" and moved.line.prefix == "B"
    assert moved.issued_at == a1.issued_at
    # it waits in its original place: before B001, which was issued later
    assert call(w3, holder(w3)).pk == a1.pk
    assert WindowState.objects.get(window=w1).current is None
    assert b1.status == "waiting"


def test_transfer_to_a_window(queue, opened, holder, window):
    w1, w2 = opened(1), opened(2)
    take(queue), take(queue)
    t = call(w1, holder(w1))
    services.ticket_transfer(actor=holder(w1), ticket=t, window=w2)
    t2 = call(w2, holder(w2))
    assert t2.pk == t.pk  # sent to window 2, first by issue time
    t = t2
    with pytest.raises(Invalid):
        services.ticket_transfer(actor=holder(w2), ticket=t)
    with pytest.raises(Conflict) as exc:
        services.ticket_transfer(actor=holder(w2), ticket=t, window=window(5))  # window 5 is closed
    assert exc.value.code == "no_window_open"
    with pytest.raises(Invalid):
        services.ticket_transfer(actor=holder(w2), ticket=t, window=w2)


# --- the API ----------------------------------------------------------------------------------


def post(client, url, body=None, headers=None):
    return client.post(url, body or {}, content_type="application/json", headers=headers or {})


def test_api_call_next_200_then_204(client, queue, opened, holder, bearer):
    w = opened(1)
    auth = bearer(holder(w).username)
    post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth)
    r = post(client, f"/api/v1/windows/{w.pk}/call-next", headers=auth)
    assert r.status_code == 200 and r.json()["number"] == "A001" and r.json()["window"] == 1
    tid = r.json()["id"]
    for action in ["recall", "start", "finish"]:
        r = post(client, f"/api/v1/tickets/{tid}/{action}", headers=auth)
        assert r.status_code == 200, r.content
    assert r.json()["status"] == "done"
    r = post(client, f"/api/v1/windows/{w.pk}/call-next", headers=auth)
    assert r.status_code == 204 and r.content == b""


def test_api_transfer_and_pick(client, queue, opened, holder, bearer):
    w1, w3 = opened(1), opened(3)
    auth1, auth3 = bearer(holder(w1).username), bearer(holder(w3).username)
    post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth1)
    second = post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth1).json()
    r = post(client, f"/api/v1/windows/{w1.pk}/call", {"ticket": second["id"], "reason": "残疾人优先"}, auth1)
    assert r.status_code == 200 and r.json()["number"] == "A002"
    r = post(client, f"/api/v1/tickets/{second['id']}/transfer", {"line": "B"}, auth1)
    assert r.status_code == 200 and r.json()["line"] == "B" and r.json()["status"] == "waiting"
    r = post(client, f"/api/v1/windows/{w3.pk}/call-next", headers=auth3)
    assert r.json()["number"] == "A002"


@pytest.mark.parametrize(
    "url,body,status,code",
    [
        ("/api/v1/windows/9999/call-next", {}, 404, "window_not_found"),
        ("/api/v1/tickets/9999/recall", {}, 404, "ticket_not_found"),
        ("/api/v1/windows/{w}/call", {"ticket": 9999, "reason": "x"}, 404, "ticket_not_found"),
        ("/api/v1/windows/{w}/call", {"ticket": "x"}, 400, "invalid_input"),
        ("/api/v1/tickets/{t}/transfer", {}, 400, "transfer_target"),
        ("/api/v1/tickets/{t}/transfer", {"line": "Q"}, 404, "line_not_found"),
        ("/api/v1/tickets/{t}/transfer", {"line": "B", "window": "{w}"}, 400, "transfer_target"),
        ("/api/v1/tickets/{t}/finish", {}, 409, "ticket_state"),
    ],
)
def test_api_bad_input_is_refused_and_changes_nothing(
    client, queue, opened, holder, bearer, url, body, status, code
):
    w = opened(1)
    auth = bearer(holder(w).username)
    post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth)
    t = post(client, f"/api/v1/windows/{w.pk}/call-next", headers=auth).json()
    events = AuditEvent.objects.count()
    body = {k: v.format(w=w.pk) if isinstance(v, str) else v for k, v in body.items()}
    r = post(client, url.format(w=w.pk, t=t["id"]), body, auth)
    assert r.status_code == status and r.json()["code"] == code, r.content
    assert AuditEvent.objects.count() == events
    assert Ticket.objects.get(pk=t["id"]).status == "called"


def test_api_console_actions_refuse_others(client, queue, opened, holder, bearer):
    w = opened(1)
    auth = bearer(holder(w).username)
    post(client, "/api/v1/centers/kaiyuan/tickets", {"line": "A"}, auth)
    t = post(client, f"/api/v1/windows/{w.pk}/call-next", headers=auth).json()
    for url in [f"/api/v1/windows/{w.pk}/call-next", f"/api/v1/tickets/{t['id']}/no-show"]:
        assert post(client, url).status_code == 401
        r = post(client, url, headers=bearer("weixiaojing"))
        assert r.status_code == 403 and r.json()["code"] == "not_window_operator"
        assert post(client, url, headers=bearer("auditor")).status_code == 403


def test_call_next_is_a_fixed_number_of_queries(
    client, queue, opened, holder, bearer, django_assert_num_queries
):
    w = opened(1)
    auth = bearer(holder(w).username)
    for i in range(30):
        post(
            client,
            "/api/v1/centers/kaiyuan/tickets",
            {"line": "A", "green_channel": "elderly" if i % 3 else None},
            auth,
        )
    selectors.get_window(w.pk)  # the window is kept in the process from the first action on
    for _ in range(2):
        with django_assert_num_queries(QUERIES_CALL_NEXT[connection.vendor]):
            t = post(client, f"/api/v1/windows/{w.pk}/call-next", headers=auth).json()
        post(client, f"/api/v1/tickets/{t['id']}/no-show", headers=auth)


# the window's lines, the candidates (one statement), the pick locked, the line's waiting
# count; the audit append (PostgreSQL: one statement, core/audit_pg.py; SQLite: three). The
# window itself is kept in the process (selectors.get_window).
QUERIES_CALL_NEXT = {"sqlite": 14, "postgresql": 12}


def test_row_locks_never_reach_joined_tables(queue, opened, holder, user_named):
    """PostgreSQL: a FOR UPDATE over a join locks every joined row unless it names its table. A
    no-show that locked the ticket's line deadlocked with takes inserting tickets of that line."""
    from django.test.utils import CaptureQueriesContext

    w1, w3 = opened(1), opened(3)
    clerk = holder(w1)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            take(queue)
        t = call(w1, clerk)
        services.ticket_recall(actor=clerk, ticket=t)
        services.ticket_start(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
        services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
        t = services.ticket_call(
            actor=clerk, window=w1, ticket=Ticket.objects.filter(status="waiting").first(), reason="x"
        )
        services.ticket_transfer(actor=clerk, ticket=t, line=selectors.get_line(queue, "B"))
        services.ticket_no_show(actor=holder(w3), ticket=call(w3, holder(w3)))
        services.window_action(actor=clerk, window=w1, action="pause")
        booking.appointment_book(
            actor=clerk,
            line=selectors.get_line(queue, "A"),
            slot_start=clock.parse_moment("2026-11-23T11:00"),
            name="张三",
            phone="13800001111",
            channel="phone",
        )
    locking = [q["sql"] for q in queries.captured_queries if " FOR " in q["sql"] and "UPDATE" in q["sql"]]
    for sql in locking:
        assert " JOIN " not in sql or " OF " in sql or "NO KEY UPDATE" in sql, sql


def test_que_2_call_next_reads_one_ticket_per_class_however_long_the_queue(queue, opened):
    """The candidates (one per class and line) come from index ranges in call order, whatever
    the planner believes: a new day is in no statistics, so it expects one waiting ticket.
    With 150 normal tickets waiting, the database reads at most one per class."""
    import json

    w = opened(1)
    for _ in range(150):
        take(queue)
    take(queue, green="elderly")
    now = clock.now()
    captured = []

    def keep(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        found = services._candidates(w, clock.local(now).date(), now, set())
    assert {t.green_channel for t in found} == {"", "elderly"}
    sql, params = captured[-1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # as in a full day's table, where reading it all is never cheaper; with whatever
            # statistics there are, then with today's
            cursor.execute("SET LOCAL enable_seqscan = off")
            for refresh in ("", "ANALYZE tickets_ticket"):
                if refresh:
                    cursor.execute(refresh)
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan

                def scans(node):
                    if node.get("Relation Name") == "tickets_ticket":
                        yield node
                    for child in node.get("Plans", []):
                        yield from scans(child)

                read = [n["Actual Rows"] + n.get("Rows Removed by Filter", 0) for n in scans(plan[0]["Plan"])]
                assert max(read) <= 1, (refresh, read)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            steps = [row[3] for row in cursor.fetchall()]
            assert not any(s.startswith("SCAN tickets_ticket") for s in steps), steps
            normal = [i for i, s in enumerate(steps) if s.startswith("CO-ROUTINE normal")]
            assert normal and all("TEMP B-TREE" not in steps[i + 2] for i in normal), steps


def test_a_window_kept_in_the_process_follows_a_change_made_in_it(queue, django_assert_num_queries):
    from servicehall.org.models import Window

    w = Window.objects.get(center=queue, number=1)
    selectors.get_window(w.pk)
    with django_assert_num_queries(0):
        kept = selectors.get_window(w.pk)
    assert kept.center.policy.pk and kept.center.code == "kaiyuan"
    w.name = "综合受理一号窗"
    w.save(update_fields=["name"])
    assert selectors.get_window(w.pk).name == "综合受理一号窗"
    queue.policy.priority_run_limit = 5
    queue.policy.save(update_fields=["priority_run_limit"])
    assert selectors.get_window(w.pk).center.policy.priority_run_limit == 5
    with pytest.raises(Exception, match="没有这个窗口"):
        selectors.get_window(987_654)
