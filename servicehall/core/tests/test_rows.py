"""rows writes what the ORM's save would, and a Prepared read returns what the QuerySet would."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

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


AT = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
ACTIVE = rows.Prepared(
    lambda key_hash, now: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True, expires_at__gt=now
    ),
    "\x00sample",
    dt.datetime(1901, 2, 3, 4, 5, 6, 7, tzinfo=dt.UTC),
)


def _tokens(user):
    for n, (key, hours, revoked) in enumerate([("a", 1, None), ("b", -1, None), ("c", 1, AT)]):
        ApiToken.objects.create(
            user=user,
            key_hash=key * 64,
            created_at=AT,
            expires_at=AT + dt.timedelta(hours=hours, minutes=n),
            revoked_at=revoked,
        )


def test_prepared_returns_what_the_queryset_returns_for_each_argument(django_user_model):
    user = django_user_model.objects.create(username="prepared")
    _tokens(user)
    for key in "abcx":
        for now in (AT - dt.timedelta(hours=2), AT, AT + dt.timedelta(hours=2)):
            expected = list(ACTIVE.build(key * 64, now))
            got = ACTIVE.all(key * 64, now)
            assert [t.pk for t in got] == [t.pk for t in expected]
            assert [(t.expires_at, t.revoked_at) for t in got] == [
                (t.expires_at, t.revoked_at) for t in expected
            ]
    token = ACTIVE.first("a" * 64, AT)
    assert token.user == user and token.user.username == "prepared"  # select_related: no query
    assert ACTIVE.first("b" * 64, AT) is None


def test_prepared_reads_its_related_rows_without_another_query(django_user_model, django_assert_num_queries):
    user = django_user_model.objects.create(username="related")
    _tokens(user)
    with django_assert_num_queries(1):
        assert ACTIVE.first("a" * 64, AT).user.username == "related"


def test_prepared_refuses_samples_the_statement_does_not_use():
    unused = rows.Prepared(lambda key_hash: ApiToken.objects.filter(key_hash="fixed"), "\x00sample")
    with pytest.raises(ValueError, match="sample"):
        unused.all("a")


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction
def test_prepared_lock_needs_a_transaction():
    locking = rows.Prepared(lambda pk: ApiToken.objects.select_for_update().filter(pk=pk), 987_654_321)
    with transaction.atomic():
        assert locking.all(1) == []
    if connection.features.has_select_for_update:  # SQLite locks the whole database instead
        with pytest.raises(TransactionManagementError):
            locking.all(1)


def test_update_writes_only_the_named_fields(django_user_model):
    user = django_user_model.objects.create(username="update")
    token = ApiToken.objects.create(user=user, key_hash="u" * 64, created_at=AT, expires_at=AT)
    token.revoked_at = AT + dt.timedelta(minutes=5)
    token.key_hash = "not saved"
    rows.update(token, "revoked_at")
    back = ApiToken.objects.get(pk=token.pk)
    assert back.revoked_at == AT + dt.timedelta(minutes=5) and back.key_hash == "u" * 64


def test_insert_values_equal_what_the_orm_prepares_for_every_field():
    """The plain fast path gives exactly ``get_db_prep_save`` of each field, for plain values
    and for values that need converting (a choice enum, a lazy text, a date-time, JSON)."""
    import datetime as dt

    from django.db import connection
    from django.utils.functional import lazy

    from servicehall.core.models import AuditEvent

    at = dt.datetime(2026, 11, 23, 1, 2, 3, tzinfo=dt.UTC)
    lazy_text = lazy(lambda: "lazy", str)()
    event = AuditEvent(
        chain="kaiyuan",
        seq=7,
        at=at,
        actor_id=None,
        actor_name=lazy_text,
        center_code="kaiyuan",
        action="x.y",
        object_type="",
        object_id="12",
        before={"a": 1},
        after=None,
        ip="",
        prev_hash="p",
        hash="h",
    )
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    expected = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in fields]

    def plain(values):  # PostgreSQL wraps JSON in an adapter that compares by identity
        return [getattr(v, "obj", v) for v in values]

    assert plain(rows.insert_values(event)) == plain(expected)
