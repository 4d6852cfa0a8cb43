"""Reads of the visit register and of cases that pages, the API and other apps share.

For other apps (complaints, assessment, archives, supervision findings):

* ``get_case(number)`` — a case with its center, window, item version and people loaded.
* ``handler_figures(center, start, end)`` — per handler (Staff id): cases received, completed,
  completed late, overdue working days (late completions and cases red today), back-filled
  intakes. What the assessment rulebook counts "per case" and "per overdue day" (ASM-2).
* ``backfilled_cases(center, start, end)`` — the back-filled intakes of a period (CAS-1).
* ``board(center)`` — the supervision figures of a center and the centers below it (CAS-14):
  counts per colour, overdue working days, waiting, suspended, back-filled, the most urgent cases.
* ``with_colours(cases)`` — colour, working days left and overdue days of any cases, now.
* ``case_file(case)`` — its checklist, events and notices in order (CAS-11, for the archive).
* ``visits_on(center, day)`` and ``monthly_summary(center, year, month)`` — the visit register.
* ``agency_cases(center, start, end)`` — the agency ledger (代办台帐, CAS-13, ANA-3).
* ``todo_items(user, now, limit)`` — the cases waiting on a person (core.todo's protocol).
"""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from servicehall.cases import rules
from servicehall.cases.models import Case, Visit
from servicehall.core import clock, todo
from servicehall.core.errors import Forbidden, NotFound
from servicehall.core.i18n import translate
from servicehall.core.roles import LEADERS, Role
from servicehall.core.rules import mask_name
from servicehall.core.todo import TodoItem
from servicehall.org import access
from servicehall.org.models import Center, Staff, Window
from servicehall.org.selectors import posts_on
from servicehall.tickets.models import WindowState
from servicehall.workdays import selectors as workdays


def staff_of(actor, center: Center) -> Staff:
    """The actor's own staff record in ``center``: only staff of the center receive its visitors."""
    staff = Staff.objects.filter(user=actor, center=center, active=True).first() if actor else None
    if staff is None:
        raise Forbidden(
            gettext("只有「%(name)s」在岗的工作人员才能登记首问接待。") % {"name": center.name},
            code="not_staff_here",
        )
    return staff


def own_window(staff: Staff) -> Window | None:
    """The window where ``staff`` holds a post today (the A post first)."""
    post = posts_on(clock.today()).filter(staff=staff).select_related("window").order_by("kind").first()
    return post.window if post else None


# Who may act in the name of any window of their center: its leaders and department heads, who
# already act on any of its cases (an intake or a visit in a window's name is recorded with who
# did it, so the window's file shows a leader stepping in).
AT_ANY_WINDOW = (*LEADERS, Role.DEPARTMENT_HEAD)


def may_act_for(actor, center: Center, staff: Staff | None, window: Window) -> bool:
    """ORG-3: whether ``actor`` may take in a case or register a visit in ``window``'s name today.

    Window staff act only for a window where they hold the A or B post today, or that they are
    operating in the queue now (opened or covering); the center's leaders and department heads
    for any of its windows."""
    if window.center_id != center.pk:
        return False
    if access.has_role(actor, center, *AT_ANY_WINDOW):
        return True
    if staff is None:
        return False
    if posts_on(clock.today()).filter(staff=staff, window=window).exists():
        return True
    return WindowState.objects.filter(window=window, operator=staff).exists()  # covering now


# Who reads a whole center's registers and figures (ANA-1, CAS-14).
OVERSEERS = (*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD, Role.DUTY_OFFICER)
URGERS = (*LEADERS, Role.SUPERVISOR, Role.DEPARTMENT_HEAD)  # 催办: leaders and supervision


def window_scope(user, center: Center, window: Window | None) -> Window | None:
    """The window a user may read: an overseer any (or all, None); window staff only their own."""
    if access.has_role(user, center, *OVERSEERS):
        return window
    if access.has_role(user, center, Role.WINDOW_STAFF):
        mine = own_window(staff_of(user, center))
        if mine is not None and (window is None or window.pk == mine.pk):
            return mine
    raise Forbidden(gettext("您不能查看「%(name)s」这一范围的登记。") % {"name": center.name})


def visits_on(center: Center, day: dt.date, window: Window | None = None) -> list[Visit]:
    """INQ-4: the day's visits and calls, in order, for the center or one window."""
    rows = Visit.objects.filter(center=center, day=day, voided_at__isnull=True)
    if window is not None:
        rows = rows.filter(window=window)
    return list(
        rows.select_related("window", "officer", "colleague", "target_window", "leader").order_by("at", "id")
    )


@dataclass
class WindowMonth:
    label: str
    categories: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    channels: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.channels.values())

    @property
    def cells(self) -> list[int]:
        """The total, then the counts in the order of ``SUMMARY_COLUMNS``."""
        return [
            self.total,
            *(self.channels.get(v, 0) for v in Visit.Channel.values),
            *(self.categories.get(v, 0) for v in Visit.Category.values),
            *(self.outcomes.get(v, 0) for v in Visit.Outcome.values),
        ]


SUMMARY_COLUMNS = ["合计", *map(str, [*Visit.Channel.labels, *Visit.Category.labels, *Visit.Outcome.labels])]


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def monthly_summary(center: Center, year: int, month: int, window: Window | None = None) -> list[WindowMonth]:
    """INQ-4, ANA-1: per window, the month's visits and calls by channel, category and outcome.

    Three grouped queries, whatever the number of visits. The last row is the center's total.
    """
    first, last = month_range(year, month)
    rows = Visit.objects.filter(center=center, day__range=(first, last), voided_at__isnull=True)
    windows = Window.objects.filter(center=center).order_by("number")
    if window is not None:
        rows, windows = rows.filter(window=window), windows.filter(pk=window.pk)
    by_window: dict[int | None, WindowMonth] = {w.pk: WindowMonth(str(w)) for w in windows}
    total = WindowMonth(gettext("合计"))
    for key, counts in (("category", "categories"), ("outcome", "outcomes"), ("channel", "channels")):
        for row in rows.values("window_id", key).annotate(n=Count("id")).order_by():
            month = by_window.setdefault(row["window_id"], WindowMonth(gettext("（未指定窗口）")))
            getattr(month, counts)[row[key]] = row["n"]
            bucket = getattr(total, counts)
            bucket[row[key]] = bucket.get(row[key], 0) + row["n"]
    return [*by_window.values(), total]


# --- cases ------------------------------------------------------------------------------------------

PAGE = 50
URGENT = 20
CASE_RELATED = ("center", "window", "item_version", "handler")


def get_case(number: str) -> Case:
    normal = rules.normal_case_number(number)
    case = (
        Case.objects.select_related(
            *CASE_RELATED, "center__policy", "item_version__department", "officer", "ticket"
        )
        .filter(number=normal, voided_at__isnull=True)
        .first()
        if normal
        else None
    )
    if case is None:
        raise NotFound(
            gettext("没有编号为「%(value)s」的办件。") % {"value": (number or "")[:60]}, code="case_not_found"
        )
    return case


def can_read_case(user, case: Case) -> bool:
    """Overseers of its center, the window's staff and the people who handled it."""
    if access.has_role(user, case.center, *OVERSEERS):
        return True
    staff = Staff.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if staff is None or not access.has_role(user, case.center, Role.WINDOW_STAFF):
        return False
    return (
        staff.pk in (case.handler_id, case.officer_id)
        or posts_on(clock.today()).filter(staff=staff, window=case.window_id).exists()
    )


def require_case_reader(user, case: Case) -> None:
    if not can_read_case(user, case):
        raise Forbidden(gettext("您不能查看办件 %(number)s。") % {"number": case.number})


def calendars():
    """``calendar(center)``, asking the working-day engine once per center for one read."""
    memo = {}

    def calendar(center):
        if center.pk not in memo:
            memo[center.pk] = workdays.calendar_for(center)
        return memo[center.pk]

    return calendar


def with_colours(cases: list[Case], now: dt.datetime | None = None, calendar=None) -> list[Case]:
    """CAS-14: each open case's colour, working days left or overdue, derived now from its dates.

    Sets ``colour`` (green/yellow/red, or "" when the clock is not running), ``overdue_days`` and
    ``days_left``; a suspended case shows the due date as it stands today (the clock stopped).
    """
    now = now or clock.now()
    today = clock.local(now).date()
    calendar = calendar or calendars()
    for case in cases:
        case.colour, case.overdue_days, case.days_left, case.shown_due = "", 0, None, case.due_date
        if case.status in rules.RUNNING and case.due_at is not None:
            cal = calendar(case.center)
            case.colour = rules.colour(now=now, today=today, due_at=case.due_at, warn_on=case.warn_date)
            case.overdue_days = (
                rules.overdue_workdays(cal, case.due_date, today) if case.colour == rules.RED else 0
            )
            case.days_left = rules.workdays_left(cal, today, case.due_date)
        elif case.status == rules.SUSPENDED and case.due_date is not None:
            cal = calendar(case.center)
            suspended_on = clock.local(case.suspended_at).date()
            case.shown_due = rules.due_while_suspended(cal, case.due_date, suspended_on, today)
    return cases


def _open(queryset):
    return queryset.filter(status__in=rules.OPEN, voided_at__isnull=True)


SUBTREE = (
    "WITH RECURSIVE tree(id) AS (SELECT id FROM org_center WHERE id = %s "
    "UNION ALL SELECT c.id FROM org_center c JOIN tree ON c.parent_id = tree.id) SELECT id FROM tree"
)


def subtree(center: Center) -> list[Center]:
    """ORG-1: a center and every center below it — one query, whatever the size of the tree."""
    return list(Center.objects.filter(id__in=RawSQL(SUBTREE, [center.pk])).order_by("id"))  # noqa: S611


@dataclass
class CenterFigures:
    center: Center
    awaiting: int = 0
    suspended: int = 0
    green: int = 0
    yellow: int = 0
    red: int = 0
    overdue_days: int = 0
    backfilled: int = 0

    @property
    def running(self) -> int:
        return self.green + self.yellow + self.red


@dataclass
class Board:
    centers: list[CenterFigures]
    urgent: list[Case]
    total: CenterFigures


def board(center: Center, now: dt.datetime | None = None, limit: int = URGENT) -> Board:
    """CAS-14: the director's supervision board for a center and the centers below it.

    Counts per colour come from the partial index of open cases (history is never read); the
    overdue working days of red cases are summed per due date; the ``limit`` most urgent running
    cases are listed. Five queries whatever the number of cases, each reading the open cases of
    these centers only (the partial indexes cover the counts).
    """
    now = now or clock.now()
    today = clock.local(now).date()
    centers = subtree(center)
    by_id = {c.pk: CenterFigures(c) for c in centers}
    ids = list(by_id)
    rows = (
        _open(Case.objects.filter(center_id__in=ids))
        .values("center_id", "status")
        .annotate(
            n=Count("id"),
            red=Count("id", filter=Q(due_at__lt=now)),
            warned=Count("id", filter=Q(warn_date__lte=today)),
            backfilled=Count("id", filter=Q(backfilled=True)),
        )
        .order_by()
    )
    for row in rows:
        figures = by_id[row["center_id"]]
        figures.backfilled += row["backfilled"]
        if row["status"] == rules.AWAITING:
            figures.awaiting += row["n"]
        elif row["status"] == rules.SUSPENDED:
            figures.suspended += row["n"]
        else:
            figures.red += row["red"]
            figures.yellow += row["warned"] - row["red"]
            figures.green += row["n"] - row["warned"]
    reds = (
        Case.objects.filter(
            center_id__in=ids, status__in=rules.RUNNING, due_at__lt=now, voided_at__isnull=True
        )
        .values("center_id", "due_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    calendar = calendars()
    for row in reds:
        cal = calendar(by_id[row["center_id"]].center)
        by_id[row["center_id"]].overdue_days += row["n"] * rules.overdue_workdays(cal, row["due_date"], today)
    # the most urgent: their ids from the running index alone, then only those rows
    first = list(
        Case.objects.filter(center_id__in=ids, status__in=rules.RUNNING, voided_at__isnull=True)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    rows = Case.objects.select_related(*CASE_RELATED).in_bulk(first)
    urgent = [rows[pk] for pk in first]
    total = CenterFigures(center)
    for figures in by_id.values():
        for name in ("awaiting", "suspended", "green", "yellow", "red", "overdue_days", "backfilled"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
    for case in urgent:  # the center objects already loaded, with their policies
        case.center = by_id[case.center_id].center
    return Board(list(by_id.values()), with_colours(urgent, now, calendar), total)


def handler_cases(staff: Staff, now: dt.datetime | None = None) -> list[Case]:
    """CAS-14: a staff member's own open cases, the most urgent first (two queries)."""
    cases = _open(Case.objects.filter(handler=staff)).select_related(*CASE_RELATED)
    return with_colours(list(cases.order_by(F("due_at").asc(nulls_last=True), "id")), now)


def window_open_cases(window: Window, now: dt.datetime | None = None) -> list[Case]:
    """A window's open cases, the most urgent first."""
    cases = _open(Case.objects.filter(window=window)).select_related(*CASE_RELATED)
    return with_colours(list(cases.order_by(F("due_at").asc(nulls_last=True), "id")), now)


def window_history(
    window: Window, before: tuple[dt.datetime, int] | None = None, limit: int = PAGE
) -> list[Case]:
    """A window's cases newest first, one page at a time (keyset: received before ``before``)."""
    cases = Case.objects.filter(window=window, voided_at__isnull=True).select_related(*CASE_RELATED)
    if before is not None:
        at, pk = before
        cases = cases.filter(Q(received_at__lt=at) | Q(received_at=at, id__lt=pk))
    return list(cases.order_by("-received_at", "-id")[:limit])


@dataclass(frozen=True)
class Missing:
    """What an applicant still has to bring: catalog materials (``Material`` rows) in order."""

    required: list  # every applicant brings these; the case waits for them
    conditional: list  # brought only where the material's condition applies to the applicant

    def __bool__(self) -> bool:
        return bool(self.required or self.conditional)

    @property
    def names(self) -> list[str]:
        """Each material once, as the look-up shows it (a conditional one with its condition)."""
        return [m.name for m in self.required] + [
            f"{m.name}（{m.condition}）" if m.condition else m.name for m in self.conditional
        ]


def missing_materials(case: Case) -> Missing:
    """CAS-2, CAS-3: the materials not yet received, for the one-time notice, the case page and
    the citizen look-up alike, so the three never name different materials: the required ones,
    then the conditional ones with their condition (one a notice leaves out would send the
    applicant back a second time, CAS-12)."""
    rows = case.materials.select_related("material").order_by("material__position")
    missing = [r.material for r in rows if r.received_at is None]
    return Missing(
        required=[m for m in missing if m.required], conditional=[m for m in missing if not m.required]
    )


def case_file(case: Case) -> dict:
    """CAS-11: the case page — its checklist, every event and every notice, in order."""
    return {
        "materials": list(case.materials.select_related("material").order_by("material__position")),
        "events": list(case.events.select_related("actor").order_by("at", "id")),
        "notices": list(
            case.notices.defer("pdf", "content").select_related("issued_by").order_by("issued_at", "id")
        ),
    }


NEXT_STEPS = {
    rules.AWAITING: gettext_noop("请按一次性告知单补齐材料，补齐后即予受理。"),
    rules.ACCEPTED: gettext_noop("正在办理，将在办结日期前办结，办结后以短信或电话告知。"),
    rules.SUSPENDED: gettext_noop("已挂起，等待申请人补正或处理后恢复办理，办结日期相应顺延。"),
    rules.DENIAL_FILED: gettext_noop("正在审核，审核结果将书面告知。"),
    rules.COMPLETED: gettext_noop("已办结，请凭办结通知书到受理窗口领取结果。"),
    rules.REFUSED: gettext_noop("不予受理，理由和依据见不予受理通知书。"),
    rules.DENIED: gettext_noop("不予办理，理由和依据见不予办理告知书。"),
}


def public_case(number: str, code: str) -> dict:
    """The citizen look-up: status, due date and next step; nothing personal beyond a masked name.

    A wrong number and a wrong code get the same answer, so numbers cannot be probed.
    """
    normal = rules.normal_case_number(number)
    case = (
        Case.objects.select_related("center", "window", "item_version", "center__policy")
        .filter(number=normal, voided_at__isnull=True)
        .first()
        if normal
        else None
    )
    if case is None or not rules.query_code_matches(case.query_code, code):
        raise NotFound(gettext("办件编号或查询码不正确。"), code="case_not_found")
    shown = with_colours([case])[0].shown_due
    missing = missing_materials(case).names if case.status == rules.AWAITING else []
    return {
        "number": case.number,
        "item": case.item_version.name,
        "center": case.center.name,
        "center_code": case.center.code,
        "window": str(case.window),
        "applicant": mask_name(case.applicant_name),
        "status": case.status,
        "status_name": translate(rules.STATUS_NAMES[case.status]),
        "received_on": clock.local(case.received_at).date(),
        "due_date": shown,
        "provisional": case.provisional,
        "finished_on": clock.local(case.finished_at).date() if case.finished_at else None,
        "next_step": gettext(NEXT_STEPS[case.status]),
        "missing": missing,
    }


# --- what other apps read (assessment, complaints, supervision) --------------------------------------


@dataclass
class HandlerFigures:
    staff_id: int
    received: int = 0
    completed: int = 0
    late: int = 0  # completed after the due moment
    overdue_days: int = 0  # working days past due: late completions, and open cases still red
    backfilled: int = 0


def handler_figures(
    center: Center, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> dict[int, HandlerFigures]:
    """ASM-2, CAS-14: per handler of ``center``, cases received in [start, end], completions and
    late completions in it, overdue working days (late completions, and open cases red today), and
    back-filled intakes. Keyed by Staff id. Two queries."""
    now = now or clock.now()
    today = clock.local(now).date()
    cal = workdays.calendar_for(center)
    first = dt.datetime.combine(start, dt.time.min, tzinfo=clock.TZ)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.TZ)
    figures: dict[int, HandlerFigures] = {}

    def of(staff_id):
        return figures.setdefault(staff_id, HandlerFigures(staff_id))

    received = Case.objects.filter(
        center=center, received_at__gte=first, received_at__lt=last, voided_at__isnull=True
    )
    for row in (
        received.values("handler_id")
        .annotate(n=Count("id"), b=Count("id", filter=Q(backfilled=True)))
        .order_by()
    ):
        of(row["handler_id"]).received += row["n"]
        of(row["handler_id"]).backfilled += row["b"]
    touched = Case.objects.filter(voided_at__isnull=True, center=center).filter(
        Q(status=rules.COMPLETED, finished_at__gte=first, finished_at__lt=last)
        | Q(status__in=rules.RUNNING, due_at__lt=now)
    )
    for handler_id, status, due_date, due_at, finished_at in touched.values_list(
        "handler_id", "status", "due_date", "due_at", "finished_at"
    ):
        item = of(handler_id)
        if status == rules.COMPLETED:
            item.completed += 1
            if due_at is not None and finished_at > due_at:
                item.late += 1
                item.overdue_days += rules.overdue_workdays(cal, due_date, clock.local(finished_at).date())
        else:
            item.overdue_days += rules.overdue_workdays(cal, due_date, today)
    return figures


def backfilled_cases(center: Center, start: dt.date, end: dt.date) -> list[Case]:
    """CAS-1: the back-filled intakes of a period, for supervision and assessment."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=clock.TZ)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.TZ)
    rows = Case.objects.filter(
        center=center, backfilled=True, recorded_at__gte=first, recorded_at__lt=last, voided_at__isnull=True
    )
    return list(rows.select_related(*CASE_RELATED).order_by("recorded_at", "id"))


def agency_cases(center: Center, start: dt.date, end: dt.date) -> list[Case]:
    """CAS-13, ANA-3: the agency ledger (代理台帐): the cases received in [start, end] that someone
    applied for on the applicant's behalf (代办), in order of receipt."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=clock.TZ)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=clock.TZ)
    rows = Case.objects.filter(
        center=center, received_at__gte=first, received_at__lt=last, voided_at__isnull=True
    ).exclude(agent_name="")
    return list(rows.select_related(*CASE_RELATED).order_by("received_at", "id"))


# --- 我的待办: the cases waiting on a person (core.todo's "todo" protocol) ------------------------

SUBTREES = (
    "WITH RECURSIVE tree(id) AS (SELECT id FROM org_center WHERE id IN ({roots}) "
    "UNION SELECT c.id FROM org_center c JOIN tree ON c.parent_id = tree.id) SELECT id FROM tree"
)


def _active_staff(user) -> Staff | None:
    staff = getattr(user, "staff", None)  # one query, then kept on the user (None too)
    return staff if staff is not None and staff.active else None


def _case_item(case: Case, kind: str, kind_name: str, now: dt.datetime, today: dt.date) -> TodoItem:
    colour = (
        rules.colour(now=now, today=today, due_at=case.due_at, warn_on=case.warn_date) if case.due_at else ""
    )
    return TodoItem(
        kind=kind,
        kind_name=kind_name,
        title=f"{case.number} {case.item_version.name}",
        detail=gettext("%(number)s号窗口 %(name)s，申请人 %(applicant)s")
        % {
            "number": case.window.number,
            "name": case.window.name,
            "applicant": mask_name(case.applicant_name),
        },
        due=case.due_at,
        urgency=todo.urgency_of(case.due_at, now),
        colour=colour,
        link=reverse("cases:case", args=[case.number]),
        ref=case.number,
    )


def _awaiting_department_head(staff: Staff, windows, limit: int) -> list[Case]:
    """CAS-9, CAS-5: the accepted cases of the head's department whose current step is the
    department head's (named, or a later step that names no role) or whose clerk asked for an
    extension — those not already on the list as the head's own or their window's. One query."""
    from servicehall.catalog.rules import DEPARTMENT_HEAD

    at_head = Q(item_version__steps__position=F("step"), step__gt=1) & Q(
        item_version__steps__role__in=[DEPARTMENT_HEAD, ""]
    )
    no_steps = Q(item_version__steps__isnull=True, step__gt=1)  # the default plan: 受理, then the head
    rows = (
        Case.objects.filter(
            status=rules.ACCEPTED,
            voided_at__isnull=True,
            center_id=staff.center_id,
            item_version__department_id=staff.department_id,
        )
        .filter(Q(extension_due__isnull=False) | (Q(authorised=False) & (at_head | no_steps)))
        .exclude(Q(handler=staff) | Q(window_id__in=windows))
        .select_related("window", "item_version")
        .distinct()
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    return list(rows[:limit])


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """What waits on ``user`` among cases, the most urgent first, at most ``limit`` of each kind:

    * ``case``: the accepted cases they handle or that are at a window where they hold a post
      today, with their due time and colour (CAS-14);
    * ``case_approval``: for a department head, the cases of their department waiting on them —
      a step that is the head's, or a clerk's extension request (CAS-9, CAS-5) — not already
      listed as ``case``;
    * ``denial``: the denial filings they decide as a leader of the case's center or one above
      it (CAS-6).

    Two queries whatever the number of cases (three with the person's staff record and roles,
    which the other apps' items share)."""
    today = clock.local(now).date()
    items: list[TodoItem] = []
    staff = _active_staff(user)
    if staff is not None:
        windows = posts_on(today).filter(staff=staff).values("window_id")
        mine = (
            Case.objects.filter(
                Q(handler=staff) | Q(window_id__in=windows), status=rules.ACCEPTED, voided_at__isnull=True
            )
            .select_related("window", "item_version")
            .order_by(F("due_at").asc(nulls_last=True), "id")[:limit]
        )
        items += [_case_item(c, "case", gettext("办件"), now, today) for c in mine]
        if Role.DEPARTMENT_HEAD in set().union(*access.held_roles(user).values()) and staff.department_id:
            items += [
                _case_item(c, "case_approval", gettext("待我审批"), now, today)
                for c in _awaiting_department_head(staff, windows, limit)
            ]
    roots = sorted(cid for cid, roles in access.held_roles(user).items() if roles & LEADERS)
    if roots:
        centers = RawSQL(SUBTREES.format(roots=", ".join(["%s"] * len(roots))), roots)  # noqa: S611
        filed = (
            Case.objects.filter(center_id__in=centers, status=rules.DENIAL_FILED, voided_at__isnull=True)
            .select_related("window", "item_version")
            .order_by(F("due_at").asc(nulls_last=True), "id")[:limit]
        )
        items += [_case_item(c, "denial", gettext("否定报备待审"), now, today) for c in filed]
    return items


# --- steps and time nodes (CAT-7, CAS-9) ------------------------------------------------------------


def serves_item(version, window: Window) -> bool:
    """CAT-7, 003 art.9: a window serving the item's department takes its applications in."""
    return window.departments.filter(pk=version.department_id).exists()


def planned_steps(case: Case, steps=None) -> list[rules.PlannedStep]:
    """The item version's published steps with the role acting on each; at a window authorised for
    the item every step is the window's own (003 art.9). ``steps``: the version's Step rows when
    already loaded."""
    rows = list(case.item_version.steps.all()) if steps is None else steps
    plan = [rules.PlannedStep(s.position, s.name, s.days, s.acting_role) for s in rows]
    if not plan:
        plan = rules.default_steps(case.item_version.committed_days)
    if case.authorised:
        plan = [rules.PlannedStep(p.position, p.name, p.days, "window_staff") for p in plan]
    return [rules.PlannedStep(i, p.name, p.days, p.role) for i, p in enumerate(plan, start=1)]


@dataclass
class StepView:
    position: int
    name: str
    role: str
    role_name: str
    days: int
    due_date: dt.date | None
    status: str
    actor: str
    colour: str
    holder: str = ""


def case_steps(case: Case, now: dt.datetime | None = None) -> list[StepView]:
    """CAS-9: each step with its time node's due date (derived now from the calendar), its status,
    who approved it (or who holds it now) and the colour of the current one. Two queries."""
    from servicehall.catalog.rules import ROLE_NAMES

    now = now or clock.now()
    today = clock.local(now).date()
    plan = planned_steps(case)
    actions = list(case.step_actions.select_related("actor").order_by("at", "id"))
    approved_by = {}
    for a in actions:
        if a.decision == "approve":
            approved_by[a.position] = a.actor.name if a.actor else ""
    dues: list = [None] * len(plan)
    if case.accepted_at is not None:
        cal = workdays.calendar_for(case.center)
        dues = rules.step_due_dates(
            cal,
            clock.local(case.accepted_at).date(),
            [p.days for p in plan],
            case.suspended_days,
            case.due_date,
        )
    finished = case.status == rules.COMPLETED
    views = []
    for p, due in zip(plan, dues, strict=True):
        status = rules.step_status(p.position, case.step, finished)
        if case.status in (rules.AWAITING, rules.REFUSED):
            status = rules.STEP_PENDING
        colour = ""
        if status == rules.STEP_CURRENT and due is not None and case.status in rules.RUNNING:
            colour = rules.step_colour(today=today, due=due, warn_on=None)
        views.append(
            StepView(
                position=p.position,
                name=p.name,
                role=p.role,
                role_name=ROLE_NAMES.get(p.role, p.role),
                days=p.days,
                due_date=due,
                status=status,
                actor=approved_by.get(p.position, "") if status == rules.STEP_DONE else "",
                colour=colour,
                holder=_holder(case, p.role, named=True) if status == rules.STEP_CURRENT else "",
            )
        )
    return views


def _holder(case: Case, role: str, named: bool = False) -> str:
    """Who holds a step now: the handler for the window's steps, the item department's head (with
    their names when ``named``: one query) or the leader's role."""
    from servicehall.catalog.rules import ROLE_NAMES

    if role == "window_staff":
        return case.handler.name
    if role == "department_head":
        title = gettext("%(department)s负责人") % {"department": case.item_version.department.name}
        if not named:
            return title
        heads = Staff.objects.filter(
            department_id=case.item_version.department_id,
            active=True,
            user__roles__role=Role.DEPARTMENT_HEAD,
            user__roles__center_id__in=access.ancestors_and_self(case.center),
        ).values_list("name", flat=True)
        names = "、".join(sorted(set(heads)))
        return f"{title}（{names}）" if names else title
    return ROLE_NAMES.get(role, role)


# --- the one-time rule (CAS-12) ------------------------------------------------------------------------


@dataclass
class Breach:
    case: Case
    notice_number: str
    at: dt.datetime
    handler_id: int | None  # the Staff who issued the later notice
    handler: str
    materials: list[str]


def _named(notice) -> list[str]:
    """The materials a one-time notice named (required and conditional lists)."""
    lists = notice.content.get("lists", []) if isinstance(notice.content, dict) else []
    names = []
    for title, lines in lists:
        if title.startswith("已收到"):
            continue
        names += [line.split("（")[0] for line in lines]
    return names


def breaches_of(notices: list) -> list[tuple]:
    """(notice, new material names) for each later one-time notice naming what the first did not."""
    ordered = sorted((n for n in notices if n.kind == "one_time"), key=lambda n: (n.issued_at, n.pk))
    found = rules.one_time_breaches([_named(n) for n in ordered])
    return [(ordered[i], names) for i, names in found]


def one_time_breaches(case: Case) -> list[Breach]:
    notices = list(
        case.notices.filter(kind="one_time")
        .only("id", "kind", "issued_at", "content", "issued_by", "number")
        .select_related("issued_by")
    )
    return [
        Breach(case, n.number, n.issued_at, n.issued_by_id, n.issued_by.name if n.issued_by else "", names)
        for n, names in breaches_of(notices)
    ]


# --- conduct facts (core.facts' "facts" protocol) ---------------------------------------------------


def _evidence(number: str):
    from servicehall.core.facts import Evidence

    return Evidence(kind="case", ref=number, url=reverse("cases:case", args=[number]))


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime) -> list:
    """The cases' conduct facts of these centers in ``[start, end)``, derived now:

    * ``case_overdue`` — a case whose due moment fell in the period and that was completed after
      it or still runs past it; quantity: the overdue working days; against its handler.
    * ``one_time_breach`` — a later one-time notice issued in the period naming a material the
      first did not (CAS-12); against whoever issued it.

    Three queries (and the calendars of the centers concerned), whatever the number of cases."""
    from decimal import Decimal

    from servicehall.core.facts import Fact

    ids = list(center_ids)
    now = clock.now()
    facts = []
    late = (
        Case.objects.filter(center_id__in=ids, due_at__gte=start, due_at__lt=end, voided_at__isnull=True)
        .filter(
            Q(status=rules.COMPLETED, finished_at__gt=F("due_at"))
            | Q(status__in=rules.RUNNING, due_at__lt=now)
        )
        .select_related("center", "handler")
        .only(
            "number", "center", "window_id", "handler__user_id", "due_at", "due_date", "finished_at", "status"
        )
    )
    calendar = calendars()
    for case in late:
        cal = calendar(case.center)
        until = clock.local(case.finished_at if case.status == rules.COMPLETED else now).date()
        days = rules.overdue_workdays(cal, case.due_date, until)
        facts.append(
            Fact(
                center_id=case.center_id,
                kind="case_overdue",
                at=case.due_at,
                evidence=_evidence(case.number),
                staff_id=case.handler.user_id,
                window_id=case.window_id,
                quantity=Decimal(max(days, 1)),
                note=gettext("超期%(value)s个工作日") % {"value": max(days, 1)},
                source="cases",
            )
        )
    from servicehall.cases.models import Notice

    later = Notice.objects.filter(
        kind="one_time", issued_at__gte=start, issued_at__lt=end, case__center_id__in=ids
    ).values("case_id")
    notices = list(
        Notice.objects.filter(kind="one_time", case_id__in=later)
        .select_related("case", "issued_by")
        .only(
            "id",
            "kind",
            "issued_at",
            "content",
            "number",
            "case__number",
            "case__center_id",
            "case__window_id",
            "issued_by__user_id",
        )
    )
    by_case: dict[int, list] = {}
    for n in notices:
        by_case.setdefault(n.case_id, []).append(n)
    for rows in by_case.values():
        for notice, names in breaches_of(rows):
            if not start <= notice.issued_at < end:
                continue
            facts.append(
                Fact(
                    center_id=notice.case.center_id,
                    kind="one_time_breach",
                    at=notice.issued_at,
                    evidence=_evidence(notice.case.number),
                    staff_id=notice.issued_by.user_id if notice.issued_by else None,
                    window_id=notice.case.window_id,
                    note=gettext("再次告知：") + "、".join(names),
                    source="cases",
                )
            )
    return facts


# --- the director's center-wide case list -------------------------------------------------------------

LIST_PAGE = 50
COUNT_CAP = 1_000  # counted exactly up to here; beyond, "more than 1,000" (a bounded read)
XLSX_MAX = 10_000
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "是"), ("0", "false", "no", "否")


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    step: str = ""
    colour: str = ""
    window: int | None = None
    parallel: bool | None = None

    @classmethod
    def of(cls, *, q="", status="", step="", colour="", window="", parallel="") -> "CaseFilters":
        """Filters from query text; a value outside the choices raises ValueError (its message)."""
        status, colour, parallel = (
            (status or "").strip(),
            (colour or "").strip(),
            (parallel or "").strip().lower(),
        )
        if status and status not in (*rules.STATUSES, "open"):
            raise ValueError(
                gettext("状态只能是：%(values)s。") % {"values": "、".join((*rules.STATUSES, "open"))}
            )
        if colour and colour not in rules.COLOURS:
            raise ValueError(gettext("颜色只能是 green、yellow 或 red。"))
        number = None
        if (window or "").strip():
            if not window.strip().isdigit() or not 0 < int(window) < 32768:
                raise ValueError(gettext("窗口须为窗口编号。"))
            number = int(window)
        flag = None
        if parallel:
            if parallel not in (*TRUE_WORDS, *FALSE_WORDS):
                raise ValueError(gettext("并联审批筛选只能是 true 或 false。"))
            flag = parallel in TRUE_WORDS
        return cls((q or "").strip()[:60], status, (step or "").strip()[:60], colour, number, flag)


@dataclass
class CaseListing:
    cases: list[Case]
    count: int
    page: int
    pages: int
    capped: bool


def _filtered(center: Center, filters: CaseFilters, now: dt.datetime, ids: list[int] | None = None):
    """The filtered cases of these centers (default: the center and those below it)."""
    today = clock.local(now).date()
    ids = ids if ids is not None else [c.pk for c in subtree(center)]
    rows = Case.objects.filter(voided_at__isnull=True)
    rows = rows.filter(center_id=ids[0]) if len(ids) == 1 else rows.filter(center_id__in=ids)
    if filters.q:
        normal = rules.normal_case_number(filters.q)
        match = Q(applicant_name=filters.q) | Q(applicant_number=filters.q.upper())
        if normal:
            match |= Q(number=normal)
        rows = rows.filter(match)
    if filters.status == "open":
        rows = rows.filter(status__in=rules.OPEN)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.step:
        rows = rows.filter(step_name=filters.step)
    if filters.window is not None:
        rows = rows.filter(window__number=filters.window)
    if filters.parallel is not None:
        rows = rows.filter(parallel=filters.parallel)
    if filters.colour == rules.RED:
        rows = rows.filter(status__in=rules.RUNNING, due_at__lt=now)
    elif filters.colour == rules.YELLOW:
        rows = rows.filter(status__in=rules.RUNNING, due_at__gte=now, warn_date__lte=today)
    elif filters.colour == rules.GREEN:
        rows = rows.filter(status__in=rules.RUNNING, warn_date__gt=today)
    return rows


def _newest(center: Center, filters: CaseFilters, now: dt.datetime, ids: list[int], k: int) -> list[int]:
    """The ids of the ``k`` newest matching cases of these centers: each center's newest ``k``
    read along its own (center, received_at) index, merged here — so a county with a long history
    or hundreds of centers below it costs what its newest cases cost, never a sort of them all."""
    found: list[tuple] = []
    for center_id in ids:
        found += (
            _filtered(center, filters, now, [center_id])
            .order_by("-received_at", "-id")
            .values_list("received_at", "id")[:k]
        )
    found.sort(reverse=True)
    return [pk for _at, pk in found[:k]]


def center_cases(
    center: Center, filters: CaseFilters, page: int = 1, now: dt.datetime | None = None
) -> CaseListing:
    """Every case of a center and those below it, newest first, a page of 50. The count is exact up
    to COUNT_CAP (beyond, "more than"): reading it stays bounded however long the history."""
    now = now or clock.now()
    ids = [c.pk for c in subtree(center)]
    count = _filtered(center, filters, now, ids).order_by()[: COUNT_CAP + 1].count()
    capped = count > COUNT_CAP
    pages = max(1, -(-min(count, COUNT_CAP) // LIST_PAGE))
    page = max(1, min(page, pages))
    start = (page - 1) * LIST_PAGE
    wanted = _newest(center, filters, now, ids, start + LIST_PAGE)[start:]
    by_id = (
        Case.objects.select_related(*CASE_RELATED, "item_version__department")
        .prefetch_related("item_version__steps")
        .in_bulk(wanted)
    )
    cases = [by_id[pk] for pk in wanted]
    return CaseListing(with_colours(cases, now), min(count, COUNT_CAP), page, pages, capped)


def case_row(case: Case) -> dict:
    from servicehall.core.rules import mask_id_number

    holder = ""
    if case.step is not None and case.status in rules.OPEN:
        holder = case.handler.name if case.authorised else _holder(case, _step_role(case))
    return {
        "number": case.number,
        "item": case.item_version.name,
        "window": case.window.number,
        "applicant": mask_name(case.applicant_name),
        "id_number": mask_id_number(case.applicant_number),
        "status": case.status,
        "step": case.step_name,
        "holder": holder,
        "colour": case.colour,
        "overdue_days": case.overdue_days,
        "due_date": case.due_date,
        "received_at": case.received_at,
        "parallel": case.parallel,
    }


def _step_role(case: Case) -> str:
    steps = [s for s in case.item_version.steps.all() if s.position == case.step]
    from servicehall.catalog import rules as catalog_rules

    return steps[0].acting_role if steps else catalog_rules.step_role("", case.step or 2)


def center_cases_xlsx(center: Center, filters: CaseFilters, now: dt.datetime | None = None) -> bytes:
    from openpyxl import Workbook

    from servicehall.core import xlsx

    now = now or clock.now()
    rows = (
        _filtered(center, filters, now)
        .select_related(*CASE_RELATED, "item_version__department")
        .prefetch_related("item_version__steps")
    )
    cases = with_colours(list(rows.order_by("-received_at", "-id")[:XLSX_MAX]), now)
    wb = Workbook()
    ws = wb.active
    ws.title = gettext("办件总表")
    ws.append(
        [
            gettext("办件编号"),
            gettext("事项"),
            gettext("窗口"),
            gettext("申请人"),
            gettext("证件号码"),
            gettext("状态"),
            gettext("当前环节"),
            gettext("承办人"),
            gettext("颜色"),
            gettext("超期工作日"),
            gettext("办结日期"),
            gettext("收件时间"),
            gettext("并联审批"),
        ]
    )
    for case in cases:
        row = case_row(case)
        ws.append(
            [
                row["number"],
                row["item"],
                row["window"],
                row["applicant"],
                row["id_number"],
                translate(rules.STATUS_NAMES[case.status]),
                row["step"],
                row["holder"],
                translate(rules.COLOUR_NAMES[case.colour]) if case.colour else "",
                row["overdue_days"],
                row["due_date"].isoformat() if row["due_date"] else "",
                clock.local(case.received_at).strftime("%Y-%m-%d %H:%M"),
                gettext("是") if case.parallel else gettext("否"),
            ]
        )
    return xlsx.to_bytes(wb)


def menu_links() -> list:
    """The director's center-wide case list in the top menu (org.menu's "menu" protocol)."""
    from django.utils.translation import gettext_lazy

    from servicehall.org.menu import MenuLink

    roles = frozenset({Role.DIRECTOR, Role.SUPERVISOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER})
    return [MenuLink("cases:center_cases", "code", gettext_lazy("办件总表"), roles)]
