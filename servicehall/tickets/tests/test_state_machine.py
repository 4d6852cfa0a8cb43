"""A hypothesis state machine over take / call / recall / no-show / start / finish / transfer /
open / pause / resume / cover / close and the passing of time, against the real services and
database. After every step the invariants of QUE-1, QUE-2, QUE-5 and HRS-3 must hold.

The model is deliberately simple (a dict per ticket and per window); QUE-2's order is checked
through its properties (class first, fairness bound, first come first served within a class),
not by calling the rule that implements it.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from servicehall.core import clock
from servicehall.core.errors import DomainError
from servicehall.org.models import Center, Window
from servicehall.org.selectors import posts_on
from servicehall.tickets import rules, selectors, services
from servicehall.tickets.models import Absence, ExtendedService, LineDay, Ticket, WindowState

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.TZ)  # Monday; 08:00–12:00, 14:30–17:30
SESSIONS = [(dt.time(8), dt.time(12)), (dt.time(14, 30), dt.time(17, 30))]
CLOSING = dt.datetime(2026, 11, 23, 17, 30, tzinfo=clock.TZ)
WINDOWS = {1: {"A", "C"}, 2: {"A"}, 3: {"B"}}  # the demo's lines of windows 1, 2, 3
LIMIT = 3  # Kaiyuan's priority_run_limit
THRESHOLD = 10  # Kaiyuan's brief_absence_minutes
GREENS = [None, "elderly", "disabled", "military"]


def outcome(fn, **kwargs):
    """(result, None) or (None, error code)."""
    try:
        return fn(**kwargs), None
    except DomainError as exc:
        return None, exc.code


class Queue(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example starts from the same database, rolled back after
        self.now = START
        self.frozen = clock.freeze(self.now)
        self.frozen.__enter__()
        self.center = Center.objects.select_related("policy").get(code="kaiyuan")
        self.lines = {p: selectors.get_line(self.center, p) for p in "AB"}
        self.win = {}
        self.holders = {}
        for number in WINDOWS:
            w = Window.objects.select_related("center__policy", "center__parent").get(
                center=self.center, number=number
            )
            self.win[number] = w
            posts = posts_on(START.date()).filter(window=w).select_related("staff__user")
            self.holders[number] = {p.kind: p.staff.user for p in posts}
        # the model
        self.tickets = {}  # id -> dict(line, green, status, window, target, recalls)
        self.issued = {"A": 0, "B": 0}
        self.windows = {n: {"state": "closed", "operator": None, "current": None, "run": 0} for n in WINDOWS}
        self.paused = {}  # window -> (since, resume_to)
        self.absences = 0
        self.extended = {}  # window -> latest moment served past closing

    def teardown(self):
        self.frozen.__exit__(None, None, None)
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ---------------------------------------------------------------------------

    def set_time(self, moment):
        self.frozen.__exit__(None, None, None)
        self.now = moment
        self.frozen = clock.freeze(moment)
        self.frozen.__enter__()

    def is_open(self):
        t = self.now.time()
        return any(a <= t < b for a, b in SESSIONS)

    def callable_by(self, n):
        return [
            pk
            for pk, t in self.tickets.items()
            if t["status"] == "waiting"
            and ((t["target"] is None and t["line"] in WINDOWS[n]) or t["target"] == n)
        ]

    def active(self, n):
        return self.windows[n]["state"] != "closed"

    def actor(self, n):
        op = self.windows[n]["operator"]
        return self.holders[n][op] if op else self.holders[n]["A"]

    def served_past_closing(self, n):
        if self.now > CLOSING:
            self.extended[n] = self.now

    def end_pause(self, n):
        if n in self.paused:
            since, _ = self.paused.pop(n)
            if (self.now - since).total_seconds() > THRESHOLD * 60:
                self.absences += 1

    # --- rules ---------------------------------------------------------------------------------

    @rule(minutes=st.sampled_from([1, 4, 11, 30, 95]))
    def tick(self, minutes):
        later = self.now + dt.timedelta(minutes=minutes)
        if later.date() == START.date() and later.hour < 23:
            self.set_time(later)

    @initialize()
    def open_windows(self):
        for n in WINDOWS:
            self.window(n, "open")

    @rule(prefix=st.sampled_from("AB"), greens=st.lists(st.sampled_from(GREENS), min_size=1, max_size=6))
    def take(self, prefix, greens):
        for green in greens:
            self.take_one(prefix, green)

    def take_one(self, prefix, green):
        ticket, code = outcome(services.ticket_take, actor=None, line=self.lines[prefix], green_channel=green)
        if not self.is_open():
            assert code == "center_closed"  # HRS-3: no walk-ins after closing
            return
        assert code is None
        self.issued[prefix] += 1
        assert ticket.number == f"{prefix}{self.issued[prefix]:03d}"  # QUE-1
        self.tickets[ticket.pk] = {
            "line": prefix,
            "green": bool(green),
            "status": "waiting",
            "window": None,
            "target": None,
            "recalls": 0,
            "issued_at": self.now,
        }

    @rule(n=st.sampled_from(list(WINDOWS)))
    def call_next(self, n):
        self.call_one(n)

    @rule(n=st.sampled_from(list(WINDOWS)), k=st.integers(1, 6))
    def call_and_skip(self, n, k):
        """A run of calls at one window, each one a no-show: reaches the fairness bound."""
        for _ in range(k):
            if self.call_one(n) is None:
                return
            self.no_show(n)

    def call_one(self, n):
        """Call next at window ``n`` and check QUE-2; the ticket's id, or None."""
        w = self.windows[n]
        candidates = self.callable_by(n)
        ticket, code = outcome(services.ticket_call_next, actor=self.actor(n), window=self.win[n])
        if w["state"] not in ("open", "covered"):
            assert code == "window_not_open"
            return None
        if w["current"] is not None:
            assert code == "window_busy"
            return None
        assert code is None
        if not candidates:
            assert ticket is None  # HRS-3: after closing too, only an empty queue gives nothing
            return None
        assert ticket is not None and ticket.pk in candidates
        got = self.tickets[ticket.pk]
        greens = [pk for pk in candidates if self.tickets[pk]["green"]]
        normals = [pk for pk in candidates if not self.tickets[pk]["green"]]
        if w["run"] >= LIMIT and normals:
            assert not got["green"], "QUE-2: after three priority calls a normal ticket must come"
        elif greens:
            assert got["green"], "QUE-2: the green channel goes first"
        same_class = greens if got["green"] else normals
        assert ticket.pk == min(same_class), "QUE-2: first come first served within a class"
        waiting = [
            rules.Waiting(
                pk, self.tickets[pk]["issued_at"], green_channel="x" if self.tickets[pk]["green"] else ""
            )
            for pk in candidates
        ]
        expected = rules.pick_next(waiting, priority_run=w["run"], limit=LIMIT, now=self.now)
        assert ticket.pk == expected.id, "the database's order is the rule's order"
        w["run"] = w["run"] + 1 if got["green"] else 0
        got.update(status="called", window=n, target=None, recalls=0)
        w["current"] = ticket.pk
        return ticket.pk

    @rule(n=st.sampled_from(list(WINDOWS)))
    def recall(self, n):
        pk = self.windows[n]["current"]
        if pk is None:
            return
        t = self.tickets[pk]
        _, code = outcome(services.ticket_recall, actor=self.actor(n), ticket=Ticket.objects.get(pk=pk))
        if t["status"] != "called" or self.windows[n]["state"] not in ("open", "covered"):
            assert code is not None
        elif t["recalls"] >= 3:
            assert code == "recall_limit"
        else:
            assert code is None
            t["recalls"] += 1

    def _counter(self, n, fn, needs, to):
        pk = self.windows[n]["current"]
        if pk is None:
            return
        t = self.tickets[pk]
        _, code = outcome(fn, actor=self.actor(n), ticket=Ticket.objects.get(pk=pk))
        if t["status"] != needs or self.windows[n]["state"] not in ("open", "covered"):
            assert code is not None
            return
        assert code is None
        t["status"] = to
        if to != "serving":
            self.windows[n]["current"] = None
            self.served_past_closing(n)

    @rule(n=st.sampled_from(list(WINDOWS)))
    def no_show(self, n):
        self._counter(n, services.ticket_no_show, "called", "no_show")

    @rule(n=st.sampled_from(list(WINDOWS)))
    def start(self, n):
        self._counter(n, services.ticket_start, "called", "serving")

    @rule(n=st.sampled_from(list(WINDOWS)))
    def finish(self, n):
        self._counter(n, services.ticket_finish, "serving", "done")

    @rule(
        n=st.sampled_from(list(WINDOWS)),
        to_line=st.sampled_from([None, "A", "B"]),
        to_window=st.sampled_from([None, 1, 2, 3]),
    )
    def transfer(self, n, to_line, to_window):
        pk = self.windows[n]["current"]
        if pk is None or (to_line is None) == (to_window is None):
            return
        t = self.tickets[pk]
        _, code = outcome(
            services.ticket_transfer,
            actor=self.actor(n),
            ticket=Ticket.objects.get(pk=pk),
            line=self.lines[to_line] if to_line else None,
            window=self.win[to_window] if to_window else None,
        )
        if self.windows[n]["state"] not in ("open", "covered"):
            assert code is not None
            return
        if to_window == n:
            assert code == "same_window"
            return
        if to_line == t["line"]:
            assert code == "same_line"
            return
        target_open = (
            self.active(to_window)
            if to_window
            else any(self.active(m) for m in WINDOWS if to_line in WINDOWS[m])
        )
        if not target_open:
            assert code == "no_window_open"
            return
        assert code is None
        t.update(status="waiting", window=None, recalls=0, target=to_window, line=to_line or t["line"])
        self.windows[n]["current"] = None
        self.served_past_closing(n)

    @rule(
        n=st.sampled_from(list(WINDOWS)),
        action=st.sampled_from(["open", "pause", "resume", "cover", "close"]),
    )
    def window(self, n, action):
        w = self.windows[n]
        actor = self.holders[n]["B"] if action == "cover" else self.actor(n)
        if action == "open":
            actor = self.holders[n]["A"]
        _, code = outcome(services.window_action, actor=actor, window=self.win[n], action=action)
        allowed = {
            "open": {"closed", "paused", "covered"},
            "pause": {"open", "covered"},
            "resume": {"paused"},
            "cover": {"closed", "open", "paused"},
            "close": {"open", "paused", "covered"},
        }[action]
        if w["state"] not in allowed:
            assert code == "window_state"
            return
        if action == "close":
            if w["current"] is not None:
                assert code == "window_busy"
                return
            others = [m for m in WINDOWS if m != n and self.active(m)]
            stranded = [
                pk
                for pk in self.callable_by(n)
                if self.tickets[pk]["target"] == n
                or not any(self.tickets[pk]["line"] in WINDOWS[m] for m in others)
            ]
            if stranded:
                assert code == "tickets_waiting"  # HRS-3: 窗口不下班
                return
        assert code is None, code
        if action == "pause":
            self.paused[n] = (self.now, w["state"])
            w["state"] = "paused"
            return
        resume_to = self.paused.get(n, (None, "open"))[1]
        self.end_pause(n)
        if action == "open":
            w.update(state="open", operator="A")
        elif action == "cover":
            w.update(state="covered", operator="B")
        elif action == "resume":
            w["state"] = resume_to
        else:
            w.update(state="closed", operator=None)
            self.served_past_closing(n)

    @rule(
        n=st.sampled_from(list(WINDOWS)),
        minutes=st.sampled_from([5, 10, 11, 14, 16, 30]),
        back=st.sampled_from(["resume", "cover", "open", "close"]),
    )
    def step_away(self, n, minutes, back):
        """QUE-5: a pause of some minutes, ended by coming back, the B post, or closing."""
        self.window(n, "pause")
        self.tick(minutes)
        self.window(n, back)

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def que_1_numbers_unique_and_gap_free(self):
        for prefix in "AB":
            seqs = sorted(Ticket.objects.filter(origin_line__prefix=prefix).values_list("seq", flat=True))
            assert seqs == list(range(1, self.issued[prefix] + 1))

    @invariant()
    def que_1_one_window_per_ticket_and_one_ticket_per_window(self):
        at_counter = dict(
            Ticket.objects.filter(status__in=["called", "serving"]).values_list("pk", "window__number")
        )
        expected = {w["current"]: n for n, w in self.windows.items() if w["current"] is not None}
        assert at_counter == expected
        states = {s.window.number: s for s in WindowState.objects.select_related("window")}
        for n, w in self.windows.items():
            s = states.get(n)
            assert (s.state if s else "closed") == w["state"]
            assert (s.current_id if s else None) == w["current"]

    @invariant()
    def que_1_each_line_counts_its_waiting_tickets(self):
        waiting = Ticket.objects.filter(status="waiting").values("line", "day").annotate(n=Count("id"))
        counted = {(w["line"], w["day"]): w["n"] for w in waiting}
        kept = {(c.line_id, c.day): c.waiting for c in LineDay.objects.all() if c.waiting}
        assert kept == counted

    @invariant()
    def que_1_ticket_states_match(self):
        rows = Ticket.objects.values_list("pk", "status", "line__prefix", "target_window__number")
        assert {pk: (st_, line, target) for pk, st_, line, target in rows} == {
            pk: (t["status"], t["line"], t["target"]) for pk, t in self.tickets.items()
        }

    @invariant()
    def que_5_hall_display_shows_states_and_numbers(self):
        shown = {w["number"]: w for w in selectors.display(self.center)["windows"]}
        for n, w in self.windows.items():
            assert shown[n]["state"] == w["state"]
            if w["state"] == "paused":
                assert shown[n]["state_label"] == "请稍候"
            number = Ticket.objects.get(pk=w["current"]).number if w["current"] else None
            assert shown[n]["current"] == number

    @invariant()
    def que_5_uncovered_absences_recorded(self):
        assert Absence.objects.count() == self.absences

    @invariant()
    def hrs_3_extended_minutes_recorded(self):
        rows = {e.window.number: e.minutes for e in ExtendedService.objects.select_related("window")}
        expected = {
            n: int(-(-(moment - CLOSING).total_seconds() // 60)) for n, moment in self.extended.items()
        }
        assert rows == expected


def run(examples, steps):
    run_state_machine_as_test(
        Queue,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.django_db
def test_que_1_que_2_que_5_hrs_3_state_machine(queue):
    run(examples=10, steps=25)


@pytest.mark.slow
@pytest.mark.django_db
def test_que_1_que_2_que_5_hrs_3_state_machine_long(queue):
    run(examples=30, steps=50)
