"""SEC-5 (PIPL, minimum necessary): the permanent audit log keeps no full identity number, phone
or query code. Values are masked by their field's name (or kept as a keyed hash), and identity
and mobile numbers are masked wherever they appear in free text."""

from django.db.models import Q

from servicehall.cases import services
from servicehall.cases.tests.conftest import PERSON
from servicehall.core.models import AuditEvent

AGENT_ID = "33010219880715431X"
AGENT_PHONE = "13987654321"


def _audit_text():
    """Every stored audit value, as text: before, after, and every other column."""
    return "\n".join(
        repr(row) for row in AuditEvent.objects.values_list("before", "after", "actor_name", "object_id", "action")
    )


def test_sec_5_intake_leaves_no_full_id_phone_or_query_code_in_the_audit_log(intake):
    case = intake(
        agent=services.Agent(name="李四", id_number=AGENT_ID, phone=AGENT_PHONE),
    )
    case.refresh_from_db()
    assert case.applicant_number == PERSON.id_number and case.query_code  # the case keeps them
    text = _audit_text()
    for secret in (PERSON.id_number, PERSON.phone, AGENT_ID, AGENT_PHONE, case.query_code):
        assert secret not in text, secret
    event = AuditEvent.objects.get(action="case.intake", object_id=str(case.pk))
    after = event.after
    assert after["applicant_number"] == "110105********002X"
    assert after["applicant_phone"] == "138****5678"
    assert after["agent_id_number"] == "330102********431X"
    assert after["query_code"].startswith("hmac:")
    # the same query code always gives the same keyed hash: an auditor can match a code given
    assert AuditEvent.objects.filter(Q(after__query_code=after["query_code"])).count() >= 1
