"""Reads shared by the pages and the API: the rulebook in force, a center's month, a person's
month with its lines, the quarter's and the year's awards, the board's notes."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Q, Sum
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from servicehall.assessment import rules
from servicehall.assessment.models import (
    Appeal,
    ClosingCheck,
    Entry,
    Line,
    Meeting,
    Publication,
    Result,
    Rulebook,
)
from servicehall.core import clock, registry
from servicehall.core.board import BoardNote
from servicehall.core.facts import KINDS, Fact
from servicehall.core.roles import Role
from servicehall.core.satisfaction import satisfaction_for
from servicehall.core.todo import TodoItem, urgency_of
from servicehall.org import access
from servicehall.org.models import Post, Staff

READERS = (Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER, Role.SUPERVISOR)
RECORDERS = (Role.DIRECTOR, Role.SUPERVISOR, Role.DUTY_OFFICER)


def bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start, end = rules.month_bounds(year, month)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=clock.TZ),
        dt.datetime.combine(end, dt.time(), tzinfo=clock.TZ),
    )


def rulebook_for(center, day: dt.date) -> tuple[str, dict]:
    """The version in force on ``day`` (ASM-2): the center's latest copy from that month or
    before, else the preset its policy names."""
    own = (
        Rulebook.objects.filter(center=center, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("version", "data")
        .first()
    )
    if own:
        return own
    book = rules.preset(center.policy.assessment_rulebook)
    return book["version"], book


def book_by_version(center, version: str) -> dict:
    own = Rulebook.objects.filter(center=center, version=version).values_list("data", flat=True).first()
    return own if own is not None else rules.preset(version)


def own_provider(center_ids, start, end):
    """This app's conduct facts (the ``"facts"`` protocol): manual entries, the duty officer's
    ledger, closing-check failures and supervision findings."""
    rows = Entry.objects.filter(
        center_id__in=list(center_ids), at__gte=start, at__lt=end, voided_at__isnull=True
    )
    return [_fact(e) for e in rows]


def _fact(e: Entry) -> Fact:
    from servicehall.core.facts import Evidence

    return Fact(
        center_id=e.center_id,
        kind=e.kind,
        at=e.at,
        evidence=Evidence("assessment_entry", str(e.pk), reverse("assessment:entry", args=[e.pk])),
        staff_id=e.staff_id,
        window_id=e.window_id,
        quantity=e.quantity,
        rule=e.rule,
        note=e.note,
        source="assessment",
    )


def _other_facts(center_ids, start, end) -> list[Fact]:
    facts = []
    for provider in registry.providers("facts"):
        if provider is own_provider:
            continue
        facts.extend(provider(center_ids, start, end))
    unknown = {f.kind for f in facts} - KINDS.keys()
    if unknown:
        raise ValueError(f"facts of unknown kinds: {sorted(unknown)}")
    return facts


@dataclass
class Person:
    user_id: int
    username: str
    name: str
    department_id: int | None
    window_id: int | None
    window: str


def _window(number, name) -> str:
    """A window as everywhere else (Window.__str__), in the reader's language."""
    return str(_("%(number)s号窗口 %(name)s") % {"number": number, "name": name})


def assessed_staff(center, start: dt.date, end: dt.date) -> list[Person]:
    """The center's window staff in the month: everyone holding a post at some day of it (the A
    post's window first)."""
    posts = (
        Post.objects.filter(Q(end__isnull=True) | Q(end__gte=start), start__lt=end, voided_at__isnull=True)
        .filter(window__center=center)
        .order_by("staff_id", "kind", "-start")
        .values_list("staff_id", "window_id", "window__number", "window__name")
    )
    window_of: dict[int, tuple] = {}
    for staff_id, window_id, number, name in posts:
        window_of.setdefault(staff_id, (window_id, _window(number, name)))
    people = Staff.objects.filter(pk__in=window_of.keys()).values_list(
        "pk", "user_id", "user__username", "name", "department_id"
    )
    return sorted(
        (Person(uid, uname, name, dept, *window_of[pk]) for pk, uid, uname, name, dept in people),
        key=lambda p: p.user_id,
    )


@dataclass
class Row:
    person: Person
    parts: dict
    bonus: Decimal
    total: Decimal
    disqualified: bool
    rank: int = 0
    ratings: int = 0
    satisfied: int = 0
    lines: list = field(default_factory=list)
    result_id: int | None = None


@dataclass
class Month:
    center: object
    year: int
    month: int
    version: str
    book: dict
    rows: list
    publication: Publication | None = None

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def _holder_by_window(people: list[Person]) -> dict[int, int]:
    return {p.window_id: p.user_id for p in reversed(people) if p.window_id}


def _disqualified(
    center, ix, year: int, start: dt.datetime, month_facts: list[Fact], entries: dict
) -> set[int]:
    """ASM-6: who is out of this year's awards by the end of the month: a disqualifying fact from
    1 January on (this month's already gathered; the earlier months read here)."""
    codes = ix.disqualifying()
    out = {uid for uid, rows in entries.items() if any(code in codes for code, _, _ in rows)}
    jan = dt.datetime(year, 1, 1, tzinfo=clock.TZ)
    if start <= jan:
        return out
    kinds = {k for k, code in ix.by_kind.items() if code in codes}
    out |= set(
        Entry.objects.filter(
            center=center, at__gte=jan, at__lt=start, voided_at__isnull=True, staff__isnull=False
        )
        .filter(Q(rule__in=codes) | Q(kind__in=kinds))
        .values_list("staff_id", flat=True)
        .distinct()
    )
    for f in _other_facts([center.pk], jan, start):
        if f.staff_id and ix.resolve(f.kind, f.rule) in codes:
            out.add(f.staff_id)
    return out


def month_of(center, year: int, month: int, *, with_lines: bool = False, only: int | None = None) -> Month:
    """A center's month (ASM-1, ASM-4): the published snapshot, or scored now from the facts with
    the rulebook in force. ``only``: one person's user id (their page)."""
    pub = Publication.objects.filter(center=center, period=f"{year:04d}-{month:02d}").first()
    if pub is not None:
        return _published(center, year, month, pub, with_lines=with_lines, only=only)
    start, end = bounds(year, month)
    version, book = rulebook_for(center, start.date())
    ix = rules.Index.of(book)
    people = assessed_staff(center, start.date(), end.date())
    if only is not None:
        people = [p for p in people if p.user_id == only]
    ids = {p.user_id for p in people}
    holder = _holder_by_window(assessed_staff(center, start.date(), end.date()) if only else people)
    entries: dict[int, list] = {uid: [] for uid in ids}
    lines: dict[int, list] = {uid: [] for uid in ids}
    own = Entry.objects.filter(center=center, at__gte=start, at__lt=end, voided_at__isnull=True)
    if only is not None:
        own = own.filter(staff_id=only)
    if with_lines:
        for e in own.order_by("at", "pk"):
            _add(ix, entries, lines, e.staff_id, _fact(e), with_lines, e.event)
    else:
        # One GROUP BY (person, rule, event) over the month: ``event`` is filled only for the
        # rules scored once per event (a praise), so every other rule is one group per person.
        summed = own.values_list("staff_id", "rule", "event").annotate(k=Min("kind"), q=Sum("quantity"))
        for staff_id, rule, event, kind, q in summed:
            code = ix.resolve(kind, rule)
            if code and staff_id in entries:
                entries[staff_id].append((code, q * rules.KIND_WEIGHT.get(kind, 1), event))
    others = _other_facts([center.pk], start, end)
    for f in others:
        staff_id = f.staff_id or holder.get(f.window_id)
        _add(ix, entries, lines, staff_id, f, with_lines)
    sat = satisfaction_for([center.pk], start, end)
    disq = _disqualified(center, ix, year, start, others, entries)
    rows = []
    for p in people:
        s = sat.get(p.user_id)
        r, sf = (s.ratings, s.satisfied) if s else (0, 0)
        sc = rules.score(ix, entries[p.user_id], rules.rating_points(book, r, sf))
        rows.append(
            Row(
                p,
                sc.parts,
                sc.bonus,
                sc.total,
                sc.disqualified or p.user_id in disq,
                0,
                r,
                sf,
                lines[p.user_id],
            )
        )
    _rank(rows)
    return Month(center, year, month, version, book, rows)


def _add(ix, entries, lines, staff_id, f: Fact, with_lines: bool, event: str = "") -> None:
    if staff_id not in entries:
        return
    code = ix.resolve(f.kind, f.rule)
    if code is None:
        return
    quantity = Decimal(f.quantity) * rules.KIND_WEIGHT.get(f.kind, 1)
    if ix.rules[code]["unit"] == "event":
        event = event or f.evidence.ref
    entries[staff_id].append((code, quantity, event))
    if with_lines:
        rule = ix.rules[code]
        lines[staff_id].append(
            {
                "id": None,
                "rule": code,
                "rule_name": rule["name"],
                "part": rule["part"],
                "article": rule["article"],
                "kind": f.kind,
                "at": f.at,
                "quantity": quantity,
                "points": rules.line_points(rule, quantity),
                "note": f.note,
                "event": event,
                "evidence": {"kind": f.evidence.kind, "ref": f.evidence.ref, "url": f.evidence.url},
                "appeal": None,
                "removed": False,
            }
        )


def _rank(rows: list[Row]) -> None:
    for row, rank in zip(rows, rules.ranks([r.total for r in rows]), strict=True):
        row.rank = rank
    rows.sort(key=lambda r: (r.rank, r.person.user_id))


def _published(center, year, month, pub, *, with_lines, only) -> Month:
    results = (
        Result.objects.filter(publication=pub).select_related("staff", "window").order_by("rank", "staff_id")
    )
    if only is not None:
        results = results.filter(staff_id=only)
    rows = []
    lines_of: dict[int, list] = {}
    if with_lines:
        for ln in (
            Line.objects.filter(result__publication=pub, **({"result__staff_id": only} if only else {}))
            .select_related("appeal")
            .order_by("at", "pk")
        ):
            lines_of.setdefault(ln.result_id, []).append(_line_dict(ln))
    results = list(results)
    staff = {
        s["user_id"]: s
        for s in Staff.objects.filter(user__in=[r.staff_id for r in results]).values(
            "user_id", "name", "department_id"
        )
    }
    for r in results:
        s = staff.get(r.staff_id, {})
        window = _window(r.window.number, r.window.name) if r.window else ""
        person = Person(
            r.staff_id,
            r.staff.username,
            s.get("name", r.staff.username),
            s.get("department_id"),
            r.window_id,
            window,
        )
        parts = {k: Decimal(str(v)) for k, v in r.parts.items()}
        rows.append(
            Row(
                person,
                parts,
                r.bonus,
                r.total,
                r.disqualified,
                r.rank,
                r.rating.get("ratings", 0),
                r.rating.get("satisfied", 0),
                lines_of.get(r.pk, []),
                r.pk,
            )
        )
    return Month(center, year, month, pub.version, book_by_version(center, pub.version), rows, pub)


def _line_dict(ln: Line) -> dict:
    try:
        appeal = ln.appeal
    except Line.appeal.RelatedObjectDoesNotExist:
        appeal = None
    return {
        "id": ln.pk,
        "rule": ln.rule,
        "rule_name": "",
        "part": ln.part,
        "article": "",
        "kind": ln.kind,
        "at": ln.at,
        "quantity": ln.quantity,
        "points": ln.points,
        "note": ln.note,
        "event": ln.event,
        "evidence": {"kind": ln.evidence_kind, "ref": ln.evidence_ref, "url": ln.evidence_url},
        "appeal": {"status": appeal.status, "reason": appeal.reason, "decision": appeal.decision}
        if appeal
        else None,
        "removed": ln.removed,
    }


EVIDENCE = {
    "assessment_entry": _("考核记录"),
    "adjustment": _("发布后调整"),
    "case": _("办件"),
    "complaint": _("投诉"),
    "rating": _("评价"),
    "clock_in": _("打卡"),
    "attendance": _("考勤"),
    "leave": _("请假"),
    "training": _("培训"),
    "meeting": _("联审会议"),
}


def name_lines(month: Month) -> None:
    """Fill each line's rule name and article from the month's rulebook, and name its evidence."""
    ix = rules.Index.of(month.book)
    for row in month.rows:
        for ln in row.lines:
            ln["evidence_label"] = EVIDENCE.get(ln["evidence"]["kind"], ln["evidence"]["kind"])
            rule = ix.rules.get(ln["rule"], {})
            ln["rule_name"] = ln["rule_name"] or rule.get("name", ln["rule"])
            ln["article"] = ln["article"] or rule.get("article", "")


# --- who sees whom (ORG-6) ------------------------------------------------------------------------


def may_read_center(user, center) -> bool:
    return access.has_role(user, center, *READERS)


def visible_rows(user, center, rows: list[Row]) -> list[Row]:
    """The director and the leaders see all; a department head their department's staff."""
    if may_read_center(user, center):
        return rows
    if access.has_role(user, center, Role.DEPARTMENT_HEAD):
        dept = Staff.objects.filter(user=user).values_list("department_id", flat=True).first()
        return [r for r in rows if dept and r.person.department_id == dept]
    return []


def may_read_person(user, center, person_user_id: int, department_id: int | None) -> bool:
    if user.pk == person_user_id or may_read_center(user, center):
        return True
    if access.has_role(user, center, Role.DEPARTMENT_HEAD):
        dept = Staff.objects.filter(user=user).values_list("department_id", flat=True).first()
        return bool(dept) and dept == department_id
    return False


# --- quarters, years, awards (ASM-6, ASM-7, ASM-8) -----------------------------------------------


@dataclass
class Standing:
    user_id: int
    name: str
    window_id: int | None
    window: str
    score: Decimal
    months: int
    disqualified: bool


def combined(center, months: list[tuple[int, int]]) -> list[Standing]:
    """Each person's average monthly total over ``months`` (those already begun), disqualified
    if any of those months says so."""
    today = clock.today()
    totals: dict[int, list] = {}
    info: dict[int, tuple] = {}
    disq: set[int] = set()
    for y, m in months:
        if dt.date(y, m, 1) > today:
            continue
        for row in month_of(center, y, m).rows:
            totals.setdefault(row.person.user_id, []).append(row.total)
            info[row.person.user_id] = (row.person.name, row.person.window_id, row.person.window)
            if row.disqualified:
                disq.add(row.person.user_id)
    out = [
        Standing(uid, info[uid][0], info[uid][1], info[uid][2], rules.combine(t), len(t), uid in disq)
        for uid, t in totals.items()
    ]
    return sorted(out, key=lambda s: (-s.score, s.user_id))


@dataclass
class Awards:
    label: str
    windows: list  # [(window label, score, staff names)]
    workers: list  # [Standing]
    skipped: list  # [Standing] disqualified people with a score above the last named
    standings: list


def awards(center, months: list[tuple[int, int]], label: str, count: int = 3) -> Awards:
    """ASM-8: the ``count`` best workers not disqualified, and the ``count`` best windows by the
    average score of their staff, a window with a disqualified person skipped."""
    standings = combined(center, months)
    workers = [s for s in standings if not s.disqualified][:count]
    last = workers[-1].score if workers else Decimal(0)
    skipped = [s for s in standings if s.disqualified and s.score >= last]
    by_window: dict[int, list[Standing]] = {}
    for s in standings:
        if s.window_id:
            by_window.setdefault(s.window_id, []).append(s)
    windows = []
    for staff in by_window.values():
        if any(s.disqualified for s in staff):
            continue
        score = rules.combine([s.score for s in staff])
        windows.append((staff[0].window, score, "、".join(s.name for s in staff)))
    windows.sort(key=lambda w: (-w[1], w[0]))
    return Awards(label, windows[:count], workers, skipped, standings)


# --- the board (SUP-2, DUT-7) ----------------------------------------------------------------------


def board_notes(center, now: dt.datetime) -> list[BoardNote]:
    """A month without a leader's on-site day (003 art.17); each of the last ten working days
    without a closing check (the duty officer's omission, DUT-7)."""
    from servicehall.workdays.selectors import calendar_for

    today = clock.local(now).date()
    notes = []
    first = today.replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    on_site = set(
        Meeting.objects.filter(
            center=center, kind=Meeting.Kind.ON_SITE, day__gte=prev, voided_at__isnull=True
        ).values_list("day", flat=True)
    )
    link = reverse("assessment:supervision", args=[center.code])
    if not any(d < first for d in on_site):
        notes.append(
            BoardNote(
                "leader_on_site_missed",
                _("%(month)s无领导现场办公记录") % {"month": date_format(prev, "YEAR_MONTH_FORMAT")},
                link,
                prev,
                "danger",
                _("003 第十七条：分管领导每月到窗口现场办公不少于一次。"),
            )
        )
    if not any(d >= first for d in on_site):
        notes.append(
            BoardNote(
                "leader_on_site_due",
                _("%(month)s尚无领导现场办公记录") % {"month": date_format(first, "YEAR_MONTH_FORMAT")},
                link,
                first,
            )
        )
    calendar = calendar_for(center)
    days = []
    d = today - dt.timedelta(days=1)
    while len(days) < 10 and d > today - dt.timedelta(days=30):
        try:
            working = calendar.is_workday(d)
        except Exception:  # noqa: BLE001 — outside the calendar's years
            working = False
        if working:
            days.append(d)
        d -= dt.timedelta(days=1)
    done = set(ClosingCheck.objects.filter(center=center, day__in=days).values_list("day", flat=True))
    closing = reverse("assessment:conduct", args=[center.code])
    for d in days:
        if d not in done:
            notes.append(
                BoardNote(
                    "closing_check_missed",
                    _("%(day)s值日人员未做下班检查") % {"day": date_format(d, "MONTH_DAY_FORMAT")},
                    closing,
                    d,
                )
            )
    return notes


def county_figures(center, year: int, month: int) -> list[dict]:
    """The figures of each child center's month for the county's board."""
    out = []
    for child in center.children.select_related("policy").order_by("code"):
        rows = month_of(child, year, month).rows
        totals = [r.total for r in rows]
        out.append(
            {
                "center": child,
                "staff": len(rows),
                "average": rules.combine(totals),
                "lowest": min(totals) if totals else None,
                "disqualified": sum(r.disqualified for r in rows),
                "published": Publication.objects.filter(
                    center=child, period=f"{year:04d}-{month:02d}"
                ).exists(),
            }
        )
    return out


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """ASM-7: the appeals waiting on the director's decision, oldest first (two queries: the
    person's roles, which the request has read already, and the appeals with their people)."""
    centers = [cid for cid, held in access.held_roles(user).items() if Role.DIRECTOR in held]
    if not centers:
        return []
    appeals = (
        Appeal.objects.filter(status=Appeal.Status.OPEN, line__result__publication__center_id__in=centers)
        .select_related("line__result__publication", "line__result__staff__staff")
        .order_by("at", "id")[:limit]
    )
    items = []
    for appeal in appeals:
        result = appeal.line.result
        person = getattr(result.staff, "staff", None)
        name = person.name if person else result.staff.username
        items.append(
            TodoItem(
                kind="assessment_appeal",
                title=_("%(name)s 对%(period)s考评的申诉待您裁定")
                % {"name": name, "period": result.publication.period},
                due=None,
                urgency=urgency_of(None, now),
                link=reverse("assessment:person", args=[result.staff.username])
                + f"?period={result.publication.period}#line-{appeal.line_id}",
                ref=str(appeal.pk),
                detail=appeal.reason[:120],
                kind_name=_("考评申诉"),
            )
        )
    return items
