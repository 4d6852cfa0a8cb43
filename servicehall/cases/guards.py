"""The look-up by number and query code that needs no login (a case, a complaint), guarded so
that a code cannot be guessed: wrong codes are counted per number and per client address
(``rules.LOOK_UP_LIMITS``); past the limit the look-up there is refused for a while, the right
code included (429 ``look_up_throttled`` with the wait in minutes). A wrong number counts like a
wrong code, so a lock says nothing about whether the record exists."""

from collections.abc import Callable

from django.db import transaction

from servicehall.cases import rules
from servicehall.cases.models import LookUpGuard
from servicehall.core import audit, clock
from servicehall.core.errors import DomainError, NotFound


class LookUpThrottled(DomainError):
    """Too many wrong query codes: the look-up waits ``minutes``."""

    status = 429

    def __init__(self, message: str, minutes: int):
        super().__init__("look_up_throttled", message)
        self.minutes = minutes


def guarded(
    key: str, address: str, find: Callable[[], dict], throttled: Callable[[int], str], locked: str
) -> dict:
    """``find()`` unless ``key`` or ``address`` is locked; a NotFound counts against both.

    ``throttled(minutes)`` is the refusal's message, ``locked`` the audit action of a new lock.
    """
    now = clock.now()
    keys = {"case": key, "address": f"address:{(address or '')[:64]}"}
    guards = LookUpGuard.objects.filter(key__in=keys.values())
    wait = max(
        [rules.look_up_wait(rules.Guard(g.failures, g.since, g.locked_until), now) for g in guards] or [0]
    )
    if wait:
        raise LookUpThrottled(throttled(wait), wait)
    try:
        return find()
    except NotFound:
        with transaction.atomic():
            for kind, each in keys.items():
                LookUpGuard.objects.bulk_create([LookUpGuard(key=each)], ignore_conflicts=True)
                row = LookUpGuard.objects.select_for_update().get(key=each)
                new = rules.after_failed_look_up(
                    rules.Guard(row.failures, row.since, row.locked_until), now, *rules.LOOK_UP_LIMITS[kind]
                )
                locking = new.locked_until is not None and new.locked_until != row.locked_until
                row.failures, row.since, row.locked_until = new.failures, new.since, new.locked_until
                row.save(update_fields=["failures", "since", "locked_until"])
                if locking:
                    audit.record(actor="anonymous", action=locked, after={"key": each, "until": new.locked_until})
                    wait = max(wait, rules.look_up_wait(new, now))
        if wait:
            raise LookUpThrottled(throttled(wait), wait) from None
        raise
