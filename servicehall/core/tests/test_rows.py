"""rows.insert writes what the ORM's save would."""

import datetime as dt

import pytest

from servicehall.core import rows
from servicehall.core.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_insert_reads_back_as_the_orm_would_have_written_it(django_user_model):
    user = django_user_model.objects.create(username="rows")
    at = dt.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=dt.UTC)
    token = rows.insert(ApiToken(user=user, key_hash="a" * 64, created_at=at, expires_at=at))
    assert token.pk and not token._state.adding
    back = ApiToken.objects.get(pk=token.pk)
    assert (back.user_id, back.key_hash, back.created_at, back.expires_at, back.revoked_at) == (
        user.pk,
        "a" * 64,
        at,
        at,
        None,
    )
    twin = ApiToken.objects.create(user=user, key_hash="b" * 64, created_at=at, expires_at=at)
    assert twin.pk == token.pk + 1  # the same sequence as the ORM's inserts


def test_insert_keeps_json_as_json():
    event = AuditEvent(
        chain="rows-test",
        seq=1,
        at=dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC),
        actor_name="system",
        action="test",
        before=None,
        after={"号": "A001", "n": [1, 2]},
        prev_hash="0" * 64,
        hash="1" * 64,
    )
    rows.insert(event)
    back = AuditEvent.objects.get(pk=event.pk)
    assert back.after == {"号": "A001", "n": [1, 2]} and back.before is None
    assert back.hashed_fields() == event.hashed_fields()
