"""Appending to and verifying the audit log (SEC-1, SEC-2)."""

import datetime as dt
import decimal
import uuid
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from servicehall.core import anchors, audit_key, audit_pg, clock, rows
from servicehall.core.db import missing_guards
from servicehall.core.models import AuditEvent, AuditHead
from servicehall.core.request_context import client_ip
from servicehall.core.rules import GENESIS_HASH, event_hash, first_broken_link, log_safe

SYSTEM_CHAIN = "system"


def _json_safe(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a model instance, JSON-safe, for before/after."""
    out = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        out[field.attname] = _json_safe(getattr(obj, field.attname))
    return out


def _logged(values: dict | None) -> dict | None:
    """What the permanent log keeps of before/after: identity numbers and phones masked, query
    codes and other secrets as keyed hashes (by field name), every text cut to a bound."""
    if values is None:
        return None
    return log_safe(_json_safe(values), audit_key.key())


_HEAD = AuditHead._meta.db_table
# Lock the chain's head and take its next number: one statement that holds the row until the
# caller commits, so links never fork. Returns the new number and the previous hash.
_STEP = f"UPDATE {_HEAD} SET seq = seq + 1 WHERE chain = %s RETURNING seq, hash"  # noqa: S608
_SEAL = f"UPDATE {_HEAD} SET hash = %s, prev_hash = %s WHERE chain = %s"  # noqa: S608
_START = (
    f"INSERT INTO {_HEAD} (chain, seq, hash, prev_hash) VALUES (%s, 0, %s, '') ON CONFLICT (chain) DO NOTHING"  # noqa: S608
)


def _start_head(chain: str) -> None:
    """Before a chain's first event."""
    with connection.cursor() as cursor:
        cursor.execute(_START, [chain, GENESIS_HASH])


def _advance_head(chain: str) -> tuple[int, str]:
    """The chain's next number and the previous hash; the head stays locked until commit."""
    with connection.cursor() as cursor:
        cursor.execute(_STEP, [chain])
        row = cursor.fetchone()
    if row is None:  # the chain's first event
        _start_head(chain)
        return _advance_head(chain)
    return row[0], row[1]


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    center=None,
    before: dict | None = None,
    after: dict | None = None,
    insert: bool = False,
    last: bool = False,
) -> AuditEvent:
    """Append one event to the center's chain, inside the caller's transaction.

    ``insert``: ``obj`` is new, and is inserted here with its event (on PostgreSQL, in the
    event's own statement). ``last``: the caller writes nothing more in its transaction (on
    PostgreSQL its COMMIT may go with the event's statement).
    """
    code = getattr(center, "code", center) or ""
    chain = code or SYSTEM_CHAIN
    user = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        chain=chain,
        at=clock.now().astimezone(dt.UTC),  # stored and read back as UTC: the hash must match
        actor=user,
        actor_name=(user.get_username() if user else str(actor or "system"))[:150],
        center_code=code,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        before=_logged(before),
        after=_logged(after),
        ip=(client_ip.get() or "")[:64],
    )
    # No savepoint: a failure here must undo the caller's whole write anyway.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":  # one statement: see audit_pg
            audit_pg.append(event, obj if insert else None, last=last)
        else:
            if insert:
                rows.insert(obj)
                event.object_id = str(obj.pk)
            event.seq, event.prev_hash = _advance_head(chain)
            event.hash = event_hash(event.prev_hash, event.hashed_fields(), audit_key.key())
            rows.insert(event)
            with connection.cursor() as cursor:
                cursor.execute(_SEAL, [event.hash, event.prev_hash, chain])
    return event


def chain_length(chain: str) -> int | None:
    """How many events the chain holds (None before its first): it grows with every write."""
    return AuditHead.objects.filter(chain=chain).values_list("seq", flat=True).first()


@dataclass(frozen=True)
class ChainReport:
    chain: str
    events: int
    broken_seq: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(
    chain: str, anchored: dict[int, str] | None = None, legacy_until: int | None = None
) -> ChainReport:
    """Recompute every hash of one chain; name the first event that does not follow.

    Every link must be keyed, except plain links written before the chain was keyed, which are
    accepted only where a signed anchor covers them (up to ``legacy_until``, by default the
    last anchored number). ``anchored``: number -> hash from the signed anchors; the chain
    must still hold each, unchanged."""
    anchored = anchored or {}
    if legacy_until is None:
        legacy_until = max(anchored, default=0)
    rows = AuditEvent.objects.filter(chain=chain).order_by("seq")
    seqs: list[int] = []
    at_anchor: dict[int, str] = {}
    last: list = []  # the link read last: where a broken chain stopped

    def links():
        for expected_seq, event in enumerate(rows.iterator(chunk_size=2000), start=1):
            seqs.append(event.seq)
            if expected_seq in anchored:
                at_anchor[expected_seq] = event.hash
            fields = event.hashed_fields()
            if event.seq != expected_seq:  # a missing link breaks the chain here too
                fields = {**fields, "missing_before": expected_seq}
            last[:] = [event.prev_hash, fields, event.hash]
            yield event.prev_hash, fields, event.hash

    broken = first_broken_link(links(), audit_key.key(), legacy_until)
    count = len(seqs)
    if broken is not None:
        seq = seqs[broken]
        prev_hash, fields, stored = last
        if broken == 0 and event_hash(prev_hash, fields) == stored:  # a chain hashed before the key
            return ChainReport(
                chain,
                count,
                seq,
                _(
                    "第 %(seq)s 条事件是未加密钥的链接，且无签名锚点覆盖（升级前的旧链请运行 anchor_audit --accept-legacy）"
                )
                % {"seq": seq},
            )
        return ChainReport(
            chain,
            count,
            seq,
            _("第 %(seq)s 条事件的哈希与链不符（chain %(chain)s, seq %(seq)s）")
            % {"seq": seq, "chain": chain},
        )
    for seq in sorted(anchored):
        if seq > count:
            return ChainReport(
                chain,
                count,
                count + 1,
                _("链尾缺失：签名锚点记录了 %(anchored)s 条，实有 %(count)s 条")
                % {"anchored": seq, "count": count},
            )
        if at_anchor[seq] != anchored[seq]:
            return ChainReport(chain, count, seq, _("第 %(seq)s 条事件与签名锚点不符") % {"seq": seq})
    head = AuditHead.objects.filter(chain=chain).first()
    if head is not None and head.seq != count:
        return ChainReport(
            chain,
            count,
            count + 1,
            _("链尾缺失：应有 %(head)s 条，实有 %(count)s 条") % {"head": head.seq, "count": count},
        )
    return ChainReport(chain, count, None, _("完整"))


def verify_all(accept_legacy: bool = False) -> list[ChainReport]:
    """Every chain, checked against every signed anchor; a forged anchor file, and a missing guard
    trigger, are reported too. ``accept_legacy``: plain (pre-key) links pass without an anchor,
    once, for the first anchor after an upgrade (``anchor_audit --accept-legacy``)."""
    found = anchors.load()
    reports = [
        ChainReport(f"anchor:{a.name}", 0, 0, _("签名锚点文件无效或被改动")) for a in found if not a.valid
    ]
    missing = missing_guards(connection)
    if missing:
        reports.append(
            ChainReport(
                "guards", 0, 0, _("审计表的保护触发器缺失：%(names)s") % {"names": ", ".join(missing)}
            )
        )
    anchored: dict[str, dict[int, str]] = {}
    for anchor in found:
        if anchor.valid:
            for chain, (seq, hash_) in anchor.heads.items():
                if seq:
                    anchored.setdefault(chain, {})[seq] = hash_
    chains = sorted(
        set(AuditHead.objects.values_list("chain", flat=True))
        | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
        | set(anchored)
    )
    legacy = 2**63 if accept_legacy else None
    return reports + [verify_chain(chain, anchored.get(chain), legacy) for chain in chains]
