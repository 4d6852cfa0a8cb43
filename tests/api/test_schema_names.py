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


def test_the_published_schema_has_no_key_twice(client):
    """A JSON object with a key twice (ninja's ``200`` beside an ``openapi_extra`` ``"200"``)
    reads in Python (the last wins) but stops the API docs page: its YAML reader refuses it."""
    import json

    twice = []

    def hook(pairs):
        keys = [k for k, _ in pairs]
        twice.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=hook)
    assert twice == []
