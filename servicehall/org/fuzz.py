"""What the API fuzz test needs to know of the onboarding operations.

``RULES``: refusals of requests that fit the schema but break a rule no JSON schema can state (a
reference to a record that must exist, the password rule, settings that only make sense together).
``anchors``: a value that exists in the demo, per path parameter name.
"""

RULES = {
    "parent_not_found",  # a center's parent must exist
    "unknown_preset",  # a preset's name (the schema lists them; the service says so in Chinese)
    "top_center_needs_superuser",  # a center with no parent
    "weak_password",  # the password rule: similarity to the name, common passwords, classes
    "staff_not_found",  # a post's person must exist in the window's center
    "approver_not_found",
    "approver_of_other_center",
    "approver_not_leader",
    "posting_change_needs_approval",  # ending a posting of less than two years
    "approval_of_other_center",
    "hours_out_of_order",  # a season's four times in order
    "invalid_month_day",  # 02-30 fits the pattern
    "invalid_prefix",
    "other_center",
    "import_invalid",  # a workbook's cells, each reported with its sheet, row and column
    "import_too_large",
    "import_too_many_rows",
    "invalid_field",  # a model's own validation (a code's pattern, a choice)
    "unknown_department",  # a window's departments must be the center's own
    "department_of_other_center",
}


def anchors(center) -> dict:
    """A department and a person of the demo hall, for editing them (``PUT``)."""
    from servicehall.org.models import Department, Staff

    department = Department.objects.filter(center=center).order_by("code").first()
    staff = (
        Staff.objects.filter(center=center, posts__isnull=True)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    out = {}
    if department is not None:
        out["department"] = department.code
    if staff is not None:
        out["staff_username"] = staff.user.username
    return out
