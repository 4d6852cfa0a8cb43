"""``GET /api/v1/me/todo``: the caller's to-do list (我的待办), gathered by ``core.todo``."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema

from servicehall.core import todo
from servicehall.core.api import ErrorOut

router = Router(tags=["me"])


class TodoItemOut(Schema):
    kind: str = Field(
        description="What it is: case, denial, home_visit, appointment (other apps add their own)."
    )
    kind_name: str = Field(description="The kind in the caller's language.")
    title: str
    detail: str
    due: dt.datetime | None = Field(description="When it is due; for an all-day item, the end of its day.")
    all_day: bool = Field(description="Due on a day rather than at a time.")
    urgency: Literal["overdue", "today", "later"]
    colour: str = Field(description="A case's colour (green, yellow, red); empty for other kinds.")
    link: str = Field(description="The page where it is done (a path on this server).")
    ref: str = Field(description="The thing's own reference: a case number, an appointment code, an id.")


class TodoOut(Schema):
    items: list[TodoItemOut] = Field(description="Overdue first, then due today, then by due time.")
    more: bool = Field(description="More items wait than are listed (each kind's own page lists them all).")


@router.get("/me/todo", response={200: TodoOut, 401: ErrorOut})
def my_todo(request):
    """Everything waiting on the caller across the system, the most urgent first (at most 50)."""
    found = todo.todo_for(request.user)
    return {"items": found.items, "more": found.more}
