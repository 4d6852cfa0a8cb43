"""Signed anchors of the audit chains (SEC-2): every chain's head, written outside the database.

``manage.py anchor_audit`` (daily, from a timer) writes one JSON file per run into
``settings.AUDIT_ANCHOR_DIR`` — ``{"at", "heads": {chain: [seq, hash]}, "signature"}``, the
signature an HMAC under the audit key — and prints its line for the daily report. The
directory belongs to the application's system user, not to the database's: whoever can write
the database can neither change an anchor nor sign a new one. ``verify_audit`` checks every
chain against every anchor: an anchored event that is gone or different is a broken chain.
"""

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from servicehall.core import audit_key, clock
from servicehall.core.models import AuditHead
from servicehall.core.rules import canonical

KIND = "servicehall.audit.anchor/1"


@dataclass(frozen=True)
class Anchor:
    name: str
    at: str
    heads: dict  # chain -> (seq, hash)
    valid: bool  # its signature is the audit key's


def directory() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def _signature(body: dict) -> str:
    return hmac.new(audit_key.key(), canonical(body).encode("utf-8"), hashlib.sha256).hexdigest()


def digest_line(anchor: dict) -> str:
    """The anchor as one line for the daily report: enough to check the file against it."""
    events = sum(seq for seq, _hash in anchor["heads"].values())
    return f"审计锚点 {anchor['at']} 链 {len(anchor['heads'])} 条 事件 {events} 条 签名 {anchor['signature']}"


def write() -> tuple[Path, str]:
    """Sign every chain's head now and write it as a new file; returns the file and its line."""
    heads = {
        chain: [seq, hash_] for chain, seq, hash_ in AuditHead.objects.values_list("chain", "seq", "hash")
    }
    now = clock.now().astimezone(dt.UTC)
    body = {"kind": KIND, "at": now.isoformat(), "heads": dict(sorted(heads.items()))}
    anchor = {**body, "signature": _signature(body)}
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"audit-anchor-{now:%Y%m%dT%H%M%S%fZ}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)  # never over an older one
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(json.dumps(anchor, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return path, digest_line(anchor)


def _read(path: Path) -> Anchor:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        body = {k: v for k, v in data.items() if k != "signature"}
        heads = {str(chain): (int(seq), str(hash_)) for chain, (seq, hash_) in body["heads"].items()}
        valid = body.get("kind") == KIND and hmac.compare_digest(_signature(body), str(data["signature"]))
        return Anchor(path.name, str(body.get("at", "")), heads, valid)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Anchor(path.name, "", {}, False)


def load() -> list[Anchor]:
    """Every anchor file, oldest first (a file that does not verify is kept, marked invalid)."""
    folder = directory()
    if not folder.is_dir():
        return []
    return [_read(path) for path in sorted(folder.glob("audit-anchor-*.json"))]
