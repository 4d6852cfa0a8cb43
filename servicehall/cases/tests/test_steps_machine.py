"""CAS-9, CAT-7, CAS-5 as a state machine against the real services: whatever the clerk, the
department head and the director do along a case's steps, in any order and as time passes, a stored
case never reaches a state the rules forbid, a step is never recorded as decided by someone without
the authority the item names, and a refused action changes nothing."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from servicehall.cases import rules, selectors, services
from servicehall.cases.models import Case, CaseEvent, StepAction
from servicehall.cases.tests.conftest import PERSON
from servicehall.core import clock
from servicehall.core.errors import DomainError

START = dt.datetime(2026, 11, 23, 9, 30, tzinfo=clock.TZ)
# KY-LB-003 (劳保所, not authorised: 受理 → 审核 → 核定待遇); KY-LB-002 (authorised, immediate).
ITEMS = {"KY-LB-003": ["M01", "M02", "M03", "M04"], "KY-CL-001": ["M01", "M02", "M03", "M04"]}
PEOPLE = ("clerk", "head", "director")


class StepMachine(RuleBasedStateMachine):
    center = users = None  # set by the test from its fixtures

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example is rolled back at teardown
        self.now = START
        self.case = None

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _do(self, fn, who="clerk", **kw):
        before = Case.objects.values().get(pk=self.case.pk)
        events = CaseEvent.objects.filter(case=self.case).count()
        actions = StepAction.objects.filter(case=self.case).count()
        with clock.freeze(self.now):
            try:
                self.case = fn(actor=self.users[who], case=self.case, **kw)
            except DomainError as error:
                assert error.status in (400, 403, 409) and error.code and error.message
                assert Case.objects.values().get(pk=self.case.pk) == before
                assert CaseEvent.objects.filter(case=self.case).count() == events
                assert StepAction.objects.filter(case=self.case).count() == actions
                if error.status == 403 and fn is services.case_advance:
                    assert who == "clerk" and error.code == "not_authorised_for_step"

    @initialize(item=st.sampled_from(sorted(ITEMS)), complete=st.booleans())
    def intake(self, item, complete):
        materials = ITEMS[item] if complete else ITEMS[item][:2]
        user = "yangzhirong" if item == "KY-LB-003" else "chenjianwei"
        self.users = {**self.users, "clerk": self.users[user]}
        with clock.freeze(self.now):
            self.case = services.case_intake(
                actor=self.users["clerk"],
                center=self.center,
                item=item,
                applicant=PERSON,
                materials=materials,
            )

    @rule(hours=st.integers(1, 120))
    def clock_moves(self, hours):
        self.now += dt.timedelta(hours=hours)

    @rule()
    def materials_come(self):
        self._do(services.case_add_materials, materials=["M03", "M04"])

    @rule(who=st.sampled_from(PEOPLE), decision=st.sampled_from(["approve", "return"]), note=st.booleans())
    def advance(self, who, decision, note):
        self._do(services.case_advance, who, decision=decision, note="意见" if note else "")

    @rule(who=st.sampled_from(PEOPLE), days=st.integers(1, 15))
    def extend(self, who, days):
        due = self.case.due_date or START.date()
        self._do(services.case_extend, who, new_due=due + dt.timedelta(days=days), reason="核查")

    @rule(who=st.sampled_from(PEOPLE), approve=st.booleans())
    def decide_extension(self, who, approve):
        self._do(services.case_decide_extension, who, approve=approve, note="不同意")

    @rule()
    def suspend(self):
        self._do(services.case_suspend, reason="等待申请人")

    @rule()
    def resume(self):
        self._do(services.case_resume)

    @rule(who=st.sampled_from(PEOPLE))
    def complete(self, who):
        self._do(services.case_complete, who, result="已办结")

    @invariant()
    def never_a_forbidden_state(self):
        if self.case is None:
            return
        case = Case.objects.select_related("item_version", "center").get(pk=self.case.pk)
        plan = selectors.planned_steps(case)
        if case.status == rules.COMPLETED:
            assert case.step is None and case.step_name == ""
            last = StepAction.objects.filter(case=case, position=len(plan), decision="approve")
            assert last.exists()  # the last step was approved, by whoever held it
        if case.status in (rules.ACCEPTED, rules.SUSPENDED, rules.DENIAL_FILED):
            assert case.step is not None and 1 <= case.step <= len(plan)
            assert case.step_name == plan[case.step - 1].name
        if case.status == rules.AWAITING:
            assert case.step is None
        clerk = self.users["clerk"].staff.pk
        for action in StepAction.objects.filter(case=case):  # 000 三.2: never decided without authority
            if action.role != "window_staff":
                assert action.actor_id != clerk, action
        if case.statutory_due_date is not None and case.due_date is not None:
            assert case.due_date <= case.statutory_due_date  # CAS-5
        extended = case.events.filter(action="extend").count()
        assert case.notices.filter(kind="extension").count() == extended  # a notice only on approval
        steps = selectors.case_steps(case)
        assert (
            sum(1 for s in steps if s.status == "current")
            == (1 if case.step is not None and case.status != rules.COMPLETED else 0)
            or case.status == rules.AWAITING
        )


@pytest.mark.django_db
def test_cas_9_cat_7_cas_5_steps_never_reach_a_forbidden_state(kaiyuan, user_named):
    StepMachine.center = kaiyuan
    StepMachine.users = {
        "yangzhirong": user_named("yangzhirong"),
        "chenjianwei": user_named("chenjianwei"),
        "head": user_named("caiwenkeng"),
        "director": user_named("wangmanshu"),
    }
    StepMachine.TestCase.settings = settings(
        max_examples=10,
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    StepMachine.TestCase().runTest()
