"""Case and visit rules as pure functions, on the national calendar: no database."""

import datetime as dt

import pytest

from servicehall.cases import rules
from servicehall.cases.rules import RuleError
from servicehall.workdays.rules import national_calendar

CAL = national_calendar(2025, 2027)
TZ = dt.timezone(dt.timedelta(hours=8))
D = dt.date


def at(day: dt.date, hour: int = 17, minute: int = 30) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


# --- state machine -----------------------------------------------------------------------------


def test_cas_2_intake_has_exactly_one_outcome():
    kw = {"missing": False, "eligible": True, "backfilled": False}
    assert rules.intake_status(kind=rules.IMMEDIATE, **kw) == rules.COMPLETED
    assert rules.intake_status(kind=rules.COMMITTED, **kw) == rules.ACCEPTED
    assert rules.intake_status(kind=rules.COMMITTED, **{**kw, "missing": True}) == rules.AWAITING
    assert rules.intake_status(kind=rules.IMMEDIATE, **{**kw, "missing": True}) == rules.AWAITING
    assert (
        rules.intake_status(kind=rules.IMMEDIATE, **{**kw, "eligible": False, "missing": True})
        == rules.REFUSED
    )


def test_cas_1_a_back_filled_immediate_case_is_not_born_completed():
    status = rules.intake_status(kind=rules.IMMEDIATE, missing=False, eligible=True, backfilled=True)
    assert status == rules.ACCEPTED


def test_cas_2_materials_complete_the_awaiting_case_into_accepted():
    assert rules.next_status(rules.AWAITING, rules.MATERIALS, missing=True) == rules.AWAITING
    assert rules.next_status(rules.AWAITING, rules.MATERIALS, missing=False) == rules.ACCEPTED


@pytest.mark.parametrize(
    ("status", "action", "code"),
    [
        (rules.COMPLETED, rules.SUSPEND, "case_finished"),
        (rules.REFUSED, rules.MATERIALS, "case_finished"),
        (rules.DENIED, rules.COMPLETE, "case_finished"),
        (rules.AWAITING, rules.COMPLETE, "materials_missing"),
        (rules.AWAITING, rules.SUSPEND, "not_accepted"),
        (rules.AWAITING, rules.EXTEND, "not_accepted"),
        (rules.SUSPENDED, rules.SUSPEND, "already_suspended"),
        (rules.SUSPENDED, rules.COMPLETE, "case_suspended"),
        (rules.SUSPENDED, rules.EXTEND, "case_suspended"),
        (rules.ACCEPTED, rules.RESUME, "not_suspended"),
        (rules.ACCEPTED, rules.APPROVE_DENIAL, "no_denial_filed"),
        (rules.ACCEPTED, rules.REFUSE, "already_accepted"),
        (rules.DENIAL_FILED, rules.COMPLETE, "denial_pending"),
        (rules.DENIAL_FILED, rules.DENY, "denial_pending"),
    ],
)
def test_forbidden_transitions_have_their_own_code(status, action, code):
    error = rules.refusal(status, action)
    assert error is not None and error.code == code and error.conflict and error.message
    with pytest.raises(RuleError):
        rules.next_status(status, action)


def test_every_status_and_action_is_either_allowed_or_refused_with_a_message():
    for status in rules.STATUSES:
        for action in rules.ACTIONS:
            error = rules.refusal(status, action)
            assert (error is None) == ((status, action) in rules.TRANSITIONS)
            if status in rules.FINISHED:
                assert error is not None and error.code == "case_finished"


def test_cas_6_denial_is_filed_then_decided():
    assert rules.next_status(rules.ACCEPTED, rules.DENY) == rules.DENIAL_FILED
    assert rules.next_status(rules.DENIAL_FILED, rules.APPROVE_DENIAL) == rules.DENIED
    assert rules.next_status(rules.DENIAL_FILED, rules.REJECT_DENIAL) == rules.ACCEPTED


# --- materials ----------------------------------------------------------------------------------


def test_cas_12_a_window_cannot_ask_for_what_the_catalog_does_not_list():
    listed = ["id-card", "photo", "form"]
    rules.check_materials(listed, ["photo", "form"])
    with pytest.raises(RuleError) as exc:
        rules.check_materials(listed, ["photo", "bank-statement", "bank-statement"])
    assert exc.value.code == "unknown_material" and "bank-statement" in exc.value.message
    assert rules.unknown_materials(listed, ["x", "x", "photo"]) == ["x"]


def test_cas_2_every_missing_required_material_in_catalog_order():
    assert rules.missing_required(["a", "b", "c", "d"], ["c", "optional"]) == ["a", "b", "d"]
    assert rules.missing_required(["a"], ["a"]) == []


# --- back-filling ---------------------------------------------------------------------------------


def test_cas_1_backfill_beyond_tolerance_needs_a_reason_and_is_flagged():
    now = at(D(2026, 11, 23), 10, 0)
    assert rules.check_received(now, now, 30, "") is False
    assert rules.check_received(now - dt.timedelta(minutes=30), now, 30, "") is False
    with pytest.raises(RuleError) as exc:
        rules.check_received(now - dt.timedelta(minutes=31), now, 30, "  ")
    assert exc.value.code == "backfill_reason_required" and "30" in exc.value.message
    assert rules.check_received(now - dt.timedelta(hours=3), now, 30, "系统停电，纸质收件后补录") is True


def test_cas_1_a_receipt_time_in_the_future_is_refused():
    now = at(D(2026, 11, 23), 10, 0)
    with pytest.raises(RuleError) as exc:
        rules.check_received(now + dt.timedelta(minutes=5), now, 30, "")
    assert exc.value.code == "received_in_future"


# --- suspension and extension ------------------------------------------------------------------------


def test_cas_8_three_working_days_of_suspension_move_the_due_date_by_three_working_days():
    # Suspended Monday 2026-11-16, resumed Thursday 2026-11-19: Tue, Wed, Thu are off the clock.
    days = rules.suspended_workdays(CAL, D(2026, 11, 16), D(2026, 11, 19))
    assert days == 3
    due = D(2026, 11, 27)  # a Friday
    moved = rules.shift(CAL, due, days)
    assert moved == D(2026, 12, 2) and CAL.between(due, moved)[0] == 3


def test_cas_8_suspension_across_the_national_day_counts_only_working_days():
    # Suspended 2026-09-30 (Wed), resumed 2026-10-09 (Fri): Oct 1–7 are holidays, so Oct 8, 9.
    assert rules.suspended_workdays(CAL, D(2026, 9, 30), D(2026, 10, 9)) == 2
    # and the due date moves by those two, stepping over the adjusted Saturday worked on Oct 10.
    assert rules.shift(CAL, D(2026, 10, 9), 2) == D(2026, 10, 12)


def test_cas_8_same_day_suspension_takes_nothing_off_and_an_open_one_keeps_moving():
    assert rules.suspended_workdays(CAL, D(2026, 11, 16), D(2026, 11, 16)) == 0
    assert rules.shift(CAL, D(2026, 11, 27), 0) == D(2026, 11, 27)
    # Still suspended since Monday: on Wednesday the due date already stands two working days later.
    assert rules.due_while_suspended(CAL, D(2026, 11, 27), D(2026, 11, 16), D(2026, 11, 18)) == D(2026, 12, 1)


EXTENSION = {
    "maximum": D(2026, 12, 18),
    "due": D(2026, 12, 4),
    "today": D(2026, 11, 30),
    "reason": "需现场核查",
}


def _extend(**kwargs):
    return rules.check_extension(cal=CAL, **{**EXTENSION, **kwargs})


def test_cas_5_extension_up_to_the_statutory_maximum():
    assert _extend(new_due=D(2026, 12, 11)) == 5
    assert _extend(new_due=D(2026, 12, 18)) == 10


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"new_due": D(2026, 12, 21)}, "past_statutory_limit"),
        ({"new_due": D(2026, 12, 4)}, "extension_not_later"),
        ({"new_due": D(2026, 12, 12)}, "not_a_workday"),
        ({"new_due": D(2026, 12, 11), "reason": " "}, "reason_required"),
        ({"new_due": D(2026, 12, 11), "maximum": None}, "no_statutory_limit"),
        ({"new_due": D(2026, 12, 7), "due": D(2026, 11, 2), "today": D(2026, 12, 8)}, "extension_in_past"),
    ],
)
def test_cas_5_extensions_that_are_refused(kwargs, code):
    with pytest.raises(RuleError) as exc:
        _extend(**kwargs)
    assert exc.value.code == code and not exc.value.conflict


@pytest.mark.parametrize("new_due", [D(2026, 12, 19), D(2027, 1, 1)], ids=["saturday", "new_year"])
def test_cas_5_a_holiday_past_the_statutory_maximum_is_refused_as_past_the_maximum(new_due):
    """The date is beyond the legal maximum: that is said, not that it is a rest day (which
    would send the officer looking for a working day just as far off)."""
    assert not CAL.is_workday(new_due)
    with pytest.raises(RuleError) as exc:
        _extend(new_due=new_due)
    assert exc.value.code == "past_statutory_limit" and "2026-12-18" in exc.value.message


# --- supervision colours -----------------------------------------------------------------------------


def test_cas_14_warning_is_20_percent_of_the_limit_or_one_day_whichever_is_more():
    assert [rules.warn_days(n) for n in (0, 1, 4, 5, 9, 10, 14, 15, 20, 60)] == [
        1,
        1,
        1,
        1,
        1,
        2,
        2,
        3,
        4,
        12,
    ]


def test_cas_14_colours_before_on_and_after_the_warning_day():
    due_day = D(2026, 11, 27)  # Friday; limit 10 → yellow from 2 working days before: Wednesday
    due_at = at(due_day)
    warn_on = rules.warn_date(CAL, due_day, 10)
    assert warn_on == D(2026, 11, 25)
    assert rules.workdays_left(CAL, warn_on, due_day) == 2
    assert rules.workdays_left(CAL, D(2026, 11, 24), due_day) == 3

    def colour(day, hour=10):
        return rules.colour(now=at(day, hour, 0), today=day, due_at=due_at, warn_on=warn_on)

    assert colour(D(2026, 11, 24)) == rules.GREEN
    assert colour(D(2026, 11, 25)) == rules.YELLOW
    assert colour(due_day, 17) == rules.YELLOW
    assert rules.colour(now=at(due_day, 17, 31), today=due_day, due_at=due_at, warn_on=warn_on) == rules.RED


def test_cas_14_colours_and_overdue_days_across_the_national_day():
    # Due Wednesday 2026-09-30, limit 5 → yellow from Tuesday 09-29 (1 working day before).
    due = D(2026, 9, 30)
    warn_on = rules.warn_date(CAL, due, 5)
    assert warn_on == D(2026, 9, 29)
    # Due Thursday 2026-10-08 (first day back), limit 10: two working days before are 09-29, 09-30.
    assert rules.warn_date(CAL, D(2026, 10, 8), 10) == D(2026, 9, 29)
    # During the holiday a case due 09-30 is red but has lost no working day yet.
    assert rules.overdue_workdays(CAL, due, D(2026, 10, 5)) == 0
    assert rules.overdue_workdays(CAL, due, D(2026, 10, 8)) == 1
    # The adjusted Saturday 10-10 is a working day; Sunday 10-11 is not.
    assert rules.overdue_workdays(CAL, due, D(2026, 10, 11)) == 3
    assert rules.overdue_workdays(CAL, due, D(2026, 9, 29)) == 0
    red = rules.colour(now=at(D(2026, 10, 5), 9, 0), today=D(2026, 10, 5), due_at=at(due), warn_on=warn_on)
    assert red == rules.RED


def test_cas_14_a_short_limit_is_yellow_from_the_working_day_before():
    # Limit 3, due Monday 2026-11-30: 1 working day → yellow from Friday 11-27 (weekend included).
    assert rules.warn_date(CAL, D(2026, 11, 30), 3) == D(2026, 11, 27)
    assert rules.workdays_left(CAL, D(2026, 11, 28), D(2026, 11, 30)) == 1


# --- applicants ------------------------------------------------------------------------------------------


def test_cas_2_citizen_id_number_with_checksum_and_birth_date():
    check = rules.check_id_number("11010519491231002x", D(2026, 11, 23))
    assert check.number == "11010519491231002X" and check.birth_date == D(1949, 12, 31) and not check.warning


def test_cas_2_a_real_number_the_region_table_rejects_only_warns():
    # Born 1960 in Fangshan, Beijing: the card carries 110111, a code the table dates from 1986,
    # so python-stdnum's full validate() refuses a perfectly real number.
    with pytest.raises(rules.NumberError):
        rules.ric.validate("110111196001010030")
    check = rules.check_id_number("110111196001010030", D(2026, 11, 23))
    assert check.number == "110111196001010030" and "110111" in check.warning


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1101051949123100", "18位"),
        ("11010519491231002Y", "最后一位"),
        ("110105194912310021", "校验位"),
        ("110105194902300024", "出生日期无效"),
        ("110105209912310012", "出生日期不合理"),
        ("", "18位"),
    ],
)
def test_cas_2_invalid_id_numbers_are_refused_with_the_reason(value, fragment):
    if fragment == "出生日期不合理":  # build a number with a correct checksum and a future birth date
        value = value[:-1] + rules.ric.calc_check_digit(value)
    if fragment == "出生日期无效":
        value = value[:-1] + rules.ric.calc_check_digit(value)
    with pytest.raises(RuleError) as exc:
        rules.check_id_number(value, D(2026, 11, 23))
    assert exc.value.code == "invalid_id_number" and fragment in exc.value.message


def test_cas_2_unified_social_credit_code():
    assert rules.check_credit_code("91110000600037341l") == "91110000600037341L"
    for bad in ["91110000600037341M", "12345", "A1110000600037341L"]:
        with pytest.raises(RuleError) as exc:
            rules.check_credit_code(bad)
        assert exc.value.code == "invalid_credit_code"


def test_phone_numbers():
    assert rules.check_phone("138 1234 5678") == "13812345678"
    assert rules.check_phone("0595-22100012") == "0595-22100012"
    assert rules.is_mobile("13812345678") and not rules.is_mobile("0595-22100012")
    with pytest.raises(RuleError):
        rules.check_phone("12345")


# --- numbers and codes -------------------------------------------------------------------------------------


def test_cas_3_query_code_is_unambiguous_and_compared_forgivingly():
    codes = {rules.new_query_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(c) == 6 and not set(c) & set("01OI") for c in codes)
    assert rules.query_code_matches("7QK4M2", " 7qk4m2 ")
    assert not rules.query_code_matches("7QK4M2", "7QK4M3")


def test_case_and_notice_numbers_per_center_and_year():
    assert rules.case_number("kaiyuan", 2026, 123) == "KAIYUAN-2026-000123"
    assert rules.normal_case_number(" kaiyuan-2026-000123 ") == "KAIYUAN-2026-000123"
    assert rules.normal_case_number("../etc") is None
    assert rules.notice_number("开元街道便民服务中心", "one_time", 2026, 7) == "开元告〔2026〕第0007号"
    assert rules.notice_number("鲤城区行政服务中心", "refusal", 2027, 12) == "鲤城不受〔2027〕第0012号"


# --- visit register -----------------------------------------------------------------------------------------


def test_inq_2_an_outcome_that_hands_on_names_who_or_where():
    rules.check_visit_outcome(rules.HANDLED, {})
    rules.check_visit_outcome(rules.GUIDED, {"window": 3})
    for outcome, code in [
        (rules.HANDED_OVER, "colleague_required"),
        (rules.GUIDED, "window_required"),
        (rules.ESCALATED, "leader_required"),
        (rules.TRANSFERRED, "agency_required"),
        (rules.DENIAL, "note_required"),
    ]:
        with pytest.raises(RuleError) as exc:
            rules.check_visit_outcome(outcome, {"agency": ""})
        assert exc.value.code == code
    with pytest.raises(RuleError):
        rules.check_visit_outcome("shrugged", {})
