"""What other apps add to a case, registered from their ``AppConfig.ready`` so that cases imports none
of them (the same pattern as ``org.api.WINDOW_DETAIL_PROVIDERS``).

* ``DETAIL_PROVIDERS`` — ``provider(case) -> dict``: fields merged into ``GET /api/v1/cases/{number}``
  (``participants`` of a parallel case; the schema already declares it, ``None`` when absent).
* ``PAGE_PANELS`` — ``provider(case, user) -> str | None``: rendered HTML (``render_to_string``)
  shown on the staff case page under the steps, or ``None``.
* ``URGE_HANDLERS`` — ``handler(*, actor, case, department: str, note: str) -> bool``: called by
  ``POST /api/v1/cases/{number}/urge`` when a ``department`` is given; the first that returns
  ``True`` has handled it (it raises the domain error itself for a refusal). With no
  ``department`` the cases app urges the case's current holder itself.
* ``ADVANCE_GUARDS`` — ``guard(case, decision: str) -> None``: called inside the advance's
  transaction before a step is approved or returned; raise a ``core.errors`` error to refuse
  (e.g. a parallel case whose participants have not all answered).
* ``ACCEPTED`` — ``hook(case, staff) -> None``: called inside the transaction when a case is
  accepted (at intake or when the last material comes), e.g. to send a parallel case to its
  participating departments.
* ``COMPLETE_GUARDS`` — ``guard(case) -> None``: called inside the transaction before a case is
  completed (``/complete`` or the last step's approval); raise to refuse.
* ``NOTICE_LINKS`` — ``provider(case, step: str) -> tuple[str, str] | None``: a link printed with
  its QR code on the applicant's copy of the notice of a step (``"accepted"``, ``"completed"``),
  as ``(caption msgid, address)``, e.g. where to rate that step; the first that answers is used.
"""

from collections.abc import Callable

DETAIL_PROVIDERS: list[Callable] = []
PAGE_PANELS: list[Callable] = []
URGE_HANDLERS: list[Callable] = []
ADVANCE_GUARDS: list[Callable] = []
ACCEPTED: list[Callable] = []
COMPLETE_GUARDS: list[Callable] = []
NOTICE_LINKS: list[Callable] = []


def add(hooks: list, fn: Callable) -> None:
    """Register ``fn`` once (``ready`` may run twice in tests)."""
    if fn not in hooks:
        hooks.append(fn)


def details(case) -> dict:
    extra: dict = {}
    for provider in DETAIL_PROVIDERS:
        extra.update(provider(case) or {})
    return extra


def panels(case, user) -> list[str]:
    return [html for html in (p(case, user) for p in PAGE_PANELS) if html]


def urge(*, actor, case, department: str, note: str) -> bool:
    return any(h(actor=actor, case=case, department=department, note=note) for h in URGE_HANDLERS)


def guard_advance(case, decision: str) -> None:
    for guard in ADVANCE_GUARDS:
        guard(case, decision)


def accepted(case, staff) -> None:
    for hook in ACCEPTED:
        hook(case, staff)


def guard_complete(case) -> None:
    for guard in COMPLETE_GUARDS:
        guard(case)


def notice_link(case, step: str) -> tuple[str, str] | None:
    return next((link for link in (p(case, step) for p in NOTICE_LINKS) if link), None)
