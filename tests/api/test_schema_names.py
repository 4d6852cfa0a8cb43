"""Every API schema has a name of its own: OpenAPI keeps one component per name, so two apps'
``SessionOut`` would document one operation with the other's shape (and the fuzz test would
then refuse every correct answer)."""

from collections import Counter

from ninja import Schema

import config.api  # noqa: F401  (every app's router, so every schema class is defined)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_schema_name_is_used_once():
    ours = [c for c in set(_subclasses(Schema)) if c.__module__.startswith("servicehall.")]
    twice = {name: n for name, n in Counter(c.__name__ for c in ours).items() if n > 1}
    where = {name: sorted(c.__module__ for c in ours if c.__name__ == name) for name in twice}
    assert not twice, where
