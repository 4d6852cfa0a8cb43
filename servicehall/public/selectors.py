"""Reads for the public pages and the public API: a fixed number of queries whatever the data size."""

import datetime as dt

from django.db.models import Prefetch

from servicehall.catalog import selectors as catalog
from servicehall.org.models import Center, Staff, Window
from servicehall.org.selectors import posts_on
from servicehall.workdays import selectors as workdays


def windows_with_items(center: Center) -> list[Window]:
    """The center's windows, each with ``departments`` and ``items`` (the items it takes). Three queries."""
    windows = list(Window.objects.filter(center=center).prefetch_related("departments").order_by("number"))
    by_department: dict[int, list] = {}
    for item in catalog.items_of(center):
        by_department.setdefault(item.current.department_id, []).append(item)
    for window in windows:
        window.items = [i for d in window.departments.all() for i in by_department.get(d.pk, [])]
    return windows


def windows_by_department(center: Center) -> dict[int, list[Window]]:
    """Department id → the windows where its items are taken. Two queries."""
    out: dict[int, list[Window]] = {}
    for window in Window.objects.filter(center=center).prefetch_related("departments").order_by("number"):
        for department in window.departments.all():
            out.setdefault(department.pk, []).append(window)
    return out


def today_hours(center: Center, day: dt.date) -> dict:
    """Today's sessions, whether the hall is open now, and when it closes (HRS-1)."""
    return {
        "day": day,
        "sessions": list(workdays.sessions_on(center, day)),
        "open_now": workdays.is_open(center),
        "closes_at": workdays.closing_time(center, day),
    }


def staff_board(center: Center, day: dt.date) -> list[Staff]:
    """ORG-4: the center's staff in service, each with ``posts`` (window and A/B post) held on ``day``."""
    return list(
        Staff.objects.filter(center=center, active=True)
        .select_related("department")
        .prefetch_related(Prefetch("posts", queryset=posts_on(day).select_related("window").order_by("kind")))
        .order_by("id")
    )
