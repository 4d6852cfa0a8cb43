"""Reads of the visit register and of cases that pages and the API share."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from servicehall.cases.models import Visit
from servicehall.core import clock
from servicehall.core.errors import Forbidden
from servicehall.core.roles import LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, Staff, Window
from servicehall.org.selectors import posts_on


def staff_of(actor, center: Center) -> Staff:
    """The actor's own staff record in ``center``: only staff of the center receive its visitors."""
    staff = Staff.objects.filter(user=actor, center=center, active=True).first() if actor else None
    if staff is None:
        raise Forbidden(f"只有「{center.name}」在岗的工作人员才能登记首问接待。", code="not_staff_here")
    return staff


def own_window(staff: Staff) -> Window | None:
    """The window where ``staff`` holds a post today (the A post first)."""
    post = posts_on(clock.today()).filter(staff=staff).select_related("window").order_by("kind").first()
    return post.window if post else None


# Who reads a whole center's registers and figures (ANA-1, CAS-14).
OVERSEERS = (*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.DUTY_OFFICER)


def window_scope(user, center: Center, window: Window | None) -> Window | None:
    """The window a user may read: an overseer any (or all, None); window staff only their own."""
    if access.has_role(user, center, *OVERSEERS):
        return window
    if access.has_role(user, center, Role.WINDOW_STAFF):
        mine = own_window(staff_of(user, center))
        if mine is not None and (window is None or window.pk == mine.pk):
            return mine
    raise Forbidden(f"您不能查看「{center.name}」这一范围的登记。")


def visits_on(center: Center, day: dt.date, window: Window | None = None) -> list[Visit]:
    """INQ-4: the day's visits and calls, in order, for the center or one window."""
    rows = Visit.objects.filter(center=center, day=day, voided_at__isnull=True)
    if window is not None:
        rows = rows.filter(window=window)
    return list(
        rows.select_related("window", "officer", "colleague", "target_window", "leader").order_by("at", "id")
    )


@dataclass
class WindowMonth:
    label: str
    categories: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.channels.values())

    @property
    def cells(self) -> list[int]:
        """The total, then the counts in the order of ``SUMMARY_COLUMNS``."""
        return [
            self.total,
            *(self.channels.get(v, 0) for v in Visit.Channel.values),
            *(self.categories.get(v, 0) for v in Visit.Category.values),
            *(self.outcomes.get(v, 0) for v in Visit.Outcome.values),
        ]


SUMMARY_COLUMNS = ["合计", *map(str, [*Visit.Channel.labels, *Visit.Category.labels, *Visit.Outcome.labels])]


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_summary(center: Center, year: int, month: int, window: Window | None = None) -> list[WindowMonth]:
    """INQ-4, ANA-1: per window, the month's visits and calls by channel, category and outcome.

    Three grouped queries, whatever the number of visits. The last row is the center's total.
    """
    first, last = month_range(year, month)
    rows = Visit.objects.filter(center=center, day__range=(first, last), voided_at__isnull=True)
    windows = Window.objects.filter(center=center).order_by("number")
    if window is not None:
        rows, windows = rows.filter(window=window), windows.filter(pk=window.pk)
    by_window: dict[int | None, WindowMonth] = {w.pk: WindowMonth(str(w)) for w in windows}
    total = WindowMonth("合计")
    for key, counts in (("category", "categories"), ("outcome", "outcomes"), ("channel", "channels")):
        for row in rows.values("window_id", key).annotate(n=Count("id")).order_by():
            month = by_window.setdefault(row["window_id"], WindowMonth("（未指定窗口）"))
            getattr(month, counts)[row[key]] = row["n"]
            bucket = getattr(total, counts)
            bucket[row[key]] = bucket.get(row[key], 0) + row["n"]
    return [*by_window.values(), total]
