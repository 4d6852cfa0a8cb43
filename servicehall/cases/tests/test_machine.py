"""A hypothesis state machine over the case rules: whatever the order of intake, materials,
suspend, resume, extend, deny and complete, no case reaches a state the rules forbid, and a
refused step changes nothing."""

import datetime as dt

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from servicehall.cases import rules
from servicehall.cases.rules import RuleError
from servicehall.workdays.rules import national_calendar

CAL = national_calendar(2026, 2027)
CATALOG = ["form", "id-card", "photo", "certificate", "optional"]
REQUIRED = ["form", "id-card", "photo", "certificate"]


class CaseMachine(RuleBasedStateMachine):
    @initialize(
        kind=st.sampled_from([rules.IMMEDIATE, rules.COMMITTED]),
        given=st.sets(st.sampled_from(CATALOG)),
        eligible=st.booleans(),
        backfilled=st.booleans(),
        committed=st.integers(0, 20),
        statutory_extra=st.one_of(st.none(), st.integers(0, 20)),
        start=st.integers(0, 300),
    )
    def intake(self, kind, given, eligible, backfilled, committed, statutory_extra, start):
        self.today = CAL.next_workday(dt.date(2026, 1, 5) + dt.timedelta(days=start))
        self.received = set(given)
        self.committed = committed if kind == rules.COMMITTED else 0
        self.statutory = None if statutory_extra is None else self.committed + statutory_extra
        missing = bool(rules.missing_required(REQUIRED, sorted(self.received)))
        self.status = rules.intake_status(
            kind=kind, missing=missing, eligible=eligible, backfilled=backfilled
        )
        self.born_completed = self.status == rules.COMPLETED
        self.kind, self.backfilled = kind, backfilled
        self.due = self.maximum = self.suspended_on = None
        self.history = [self.status]
        if self.status == rules.ACCEPTED:
            self._accept()

    def _accept(self):
        self.due = CAL.add(self.today, self.committed)[0]
        self.maximum = None if self.statutory is None else CAL.add(self.today, self.statutory)[0]

    def _attempt(self, action, **kw):
        before = (self.status, self.due, self.maximum, self.suspended_on, frozenset(self.received))
        try:
            new = rules.next_status(self.status, action, **kw)
        except RuleError as error:
            assert error.conflict and error.code and error.message
            assert before == (
                self.status,
                self.due,
                self.maximum,
                self.suspended_on,
                frozenset(self.received),
            )
            return None
        return new

    def _move(self, new):
        if new != self.history[-1]:
            self.history.append(new)
        self.status = new

    @rule(days=st.integers(1, 15))
    def time_passes(self, days):
        self.today += dt.timedelta(days=days)

    @rule(codes=st.sets(st.sampled_from(CATALOG + ["not-listed"]), min_size=1))
    def materials(self, codes):
        try:
            rules.check_materials(CATALOG, sorted(codes))
        except RuleError as error:
            assert error.code == "unknown_material" and "not-listed" in codes
            return
        missing = bool(rules.missing_required(REQUIRED, sorted(self.received | codes)))
        new = self._attempt(rules.MATERIALS, missing=missing)
        if new is None:
            return
        self.received |= codes
        if self.status == rules.AWAITING and new == rules.ACCEPTED:
            self._move(new)
            self._accept()
        else:
            self._move(new)

    @rule()
    def suspend(self):
        new = self._attempt(rules.SUSPEND)
        if new is not None:
            self.suspended_on = self.today
            self._move(new)

    @rule()
    def resume(self):
        new = self._attempt(rules.RESUME)
        if new is None:
            return
        days = rules.suspended_workdays(CAL, self.suspended_on, self.today)
        old_due = self.due
        self.due = rules.shift(CAL, self.due, days)
        assert CAL.between(old_due, self.due)[0] == days  # CAS-8: exactly the suspended working days
        if self.maximum is not None:
            self.maximum = rules.shift(CAL, self.maximum, days)
        self.suspended_on = None
        self._move(new)

    @rule(extra=st.integers(1, 30))
    def extend(self, extra):
        new = self._attempt(rules.EXTEND)
        if new is None:
            return
        target = CAL.add(self.due, extra)[0]
        try:
            rules.check_extension(
                cal=CAL, due=self.due, new_due=target, maximum=self.maximum, today=self.today, reason="核查"
            )
        except RuleError as error:
            assert not error.conflict
            assert self.maximum is None or target > self.maximum or target < self.today
            return
        self.due = target
        self._move(new)

    @rule()
    def deny(self):
        new = self._attempt(rules.DENY)
        if new is not None:
            self._move(new)

    @rule(approve=st.booleans())
    def decide_denial(self, approve):
        new = self._attempt(rules.APPROVE_DENIAL if approve else rules.REJECT_DENIAL)
        if new is not None:
            self._move(new)

    @rule()
    def complete(self):
        new = self._attempt(rules.COMPLETE)
        if new is not None:
            self._move(new)

    @precondition(lambda self: self.status == rules.AWAITING)
    @rule()
    def refuse(self):
        self._move(self._attempt(rules.REFUSE))

    @invariant()
    def status_is_known(self):
        assert self.status in rules.STATUSES

    @invariant()
    def nothing_is_completed_with_materials_missing(self):
        if self.status in (rules.ACCEPTED, rules.SUSPENDED, rules.DENIAL_FILED, rules.COMPLETED):
            assert not rules.missing_required(REQUIRED, sorted(self.received))

    @invariant()
    def born_completed_only_as_an_immediate_case_at_its_own_intake(self):
        if self.born_completed:
            assert self.kind == rules.IMMEDIATE and not self.backfilled and self.history == [rules.COMPLETED]

    @invariant()
    def never_past_the_statutory_maximum(self):
        if self.due is not None and self.maximum is not None:
            assert self.due <= self.maximum

    @invariant()
    def the_clock_is_stopped_only_while_suspended(self):
        assert (self.status == rules.SUSPENDED) == (self.suspended_on is not None)

    @invariant()
    def finished_is_final(self):
        finished = [s for s in self.history if s in rules.FINISHED]
        assert len(finished) <= 1 and (not finished or self.history[-1] == finished[0])

    @invariant()
    def every_step_was_an_allowed_transition(self):
        for a, b in zip(self.history, self.history[1:], strict=False):
            assert any(
                (a, action) in rules.TRANSITIONS
                and (
                    rules.TRANSITIONS[(a, action)] == b
                    or (a, action, b) == (rules.AWAITING, rules.MATERIALS, rules.ACCEPTED)
                )
                for action in rules.ACTIONS
            ), (a, b)


CaseMachine.TestCase.settings = settings(max_examples=300, stateful_step_count=30, deadline=None)
TestCaseRules = CaseMachine.TestCase
