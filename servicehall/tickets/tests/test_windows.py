"""QUE-5 window states and their history; HRS-3 extended service after closing time."""

import datetime as dt

import pytest

from servicehall.core import clock
from servicehall.core.errors import Conflict, Forbidden
from servicehall.core.models import AuditEvent
from servicehall.tickets import selectors, services
from servicehall.tickets.models import Absence, ExtendedService, Ticket, WindowState, WindowStateChange

pytestmark = pytest.mark.usefixtures("monday")


def act(w, actor, action):
    return services.window_action(actor=actor, window=w, action=action)


def later(minutes):
    return clock.freeze(clock.parse_moment("2026-11-23T09:30") + dt.timedelta(minutes=minutes))


def test_que_5_a_brief_pause_shows_please_wait_and_leaves_no_record(queue, window, holder):
    w = window(1)
    a = holder(w)
    act(w, a, "open")
    state = act(w, a, "pause")
    assert state.state == "paused" and selectors.state_label(state.state) == "请稍候"
    with later(10):
        assert act(w, a, "resume").state == "open"
    assert not Absence.objects.exists()
    assert list(WindowStateChange.objects.values_list("state", flat=True)) == ["open", "paused", "open"]


def test_que_5_pause_over_ten_minutes_uncovered_counts_against_the_person_as_late(queue, window, holder):
    w = window(1)
    a = holder(w)
    act(w, a, "open")
    act(w, a, "pause")
    with later(12):
        assert selectors.window_summary(w)["pause_over"] is True  # the console warns while it runs
        act(w, a, "resume")
    absence = Absence.objects.get()
    assert absence.staff.user == a and absence.minutes == 12 and absence.threshold_minutes == 10
    assert absence.counts_as_late is True  # Kaiyuan 004 art.17(1)


def test_que_5_the_threshold_and_lateness_come_from_the_policy(queue, window, holder):
    queue.policy.brief_absence_minutes, queue.policy.absence_counts_as_late = 15, False  # Jinjiang 000
    queue.policy.save()
    w = window(1)
    a = holder(w)
    act(w, a, "open")
    act(w, a, "pause")
    with later(14):
        act(w, a, "resume")
    assert not Absence.objects.exists()
    act(w, a, "pause")
    with later(30):
        act(w, a, "resume")
    assert Absence.objects.get().counts_as_late is False


def test_que_5_the_b_post_covers_under_their_own_login(queue, window, holder, client, bearer):
    w = window(1)
    a, b = holder(w), holder(w, "B")
    act(w, a, "open")
    act(w, a, "pause")
    services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    with later(8):
        state = act(w, b, "cover")
    assert state.state == "covered" and state.operator.user == b
    assert not Absence.objects.exists()  # covered within the ten minutes
    with later(9):
        t = services.ticket_call_next(actor=b, window=w)
        assert t.served_by.user == b
        with pytest.raises(Forbidden):
            services.ticket_call_next(actor=a, window=w)
    with later(30):
        services.ticket_no_show(actor=b, ticket=t)
        assert act(w, a, "open").operator.user == a  # A takes the window back
    event = AuditEvent.objects.filter(action="window.cover").get()
    assert event.actor_name == b.username


def test_que_5_cover_after_the_threshold_still_records_the_uncovered_minutes(queue, window, holder):
    w = window(1)
    a, b = holder(w), holder(w, "B")
    act(w, a, "open")
    act(w, a, "pause")
    with later(25):
        act(w, b, "cover")
    assert Absence.objects.get().minutes == 25


def test_que_5_only_the_b_post_covers_and_only_post_holders_open(queue, window, holder, user_named):
    w = window(1)
    with pytest.raises(Forbidden) as exc:
        act(w, holder(w, "A"), "cover")
    assert exc.value.code == "not_backup_post"
    with pytest.raises(Forbidden):
        act(w, user_named("weixiaojing"), "open")  # another window's A post
    with pytest.raises(Forbidden):
        act(w, user_named("wangmanshu"), "open")  # the director holds no post here
    act(w, holder(w), "open")
    with pytest.raises(Forbidden):
        act(w, holder(w, "B"), "pause")  # only whoever is at the window pauses it
    with pytest.raises(Conflict) as exc:
        act(w, holder(w), "open")
    assert exc.value.code == "window_state"
    assert WindowState.objects.get(window=w).state == "open"


def test_close_is_refused_while_a_citizen_is_at_the_counter(queue, window, holder):
    w = window(1)
    a = holder(w)
    act(w, a, "open")
    services.ticket_take(actor=None, line=selectors.get_line(queue, "A"))
    services.ticket_call_next(actor=a, window=w)
    with pytest.raises(Conflict) as exc:
        act(w, a, "close")
    assert exc.value.code == "window_busy"


def test_hrs_3_last_window_of_a_line_cannot_close_while_its_tickets_wait(queue, window, holder):
    w3, w4 = window(3), window(4)
    act(w3, holder(w3), "open")
    act(w4, holder(w4), "open")
    services.ticket_take(actor=None, line=selectors.get_line(queue, "B"))
    act(w4, holder(w4), "close")  # window 3 still serves line B
    with pytest.raises(Conflict) as exc:
        act(w3, holder(w3), "close")
    assert exc.value.code == "tickets_waiting" and "窗口不下班" in exc.value.message
    assert WindowState.objects.get(window=w3).state == "open"


def test_hrs_3_tickets_taken_before_closing_are_called_and_extended_minutes_recorded(queue, window, holder):
    w = window(3)
    clerk = holder(w)
    with clock.freeze("2026-11-23T17:20"):
        act(w, clerk, "open")
        first = services.ticket_take(actor=None, line=selectors.get_line(queue, "B"))
    with clock.freeze("2026-11-23T17:29"):
        second = services.ticket_take(actor=None, line=selectors.get_line(queue, "B"))
    with clock.freeze("2026-11-23T17:40"):
        assert selectors.window_summary(w)["extended"] is True  # the console shows 延时服务
        t = services.ticket_call_next(actor=clerk, window=w)
        assert t.pk == first.pk
        services.ticket_start(actor=clerk, ticket=t)
    with clock.freeze("2026-11-23T17:55"):
        services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
        t = services.ticket_call_next(actor=clerk, window=w)
        assert t.pk == second.pk
        services.ticket_start(actor=clerk, ticket=t)
    with clock.freeze("2026-11-23T18:07"):
        services.ticket_finish(actor=clerk, ticket=Ticket.objects.get(pk=t.pk))
        act(w, clerk, "close")
    row = ExtendedService.objects.get(window=w, day=dt.date(2026, 11, 23))
    assert row.minutes == 37 and clock.local(row.until).time() == dt.time(18, 7)


def test_no_extended_service_before_closing(queue, window, holder):
    w = window(3)
    act(w, holder(w), "open")
    assert selectors.window_summary(w)["extended"] is False
    act(w, holder(w), "close")
    assert not ExtendedService.objects.exists()


# --- the API ----------------------------------------------------------------------------------


def post(client, url, headers=None):
    return client.post(url, {}, content_type="application/json", headers=headers or {})


def test_api_window_states(client, queue, window, holder, bearer):
    w = window(1)
    a, b = bearer(holder(w).username), bearer(holder(w, "B").username)
    r = post(client, f"/api/v1/windows/{w.pk}/open", a)
    assert r.status_code == 200 and r.json()["state"] == "open" and r.json()["operator"] == "陈少丽"
    r = post(client, f"/api/v1/windows/{w.pk}/pause", a)
    assert r.json()["state"] == "paused" and r.json()["state_label"] == "请稍候"
    r = post(client, f"/api/v1/windows/{w.pk}/cover", b)
    assert r.json()["state"] == "covered" and r.json()["operator"] == "许轻轻"
    r = post(client, f"/api/v1/windows/{w.pk}/close", b)
    assert r.json()["state"] == "closed"
    r = post(client, f"/api/v1/windows/{w.pk}/resume", a)
    assert r.status_code == 409 and r.json()["code"] == "window_state"


def test_api_window_actions_refuse_others_and_bad_windows(client, queue, window, holder, bearer):
    w = window(1)
    assert post(client, f"/api/v1/windows/{w.pk}/open").status_code == 401
    r = post(client, f"/api/v1/windows/{w.pk}/open", bearer("weixiaojing"))
    assert r.status_code == 403 and r.json()["code"] == "not_post_holder"
    r = post(client, f"/api/v1/windows/{w.pk}/open", bearer("auditor"))
    assert r.status_code == 403
    r = post(client, "/api/v1/windows/0/open", bearer(holder(w).username))
    assert r.status_code == 404
    r = post(client, f"/api/v1/windows/{w.pk}/pause", bearer(holder(w).username))
    assert r.status_code == 409 and r.json()["code"] == "window_state"
    assert not WindowStateChange.objects.exists()


def test_center_detail_lists_the_lines_each_window_serves_and_its_state(
    client, queue, window, holder, bearer
):
    w = window(6)
    services.window_action(actor=holder(w), window=w, action="open")
    body = client.get("/api/v1/centers/kaiyuan", headers=bearer("wangmanshu")).json()
    windows = {x["number"]: x for x in body["windows"]}
    assert [line["prefix"] for line in windows[6]["lines"]] == ["A", "C"]
    assert windows[6]["state"] == "open" and windows[2]["state"] == "closed"
    assert [line["prefix"] for line in windows[3]["lines"]] == ["B"]
