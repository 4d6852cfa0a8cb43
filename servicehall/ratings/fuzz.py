"""The API fuzz test's knowledge of ratings: refusals no JSON schema can state, and demo anchors."""

RULES = {
    # the token is a signature over one matter; the matter's state decides
    "rating_token_invalid",
    "matter_not_found",
    "matter_not_finished",
    "already_rated",
    "rating_closed",
    "reasons_for_bad_only",
    "level_required",
    # references to records that must exist in the caller's center
    "rating_not_found",
    "revisit_not_found",
    "hotline_not_found",
    "case_not_found",
    "appraisal_not_found",
    "sample_not_found",
    "not_a_bad_rating",
    "already_malicious",
    "rating_justified",
    # the state of an order, a revisit, a month, an appraisal
    "hotline_reference_taken",
    "hotline_completed",
    "month_not_over",
    "sample_drawn",
    "nothing_to_sample",
    "revisit_done",
    "rating_malicious",
    "revisit_exists",
    "justified_required",
    "justified_for_bad_only",
    "justified_for_bad_rating_only",
    "rectification_required",
    "date_in_future",
    "appraisal_published",
    "code_invalid",
    "code_used",
    "duplicate_subject",
    "peer_self",
    "peer_already",
}


def anchors(center) -> dict:
    from servicehall.ratings.models import Appraisal, HotlineOrder, Rating, Revisit

    out = {}
    order = HotlineOrder.objects.filter(center=center).order_by("pk").first()
    if order is not None:
        out["order_id"] = order.pk
    rating = Rating.objects.filter(center=center).order_by("pk").first()
    if rating is not None:
        out["rating_id"] = rating.pk
    revisit = Revisit.objects.filter(center=center).order_by("pk").first()
    if revisit is not None:
        out["revisit_id"] = revisit.pk
    appraisal = Appraisal.objects.filter(center=center).order_by("pk").first()
    if appraisal is not None:
        out["appraisal_id"] = appraisal.pk
    out["period"] = "2026-10"
    return out
