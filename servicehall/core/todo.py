"""Each person's to-do list (我的待办): everything waiting on them, most urgent first.

Each app offers its own items through the ``"todo"`` protocol (``core.registry``): a function
``todo_items(user, now, limit) -> list[TodoItem]`` registered in its ``AppConfig.ready``,
returning at most ``limit`` items, its most urgent first, in a fixed number of queries whatever
the number of open items (the home page and ``GET /api/v1/me/todo`` read it on every visit).
This module only defines the item and gathers; it imports no app.
"""

import datetime as dt
from dataclasses import dataclass, field

from servicehall.core import clock, registry

OVERDUE, TODAY, LATER = "overdue", "today", "later"
URGENCIES = (OVERDUE, TODAY, LATER)
LIMIT = 50  # items shown; the rest are in the apps' own lists (each item links there)


@dataclass(frozen=True)
class TodoItem:
    kind: str  # "case", "denial", "home_visit", "appointment", … (the app's own word)
    title: str  # what it is, in the user's language
    due: dt.datetime | None  # when it is due (aware), None when it has no time
    urgency: str  # OVERDUE, TODAY or LATER (urgency_of)
    link: str  # the page where it is done
    ref: str  # the thing's own reference (a case number, an appointment code, an id)
    detail: str = ""  # a second line: the window, the applicant's line, the address
    all_day: bool = False  # due on a day, not at a time: ``due`` is that day's last second
    colour: str = ""  # a case's colour (green, yellow, red), where the kind has one
    kind_name: str = field(default="", compare=False)  # the kind, in the user's language


def urgency_of(due: dt.datetime | None, now: dt.datetime) -> str:
    """Overdue once its moment has passed, today when due later today, else later."""
    if due is None:
        return LATER
    if due < now:
        return OVERDUE
    return TODAY if clock.local(due).date() <= clock.local(now).date() else LATER


def end_of_day(day: dt.date) -> dt.datetime:
    """The last second of a day in the hall's time zone: the ``due`` of an ``all_day`` item."""
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=clock.TZ)


FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def sort_key(item: TodoItem):
    return (URGENCIES.index(item.urgency), item.due or FAR, item.kind, item.ref)


@dataclass
class Todo:
    items: list[TodoItem]
    more: bool  # some items are not listed (more than ``limit`` wait)


def todo_for(user, now: dt.datetime | None = None, limit: int = LIMIT) -> Todo:
    """What waits on ``user`` across the system, overdue first, then due today, then by due time."""
    now = now or clock.now()
    if user is None or not getattr(user, "is_authenticated", False):
        return Todo([], False)
    gathered: list[TodoItem] = []
    for provider in registry.providers("todo"):
        gathered.extend(provider(user, now, limit + 1))  # one more than shown: whether more wait
    gathered.sort(key=sort_key)
    return Todo(gathered[:limit], len(gathered) > limit)
