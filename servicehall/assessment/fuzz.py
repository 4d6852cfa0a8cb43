"""The assessment's refusals no JSON schema can state, and a demo value per path parameter."""

RULES = {
    "rule_unknown",  # a rule not in the rulebook in force at that moment
    "rule_not_in_ledger",  # the duty ledger takes only the rulebook's ledger items
    "staff_not_found",
    "window_not_found",
    "subject_required",  # a person or a window, one of the two
    "no_holder",  # a window nobody held that day
    "at_in_future",
    "period_in_future",
    "period_open",  # publishing a month not yet over
    "period_past",  # a rulebook from a month already begun
    "period_published",  # a fact, or a new rulebook, in a published month
    "already_published",
    "closing_check_done",
    "invalid_period",  # fits the pattern, not a month (2026-13)
    "invalid_quarter",
    "invalid_year",
    "period_required",  # awards: a quarter or a year
    "not_assessed",  # a person with no window post that month
    "invalid_rulebook",
    "version_exists",
    "invalid_quantity",
    "note_required",
    "reason_required",
    "appeal_window_closed",
    "appeal_exists",
    "no_appeal",
    "appeal_decided",
    "not_published",  # an adjustment to a month not yet published
}


def anchors(center) -> dict:
    from servicehall.assessment.models import Line

    out = {"period": "2026-10"}
    line = Line.objects.filter(result__publication__center=center).order_by("pk").first()
    if line is not None:
        out["line_id"] = line.pk
    return out
