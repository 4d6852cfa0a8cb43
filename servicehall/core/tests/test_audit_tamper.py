"""SEC-2: whoever can write the database cannot rewrite the audit log unseen.

The chain is keyed (an HMAC under a key the database never holds) and anchored (every chain's
head, signed, in a file outside the database). Each test plays an attacker with full access to
the database, on SQLite and PostgreSQL alike."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from servicehall.core import anchors, audit
from servicehall.core.db import install_audit_guards, remove_audit_guards
from servicehall.core.models import AuditEvent, AuditHead
from servicehall.core.rules import GENESIS_HASH, event_hash, first_broken_link
from servicehall.org import services

CHAIN = "kaiyuan"


def _drop_triggers():
    """As an attacker would: plain DROP TRIGGER statements, not the application's helpers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        else:
            cursor.execute("DROP TRIGGER audit_no_change ON core_auditevent")
            cursor.execute("DROP TRIGGER audit_no_truncate ON core_auditevent")


def _relink_plain(chain, from_seq):
    """Recompute every hash from ``from_seq`` on with the plain (unkeyed) rule and set the head:
    everything an attacker without the key can do to make the chain follow again."""
    events = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
    prev = GENESIS_HASH
    for event in events:
        if event.seq >= from_seq:
            event.prev_hash, event.hash = prev, event_hash(prev, event.hashed_fields())
            AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    last = events[-1]
    AuditHead.objects.filter(chain=chain).update(seq=last.seq, hash=last.hash, prev_hash=last.prev_hash)
    if from_seq == 1:  # the old, unkeyed verification would now call the chain complete
        links = [(e.prev_hash, e.hashed_fields(), e.hash) for e in events]
        assert first_broken_link(links) is None


def _broken(reports, chain=CHAIN):
    return {r.chain: r for r in reports if not r.ok}.get(chain)


@pytest.mark.parametrize("anchored", [False, True], ids=["no anchor", "anchored before"])
@pytest.mark.parametrize("relinked", ["from the forged event", "the whole chain"])
def test_sec_2_a_forged_event_with_recomputed_plain_hashes_is_caught(demo, anchored, relinked):
    if anchored:
        call_command("anchor_audit")
    anchored_seq = AuditHead.objects.get(chain=CHAIN).seq
    target = AuditEvent.objects.filter(chain=CHAIN).order_by("seq")[3]
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk=target.pk).update(after={"forged": True})
        _relink_plain(CHAIN, target.seq if relinked == "from the forged event" else 1)
    finally:
        install_audit_guards(connection)
    report = _broken(audit.verify_all())
    assert report is not None
    if relinked == "from the forged event":
        assert report.broken_seq == target.seq
    else:  # plain links pass only under an anchor, which no longer matches
        assert report.broken_seq == (anchored_seq if anchored else 1)
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec_2_dropping_the_guards_and_rewriting_is_caught(demo):
    target = AuditEvent.objects.filter(chain=CHAIN).order_by("-seq")[2]
    _drop_triggers()
    try:
        AuditEvent.objects.filter(pk=target.pk).update(actor_name="someone else")
        _relink_plain(CHAIN, target.seq)
        reports = audit.verify_all()
        assert _broken(reports).broken_seq == target.seq
        guards = _broken(reports, "guards")
        assert guards is not None and "audit_no" in guards.message
    finally:
        install_audit_guards(connection)
    assert _broken(audit.verify_all(), "guards") is None


def test_sec_2_deleting_the_tail_and_rewinding_the_head_is_caught_by_the_anchor(demo, capsys):
    call_command("anchor_audit")
    assert "审计锚点" in capsys.readouterr().out
    events = list(AuditEvent.objects.filter(chain=CHAIN).order_by("seq"))
    kept, gone = events[:-3], events[-3:]
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk__in=[e.pk for e in gone]).delete()
        last = kept[-1]
        AuditHead.objects.filter(chain=CHAIN).update(seq=last.seq, hash=last.hash, prev_hash=last.prev_hash)
    finally:
        install_audit_guards(connection)
    assert audit.verify_chain(CHAIN).ok  # the chain alone still follows: only the anchor knows
    report = _broken(audit.verify_all())
    assert report is not None and report.broken_seq == last.seq + 1
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec_2_a_whole_chain_deleted_is_caught_by_the_anchor(demo):
    call_command("anchor_audit")
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(chain=CHAIN).delete()
        AuditHead.objects.filter(chain=CHAIN).delete()
    finally:
        install_audit_guards(connection)
    assert _broken(audit.verify_all()) is not None


def test_sec_2_an_anchor_file_changed_or_signed_without_the_key_is_reported(demo):
    call_command("anchor_audit")
    (path,) = anchors.directory().glob("audit-anchor-*.json")
    data = json.loads(path.read_text())
    data["heads"][CHAIN][0] -= 1  # as if the chain had been shorter
    path.chmod(0o600)
    path.write_text(json.dumps(data))
    reports = audit.verify_all()
    assert [r.chain for r in reports if not r.ok] == [f"anchor:{path.name}"]


def test_sec_2_anchors_are_not_written_over_a_broken_chain(demo):
    target = AuditEvent.objects.filter(chain=CHAIN).order_by("seq")[1]
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk=target.pk).update(action="forged")
    finally:
        install_audit_guards(connection)
    with pytest.raises(CommandError, match="nothing anchored"):
        call_command("anchor_audit")
    assert not anchors.load()


def test_sec_2_links_hashed_before_the_key_pass_only_under_a_signed_anchor(demo):
    """An upgraded database: its chain was hashed the plain way. It verifies once anchored
    (anchor_audit --accept-legacy), and a plain link after the anchor is refused."""
    remove_audit_guards(connection)
    try:
        _relink_plain(CHAIN, 1)  # every link the old way, as before the upgrade
    finally:
        install_audit_guards(connection)
    report = _broken(audit.verify_all())
    assert report is not None and report.broken_seq == 1 and "anchor_audit" in report.message
    with pytest.raises(CommandError):
        call_command("anchor_audit")
    call_command("anchor_audit", "--accept-legacy")
    assert all(r.ok for r in audit.verify_all())
    services.policy_update(actor=None, center=demo, changes={"complaint_answer_days": 4})
    assert all(r.ok for r in audit.verify_all())  # new events are keyed on top of the old ones
    newest = AuditEvent.objects.filter(chain=CHAIN).order_by("-seq").first()
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk=newest.pk).update(after={"complaint_answer_days": 9})
        _relink_plain(CHAIN, newest.seq)
    finally:
        install_audit_guards(connection)
    assert _broken(audit.verify_all()).broken_seq == newest.seq


def test_sec_2_the_chain_depends_on_the_key(demo, settings):
    assert all(r.ok for r in audit.verify_all())
    settings.AUDIT_KEY = "another key"
    assert _broken(audit.verify_all()).broken_seq == 1


def _manage(tmp_path, extra):
    env = {
        **os.environ,
        "SERVICEHALL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SERVICEHALL_VAR": str(tmp_path),
        "ALLOWED_HOSTS": "hall.example.gov.cn",
        **extra,
    }
    for name in ("AUDIT_KEY", "AUDIT_KEY_FILE", "DJANGO_DEBUG", "SERVICEHALL_CLOCK"):
        if name not in extra:
            env.pop(name, None)
    code = "import django; django.setup(); from django.conf import settings; print(len(settings.AUDIT_KEY))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sec_2_production_refuses_to_start_without_the_audit_key(tmp_path):
    missing = _manage(tmp_path, {})
    assert missing.returncode != 0 and "AUDIT_KEY" in missing.stderr
    key_file = Path(tmp_path) / "audit.key"
    key_file.write_text("k" * 40 + "\n")
    from_file = _manage(tmp_path, {"AUDIT_KEY_FILE": str(key_file)})
    assert from_file.returncode == 0, from_file.stderr[-2000:]
    assert from_file.stdout.strip() == "40"
