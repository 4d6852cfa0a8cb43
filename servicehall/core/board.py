"""Notes on the director's board (电子监察): what a center's leaders must see today.

Each app offers its notes through the ``"board"`` protocol (``core.registry``): a function
``board_notes(center, now) -> list[BoardNote]`` registered in its ``AppConfig.ready`` — a
working day with no suggestion-box opening, a window left uncovered by approved leave, a month
without a leader's on-site day. Derived when read; a fixed number of queries. The supervision
page shows them above the cases. This module only defines the note and gathers.
"""

import datetime as dt
from dataclasses import dataclass

from servicehall.core import registry


@dataclass(frozen=True)
class BoardNote:
    kind: str  # the app's own word: "suggestion_box_missed", "window_uncovered", …
    title: str  # in the user's language
    link: str  # the page where it is seen or mended
    day: dt.date | None = None  # the day it concerns, when one
    level: str = "warning"  # "danger" or "warning" (Bootstrap's colours)
    detail: str = ""


def notes_for(center, now: dt.datetime) -> list[BoardNote]:
    notes: list[BoardNote] = []
    for provider in registry.providers("board"):
        notes.extend(provider(center, now))
    return sorted(notes, key=lambda n: (n.level != "danger", n.day or dt.date.max, n.kind))
