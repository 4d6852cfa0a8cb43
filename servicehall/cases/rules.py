"""Cases (办件) and the visit register as pure rules (INQ-1 … INQ-4, CAS-1 … CAS-14).

No Django here: the calendar, the moment and the policy values are arguments. The calendar is
anything with ``add``, ``between`` and ``is_workday`` as ``servicehall.workdays.rules.WorkCalendar``
has them (the services pass ``servicehall.workdays.selectors.calendar_for(center)``).
"""

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Protocol

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as NumberError

from servicehall.core.text import gettext_noop


class Calendar(Protocol):
    def add(self, start: dt.date, n: int) -> tuple[dt.date, bool]: ...
    def between(self, start: dt.date, end: dt.date) -> tuple[int, bool]: ...
    def is_workday(self, d: dt.date) -> bool: ...


class RuleError(Exception):
    """A refusal by the rules: a machine code, a Chinese message, and whether it is a conflict
    with the case's state (409) or bad input (400)."""

    def __init__(self, code: str, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.conflict = conflict


# --- the case state machine ------------------------------------------------------------------

AWAITING = "awaiting_materials"  # one-time notice issued; accepted once the materials are in
ACCEPTED = "accepted"  # 受理: the clock runs
SUSPENDED = "suspended"  # 挂起: the applicant acts, the clock stops (CAS-8)
DENIAL_FILED = "denial_filed"  # 否定报备: registered and escalated, awaiting the decision (CAS-6)
COMPLETED = "completed"  # 办结
REFUSED = "refused"  # 不予受理 (at intake, or when the awaited materials show it is not eligible)
DENIED = "denied"  # 不予办理 (after acceptance, decided by the authority the policy names)

STATUSES = (AWAITING, ACCEPTED, SUSPENDED, DENIAL_FILED, COMPLETED, REFUSED, DENIED)
OPEN = (AWAITING, ACCEPTED, SUSPENDED, DENIAL_FILED)
RUNNING = (ACCEPTED, DENIAL_FILED)  # the deadline clock runs
FINISHED = (COMPLETED, REFUSED, DENIED)

STATUS_NAMES = {
    AWAITING: gettext_noop("待补正材料"),
    ACCEPTED: gettext_noop("已受理"),
    SUSPENDED: gettext_noop("已挂起"),
    DENIAL_FILED: gettext_noop("否定报备中"),
    COMPLETED: gettext_noop("已办结"),
    REFUSED: gettext_noop("不予受理"),
    DENIED: gettext_noop("不予办理"),
}

MATERIALS = "materials"
SUSPEND = "suspend"
RESUME = "resume"
EXTEND = "extend"
DENY = "deny"
APPROVE_DENIAL = "approve_denial"
REJECT_DENIAL = "reject_denial"
COMPLETE = "complete"
REFUSE = "refuse"
ADVANCE = "advance"  # CAS-9: a step approved or returned
NOTIFY = "notify"  # CAS-3, CAS-12: a further one-time notice

ACTIONS = (
    MATERIALS,
    SUSPEND,
    RESUME,
    EXTEND,
    DENY,
    APPROVE_DENIAL,
    REJECT_DENIAL,
    COMPLETE,
    REFUSE,
    ADVANCE,
    NOTIFY,
)

ACTION_NAMES = {
    MATERIALS: gettext_noop("补交材料"),
    SUSPEND: gettext_noop("挂起"),
    RESUME: gettext_noop("恢复办理"),
    EXTEND: gettext_noop("延期"),
    DENY: gettext_noop("否定报备"),
    APPROVE_DENIAL: gettext_noop("确认不予办理"),
    REJECT_DENIAL: gettext_noop("退回否定报备"),
    COMPLETE: gettext_noop("办结"),
    REFUSE: gettext_noop("不予受理"),
    ADVANCE: gettext_noop("环节审批"),
    NOTIFY: gettext_noop("出具一次性告知单"),
}

# The steps a case's file records (CaseEvent.action), as the case page names them.
EVENT_NAMES = {
    "intake": gettext_noop("收件"),
    MATERIALS: gettext_noop("补交材料"),
    "accept": gettext_noop("受理"),
    SUSPEND: gettext_noop("挂起"),
    RESUME: gettext_noop("恢复办理"),
    EXTEND: gettext_noop("延期"),
    "extend_request": gettext_noop("申请延期"),
    "extend_declined": gettext_noop("不同意延期"),
    DENY: gettext_noop("否定报备"),
    REJECT_DENIAL: gettext_noop("退回否定报备"),
    COMPLETED: gettext_noop("办结"),
    REFUSED: gettext_noop("不予受理"),
    DENIED: gettext_noop("不予办理"),
    "notified": gettext_noop("短信告知"),
    "notify_by_phone": gettext_noop("电话告知"),
    "step_approve": gettext_noop("环节审批同意"),
    "step_return": gettext_noop("环节退回"),
    "urge": gettext_noop("催办"),
    NOTIFY: gettext_noop("再次一次性告知"),
}

# (status, action) → the status after it. MATERIALS out of AWAITING depends on what is still
# missing (see ``after_materials``); every pair not listed is refused by ``refusal``.
TRANSITIONS = {
    (AWAITING, MATERIALS): AWAITING,
    (AWAITING, REFUSE): REFUSED,
    (ACCEPTED, MATERIALS): ACCEPTED,
    (ACCEPTED, SUSPEND): SUSPENDED,
    (ACCEPTED, EXTEND): ACCEPTED,
    (ACCEPTED, DENY): DENIAL_FILED,
    (ACCEPTED, COMPLETE): COMPLETED,
    (SUSPENDED, MATERIALS): SUSPENDED,
    (SUSPENDED, RESUME): ACCEPTED,
    (DENIAL_FILED, APPROVE_DENIAL): DENIED,
    (DENIAL_FILED, REJECT_DENIAL): ACCEPTED,
    (ACCEPTED, ADVANCE): ACCEPTED,
    (AWAITING, NOTIFY): AWAITING,
    (SUSPENDED, NOTIFY): SUSPENDED,
}


def refusal(status: str, action: str) -> RuleError | None:
    """Why ``action`` is forbidden in ``status`` (a 409 with its own code), or None if allowed."""
    if (status, action) in TRANSITIONS:
        return None
    verb = ACTION_NAMES[action]
    if status in FINISHED:
        return RuleError(
            "case_finished",
            gettext_noop("本办件已%(status)s，不能再%(verb)s。", status=STATUS_NAMES[status], verb=verb),
            conflict=True,
        )
    if status == AWAITING and action == COMPLETE:
        code, message = "materials_missing", gettext_noop("必需材料尚未补齐，不能办结。")
    elif status == AWAITING:
        code, message = "not_accepted", gettext_noop("本办件尚待补正材料、未受理，不能%(verb)s。", verb=verb)
    elif status == DENIAL_FILED:
        code, message = (
            "denial_pending",
            gettext_noop(
                "本办件已否定报备、等待%(decision)s，不能%(verb)s。",
                decision=ACTION_NAMES[APPROVE_DENIAL],
                verb=verb,
            ),
        )
    elif action == NOTIFY:
        code, message = "not_awaiting", "只有待补正材料或挂起补正中的办件才能出具一次性告知单。"
    elif action in (APPROVE_DENIAL, REJECT_DENIAL):
        code, message = "no_denial_filed", gettext_noop("本办件没有待决定的否定报备。")
    elif status == SUSPENDED and action == SUSPEND:
        code, message = "already_suspended", gettext_noop("本办件已挂起。")
    elif status == SUSPENDED:
        code, message = "case_suspended", gettext_noop("本办件已挂起，请先恢复办理再%(verb)s。", verb=verb)
    elif action == RESUME:
        code, message = "not_suspended", gettext_noop("本办件未挂起，无需恢复。")
    else:  # ACCEPTED + REFUSE
        code, message = (
            "already_accepted",
            gettext_noop("本办件已受理，不能再作不予受理；不能办理的请作否定报备。"),
        )
    return RuleError(code, message, conflict=True)


def next_status(status: str, action: str, *, missing: bool = False) -> str:
    """The status after ``action``; raises the refusal when the action is forbidden.

    ``missing``: whether required materials are still missing after a MATERIALS step.
    """
    error = refusal(status, action)
    if error is not None:
        raise error
    if (status, action) == (AWAITING, MATERIALS) and not missing:
        return ACCEPTED
    return TRANSITIONS[(status, action)]


IMMEDIATE = "immediate"  # 即办件 (the catalog's kinds)
COMMITTED = "committed"  # 承诺件


def intake_status(*, kind: str, missing: bool, eligible: bool, backfilled: bool) -> str:
    """CAS-2, CAS-4: the one outcome of an intake.

    Not eligible → refused; something missing → awaiting materials (one-time notice); all there →
    accepted, or completed on the spot for an immediate item. A back-filled case is never born
    completed (CAS-1): it is accepted and completed by a later, truthfully dated step.
    """
    if not eligible:
        return REFUSED
    if missing:
        return AWAITING
    if kind == IMMEDIATE and not backfilled:
        return COMPLETED
    return ACCEPTED


# --- materials (CAS-2, CAS-12) ---------------------------------------------------------------


def unknown_materials(listed: list[str], given: list[str]) -> list[str]:
    """CAS-12: the codes a window names that the item's catalog version does not list."""
    known = set(listed)
    return [code for code in dict.fromkeys(given) if code not in known]


def check_materials(listed: list[str], given: list[str]) -> None:
    unknown = unknown_materials(listed, given)
    if unknown:
        raise RuleError(
            "unknown_material",
            gettext_noop(
                "材料「%(value)s」不在本事项的材料目录中，窗口不得要求目录以外的材料。",
                value="、".join(unknown),
            ),
        )


def missing_required(required: list[str], received: list[str]) -> list[str]:
    """CAS-2: every required material not yet received, in the catalog's order."""
    have = set(received)
    return [code for code in required if code not in have]


# --- back-filling (CAS-1) --------------------------------------------------------------------

FUTURE_SKEW = dt.timedelta(minutes=1)


def check_received(
    received_at: dt.datetime,
    now: dt.datetime,
    tolerance_minutes: int,
    reason: str,
    *,
    cal: Calendar | None = None,
    max_workdays: int | None = None,
    not_before: dt.datetime | None = None,
) -> bool:
    """CAS-1: whether an intake is back-filled; refuses a receipt time that cannot be true.

    The intake is recorded at the server's ``now``. A stated receipt time more than the policy's
    tolerance earlier is a back-fill: allowed only with a reason, and flagged for ever. Refused
    whatever the reason: a time in the future, one before the ticket the applicant was called
    with (``not_before``), and one more than ``max_workdays`` working days before today (the
    policy's back-fill limit; also any time outside the working-day calendar). A receipt on an
    earlier day that was not a working day needs a reason (an appointment on a rest day says so).
    ``received_at`` and ``now`` are the hall's local times.
    """
    if received_at > now + FUTURE_SKEW:
        raise RuleError("received_in_future", gettext_noop("收件时间不能晚于当前时间。"))
    if not_before is not None and received_at < not_before:
        raise RuleError(
            "received_before_ticket",
            gettext_noop(
                "收件时间不能早于申请人取号的时间（%(not_before)s）。",
                not_before=format(not_before, "%Y-%m-%d %H:%M"),
            ),
        )
    day, today = received_at.date(), now.date()
    if cal is not None and max_workdays is not None and day < today:
        try:
            late, _ = cal.between(day, today)
        except ValueError:  # outside the calendar: decades ago
            late = None
        if late is None or late > max_workdays:
            raise RuleError(
                "backfill_too_old",
                gettext_noop(
                    "收件时间 %(day)s 超出补录期限：只能补录 %(max_workdays)s 个工作日以内的收件。更早的收件请按实际情况报中心处理，不能在系统中补录。",
                    day=format(day, "%Y-%m-%d"),
                    max_workdays=max_workdays,
                ),
            )
        if not cal.is_workday(day) and not reason.strip():
            raise RuleError(
                "received_on_rest_day",
                gettext_noop(
                    "%(day)s 不是工作日。如当天确有预约或延时服务收件，请在补录原因中写明。",
                    day=format(day, "%Y-%m-%d"),
                ),
            )
    backfilled = now - received_at > dt.timedelta(minutes=tolerance_minutes)
    if backfilled and not reason.strip():
        raise RuleError(
            "backfill_reason_required",
            gettext_noop(
                "收件时间早于当前时间超过 %(tolerance_minutes)s 分钟，属于补录，须填写补录原因。",
                tolerance_minutes=tolerance_minutes,
            ),
        )
    return backfilled


# --- the citizen look-up cannot be guessed ----------------------------------------------------

# (wrong codes allowed within WINDOW, minutes the look-up is then refused) per case number and
# per client address: five tries at one case, twenty from one address, in a quarter of an hour.
LOOK_UP_LIMITS = {"case": (5, 15), "address": (20, 15)}
LOOK_UP_WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Guard:
    failures: int
    since: dt.datetime | None
    locked_until: dt.datetime | None


def look_up_wait(guard: Guard, now: dt.datetime) -> int:
    """Whole minutes until the look-up is allowed again (0: allowed now)."""
    if guard.locked_until is None or guard.locked_until <= now:
        return 0
    return max(1, -(-int((guard.locked_until - now).total_seconds()) // 60))


def after_failed_look_up(guard: Guard, now: dt.datetime, limit: int, minutes: int) -> Guard:
    """One more wrong code: counted within a window from the first; at the limit, refused for
    ``minutes`` (and counting starts again afterwards)."""
    failures, since = guard.failures, guard.since
    if since is None or now - since > LOOK_UP_WINDOW:
        failures, since = 0, now
    failures += 1
    if failures >= limit:
        return Guard(0, None, now + dt.timedelta(minutes=minutes))
    return Guard(failures, since, guard.locked_until)


# --- working-day deadlines (CAS-5, CAS-8) ----------------------------------------------------


def suspended_workdays(cal: Calendar, start: dt.date, end: dt.date) -> int:
    """CAS-8: working days a suspension from ``start`` to ``end`` took off the clock.

    Counted as working days in (start, end]: suspended on Monday and resumed on Thursday is
    three working days; suspended and resumed the same day is none.
    """
    return max(0, cal.between(start, end)[0])


def shift(cal: Calendar, due: dt.date, workdays: int) -> dt.date:
    """A due date moved on by exactly ``workdays`` working days (a suspension's length)."""
    return cal.add(due, workdays)[0] if workdays > 0 else due


def due_while_suspended(cal: Calendar, due: dt.date, suspended_on: dt.date, today: dt.date) -> dt.date:
    """The due date as it stands today for a case still suspended: the clock has not run since."""
    return shift(cal, due, suspended_workdays(cal, suspended_on, today))


def check_extension(
    *, cal: Calendar, due: dt.date, new_due: dt.date, maximum: dt.date | None, today: dt.date, reason: str
) -> int:
    """CAS-5: an extension to ``new_due``; returns the working days it adds.

    The new date is a working day after the current due date and not before today, and the
    whole time never passes the statutory maximum (``maximum``: the statutory limit counted from
    acceptance, moved on by any suspensions). Without a statutory limit, the published limit is
    the most there is, so nothing can be extended.
    """
    if not reason.strip():
        raise RuleError("reason_required", gettext_noop("延期须写明理由。"))
    if maximum is None:
        raise RuleError(
            "no_statutory_limit", gettext_noop("本事项没有法定时限，公布的承诺时限即为最长期限，不能延期。")
        )
    if new_due <= due:
        raise RuleError(
            "extension_not_later",
            gettext_noop("延期后的办结日期须晚于现办结日期 %(due)s。", due=format(due, "%Y-%m-%d")),
        )
    if new_due < today:
        raise RuleError("extension_in_past", gettext_noop("延期后的办结日期不能早于今天。"))
    if new_due > maximum:  # said first: no other day that far off would do either
        raise RuleError(
            "past_statutory_limit",
            gettext_noop(
                "延期后的办结日期不得超过法定最长期限 %(maximum)s。", maximum=format(maximum, "%Y-%m-%d")
            ),
        )
    if not cal.is_workday(new_due):
        raise RuleError(
            "not_a_workday",
            gettext_noop("%(new_due)s 不是工作日，请选择工作日。", new_due=format(new_due, "%Y-%m-%d")),
        )
    return cal.between(due, new_due)[0]


# --- what is written with a case action ----------------------------------------------------------

NOTE_LIMIT = 500  # characters of a reason, basis or opinion written with a case action
RESULT_LIMIT = 2000  # a case's result as delivered to the applicant: it may run long, and wraps
EXTENSION_REASON_LIMIT = 300  # an extension's reason, kept on the case while it awaits approval
NOTE_LABELS = {
    "reason": gettext_noop("理由"),
    "basis": gettext_noop("依据"),
    "note": gettext_noop("意见"),
    "result": gettext_noop("办理结果"),
}


def check_note(field: str, value: str, limit: int | None = None) -> str:
    """The text written with a case action (``field``: reason, basis, note or result), stripped;
    refused with ``too_long`` over ``limit`` characters as typed (as the form and the API schema
    count them; by default the field's own: ``RESULT_LIMIT`` for a result, else ``NOTE_LIMIT``)
    so a case page stays readable."""
    value = value or ""
    limit = limit or (RESULT_LIMIT if field == "result" else NOTE_LIMIT)
    if len(value) > limit:
        raise RuleError(
            "too_long",
            gettext_noop(
                "%(field)s过长：最多 %(limit)s 个字，现有 %(length)s 个。",
                field=NOTE_LABELS[field],
                limit=limit,
                length=len(value),
            ),
        )
    return value.strip()


# --- electronic supervision (CAS-14) ---------------------------------------------------------

GREEN, YELLOW, RED = "green", "yellow", "red"
COLOURS = (GREEN, YELLOW, RED)
COLOUR_NAMES = {GREEN: gettext_noop("正常"), YELLOW: gettext_noop("黄牌预警"), RED: gettext_noop("红牌超期")}


def warn_days(limit_days: int) -> int:
    """Working days left at which a case turns yellow: 20 % of its limit or 1, whichever is more."""
    return max(limit_days // 5, 1)


def warn_date(cal: Calendar, due: dt.date, limit_days: int) -> dt.date:
    """The first day the case is yellow: the working day ``warn_days`` working days before ``due``.

    From that day on, the working days left in (today, due] are at most ``warn_days``.
    """
    left, d = warn_days(limit_days), due
    while left:
        d -= dt.timedelta(days=1)
        if cal.is_workday(d):
            left -= 1
    return d


def colour(*, now: dt.datetime, today: dt.date, due_at: dt.datetime, warn_on: dt.date) -> str:
    """CAS-14: red past the deadline moment, yellow from the warning day, green before."""
    if now > due_at:
        return RED
    if today >= warn_on:
        return YELLOW
    return GREEN


def overdue_workdays(cal: Calendar, due: dt.date, today: dt.date) -> int:
    """CAS-14: working days past the due date (holidays and weekends do not count)."""
    return max(0, cal.between(due, today)[0])


def workdays_left(cal: Calendar, today: dt.date, due: dt.date) -> int:
    return max(0, cal.between(today, due)[0])


# --- applicants (CAS-2, SEC-5) -----------------------------------------------------------------


@dataclass(frozen=True)
class IdCheck:
    number: str
    birth_date: dt.date
    warning: str = ""


def check_id_number(value: str, today: dt.date) -> IdCheck:
    """A citizen ID number (居民身份证号码): length, digits, checksum and birth date.

    The region code only gives a warning: python-stdnum's table of regions rejects real numbers
    issued under codes that were later renamed or merged, so its full ``validate`` is not used.
    """
    number = ric.compact(value or "")
    if len(number) != 18:
        raise RuleError(
            "invalid_id_number", gettext_noop("身份证号码应为18位，现为%(value)s位。", value=len(number))
        )
    if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
        raise RuleError("invalid_id_number", gettext_noop("身份证号码前17位应为数字，最后一位为数字或X。"))
    if number[-1] != ric.calc_check_digit(number):
        raise RuleError("invalid_id_number", gettext_noop("身份证号码校验位不符，请核对。"))
    try:
        born = ric.get_birth_date(number)
    except NumberError:
        raise RuleError("invalid_id_number", gettext_noop("身份证号码中的出生日期无效。")) from None
    if born > today or born.year < 1900:
        raise RuleError("invalid_id_number", gettext_noop("身份证号码中的出生日期不合理。"))
    try:
        ric.get_birth_place(number)
        warning = ""
    except NumberError:
        warning = gettext_noop("行政区划代码 %(code)s 不在已知目录中，请核对证件（号码校验无误，已接受）。", code=number[:6])
    return IdCheck(number, born, warning)


def check_credit_code(value: str) -> str:
    """A unified social credit code (统一社会信用代码): 18 characters with its check character."""
    try:
        return uscc.validate(value or "")
    except NumberError:
        raise RuleError(
            "invalid_credit_code", gettext_noop("统一社会信用代码无效：应为18位，且校验位正确。")
        ) from None


PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
MOBILE = re.compile(r"1[3-9]\d{9}")


def check_phone(value: str) -> str:
    phone = re.sub(r"[\s]", "", value or "")
    if not PHONE.fullmatch(phone):
        raise RuleError("invalid_phone", gettext_noop("联系电话应为11位手机号码或带区号的固定电话。"))
    return phone


def is_mobile(phone: str) -> bool:
    return bool(MOBILE.fullmatch(phone or ""))


# --- numbers and codes (CAS-3, CAS-10) ---------------------------------------------------------

QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper
QUERY_LENGTH = 6


def new_query_code(choice=secrets.choice) -> str:
    return "".join(choice(QUERY_ALPHABET) for _ in range(QUERY_LENGTH))


def query_code_matches(stored: str, given: str) -> bool:
    """Constant-time comparison, forgiving case and spaces as people type them."""
    typed = re.sub(r"\s", "", given or "").upper()
    return hmac.compare_digest(stored.encode(), typed.encode())


CASE_NUMBER = re.compile(r"([A-Z][A-Z0-9-]{1,40})-(\d{4})-(\d{6,})")


def case_number(center_code: str, year: int, seq: int) -> str:
    """KAIYUAN-2026-000123: the center, the year, a running number per center and year."""
    return f"{center_code.upper()}-{year}-{seq:06d}"


def normal_case_number(text: str) -> str | None:
    number = re.sub(r"\s", "", text or "").upper()
    return number if CASE_NUMBER.fullmatch(number) else None


NOTICE_KINDS = {
    "one_time": ("一次性告知单", "告"),
    "acceptance": ("受理通知书", "受"),
    "refusal": ("不予受理通知书", "不受"),
    "extension": ("延期办结告知书", "延"),
    "denial": ("不予办理告知书", "否"),
    "completion": ("办结通知书", "结"),
}


def notice_number(center_name: str, kind: str, year: int, seq: int) -> str:
    """开元告〔2026〕第0007号: the center's short name, the kind's word, the year, a running number
    per center, kind and year."""
    return f"{short_name(center_name)}{NOTICE_KINDS[kind][1]}〔{year}〕第{seq:04d}号"


def short_name(center_name: str) -> str:
    """The first two characters of a center's name, as its documents are numbered (开元, 鲤城)."""
    return center_name[:2]


# --- the visit register (INQ-1 … INQ-4) --------------------------------------------------------

HANDLED = "handled"
HANDED_OVER = "handed_over"
GUIDED = "guided"
ESCALATED = "escalated"
TRANSFERRED = "transferred"
DENIAL = "denial"

# INQ-2: each outcome and what it must name.
OUTCOME_NEEDS = {
    HANDLED: None,
    HANDED_OVER: "colleague",
    GUIDED: "window",
    ESCALATED: "leader",
    TRANSFERRED: "agency",
    DENIAL: "note",
}
NEED_MESSAGES = {
    "colleague": gettext_noop("移交同事时须选择接手的同事。"),
    "window": gettext_noop("引导至其他窗口时须选择窗口。"),
    "leader": gettext_noop("请示领导时须选择领导。"),
    "agency": gettext_noop("转送其他部门时须写明部门名称。"),
    "note": gettext_noop("否定报备须写明不能办理的原因和依据。"),
}


def check_visit_outcome(outcome: str, named: dict) -> None:
    """INQ-2: an outcome that hands the matter on names who or where it went."""
    if outcome not in OUTCOME_NEEDS:
        raise RuleError("invalid_outcome", gettext_noop("未知的处理结果。"))
    need = OUTCOME_NEEDS[outcome]
    if need and not named.get(need):
        raise RuleError(f"{need}_required", NEED_MESSAGES[need])


# --- steps and time nodes (CAS-9, 000 三.2–3) --------------------------------------------------

APPROVE = "approve"
RETURN = "return"
DECISIONS = (APPROVE, RETURN)
STEP_DONE, STEP_CURRENT, STEP_PENDING = "done", "current", "pending"


@dataclass(frozen=True)
class PlannedStep:
    position: int  # 1-based, as the catalog numbers them
    name: str
    days: int
    role: str


def default_steps(committed_days: int) -> list[PlannedStep]:
    """An item that publishes no steps: accepted at the window, decided by the department head."""
    return [
        PlannedStep(1, "受理", 0, "window_staff"),
        PlannedStep(2, "审批", committed_days, "department_head"),
    ]


def step_due_dates(
    cal: Calendar, accepted_on: dt.date, days: list[int], shift: int, cap: dt.date | None
) -> list:
    """CAS-9: each step's time node counted in working days from acceptance, the steps before it
    included; moved by the working days the case was suspended; never past the case's due date."""
    dues, total = [], 0
    for n in days:
        total += n
        due = cal.add(accepted_on, total + shift)[0] if total + shift else accepted_on
        dues.append(min(due, cap) if cap is not None else due)
    return dues


def after_decision(position: int, count: int, decision: str) -> int | None:
    """The step a case is at after ``decision`` on step ``position`` of ``count``; ``None`` when
    the last step is approved (the case is complete)."""
    if decision not in DECISIONS:
        raise RuleError("invalid_decision", gettext_noop("请选择同意或退回。"))
    if decision == APPROVE:
        return position + 1 if position < count else None
    if position <= 1:
        raise RuleError("first_step", gettext_noop("已是第一个环节，不能再退回。"), conflict=True)
    return position - 1


def step_status(position: int, current: int | None, finished: bool) -> str:
    if finished or (current is not None and position < current):
        return STEP_DONE
    return STEP_CURRENT if position == current else STEP_PENDING


def step_colour(*, today: dt.date, due: dt.date, warn_on: dt.date | None) -> str:
    """The colour of the step being worked on: red past its node, yellow on the warning day or its
    last day, green before."""
    if today > due:
        return RED
    if today >= due or (warn_on is not None and today >= warn_on):
        return YELLOW
    return GREEN


# --- the one-time rule (CAS-12, 001 三(一)4(3)①) --------------------------------------------


def one_time_breaches(notices: list[list[str]]) -> list[tuple[int, list[str]]]:
    """Each later one-time notice (by index) with the materials it names that the first did not:
    the applicant was sent back a second time for something they could have been told at once."""
    if not notices:
        return []
    first = set(notices[0])
    found = []
    for i, named in enumerate(notices[1:], start=1):
        new = [m for m in named if m not in first]
        if new:
            found.append((i, new))
    return found
