"""What the API fuzz test needs of parallel approval: the refusals no JSON schema can state, and a
demo value for its path parameter."""

RULES = {
    # the state of the case and of each participant now
    "not_parallel",
    "not_sent",
    "already_answered",
    "limit_passed",
    "expected_date_required",
    "expected_date_not_later",
    "past_statutory_maximum",
    "participants_pending",
    "participant_answered",
    "no_rectification",
    "case_decided",
    "already_decided",
    "case_not_open",
    "reason_required",
    "result_required",
    "note_required",
    "place_required",
    "departments_required",
    "duplicate_department",
    "department_not_invited",
    "attendance_recorded",
    "meeting_not_started",
    "materials_missing",
}


def anchors(center) -> dict:
    from servicehall.parallel.models import Meeting

    meeting = (
        Meeting.objects.filter(case__center=center).order_by("pk").first()
        or Meeting.objects.order_by("pk").first()
    )
    return {"meeting_id": meeting.pk} if meeting else {}
