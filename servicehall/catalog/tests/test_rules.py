"""The catalog rules, without a database."""

from decimal import Decimal

from servicehall.catalog import rules
from servicehall.catalog.rules import (
    COMMITTED,
    IMMEDIATE,
    ItemDraft,
    MaterialDraft,
    ParticipantDraft,
    StepDraft,
)

HALF = Decimal("0.50")


def codes(problems):
    return [p.code for p in problems]


def draft(**changes) -> ItemDraft:
    values = {
        "code": "KY-1",
        "name": "残疾人证新办",
        "department": "canlian",
        "kind": COMMITTED,
        "statutory_days": 20,
        "committed_days": 10,
        "materials": [MaterialDraft(name="申请表")],
    }
    return ItemDraft(**(values | changes))


def test_cat_3_zhaoqing_refuses_a_committed_limit_not_half_the_statutory_one():
    problems = rules.limit_problems(COMMITTED, 20, 11, HALF)
    assert codes(problems) == ["committed_limit_too_long"]
    assert problems[0].field == "committed_days"
    assert "提速至少 50%" in problems[0].message and "不得超过 10 个工作日" in problems[0].message


def test_cat_3_exactly_half_is_allowed_and_odd_limits_round_down():
    assert rules.limit_problems(COMMITTED, 20, 10, HALF) == []
    assert rules.max_committed_days(15, HALF) == 7
    assert codes(rules.limit_problems(COMMITTED, 15, 8, HALF)) == ["committed_limit_too_long"]


def test_cat_3_without_a_ratio_the_committed_limit_still_stays_within_the_statutory_one():
    assert rules.limit_problems(COMMITTED, 20, 15, None) == []
    problems = rules.limit_problems(COMMITTED, 20, 21, None)
    assert codes(problems) == ["committed_limit_too_long"] and "不得超过法定时限" in problems[0].message


def test_cat_3_an_item_without_a_statutory_limit_still_needs_a_committed_one():
    problems = rules.limit_problems(COMMITTED, None, None, HALF)
    assert codes(problems) == ["committed_limit_required"] and "由中心确定并公布" in problems[0].message
    assert rules.limit_problems(COMMITTED, None, 3, HALF) == []


def test_cat_2_an_immediate_item_is_done_on_the_spot():
    assert rules.limit_problems(IMMEDIATE, None, 0, HALF) == []
    assert rules.limit_problems(IMMEDIATE, 20, None, HALF) == []
    assert codes(rules.limit_problems(IMMEDIATE, None, 3, HALF)) == ["immediate_has_no_limit"]
    assert codes(rules.limit_problems("urgent", None, 3, HALF)) == ["unknown_kind"]


def test_limits_are_positive():
    assert codes(rules.limit_problems(COMMITTED, 0, 1, None)) == ["invalid_limit"]
    assert codes(rules.limit_problems(COMMITTED, 10, -1, None)) == ["invalid_limit"]


def test_cat_8_public_legal_services_are_free():
    problems = rules.fee_problems(True, Decimal("10"), "依据", "批复")
    assert codes(problems) == ["legal_service_must_be_free"]
    assert rules.fee_problems(True, Decimal("0"), "", "") == []


def test_a_fee_names_its_basis_and_approval_document():
    assert codes(rules.fee_problems(False, Decimal("5"), "", " ")) == [
        "fee_basis_required",
        "fee_approval_required",
    ]
    assert rules.fee_problems(False, Decimal("5"), "《条例》", "物价批复") == []
    assert codes(rules.fee_problems(False, Decimal("-1"), "", "")) == ["invalid_fee"]


def test_materials_need_names_unique_codes_and_a_condition_when_not_always_required():
    problems = rules.material_problems(
        [
            MaterialDraft(name="身份证", code="M01"),
            MaterialDraft(name="户口簿", code="M01"),
            MaterialDraft(name=" ", form="scan", copies=0),
            MaterialDraft(name="残疾人证", required=False),
            MaterialDraft(name="x", code="bad code!"),
        ]
    )
    assert [(p.field, p.code) for p in problems] == [
        ("materials.1.code", "duplicate_material_code"),
        ("materials.2.name", "material_name_required"),
        ("materials.2.form", "unknown_material_form"),
        ("materials.2.copies", "invalid_copies"),
        ("materials.3.condition", "condition_required"),
        ("materials.4.code", "invalid_material_code"),
    ]
    assert codes(rules.material_problems([])) == ["materials_required"]


def test_steps_fit_within_the_committed_limit():
    steps = [StepDraft("受理", days=0), StepDraft("审核", days=6), StepDraft("决定", days=5)]
    assert codes(rules.step_problems(COMMITTED, 10, steps)) == ["steps_exceed_committed_limit"]
    assert rules.step_problems(COMMITTED, 11, steps) == []
    assert codes(rules.step_problems(IMMEDIATE, 0, steps)) == ["immediate_steps_take_days"]
    assert codes(rules.step_problems(COMMITTED, 10, [StepDraft(" ")])) == ["step_name_required"]


def test_cat_6_participants_work_within_the_committed_limit():
    ok = [ParticipantDraft("dangzheng", 5)]
    assert rules.participant_problems(COMMITTED, "canlian", 10, ok) == []
    bad = [ParticipantDraft("canlian", 3), ParticipantDraft("sifa", 11), ParticipantDraft("sifa", 0)]
    assert codes(rules.participant_problems(COMMITTED, "canlian", 10, bad)) == [
        "participant_is_lead",
        "participant_exceeds_committed_limit",
        "duplicate_participant",
        "invalid_limit",
    ]
    assert codes(rules.participant_problems(IMMEDIATE, "canlian", 0, ok)) == ["immediate_not_parallel"]


def test_item_problems_put_the_limit_first():
    problems = rules.item_problems(draft(committed_days=15, name="", materials=[]), HALF)
    assert codes(problems) == ["committed_limit_too_long", "name_required", "materials_required"]
    assert rules.item_problems(draft(), HALF) == []
    assert codes(rules.item_problems(draft(code="含中文"), HALF)) == ["invalid_item_code"]


def test_material_codes_are_never_reused():
    assert rules.next_material_code([]) == "M01"
    assert rules.next_material_code(["M01", "M03", "X9"]) == "M04"


def test_pinyin_initials():
    assert rules.initials("残疾人证") == "cjrz"
    assert rules.initials("残疾人证新办") == "cjrzxb"
    assert rules.initials("法律援助申请（2025版）") == "flyzsq2025b"


def test_material_changes_between_versions():
    a = [{"code": "M01", "name": "身份证"}, {"code": "M02", "name": "户口簿"}]
    b = [{"code": "M01", "name": "身份证原件"}, {"code": "M03", "name": "照片"}]
    assert rules.material_changes(a, b) == (["M03"], ["M02"], ["M01"])
    assert rules.changed_fields({"name": "a", "kind": "x"}, {"name": "b", "kind": "x"}) == ["name"]
