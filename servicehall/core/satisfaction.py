"""Citizen satisfaction (服务对象评议) of each person in a period, for the assessment (ASM-3).

The app that keeps the ratings offers them through the ``"satisfaction"`` protocol
(``core.registry``): a function ``satisfaction(center_ids, start, end) -> Iterable[Satisfaction]``
registered in its ``AppConfig.ready``, one row per person rated in those centers with
``start <= rated_at < end``: how many ratings, and how many of them satisfied. A fixed number of
queries. The assessment turns the rate into points (100 % → 10, 90–100 % → 9, …); it never
imports the ratings app. This module only defines the row and gathers (rows of the same person
from several providers add up).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from servicehall.core import registry


@dataclass(frozen=True)
class Satisfaction:
    staff_id: int  # the User id of the person rated
    ratings: int  # ratings received in the period
    satisfied: int  # of which satisfied (满意)


def satisfaction_for(
    center_ids: Iterable[int], start: dt.datetime, end: dt.datetime
) -> dict[int, Satisfaction]:
    """Each rated person's ratings and satisfied ratings in ``[start, end)``, by User id."""
    ids = list(center_ids)
    totals: dict[int, list[int]] = {}
    for provider in registry.providers("satisfaction"):
        for row in provider(ids, start, end):
            t = totals.setdefault(row.staff_id, [0, 0])
            t[0] += row.ratings
            t[1] += row.satisfied
    return {sid: Satisfaction(sid, r, s) for sid, (r, s) in totals.items()}
