"""Fake providers of the other apps' facts and satisfaction, so the scoring is tested on its own;
the registry is put back as it was after each test."""

import pytest

from servicehall.core import registry
from servicehall.core.facts import Evidence, Fact
from servicehall.core.satisfaction import Satisfaction


class Fakes:
    def __init__(self):
        self.facts: list[Fact] = []
        self.ratings: dict[int, tuple[int, int]] = {}

    def fact(self, center, kind, at, staff=None, window=None, quantity=1, ref="X-1", evidence_kind="case"):
        from decimal import Decimal

        from servicehall.core import clock

        moment = clock.parse_moment(at) if isinstance(at, str) else at
        self.facts.append(
            Fact(
                center_id=center.pk,
                kind=kind,
                at=moment,
                evidence=Evidence(evidence_kind, ref, f"/evidence/{evidence_kind}/{ref}/"),
                staff_id=getattr(staff, "pk", staff),
                window_id=getattr(window, "pk", window),
                quantity=Decimal(quantity),
                source="fake",
            )
        )

    def rate(self, user, ratings, satisfied):
        self.ratings[user.pk] = (ratings, satisfied)

    def provide_facts(self, center_ids, start, end):
        return [f for f in self.facts if f.center_id in center_ids and start <= f.at < end]

    def provide_satisfaction(self, center_ids, start, end):
        return [Satisfaction(uid, r, s) for uid, (r, s) in self.ratings.items()]


@pytest.fixture
def fakes():
    saved = {name: list(providers) for name, providers in registry._providers.items()}
    from servicehall.assessment.selectors import own_provider

    f = Fakes()
    # Only this app's own facts and the fakes: the other apps' real providers are left out (they
    # would derive, say, an absence for every day without a clock-in).
    registry._providers["facts"][:] = [own_provider, f.provide_facts]
    registry._providers["satisfaction"][:] = [f.provide_satisfaction]
    yield f
    for name, providers in saved.items():
        registry._providers[name][:] = providers


@pytest.fixture
def shexi(halls):
    return halls["shexi"]
