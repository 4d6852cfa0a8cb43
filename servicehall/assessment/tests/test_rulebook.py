"""ASM-1, ASM-2, ASM-3, ASM-4, ASM-5: the shexi-2022 rulebook is 001 三(一)4 line by line, and the
scoring holds each sub-item between zero and its maximum."""

from decimal import Decimal

from servicehall.assessment import rules

BOOK = rules.SHEXI_2022
IX = rules.Index.of(BOOK)


def rule(code):
    return IX.rules[code]


def one(code, quantity=1, times=1, rating=10):
    return rules.score(IX, [(code, Decimal(quantity), f"e{i}") for i in range(times)], rating)


def test_asm_1_four_parts_with_their_maxima_make_100():
    maxima = {p["code"]: p["max"] for p in BOOK["parts"]}
    assert (maxima["discipline"], maxima["service"], maxima["cases"], maxima["online"], maxima["rating"]) == (
        30,
        20,
        20,
        20,
        10,
    )
    assert one("D1-late", times=0).total == 100


def test_asm_2_discipline_1_late_early_off_post_absent():
    assert (rule("D1-late")["points"], rule("D1-late")["unit"]) == (-1, "person_time")
    assert set(rule("D1-late")["kinds"]) == {"late", "early_leave"}
    assert rule("D1-off-post")["points"] == -1
    assert (rule("D1-absent")["points"], rule("D1-absent")["kinds"]) == (
        -2,
        ["absent_half_day", "absent_day"],
    )
    assert rules.KIND_WEIGHT["absent_day"] == 2  # a day is two half-days
    assert one("D1-late", times=3).parts["discipline"] == 27


def test_asm_2_discipline_2_idle_online_shopping_games_dozing():
    assert rule("D2-idle")["points"] == -2 and rule("D2-idle")["ledger"]
    assert one("D2-idle").parts["discipline"] == 28


def test_asm_2_discipline_3_badge_desk_sign_eating_chatting_child():
    for code in ("D3-badge", "D3-desk-sign", "D3-eating", "D3-chatting", "D3-child"):
        assert rule(code)["points"] == -1 and rule(code)["article"].endswith("③")
    assert one("D3-eating", times=2).parts["discipline"] == 28


def test_asm_2_discipline_4_untidy_desk_per_time():
    assert (rule("D4-untidy")["points"], rule("D4-untidy")["unit"]) == (-1, "time")


def test_asm_2_discipline_5_closing_per_item_per_time():
    assert (rule("D5-closing")["points"], rule("D5-closing")["unit"]) == (-1, "item_time")
    assert one("D5-closing", quantity=3).parts["discipline"] == 27


def test_asm_2_discipline_6_training_absence():
    assert rule("D6-training")["kinds"] == ["training_absence"] and rule("D6-training")["points"] == -1


def test_asm_2_discipline_7_uncovered_leave_per_day():
    assert (rule("D7-uncovered")["points"], rule("D7-uncovered")["unit"]) == (-2, "day")
    assert one("D7-uncovered", quantity=2).parts["discipline"] == 26


def test_asm_2_service_1_attitude_and_quarrel():
    assert rule("S1-attitude")["points"] == -5
    assert one("S1-attitude").parts["service"] == 15


def test_asm_2_service_2_substantiated_complaint_disqualifies():
    assert rule("S2-complaint")["kinds"] == ["complaint_substantiated"]
    s = one("S2-complaint")
    assert s.parts["service"] == 15 and s.disqualified


def test_asm_2_service_3_online_inquiry():
    assert (rule("S3-online-inquiry")["points"], rule("S3-online-inquiry")["unit"]) == (-2, "time")


def test_asm_2_service_4_media_or_unannounced_visit_minus_20():
    assert rule("S4-exposure")["points"] == -20
    assert one("S4-exposure").parts["service"] == 0


def test_asm_2_service_5_written_praise_capped_at_20():
    assert rule("S5-praise-letter")["points"] == 5
    assert one("S5-praise-letter").parts["service"] == 20  # already full: 加满封顶
    assert rules.score(IX, [("S1-attitude", 1, ""), ("S5-praise-letter", 1, "")], 10).parts["service"] == 20


def test_asm_2_cases_each_line_per_case():
    expected = {
        "C1-not-received": -2,
        "C2-fake-finish": -2,
        "C3-extra-steps": -2,
        "C4-return": -2,
        "C5-one-time": -3,
        "C6-joint-shirk": -2,
        "C8-meeting-absence": -2,
        "C9-meeting-rules": -1,
        "C11-registration": -2,
    }
    for code, points in expected.items():
        assert rule(code)["points"] == points, code
    assert rule("C5-one-time")["kinds"] == ["one_time_breach"]


def test_asm_2_cases_overdue_per_case_per_day():
    for code, kind in (("C10-overdue", "case_overdue"), ("C7-joint-overdue", "participant_overdue")):
        assert (rule(code)["points"], rule(code)["unit"], rule(code)["kinds"]) == (-2, "case_day", [kind])
    assert one("C10-overdue", quantity=3).parts["cases"] == 14


def test_asm_2_online_system_three_rules():
    for code in ("O1-software", "O2-network", "O3-fault"):
        assert rule(code)["points"] == -2
    assert one("O2-network").parts["online"] == 18


def test_asm_3_rating_bands():
    assert rules.rating_points(BOOK, 50, 50) == 10
    assert rules.rating_points(BOOK, 100, 90) == 9
    assert rules.rating_points(BOOK, 25, 23) == 9
    assert rules.rating_points(BOOK, 10, 8) == 7
    assert rules.rating_points(BOOK, 10, 7) == 5
    assert rules.rating_points(BOOK, 0, 0) == BOOK["no_ratings_points"] == 9


def test_asm_2_bonus_special_help_and_honour():
    assert rule("B1-special-help")["points"] == 2 and rule("B2-honour")["points"] == 2
    assert one("B2-honour", times=2).bonus == 4


def test_asm_5_praise_once_per_event_at_its_highest_level():
    assert [rule(c)["points"] for c in ("B3-praise-county", "B3-praise-city", "B3-praise-province")] == [
        2,
        3,
        5,
    ]
    same = rules.score(IX, [("B3-praise-county", 1, "flood"), ("B3-praise-city", 1, "flood")], 10)
    assert same.bonus == 3
    two = rules.score(IX, [("B3-praise-county", 1, "flood"), ("B3-praise-county", 1, "fire")], 10)
    assert two.bonus == 4


def test_asm_6_disqualifying_rules():
    assert IX.disqualifying() == {
        "S2-complaint",
        "S4-exposure",
        "X1-notice-or-media",
        "X2-bribery",
        "X3-serious",
    }
    s = one("X2-bribery")
    assert s.disqualified and s.total == 100


def test_asm_4_forty_late_arrivals_leave_discipline_at_zero():
    s = one("D1-late", times=40)
    assert s.parts["discipline"] == 0
    assert s.total == 70


def test_asm_4_every_part_stops_at_zero():
    s = rules.score(IX, [("C10-overdue", 30, ""), ("O1-software", 15, ""), ("S4-exposure", 2, "")], 5)
    assert (s.parts["cases"], s.parts["online"], s.parts["service"]) == (0, 0, 0)


def test_asm_7_quarter_is_the_average_of_the_months():
    assert rules.combine([Decimal(90), Decimal(80), Decimal(85)]) == Decimal("85.00")


def test_ranks_share_places():
    assert rules.ranks([Decimal(90), Decimal(95), Decimal(90), Decimal(80)]) == [2, 1, 2, 4]


def test_an_edited_rulebook_is_checked():
    book = rules.preset("shexi-2022")
    assert rules.validate_book(book) == []
    book["parts"][0]["rules"][0]["unit"] = "fortnight"
    assert rules.validate_book(book)
