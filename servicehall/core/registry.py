"""Protocols the apps offer to one another, registered by each app in its ``AppConfig.ready``.

A protocol is a name and the shape of a function (documented where the protocol is used, e.g.
``core.todo``). An app that has something to say registers its function; the reader gathers
from whatever registered, so no app imports every other one and a new app adds its kind of
thing without touching the reader. Protocols today:

* ``"todo"`` — ``todo_items(user, now, limit) -> list[TodoItem]`` (``core.todo``): what waits
  on a person.

A later protocol (the assessment's conduct facts of a center and period) is added the same way:
a name here, a reader module that defines its dataclass and gathers, and each app registering.
"""

from collections.abc import Callable

PROTOCOLS = ("todo",)

_providers: dict[str, list[Callable]] = {name: [] for name in PROTOCOLS}


def register(protocol: str, provider: Callable) -> None:
    """Add ``provider`` to ``protocol`` (once: ``ready`` may run twice in tests)."""
    if protocol not in _providers:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    if provider not in _providers[protocol]:
        _providers[protocol].append(provider)


def providers(protocol: str) -> list[Callable]:
    return list(_providers[protocol])
