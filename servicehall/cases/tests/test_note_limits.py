"""SEC-7 for what is written with a case action: a reason, basis, opinion or result has a limit
the form and the API schema state; one over it is refused with too_long, nothing changed, and the
page keeps what was typed."""

import pytest

from servicehall.cases import rules, services
from servicehall.cases.models import Case, CaseEvent
from servicehall.cases.tests.conftest import MONDAY
from servicehall.core import clock
from servicehall.core.errors import Invalid

LONG = "理" * (rules.NOTE_LIMIT + 1)
D = "2026-12-09"  # a working day after the due date 2026-12-07, before the statutory 2026-12-21


def _date():
    from servicehall.core.api_contract import parse_day

    return parse_day(D)


ACTIONS = [
    ("chenjianwei", services.case_suspend, lambda: {"reason": LONG}, "reason"),
    ("chenjianwei", services.case_deny, lambda: {"reason": LONG, "basis": "办法"}, "reason"),
    ("chenjianwei", services.case_deny, lambda: {"reason": "不符合", "basis": LONG}, "basis"),
    ("chenjianwei", services.case_complete, lambda: {"result": "果" * (rules.RESULT_LIMIT + 1)}, "result"),
    ("chenjianwei", services.case_advance, lambda: {"decision": "return", "note": LONG}, "note"),
    (
        "chenjianwei",
        services.case_extend,
        lambda: {"new_due": _date(), "reason": "延" * (rules.EXTENSION_REASON_LIMIT + 1)},
        "reason",
    ),
    ("wangmanshu", services.case_decide_extension, lambda: {"approve": False, "note": LONG}, "note"),
    ("wangmanshu", services.case_decide_denial, lambda: {"approve": False, "note": LONG}, "note"),
    ("wangmanshu", services.case_urge, lambda: {"note": LONG}, "note"),
]


@pytest.mark.parametrize(
    ("user", "fn", "kwargs", "field"), ACTIONS, ids=lambda v: getattr(v, "__name__", None)
)
def test_sec_7_a_case_action_text_over_its_limit_is_refused_and_nothing_changes(
    intake, user_named, user, fn, kwargs, field
):
    case = intake()
    before = Case.objects.values().get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    with clock.freeze(MONDAY), pytest.raises(Invalid) as refused:
        fn(actor=user_named(user), case=case, **kwargs())
    assert refused.value.code == "too_long" and refused.value.fields == {field: "too_long"}
    assert "过长" in refused.value.message and "最多" in refused.value.message
    assert Case.objects.values().get(pk=case.pk) == before
    assert CaseEvent.objects.filter(case=case).count() == events


def test_sec_7_a_refusal_reason_over_the_limit_is_refused_at_intake_and_later(intake, user_named):
    with pytest.raises(Invalid) as refused:
        intake(materials=["M02"], eligible=False, reason=LONG, basis="办法")
    assert refused.value.code == "too_long" and not Case.objects.exists()
    case = intake(materials=["M02"])
    with clock.freeze(MONDAY), pytest.raises(Invalid) as refused:
        services.case_refuse(actor=user_named("chenjianwei"), case=case, reason=LONG, basis="办法")
    assert refused.value.code == "too_long" and Case.objects.get().status == "awaiting_materials"


def test_sec_7_a_reason_exactly_at_the_limit_is_kept_whole(intake, user_named):
    case = intake()
    reason = "理" * rules.NOTE_LIMIT
    with clock.freeze(MONDAY):
        services.case_deny(actor=user_named("chenjianwei"), case=case, reason=reason, basis="办法")
    assert Case.objects.get().reason == reason


def test_sec_7_the_case_page_states_the_limit_and_keeps_a_too_long_reason_typed(kaiyuan, intake, login):
    case = intake()
    clerk = login("chenjianwei")
    with clock.freeze(MONDAY):
        page = clerk.get(f"/cases/{case.number}/").content.decode()
        response = clerk.post(f"/cases/{case.number}/deny/", {"reason": LONG, "basis": "办法"})
    assert f'maxlength="{rules.NOTE_LIMIT}"' in page
    assert f'maxlength="{rules.EXTENSION_REASON_LIMIT}"' in page
    assert f'maxlength="{rules.RESULT_LIMIT}"' in page  # a result as delivered may run long
    html = response.content.decode()
    assert response.status_code == 400 and 'data-code="too_long"' in html
    assert f"最多 {rules.NOTE_LIMIT} 个字" in html and f'value="{LONG}"' in html
    assert Case.objects.get().status == "accepted" and not Case.objects.get().reason


def test_sec_7_a_decision_opinion_refused_stays_in_its_form(kaiyuan, intake, login, user_named):
    case = intake()
    with clock.freeze(MONDAY):
        services.case_deny(actor=user_named("chenjianwei"), case=case, reason="不符合", basis="办法")
        response = login("wangmanshu").post(f"/cases/{case.number}/reject/", {"note": LONG})
    assert response.status_code == 400 and f'value="{LONG}"' in response.content.decode()


def test_sec_7_the_api_states_the_limits_and_refuses_with_too_long(kaiyuan, intake, client, bearer):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["DenyIn"]["properties"]["reason"]["maxLength"] == rules.NOTE_LIMIT
    assert schemas["DenyIn"]["properties"]["basis"]["maxLength"] == rules.NOTE_LIMIT
    assert schemas["ExtendIn"]["properties"]["reason"]["maxLength"] == rules.EXTENSION_REASON_LIMIT
    assert schemas["DecisionIn"]["properties"]["note"]["maxLength"] == rules.NOTE_LIMIT
    assert schemas["AdvanceIn"]["properties"]["note"]["maxLength"] == rules.NOTE_LIMIT
    assert schemas["CaseIn"]["properties"]["reason"]["maxLength"] == rules.NOTE_LIMIT
    assert schemas["CaseIn"]["properties"]["result"]["maxLength"] == rules.RESULT_LIMIT
    assert schemas["CompleteIn"]["properties"]["result"]["maxLength"] == rules.RESULT_LIMIT
    case = intake()
    with clock.freeze(MONDAY):
        response = client.post(
            f"/api/v1/cases/{case.number}/deny",
            {"reason": LONG, "basis": "办法"},
            content_type="application/json",
            headers=bearer("chenjianwei"),
        )
    assert response.status_code == 400 and response.json()["code"] == "too_long"
    assert Case.objects.get().status == "accepted"


def test_sec_7_urging_a_participating_department_keeps_the_same_limit(kaiyuan, intake, client, bearer):
    case = intake()
    with clock.freeze(MONDAY):
        response = client.post(
            f"/api/v1/cases/{case.number}/urge",
            {"note": LONG, "department": "any"},
            content_type="application/json",
            headers=bearer("wangmanshu"),
        )
    assert response.status_code == 400 and response.json()["code"] == "too_long"


def test_sec_7_a_result_at_its_limit_is_kept_whole_and_the_steps_it_decides_note_its_start(intake, user_named):
    """A result may run to RESULT_LIMIT; the steps the window decides with it note its start
    (their column holds 500), the case keeps it whole."""
    from servicehall.cases.models import StepAction

    case = intake()
    result = "经审核符合条件，" + "准予" * (rules.RESULT_LIMIT // 2 - 4)
    assert len(result) == rules.RESULT_LIMIT
    with clock.freeze(MONDAY):
        services.case_complete(actor=user_named("chenjianwei"), case=case, result=result)
    assert Case.objects.get().result == result
    decided = StepAction.objects.filter(case=case).exclude(note="窗口受理")  # the intake's own step
    assert decided.exists() and all(n == result[:500] for n in decided.values_list("note", flat=True))
