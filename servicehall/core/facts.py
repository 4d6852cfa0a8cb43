"""Conduct facts (考核事实): what a person did that the assessment scores, with its evidence.

Each app offers its facts through the ``"facts"`` protocol (``core.registry``): a function
``conduct_facts(center_ids, start, end) -> Iterable[Fact]`` registered in its
``AppConfig.ready``, yielding the facts of those centers whose moment ``at`` falls in
``[start, end)`` — derived when read from the app's own records (a late arrival from the
clock-ins and the hours, an overdue case from its due date and the calendar), so a fact is
never lost to a job that did not run. A fixed number of queries whatever the number of facts.

A fact names *what happened* (its ``kind``, one of ``KINDS``); the assessment's rulebook (a
versioned table per center) says what each kind costs or earns. Apps never know points.
This module only defines the fact and gathers; it imports no app.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from servicehall.core import registry

# The kinds of fact, by the app that records them. A new kind is added here, with a word on it,
# and mapped to its rule in the rulebook presets (assessment).
KINDS = {
    # attendance and duty (duty)
    "late": "迟到（分钟数记在 note，一次一条）",
    "early_leave": "早退",
    "absent_half_day": "旷工半天",
    "absent_day": "旷工一天",
    "uncovered_absence": "离岗无人顶岗（一天或一次）",
    "leave_too_late": "请假未按规定提前报批",
    # the duty officer's ledger and closing checks (conduct)
    "ledger": "值日巡查记录（rule 为规则代码，记在 detail）",
    "closing_left_on": "下班未关闭设备门窗（每项每次）",
    "closing_check_missed": "值日人员未做下班检查",
    # training (training)
    "training_absence": "无故缺席培训",
    # complaints (complaints)
    "complaint_substantiated": "投诉经查属实",
    "first_inquiry_failure": "首问责任不落实",
    # ratings (ratings)
    "bad_rating_justified": "差评经核实属实",
    # cases (cases, parallel approval)
    "case_overdue": "办件超承诺时限（quantity 为超期工作日）",
    "participant_overdue": "并联审批超时（quantity 为超期工作日）",
    "deemed_approval": "并联审批超时默认同意",
    "meeting_absence": "联审会议无故缺席",
    "one_time_breach": "违反一次性告知，造成二次往返",
    # supervision and manual facts (assessment)
    "finding": "督查发现（rule 为规则代码）",
    "efficiency_notice": "效能通报批评（取消评优资格）",
    "manual": "手工录入（rule 为规则代码）",
}


@dataclass(frozen=True)
class Evidence:
    kind: str  # "case", "complaint", "rating", "clock_in", "ledger", "ticket", …
    ref: str  # its own reference (a case number, a complaint number, an id)
    url: str  # the page that shows it


@dataclass(frozen=True)
class Fact:
    center_id: int
    kind: str  # one of KINDS
    at: dt.datetime  # aware; the moment it happened (a day's fact: that day's opening)
    evidence: Evidence
    staff_id: int | None = None  # the person it is against (User id), or None for a window's
    window_id: int | None = None  # the window concerned, when there is one
    quantity: Decimal = Decimal(1)  # per time: 1; per overdue day: the days
    rule: str = ""  # a rulebook rule code, where the recorder chose one (ledger, finding, manual)
    note: str = ""
    source: str = ""  # the app that keeps it


def facts_for(center_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> list[Fact]:
    """Every app's facts for these centers with ``start <= at < end``."""
    ids = list(center_ids)
    gathered: list[Fact] = []
    for provider in registry.providers("facts"):
        gathered.extend(provider(ids, start, end))
    unknown = {f.kind for f in gathered} - KINDS.keys()
    if unknown:
        raise ValueError(f"facts of unknown kinds: {sorted(unknown)}")
    return gathered
