"""What the API fuzz test needs of training (tests/api/test_fuzz.py)."""

RULES = {
    "invalid_hours",  # half hours, at most a day (the schema states it, the service checks it)
    "staff_of_other_center",
    "nobody_invited",
    "not_invited",
    "session_not_started",
    "excuse_for_present",
    "date_in_future",
    "date_too_old",
    "already_decided",
    "own_declaration",
    "note_required",
    "not_staff_here",
}


def anchors(center) -> dict:
    from servicehall.training.models import SelfStudy, Session

    session = Session.objects.filter(center=center).order_by("pk").first()
    study = SelfStudy.objects.filter(center=center).order_by("pk").first()
    found = {"session_id": session.pk} if session else {}
    if study:
        found["study_id"] = study.pk
    return found
