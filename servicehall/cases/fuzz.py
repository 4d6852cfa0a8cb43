"""Refusals of the cases API that fit the schema but break a domain rule (tests/api/test_fuzz.py)."""

RULES = {
    "item_not_at_window",  # CAT-7: the window does not serve the item's department
    "reason_required",  # a step returned without a reason
    "invalid_filter",  # a list filter outside its choices
    "not_a_participant",  # urging a department that takes no part in the case
    "materials_required",
}
