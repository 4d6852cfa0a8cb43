"""并联审批 (PAR-1 … PAR-5, 001 一(五), 一(四)6) as pure functions (no Django).

A parallel case is a case whose item version names participating departments (CAT-6). The lead
window accepts it; from that moment each participant has its own working-day limit. Nothing is
stored about a participant's state: it is derived, whenever it is read, from what the participant
said (its opinions with their moments), the round's start and the calendar:

* an answer (approve, reject, rectify) closes the participant's part of the round;
* a written explanation (explained) or a report upward (reported_up), given before the limit,
  moves the limit to its expected date, never past the statutory maximum;
* silent past the limit with no explanation: **deemed to approve** (超时默认). An answer that
  comes later is kept and marked late; it does not undo the deemed approval (the moments that
  decide it are all before the limit, so nothing said later can change it).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from servicehall.core.text import gettext_noop

APPROVE, REJECT, RECTIFY = "approve", "reject", "rectify"
REPORTED_UP, EXPLAINED = "reported_up", "explained"
OPINIONS = (APPROVE, REJECT, RECTIFY, REPORTED_UP, EXPLAINED)
ANSWERS = frozenset({APPROVE, REJECT, RECTIFY})  # closes the participant's part of the round
EXTENDING = frozenset({REPORTED_UP, EXPLAINED})  # moves the limit to the expected date
NEEDS_NOTE = frozenset({REJECT, RECTIFY, REPORTED_UP, EXPLAINED})

OPINION_NAMES = {
    APPROVE: "同意",
    REJECT: "不同意",
    RECTIFY: "需整改",
    REPORTED_UP: "已报上级审批",
    EXPLAINED: "书面说明延期",
}
DEEMED_NAME = "超时默认同意"

REVIEW, SITE = "review", "site"
MEETING_KINDS = {REVIEW: "联审会议", SITE: "联合踏勘"}

GREEN, YELLOW, RED = "green", "yellow", "red"


class RuleError(Exception):
    """A refusal: a machine code, a Chinese message, and whether it is a conflict with the case's
    state (409) or bad input (400)."""

    def __init__(self, code: str, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.conflict = conflict


@dataclass(frozen=True)
class Said:
    """One opinion as recorded: its kind, when, and the expected date it names (if any)."""

    kind: str
    at: dt.datetime
    expected: dt.date | None = None


@dataclass(frozen=True)
class Standing:
    """Where a participant stands in the round, now."""

    due_date: dt.date  # the limit's last working day (moved by an explanation in time)
    deadline: dt.datetime  # closing time that day: the moment the limit expires
    opinion: str | None  # the last thing it said in the round, or None
    answer: str | None  # its answer (approve, reject, rectify), or None
    answered_at: dt.datetime | None
    deemed: bool  # silent at the deadline: deemed to approve
    late: bool  # answered, but after the deadline
    explained: bool  # the limit was moved by an explanation or a report upward

    @property
    def pending(self) -> bool:
        """Neither answered nor deemed: the lead must wait for it."""
        return self.answer is None and not self.deemed

    @property
    def outcome(self) -> str:
        """What counts for the decision: approve when deemed, else its answer."""
        return APPROVE if self.deemed else (self.answer or "")


def standing(
    *, due_date: dt.date, closing: Callable[[dt.date], dt.datetime], said: Iterable[Said], now: dt.datetime
) -> Standing:
    """PAR-2 … PAR-4: the participant's standing at ``now`` from what it said in the round.

    ``closing(day)`` is the moment the hall closes on a working day. Only what was said before
    the deadline as it then stood counts for it: an extension must come before the limit, and
    the deemed approval is fixed at the deadline, whatever comes later.
    """
    due, deadline = due_date, closing(due_date)
    answer: Said | None = None
    last: str | None = None
    explained = False
    for s in sorted(said, key=lambda s: s.at):
        last = s.kind
        if s.kind in EXTENDING:
            if answer is None and s.at <= deadline and s.expected is not None and s.expected > due:
                due, deadline, explained = s.expected, closing(s.expected), True
        elif s.kind in ANSWERS and answer is None:
            answer = s
    late = answer is not None and answer.at > deadline
    deemed = (answer is None and now > deadline) or late
    return Standing(
        due_date=due,
        deadline=deadline,
        opinion=last,
        answer=answer.kind if answer else None,
        answered_at=answer.at if answer else None,
        deemed=deemed,
        late=late,
        explained=explained,
    )


def colour(s: Standing, now: dt.datetime, warn_on: dt.date, today: dt.date) -> str:
    """Red when deemed (or answered late), yellow when still pending on or after the warning day,
    green when pending before it; "" once answered in time."""
    if s.deemed:
        return RED
    if not s.pending:
        return ""
    return YELLOW if today >= warn_on else GREEN


def check_opinion(
    *,
    kind: str,
    note: str,
    expected: dt.date | None,
    s: Standing,
    now: dt.datetime,
    today: dt.date,
    maximum: dt.date | None,
    is_workday: Callable[[dt.date], bool],
) -> None:
    """PAR-2, PAR-3, PAR-4: what a participant may say now. Raises RuleError."""
    if kind not in OPINIONS:
        raise RuleError(
            "invalid_opinion", gettext_noop("意见应为同意、不同意、需整改、已报上级审批或书面说明之一。")
        )
    if kind in NEEDS_NOTE and not (note or "").strip():
        names = {
            REJECT: gettext_noop("不同意须写明理由。"),
            RECTIFY: gettext_noop("需整改须写明整改要求。"),
            REPORTED_UP: gettext_noop("报上级审批须写明报批情况。"),
            EXPLAINED: gettext_noop("书面说明须写明延期理由。"),
        }
        raise RuleError("reason_required", names[kind])
    if s.answer is not None:
        raise RuleError(
            "already_answered", gettext_noop("本站所在本轮已经答复，不能再次答复。"), conflict=True
        )
    if kind in ANSWERS:
        return  # in time or late: kept either way (a late one is marked late)
    if expected is None:
        raise RuleError("expected_date_required", gettext_noop("报上级审批或书面说明须写明预计办结日期。"))
    if now > s.deadline:
        raise RuleError(
            "limit_passed",
            gettext_noop(
                "办理期限已于 %(due)s 届满，已视为默认同意；期限届满后不能再书面说明延期。",
                due=f"{s.due_date:%Y-%m-%d}",
            ),
            conflict=True,
        )
    if expected <= s.due_date or expected <= today:
        raise RuleError(
            "expected_date_not_later",
            gettext_noop("预计办结日期须晚于现办理期限 %(due)s 和今天。", due=f"{s.due_date:%Y-%m-%d}"),
        )
    if not is_workday(expected):
        raise RuleError("not_a_workday", gettext_noop("%(day)s 不是工作日。", day=f"{expected:%Y-%m-%d}"))
    if maximum is not None and expected > maximum:
        raise RuleError(
            "past_statutory_maximum",
            gettext_noop("预计办结日期不得超过法定最长期限 %(maximum)s。", maximum=f"{maximum:%Y-%m-%d}"),
        )


def check_decide(standings: dict[str, Standing], result: str) -> None:
    """PAR-4: the lead decides once every participant has answered or is deemed to approve."""
    if not (result or "").strip():
        raise RuleError("result_required", gettext_noop("请填写审批决定内容。"))
    pending = [name for name, s in standings.items() if s.pending]
    if pending:
        raise RuleError(
            "participants_pending",
            gettext_noop(
                "以下协办站所尚未答复且未超过办理期限，不能作出决定：%(names)s", names="、".join(pending)
            ),
            conflict=True,
        )


def check_urge(s: Standing, note: str) -> None:
    """PAR-3: the lead urges a participant that has not answered (催办)."""
    if not (note or "").strip():
        raise RuleError("note_required", gettext_noop("请填写催办内容。"))
    if s.answer is not None:
        raise RuleError("participant_answered", gettext_noop("该站所本轮已经答复，无需催办。"), conflict=True)


def check_resubmit(standings: Iterable[Standing]) -> None:
    """PAR-2: after a rectification is asked for, the corrected application starts a new round."""
    if not any(s.answer == RECTIFY for s in standings):
        raise RuleError(
            "no_rectification", gettext_noop("本轮没有站所提出整改要求，不需要二次申请。"), conflict=True
        )


def check_meeting(kind: str, place: str, departments: list[str]) -> None:
    """PAR-5: a joint review meeting or site inspection names its kind, place and invitees."""
    if kind not in MEETING_KINDS:
        raise RuleError(
            "invalid_meeting_kind", gettext_noop("会议类型应为联审会议（review）或联合踏勘（site）。")
        )
    if not (place or "").strip():
        raise RuleError("place_required", gettext_noop("请填写会议或踏勘地点。"))
    if not departments:
        raise RuleError("departments_required", gettext_noop("请至少邀请一个站所。"))
    if len(set(departments)) != len(departments):
        raise RuleError("duplicate_department", gettext_noop("同一站所只能邀请一次。"))


def check_attendance(*, at: dt.datetime, now: dt.datetime, recorded: bool) -> None:
    """PAR-5: attendance is recorded once per invited department, once the meeting has begun."""
    if recorded:
        raise RuleError("attendance_recorded", gettext_noop("该站所的出席情况已经登记。"), conflict=True)
    if now < at:
        raise RuleError(
            "meeting_not_started", gettext_noop("会议尚未开始，不能登记出席情况。"), conflict=True
        )


def unexcused(present: bool | None, excuse: str) -> bool:
    """An absence without a recorded excuse is kept against the department's representative."""
    return present is False and not (excuse or "").strip()
