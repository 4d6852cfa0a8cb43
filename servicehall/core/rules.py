"""Pure rules of the system itself (SEC): passwords, lockout, the audit hash chain, masking."""

import datetime as dt
import hashlib
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


def event_hash(prev_hash: str, fields: dict) -> str:
    """SEC-2: each audit event's hash covers its own fields and the previous event's hash."""
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def first_broken_link(events) -> int | None:
    """Index of the first event whose stored hash does not follow from the chain, or None.

    ``events`` is an ordered iterable of ``(prev_hash, fields, stored_hash)``.
    """
    expected_prev = GENESIS_HASH
    for i, (prev_hash, fields, stored_hash) in enumerate(events):
        if prev_hash != expected_prev or event_hash(prev_hash, fields) != stored_hash:
            return i
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
