"""Pure rules of the system itself (SEC): passwords, lockout, the audit hash chain, masking."""

import datetime as dt
import hashlib
import hmac
import json
import string
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def password_classes(password: str) -> int:
    """How many of the four character classes a password uses."""
    lower = any(c in string.ascii_lowercase for c in password)
    upper = any(c in string.ascii_uppercase for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not (c.isascii() and c.isalnum()) for c in password)
    return lower + upper + digit + other


@dataclass(frozen=True)
class LockState:
    failures: int
    locked_until: dt.datetime | None


def after_failed_login(state: LockState, now: dt.datetime, limit: int, lock_minutes: int) -> LockState:
    """Count a failure; the ``limit``-th one in a row locks the account for ``lock_minutes``."""
    failures = 1 if state.locked_until and state.locked_until <= now else state.failures + 1
    if failures >= limit:
        return LockState(failures=failures, locked_until=now + dt.timedelta(minutes=lock_minutes))
    return LockState(failures=failures, locked_until=None)


def is_locked(state: LockState, now: dt.datetime) -> bool:
    return state.locked_until is not None and state.locked_until > now


def canonical(value) -> str:
    """The one JSON text of a value that the hash is taken over."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


# What an event's keyed digest leaves out: the parts the database assigns as it appends (the
# chain's number, the id of a record inserted in the same statement). The link covers them.
UNKEYED_FIELDS = frozenset({"seq", "object_id"})


def event_mac(key: bytes, fields: dict) -> str:
    """HMAC-SHA256 of an event's content under the audit key (which the database never holds)."""
    content = {k: v for k, v in fields.items() if k not in UNKEYED_FIELDS}
    return hmac.new(key, canonical(content).encode("utf-8"), hashlib.sha256).hexdigest()


def event_hash(prev_hash: str, fields: dict, key: bytes | None = None) -> str:
    """SEC-2: each audit event's hash covers its own fields and the previous event's hash.

    Keyed (the chain's rule since the audit key): sha256(prev + canonical(fields) + mac), the
    mac an HMAC of the content, so nobody without the key can compute a link, and the
    database can still chain the link in the append statement. ``key=None``: the legacy
    plain link, sha256(prev + canonical(fields)), which verification accepts only where a
    signed anchor covers it.
    """
    text = prev_hash + canonical(fields)
    if key is not None:
        text += event_mac(key, fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def first_broken_link(events, key: bytes | None = None, legacy_until: int = 0) -> int | None:
    """Index of the first event whose stored hash does not follow from the chain, or None.

    ``events`` is an ordered iterable of ``(prev_hash, fields, stored_hash)``. With a ``key``,
    each link must be keyed, except that the first ``legacy_until`` events may carry a plain
    link (events hashed before the chain was keyed, and covered by a signed anchor), and only
    before the first keyed link.
    """
    expected_prev, keyed_seen = GENESIS_HASH, False
    for i, (prev_hash, fields, stored_hash) in enumerate(events):
        if prev_hash != expected_prev:
            return i
        if event_hash(prev_hash, fields, key) == stored_hash:
            keyed_seen = key is not None
        elif keyed_seen or key is None or i >= legacy_until or event_hash(prev_hash, fields) != stored_hash:
            return i  # a plain link is accepted only before the first keyed one
        expected_prev = stored_hash
    return None


def mask_id_number(value: str) -> str:
    """SEC-5: 110105199001011234 → 110105********1234."""
    if not value or len(value) < 10:
        return "*" * len(value or "")
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """SEC-5: 13812341234 → 138****1234."""
    if not value or len(value) < 7:
        return "*" * len(value or "")
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张三 → 张*; 欧阳小明 → 欧***."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"
