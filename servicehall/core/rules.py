"""Pure rules of the system itself (SEC): passwords, lockout, the audit hash chain, masking."""

import datetime as dt
import hashlib
import hmac
import json
import re
import string
from dataclasses import dataclass
from functools import cache

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


# --- What the permanent audit log keeps of a value (SEC-5, PIPL: the minimum necessary) -------

LOG_TEXT_LIMIT = 500  # characters of one text value in an audit event; the rest is cut
LOG_LIST_LIMIT = 200  # items of one list

_ID_NUMBER_TEXT = re.compile(
    r"(?<![0-9A-Za-z])\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])\d{5}[0-9Xx](?![0-9A-Za-z])"
)
_ELEVEN_DIGITS = re.compile(r"\d{11}")
_MOBILE_TEXT = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


@cache
def log_kind(key: str) -> str:
    """How a value is kept in the log, from its field's name: "id", "phone", "secret" or ""."""
    key = key.lower()
    if key.endswith(("id_number", "id_card", "id_no")) or key in {"applicant_number", "identity_number"}:
        return "id"
    if key.endswith(("phone", "mobile", "telephone")):
        return "phone"
    if key.endswith(("query_code", "password", "token", "secret")):
        return "secret"
    return ""


def keyed_digest(key: bytes, value: str) -> str:
    """A value the log must not hold, kept as a keyed hash: equal values match, nothing is readable."""
    return "hmac:" + hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def log_text(value: str, kind: str = "", key: bytes = b"") -> str:
    """One text value as the log keeps it: masked by kind, identity and mobile numbers masked
    wherever they appear in free text, and cut to LOG_TEXT_LIMIT characters."""
    if kind == "id":
        value = mask_id_number(value)
    elif kind == "phone":
        value = mask_phone(value)
    elif kind == "secret":
        return keyed_digest(key, value) if value else ""
    if _ELEVEN_DIGITS.search(value):  # the only texts that can hold an identity or mobile number
        value = _ID_NUMBER_TEXT.sub(lambda m: mask_id_number(m.group()), value)
        value = _MOBILE_TEXT.sub(lambda m: mask_phone(m.group()), value)
    if len(value) > LOG_TEXT_LIMIT:
        value = f"{value[:LOG_TEXT_LIMIT]}…(+{len(value) - LOG_TEXT_LIMIT})"
    return value


_PLAIN = (int, float, bool, type(None))


def log_safe(value, key: bytes = b"", kind: str = ""):
    """A JSON value (dicts, lists, text, numbers) as the audit log keeps it, by field name."""
    kind_of = type(value)
    if kind_of is str:
        if not kind and len(value) <= LOG_TEXT_LIMIT and not _ELEVEN_DIGITS.search(value):
            return value  # the common case, kept as it is
        return log_text(value, kind, key)
    if kind_of is dict:
        out = {}
        for k, v in value.items():
            field_kind = log_kind(str(k)) or kind
            out[k] = v if not field_kind and type(v) in _PLAIN else log_safe(v, key, field_kind)
        return out
    if kind_of is list or kind_of is tuple:
        kept = [log_safe(v, key, kind) for v in value[:LOG_LIST_LIMIT]]
        if len(value) > LOG_LIST_LIMIT:
            kept.append(f"…(+{len(value) - LOG_LIST_LIMIT})")
        return kept
    if isinstance(value, str):
        return log_text(value, kind, key)
    if kind and isinstance(value, int) and not isinstance(value, bool):
        return log_text(str(value), kind, key)
    return value
