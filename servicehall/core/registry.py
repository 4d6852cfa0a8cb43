"""Protocols the apps offer to one another, registered by each app in its ``AppConfig.ready``.

A protocol is a name and the shape of a function (documented where the protocol is used). An
app that has something to say registers its function; the reader gathers from whatever
registered, so no app imports every other one and a new app adds its kind of thing without
touching the reader. Protocols:

* ``"todo"`` — ``todo_items(user, now, limit) -> list[TodoItem]`` (``core.todo``): what waits
  on a person.
* ``"facts"`` — ``conduct_facts(center_ids, start, end) -> Iterable[Fact]`` (``core.facts``):
  what people did that the assessment scores, with its evidence.
* ``"satisfaction"`` — ``satisfaction(center_ids, start, end) -> Iterable[Satisfaction]``
  (``core.satisfaction``): each rated person's ratings and satisfied ratings in a period, for
  the assessment's citizen-rating part (ASM-3).
* ``"board"`` — ``board_notes(center, now) -> list[BoardNote]`` (``core.board``): what the
  director's board must flag (a day without a suggestion-box opening, an uncovered window).
* ``"menu"`` — ``menu_links() -> list[MenuLink]`` (``org.menu``): an app's pages in the top menu,
  with the roles that may open them.
* ``"demo"`` — ``load() -> bool`` (``load_demo``): an app's part of the five demo halls, run
  after the organisation, catalog, cases and queue, in the order the apps are installed.
"""

from collections.abc import Callable

PROTOCOLS = ("todo", "facts", "satisfaction", "board", "menu", "demo")

_providers: dict[str, list[Callable]] = {name: [] for name in PROTOCOLS}


def register(protocol: str, provider: Callable) -> None:
    """Add ``provider`` to ``protocol`` (once: ``ready`` may run twice in tests)."""
    if protocol not in _providers:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    if provider not in _providers[protocol]:
        _providers[protocol].append(provider)


def providers(protocol: str) -> list[Callable]:
    return list(_providers[protocol])
