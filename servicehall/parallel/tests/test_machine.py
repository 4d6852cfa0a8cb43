"""PAR-2 … PAR-4 as a state machine against the real services and database: whatever the lead and
the participants do, in any order, while the clock only moves forward and no job ever runs, a case
is never decided with a participant pending, a participant once deemed to approve is never
un-deemed, and a refused action changes nothing."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from servicehall.cases import services as case_services
from servicehall.cases.models import Case
from servicehall.catalog.selectors import guide
from servicehall.core import clock
from servicehall.core.errors import DomainError
from servicehall.parallel import rules, selectors, services
from servicehall.parallel.models import Decision, Opinion, Resubmission, Urge
from servicehall.parallel.tests.conftest import FARMING, LEAD, PERSON, PLANNING

START = dt.datetime(2026, 11, 25, 9, 30, tzinfo=clock.TZ)  # a Wednesday
PEOPLE = {"guihua": PLANNING, "nongye": FARMING}


class ParallelMachine(RuleBasedStateMachine):
    center = users = None  # set by the test from its fixtures

    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # every example is rolled back at teardown
        self.now = START
        self.case = None
        self.deemed: set[tuple[int, str]] = set()  # (round, department) seen deemed

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _counts(self):
        return tuple(m.objects.count() for m in (Opinion, Urge, Decision, Resubmission)) + (
            Case.objects.get(pk=self.case.pk).status,
        )

    def _do(self, fn, **kw):
        before = self._counts()
        with clock.freeze(self.now):
            try:
                fn(case=self.case, **kw)
            except DomainError as error:
                assert error.status in (400, 403, 409) and error.code and error.message
                assert self._counts() == before  # a refusal changes nothing
                return False
        return True

    @initialize()
    def intake(self):
        version = guide(self.center, "SX-ZR-001")
        with clock.freeze(self.now):
            self.case = case_services.case_intake(
                actor=self.users[LEAD],
                center=self.center,
                item="SX-ZR-001",
                applicant=PERSON,
                materials=[m.code for m in version.materials.all() if m.required],
            )

    @rule(hours=st.sampled_from([1, 3, 8, 16, 24, 49, 72, 100]))
    def time_passes(self, hours):
        self.now += dt.timedelta(hours=hours)

    @rule(
        department=st.sampled_from(sorted(PEOPLE)),
        opinion=st.sampled_from(rules.OPINIONS),
        note=st.sampled_from(["", "理由"]),
        days=st.none() | st.integers(-2, 30),
    )
    def opinion(self, department, opinion, note, days):
        expected = None if days is None else clock.local(self.now).date() + dt.timedelta(days=days)
        self._do(
            services.opinion_give,
            actor=self.users[PEOPLE[department]],
            department=department,
            opinion=opinion,
            note=note,
            expected_date=expected,
        )

    @rule(department=st.sampled_from(sorted(PEOPLE)))
    def urge(self, department):
        self._do(services.urge, actor=self.users[LEAD], department=department, note="请尽快答复")

    @rule()
    def resubmit(self):
        self._do(services.resubmit, actor=self.users[LEAD], note="申请人已整改")

    @rule(approve=st.booleans())
    def decide(self, approve):
        self._do(services.decide, actor=self.users[LEAD], result="并联审批决定", approve=approve)

    @invariant()
    def never_decided_with_a_participant_pending(self):
        if self.case is None:
            return
        decision = Decision.objects.filter(case=self.case).first()
        if decision is None:
            return
        at_decision = selectors.participants(self.case, decision.at, with_handlers=False)
        assert not [v for v in at_decision if v.pending]
        content = " ".join(services.opinion_lines(decision.content))
        for v in at_decision:
            assert (f"{v.department.name}：超时默认同意" in content) == v.deemed

    @invariant()
    def a_deemed_participant_stays_deemed(self):
        if self.case is None:
            return
        views = selectors.participants(self.case, self.now, with_handlers=False)
        now = {(v.round, v.department.code) for v in views if v.deemed}
        current = {v.round for v in views}
        assert {d for d in self.deemed if d[0] in current} <= now
        self.deemed |= now

    @invariant()
    def completed_only_through_the_decision(self):
        if self.case is None:
            return
        status = Case.objects.get(pk=self.case.pk).status
        if status in ("completed", "denial_filed"):
            assert Decision.objects.filter(case=self.case).exists()


@pytest.mark.django_db
def test_par_2_par_3_par_4_parallel_approval_never_reaches_a_forbidden_state(shexi, user_named):
    ParallelMachine.center = shexi
    ParallelMachine.users = {u: user_named(u) for u in (LEAD, PLANNING, FARMING)}
    ParallelMachine.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=14,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    ParallelMachine.TestCase().runTest()
