"""The same state machine against the real services and database: whatever a window does, in any
order, a stored case never reaches a state the rules forbid, and a refused step changes nothing."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from servicehall.cases import rules, services
from servicehall.cases.models import Case, CaseEvent
from servicehall.cases.tests.conftest import PERSON
from servicehall.core import clock
from servicehall.core.errors import DomainError

CODES = ["M01", "M02", "M03", "M04", "M05"]
REQUIRED = {"M01", "M02", "M03", "M04"}
START = dt.datetime(2026, 11, 23, 9, 30, tzinfo=clock.TZ)


class ServiceMachine(RuleBasedStateMachine):
    center = clerk = director = None  # set by the test from its fixtures

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example is rolled back at teardown
        self.now = START
        self.case = None

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _do(self, fn, user=None, **kw):
        before = Case.objects.values().get(pk=self.case.pk)
        events = CaseEvent.objects.filter(case=self.case).count()
        with clock.freeze(self.now):
            try:
                self.case = fn(actor=user or self.clerk, case=self.case, **kw)
            except DomainError as error:
                assert error.status in (400, 409) and error.code and error.message
                assert Case.objects.values().get(pk=self.case.pk) == before
                assert CaseEvent.objects.filter(case=self.case).count() == events
                return
        previous, now = before["status"], self.case.status
        assert previous == now or any(
            (previous, a) in rules.TRANSITIONS
            and (
                rules.TRANSITIONS[(previous, a)] == now or (previous, now) == (rules.AWAITING, rules.ACCEPTED)
            )
            for a in rules.ACTIONS
        ), (previous, now)

    @initialize(given=st.sets(st.sampled_from(CODES)), kind=st.sampled_from(["KY-CL-001", "KY-CL-002"]))
    def intake(self, given, kind):
        materials = sorted(given & ({"M01", "M02"} if kind == "KY-CL-002" else set(CODES)))
        with clock.freeze(self.now):
            self.case = services.case_intake(
                actor=self.clerk, center=self.center, item=kind, applicant=PERSON, materials=materials
            )
        self.born = self.case.status

    @rule(hours=st.integers(1, 200))
    def time_passes(self, hours):
        self.now += dt.timedelta(hours=hours)

    @rule(codes=st.lists(st.sampled_from([*CODES, "X9"]), min_size=1, max_size=3))
    def materials(self, codes):
        self._do(services.case_add_materials, materials=codes)

    @rule()
    def suspend(self):
        self._do(services.case_suspend, reason="等待申请人")

    @rule()
    def resume(self):
        self._do(services.case_resume)

    @rule(days=st.integers(1, 25))
    def extend(self, days):
        due = self.case.due_date or START.date()
        self._do(services.case_extend, new_due=due + dt.timedelta(days=days), reason="核查")

    @rule()
    def deny(self):
        self._do(services.case_deny, reason="不符合条件", basis="办法")

    @rule(approve=st.booleans())
    def decide(self, approve):
        self._do(services.case_decide_denial, user=self.director, approve=approve, note="意见")

    @rule()
    def complete(self):
        self._do(services.case_complete, result="已办结")

    @invariant()
    def stored_case_is_in_an_allowed_state(self):
        if self.case is None:
            return
        case = Case.objects.get(pk=self.case.pk)
        received = {m.material.code for m in case.materials.select_related("material") if m.received_at}
        required = {m.material.code for m in case.materials.select_related("material") if m.material.required}
        if case.status in (rules.ACCEPTED, rules.SUSPENDED, rules.DENIAL_FILED, rules.COMPLETED):
            assert required <= received  # CAS-12: never past intake with a required material missing
        if case.status == rules.COMPLETED and self.born != rules.COMPLETED:
            assert case.events.filter(action="accept").exists() or self.born == rules.ACCEPTED
        if case.statutory_due_date is not None and case.due_date is not None:
            assert case.due_date <= case.statutory_due_date  # CAS-5
        assert (case.status == rules.SUSPENDED) == (case.suspended_at is not None)  # CAS-8
        assert (case.status in rules.FINISHED) == (case.finished_at is not None)
        if case.status in rules.RUNNING:
            assert case.due_at is not None and case.warn_date <= case.due_date


@pytest.mark.django_db
def test_cas_2_cas_5_cas_8_cas_12_services_never_reach_a_forbidden_state(kaiyuan, user_named):
    ServiceMachine.center = kaiyuan
    ServiceMachine.clerk = user_named("chenjianwei")
    ServiceMachine.director = user_named("wangmanshu")
    ServiceMachine.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    ServiceMachine.TestCase().runTest()
