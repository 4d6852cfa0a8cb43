"""SEC-1/SEC-2: every service write leaves a chained event; the database refuses changes to them."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from servicehall.core import audit
from servicehall.core.models import AuditEvent
from servicehall.org import services


def test_sec_2_every_service_write_leaves_a_chained_event(demo):
    before = AuditEvent.objects.count()
    services.policy_update(actor=None, center=demo, changes={"complaint_answer_days": 4})
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "policy.update" and event.chain == "kaiyuan"
    assert event.before == {"complaint_answer_days": 5} and event.after == {"complaint_answer_days": 4}
    assert all(r.ok for r in audit.verify_all())


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        "DELETE FROM core_auditevent",
    ],
)
def test_sec_2_database_refuses_update_and_delete_on_audit_table(demo, sql):
    count = AuditEvent.objects.count()
    assert count > 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="forged").exists()


def test_sec_2_verify_names_the_first_forged_link(demo):
    """A forged event (written around the guards, as an attacker with the database would) is found."""
    target = AuditEvent.objects.filter(chain="kaiyuan").order_by("seq")[5]
    from servicehall.core.db import install_audit_guards, remove_audit_guards

    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk=target.pk).update(after={"forged": True})
    finally:
        install_audit_guards(connection)
    report = audit.verify_chain("kaiyuan")
    assert not report.ok and report.broken_seq == target.seq
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec_2_verify_finds_a_deleted_tail_event(demo):
    from servicehall.core.db import install_audit_guards, remove_audit_guards

    last = AuditEvent.objects.filter(chain="kaiyuan").order_by("-seq").first()
    remove_audit_guards(connection)
    try:
        AuditEvent.objects.filter(pk=last.pk).delete()
    finally:
        install_audit_guards(connection)
    report = audit.verify_chain("kaiyuan")
    assert not report.ok and report.broken_seq == last.seq


def test_sec_1_event_records_actor_and_source_ip(demo, user_named):
    from servicehall.core.request_context import client_ip

    director = user_named("wangmanshu")
    token = client_ip.set("10.9.8.7")
    try:
        services.policy_update(actor=director, center=demo, changes={"leave_notice_days": 2})
    finally:
        client_ip.reset(token)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.ip, event.actor, event.actor_name) == ("10.9.8.7", director, "wangmanshu")


def test_sec_2_admin_configuration_is_audited_too(demo, login):
    client = login("admin")
    window = demo.windows.get(number=1)
    data = {
        "center": demo.pk,
        "number": 1,
        "name": "党政办综合",
        "kind": "comprehensive",
        "departments": [d.pk for d in window.departments.all()],
    }
    response = client.post(f"/admin/org/window/{window.pk}/change/", data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "admin.change" and event.ip == "10.1.2.3"
    assert event.before["name"] == "党政办" and event.after["name"] == "党政办综合"


def test_sec_2_an_event_with_the_new_record_it_is_about_chains_like_any_other(db, django_user_model):
    """audit.record(insert=True): the record is inserted with its event (on PostgreSQL in one
    statement whose hash the database computes); a new chain starts; JSON and text survive."""
    from servicehall.core.models import AuditHead, LoginLock

    chain = "rows-new-chain"
    user = django_user_model.objects.create(username="审计员甲")
    events = []
    for n in range(3):
        lock = LoginLock(username=f"窗口{n}")
        events.append(
            audit.record(
                actor=user,
                action="test.insert",
                obj=lock,
                center=chain,
                after={"号": f"A00{n}", "n": [n, None]},
                insert=True,
            )
        )
        assert lock.pk and LoginLock.objects.filter(pk=lock.pk, username=f"窗口{n}").exists()
        assert events[-1].object_id == str(lock.pk)
    events.append(audit.record(actor=None, action="test.plain", center=chain, before={"k": "v"}))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert AuditHead.objects.get(chain=chain).prev_hash == events[2].hash
    stored = list(AuditEvent.objects.filter(chain=chain).order_by("seq"))
    assert [(e.hash, e.prev_hash, e.object_id, e.after) for e in stored] == [
        (e.hash, e.prev_hash, e.object_id, e.after) for e in events
    ]
    assert audit.verify_chain(chain).ok
