"""投诉处理: the regulation as pure functions (no Django).

CMP-1 channels, CMP-4 deadlines and colours, CMP-5 escalation, the refusals of a conclusion, and
the days a suggestion box must have been opened (002 八(二)). The calendar is anything with
``add``, ``between`` and ``is_workday`` (``servicehall.workdays.rules.WorkCalendar``).
"""

import datetime as dt
from typing import Protocol

from servicehall.core.text import gettext_noop


class Calendar(Protocol):
    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]: ...
    def between(self, start: dt.date, end: dt.date) -> tuple[int, bool]: ...
    def is_workday(self, d: dt.date) -> bool: ...


class RuleError(Exception):
    """A refusal by the rules: a machine code, a Chinese message, and whether it conflicts with
    the complaint's state (409) or is bad input (400)."""

    def __init__(self, code: str, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.conflict = conflict


# --- channels (CMP-1; 001 三(二)1; 002 八(三); 004 art.15) ------------------------------------------

ON_SITE, PHONE, BOX, LETTER, FAX, ONLINE, TRANSFER = (
    "on_site",
    "phone",
    "box",
    "letter",
    "fax",
    "online",
    "transfer",
)
CHANNELS = (ON_SITE, PHONE, BOX, LETTER, FAX, ONLINE, TRANSFER)
# Written complaints arrive after they were made: their receipt may be stated earlier than now.
BACKDATED = (BOX, LETTER, TRANSFER)
STAFF_CHANNELS = (ON_SITE, PHONE, BOX, LETTER, FAX, TRANSFER)  # online comes by the public form

# --- statuses -------------------------------------------------------------------------------------

OPEN, ESCALATED, CONCLUDED = "open", "escalated", "concluded"
STATUSES = (OPEN, ESCALATED, CONCLUDED)
UNCONCLUDED = (OPEN, ESCALATED)
STATUS_NAMES = {OPEN: "处理中", ESCALATED: "已上报领导处理", CONCLUDED: "已办结"}
TO_LEADER, TO_DISCIPLINE = "leader", "discipline"
# conduct (bribery, 吃拿卡要, fees) goes to the discipline office rather than the leader (CMP-5)
CONDUCT_CATEGORIES = ("bribery", "fees")

EVENT_NAMES = {
    "register": "登记受理",
    "explanation": "要求情况说明",
    "explained": "情况说明已答复",
    "delay": "向投诉人说明延期",
    "escalate": "上报",
    "conclude": "办结答复",
    "first_inquiry_failure": "认定首问责任不落实",
}

FILTERS = ("open", "overdue", "escalated", "concluded", "due_soon")


def check_received(*, channel: str, received: dt.datetime, now: dt.datetime) -> None:
    """A receipt is never in the future; an earlier one only for the box, letters and transfers."""
    if received > now + dt.timedelta(minutes=1):
        raise RuleError("received_in_future", gettext_noop("受理时间不能晚于现在。"))
    if received < now - dt.timedelta(minutes=5) and channel not in BACKDATED:
        raise RuleError(
            "received_at_not_allowed",
            gettext_noop(
                "只有意见箱、信函和转办的投诉可以登记较早的收到时间；其他渠道以登记时间为受理时间。"
            ),
        )


def check_transfer(*, channel: str, transfer_from: str, reply_to: str) -> None:
    if channel == TRANSFER and not (transfer_from.strip() and reply_to.strip()):
        raise RuleError("transfer_source_required", gettext_noop("转办投诉须写明转办单位和回复地址。"))


# --- deadlines (CMP-4) ------------------------------------------------------------------------------

GREEN, YELLOW, RED = "green", "yellow", "red"
COLOUR_NAMES = {GREEN: "正常", YELLOW: "即将到期", RED: "已超期"}


def due_date(cal: Calendar, received: dt.date, days: int) -> dt.date:
    """CMP-4: the ``days``-th working day after the day of receipt (the day itself never counts)."""
    return cal.add(received, days)[0]


def colour(cal: Calendar, due: dt.date, today: dt.date) -> str:
    """Red past the due day, yellow on the due day and the working day before it, green before."""
    if today > due:
        return RED
    if cal.between(today, due)[0] <= 1:
        return YELLOW
    return GREEN


def overdue_workdays(cal: Calendar, due: dt.date, today: dt.date) -> int:
    """Working days past the due day (holidays and weekends do not count)."""
    return max(0, cal.between(due, today)[0])


def latest_received(cal: Calendar, today: dt.date, days: int, *, before: dt.date) -> dt.date:
    """The last day of receipt whose due date falls before ``before``: every complaint received
    on or before it is past that date. Due dates never go backwards as receipt moves on, so one
    day bounds them all (a handful of calendar steps back from ``before``)."""
    d = before
    while due_date(cal, d, days) >= before:
        d -= dt.timedelta(days=1)
    return d


# --- steps ---------------------------------------------------------------------------------------


def check_open(status: str, action: str) -> None:
    if status == CONCLUDED:
        raise RuleError(
            "already_concluded",
            gettext_noop("该投诉已办结，不能再%(action)s。", action=action),
            conflict=True,
        )


def check_conclusion(
    *, status: str, answer: str, finding: str, answered_via: str, channel: str, transfer_reply: str
):
    check_open(status, "办结")
    if not answer.strip():
        raise RuleError("answer_required", gettext_noop("办结投诉须写明给投诉人的答复内容。"))
    if not finding.strip():
        raise RuleError("finding_required", gettext_noop("办结投诉须写明调查结论。"))
    if not answered_via:
        raise RuleError("answered_via_required", gettext_noop("请选择答复方式。"))
    if channel == TRANSFER and not transfer_reply.strip():
        raise RuleError(
            "transfer_reply_required", gettext_noop("转办投诉须写明向转办单位的回复（002 八(五)6）。")
        )


def escalation_target(category: str) -> str:
    """Where a major complaint goes by default: conduct to the discipline office, else the leader."""
    return TO_DISCIPLINE if category in CONDUCT_CATEGORIES else TO_LEADER


def check_escalation(status: str, escalated_to: str, to: str) -> None:
    check_open(status, "上报")
    if escalated_to == to:
        raise RuleError("already_escalated", gettext_noop("该投诉已上报到这里。"), conflict=True)


def check_explanation_due(*, due: dt.date, today: dt.date, is_workday: bool) -> None:
    if due < today:
        raise RuleError("date_past", gettext_noop("说明期限不能早于今天。"))
    if not is_workday:
        raise RuleError(
            "not_a_workday", gettext_noop("%(due)s 不是工作日，请选择工作日。", due=format(due, "%Y-%m-%d"))
        )


# --- the suggestion box (002 八(二)) ---------------------------------------------------------------

BOX_HOUR = dt.time(17, 0)  # opened every working day at 17:00
BOX_LOOK_BACK = 10  # calendar days before today whose missed openings are still flagged


def missed_openings(
    cal: Calendar, opened: set[dt.date], today: dt.date, first: dt.date | None
) -> list[dt.date]:
    """Working days before today (within the look-back, not before ``first``) with no opening."""
    days = []
    for back in range(BOX_LOOK_BACK, 0, -1):
        d = today - dt.timedelta(days=back)
        if first is not None and d < first:
            continue
        if cal.is_workday(d) and d not in opened:
            days.append(d)
    return days


def check_opening(*, day: dt.date, today: dt.date, is_workday: bool, letters: int) -> None:
    if day > today:
        raise RuleError("opened_in_future", gettext_noop("开箱日期不能晚于今天。"))
    if not is_workday:
        raise RuleError(
            "not_a_workday", gettext_noop("%(day)s 不是工作日，无须开箱。", day=format(day, "%Y-%m-%d"))
        )
    if letters < 0 or letters > 999:
        raise RuleError("invalid_letters", gettext_noop("信件数应为 0 至 999。"))
