"""The duty app's refusals no JSON schema can state, and a demo value per path parameter."""

RULES = {
    "too_late",  # filed later than the policy's days ahead
    "substitute_required",
    "substitute_is_requester",
    "staff_not_found",
    "end_before_start",
    "no_workday",
    "bad_half_day",  # a date that fits the pattern but is not a day (2026-02-30am)
    "date_out_of_range",
    "bad_month",
    "date_not_in_month",
    "duplicate_roster_entry",
    "reason_required",
    "bad_rows",  # a clock-in file with bad rows: refused whole
    "bad_header",
    "bad_file",
    "bad_encoding",
    "empty_file",
    "too_many_rows",
    "layout_incomplete",
    "clock_in_in_future",
}


def anchors(center) -> dict:
    from servicehall.duty.models import ClockIn, Leave

    leave = Leave.objects.filter(center=center).order_by("pk").first()
    punch = ClockIn.objects.filter(center=center).order_by("pk").first()
    out = {"month": "2026-11", "staff_username": "chenshaoli"}
    if leave is not None:
        out["leave_id"] = leave.pk
    if punch is not None:
        out["clock_in_id"] = punch.pk
    return out
