"""The complaints API's refusals that no JSON schema can state, and a demo value per path parameter."""

RULES = {
    "received_at_not_allowed",  # an earlier receipt only for the box, letters and transfers
    "received_in_future",
    "transfer_source_required",  # a transfer names its office and reply-to
    "transfer_reply_required",  # concluding a transfer needs the reply to that office
    "against_of_other_center",
    "staff_of_other_center",
    "window_not_found",
    "unknown_department",
    "explainer_not_found",
    "visit_not_found",
    "case_not_found",
    "failure_needs_staff",  # a first-inquiry failure at conclusion needs a person complained about
    "visit_or_case_required",
    "date_past",
    "not_a_workday",
    "opened_in_future",
    "invalid_status",
    "invalid_phone",
    "date_out_of_range",
}


def anchors(center) -> dict:
    from servicehall.complaints.models import Complaint

    complaint = Complaint.objects.filter(center=center).order_by("pk").first()
    if complaint is None:
        return {}
    explanation = complaint.explanations.order_by("pk").first()
    found = {"complaint_number": complaint.number}
    if explanation is not None:
        found["explanation_id"] = explanation.pk
    return found
