"""The one clock every part of ServiceHall reads.

Real time in production. A demo or a test may start the clock at a chosen moment and let it
run on from there: ``SERVICEHALL_CLOCK=2026-11-23T09:30`` (local time, Asia/Shanghai). The
moment the clock was started is kept in ``SERVICEHALL_CLOCK_ANCHOR`` so that every process
forked from the same start (gunicorn workers) shows the same time.

Tests use :func:`travel` (set and run on) and :func:`freeze` (set and stand still).
"""

import datetime as dt
import os
import time
from contextlib import contextmanager
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")

_offset = dt.timedelta(0)
_frozen: dt.datetime | None = None


def at_hall(moment: dt.datetime) -> dt.datetime:
    """The same moment at the hall's offset; one without an offset is the hall's wall-clock time.

    Every moment read from input passes here: PostgreSQL refuses an offset past ±15:59 that
    ISO 8601 allows.
    """
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment.astimezone(TZ)


def parse_moment(text: str) -> dt.datetime:
    return at_hall(dt.datetime.fromisoformat(text))


def _start_from_environment() -> None:
    global _offset
    text = os.environ.get("SERVICEHALL_CLOCK", "").strip()
    if not text:
        return
    anchor = os.environ.get("SERVICEHALL_CLOCK_ANCHOR")
    if anchor is None:
        anchor = repr(time.time())
        os.environ["SERVICEHALL_CLOCK_ANCHOR"] = anchor
    started = dt.datetime.fromtimestamp(float(anchor), tz=dt.UTC)
    _offset = parse_moment(text) - started


_start_from_environment()


def now() -> dt.datetime:
    """Aware current moment (UTC-based; convert with :func:`local` for display)."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC) + _offset


def local(moment: dt.datetime | None = None) -> dt.datetime:
    return (moment or now()).astimezone(TZ)


def today() -> dt.date:
    return local().date()


def is_shifted() -> bool:
    return _frozen is not None or _offset != dt.timedelta(0)


@contextmanager
def travel(moment: dt.datetime | str):
    """Start the clock at ``moment`` and let it run on, for the duration of the block."""
    global _offset, _frozen
    target = parse_moment(moment) if isinstance(moment, str) else moment
    saved = (_offset, _frozen)
    _offset, _frozen = target - dt.datetime.now(dt.UTC), None
    try:
        yield
    finally:
        _offset, _frozen = saved


@contextmanager
def freeze(moment: dt.datetime | str):
    """Stop the clock at ``moment`` for the duration of the block."""
    global _frozen
    target = parse_moment(moment) if isinstance(moment, str) else moment
    saved = _frozen
    _frozen = target
    try:
        yield
    finally:
        _frozen = saved
