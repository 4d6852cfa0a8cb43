"""The calendar table's first content: every day 2004–2099 from ``rules.year_days``.

Used by the data migration and, should the table ever be emptied (a flushed test database),
by the services before they write.
"""

import uuid

from servicehall.workdays import rules


def new_stamp() -> str:
    return uuid.uuid4().hex


def seed(day_model, version_model) -> None:
    """Fill the calendar table and create its version row (models passed in: works in migrations)."""
    rows = [
        day_model(
            date=day.date,
            kind=day.kind,
            name=day.name,
            workday=day.workday,
            provisional=day.provisional,
            source="provisional" if day.provisional else "published",
        )
        for year in range(rules.FIRST_DATE.year, rules.LAST_DATE.year + 1)
        for day in rules.year_days(year)
    ]
    day_model.objects.bulk_create(rows, batch_size=2000)
    version_model.objects.update_or_create(pk=1, defaults={"stamp": new_stamp()})
