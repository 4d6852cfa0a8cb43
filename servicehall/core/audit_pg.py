"""PostgreSQL: an audit event appended in one statement, with the new record it is about.

The statement takes the chain's next link and computes the event's hash in the database
(``sha256`` over the same text as ``rules.event_hash``: the previous hash, the canonical text
and the event's HMAC, which Python computes, so the key never reaches the database), so the
head is written once per event (an upsert: a chain's first event starts its head) and locked
only from this statement to the commit; the INSERT of a new record rides in the same statement. Every other backend goes through
``audit.record``'s step-by-step path.

The hashed text is the event's canonical JSON, whose keys sort ``seq`` last; the parts the
database fills in (the new record's id, the chain's number) are spliced between pieces built
here. The hash the database returns is checked against Python's before the caller commits
(after it, where the COMMIT rides with the statement: a mismatch then fails the request and
the chain's verification names the link).
"""

from functools import cache

from django.db import connection, models

from servicehall.core import audit_key, rows
from servicehall.core.models import AuditEvent, AuditHead
from servicehall.core.rules import GENESIS_HASH, canonical, event_hash, event_mac

_PENDING_ID = "<<id>>"  # stands for the new record's id until the database gives it
_NEW_ID = "(SELECT id FROM inserted)"


@cache
def _columns(id_pending: bool) -> tuple[tuple[models.Field, str | None], ...]:
    """Each event column with the SQL the database fills it from, or None: a parameter."""
    filled = {"seq": "head.seq", "prev_hash": "head.prev_hash", "hash": "head.hash"}
    if id_pending:
        filled["object_id"] = f"{_NEW_ID}::text"
    return tuple((f, filled.get(f.attname)) for f in AuditEvent._meta.concrete_fields if not f.primary_key)


def _hashed_text(event: AuditEvent, id_pending: bool) -> list[str]:
    """The canonical text around the id (when pending) and the chain's number."""
    fields = {**event.hashed_fields(), "seq": 0}
    if id_pending:
        fields["object_id"] = _PENDING_ID
    text = canonical(fields)
    if not text.endswith(',"seq":0}') or text.count(_PENDING_ID) != int(id_pending):
        raise ValueError("audit: unexpected canonical text")
    return text[:-2].split(_PENDING_ID)  # [before the id, after it] or [all but the number]


@cache
def _statement(model: type[models.Model] | None) -> str:
    quote = connection.ops.quote_name
    head, events = quote(AuditHead._meta.db_table), quote(AuditEvent._meta.db_table)
    parts, new_id = [], ""
    if model is not None:
        parts.append(f"inserted AS ({rows.insert_sql(model)})")
        new_id = f"{_NEW_ID}::text || %s || "

    def link(prev: str, seq: str) -> str:
        text = f"{prev} || %s || {new_id}{seq}::text || '}}' || %s"
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"

    # the chain's first event starts its head (as if from the genesis head with seq 0); every
    # later one moves it on
    parts.append(
        f"head AS (INSERT INTO {head} AS h (chain, seq, prev_hash, hash) "  # noqa: S608
        f"VALUES (%s, 1, %s, {link('%s', '1')}) ON CONFLICT (chain) DO UPDATE SET seq = h.seq + 1, "
        f"prev_hash = h.hash, hash = {link('h.hash', '(h.seq + 1)')} RETURNING seq, prev_hash, hash)"
    )
    columns = _columns(model is not None)
    names = ", ".join(quote(f.column) for f, _sql in columns)
    values = ", ".join(sql or "%s" for _f, sql in columns)
    parts.append(
        f"event AS (INSERT INTO {events} ({names}) SELECT {values} FROM head "  # noqa: S608
        "RETURNING seq, prev_hash, hash)"
    )
    new = _NEW_ID if model is not None else "NULL"
    return f"WITH {', '.join(parts)} SELECT {new}, event.* FROM event"  # noqa: S608


def _event_values(event: AuditEvent, id_pending: bool) -> list:
    return [
        f.get_db_prep_save(f.pre_save(event, True), connection)
        for f, sql in _columns(id_pending)
        if sql is None
    ]


def append(event: AuditEvent, new: models.Model | None, last: bool = False) -> None:
    """Insert ``new`` (if given) and ``event``, taking the chain's next link (the first link of
    a chain with no head yet); sets the event's seq, prev_hash and hash (and ``new``'s pk).
    ``last``: the caller's transaction ends here, and may be committed with the statement
    (``fetch_prepared``); the hash is then checked after the commit."""
    params = rows.insert_values(new) if new is not None else []
    key = audit_key.key()
    hashed = [*_hashed_text(event, new is not None), event_mac(key, event.hashed_fields())]
    params += [event.chain, GENESIS_HASH, GENESIS_HASH, *hashed, *hashed]
    params += _event_values(event, new is not None)
    sql = _statement(type(new) if new is not None else None)
    if hasattr(connection, "fetch_prepared"):  # planned once per connection
        new_id, seq, prev_hash, link = connection.fetch_prepared(sql, params, last=last)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            new_id, seq, prev_hash, link = cursor.fetchone()
    if new is not None:
        new.pk = new_id
        rows.inserted(new)
        event.object_id = str(new_id)
    event.seq, event.prev_hash, event.hash = seq, prev_hash, link
    if event_hash(prev_hash, event.hashed_fields(), key) != link:
        raise RuntimeError(f"audit: the database's hash differs from the chain's rule ({event.chain} {seq})")
