"""Every write of the assessment: facts by hand, the duty ledger, closing checks, findings,
meetings, rulebook versions, publication, appeals and their decisions."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext

from servicehall.assessment import rules, selectors
from servicehall.assessment.models import (
    Adjustment,
    Appeal,
    ClosingCheck,
    Entry,
    Finding,
    Line,
    Meeting,
    Publication,
    Result,
    Rulebook,
)
from servicehall.core import audit, clock
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Post, Staff, Window

User = get_user_model()


def period_of(text: str) -> tuple[int, int]:
    try:
        year, month = rules.parse_period(text)
    except (ValueError, TypeError):
        raise Invalid(
            "invalid_period",
            gettext("月份「%(text)s」无效，应为 YYYY-MM（如 2026-11）。") % {"text": str(text)[:20]},
        ) from None
    today = clock.today()
    if (year, month) > (today.year, today.month):
        raise Invalid(
            "period_in_future",
            gettext("%(year)s年%(month)s月尚未开始，不能考核。") % {"year": year, "month": month},
        )
    return year, month


def quarter_of(text: str) -> tuple[int, int]:
    try:
        year, q = rules.parse_quarter(text)
    except (ValueError, TypeError):
        raise Invalid(
            "invalid_quarter",
            gettext("季度「%(text)s」无效，应为 YYYYQn（如 2026Q4）。") % {"text": str(text)[:20]},
        ) from None
    today = clock.today()
    if dt.date(year, 3 * q - 2, 1) > today:
        raise Invalid("period_in_future", gettext("%(year)s年第%(q)s季度尚未开始。") % {"year": year, "q": q})
    return year, q


def _staff_in(center, username: str):
    staff = Staff.objects.filter(user__username=username, center=center).select_related("user").first()
    if staff is None:
        raise Invalid(
            "staff_not_found",
            gettext("「%(name)s」没有用户名为「%(username)s」的工作人员。")
            % {"name": center.name, "username": username[:40]},
        )
    return staff.user


def _window_in(center, number: int):
    window = Window.objects.filter(center=center, number=number).first()
    if window is None:
        raise Invalid(
            "window_not_found",
            gettext("「%(name)s」没有 %(number)s 号窗口。") % {"name": center.name, "number": number},
        )
    return window


def _holder(window, day: dt.date):
    post = (
        selectors_posts_on(day).filter(window=window).order_by("kind").select_related("staff__user").first()
    )
    return post.staff.user if post else None


def selectors_posts_on(day):
    from servicehall.org.selectors import posts_on

    return posts_on(day)


def _moment(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        at = at.replace(tzinfo=clock.TZ)
    if at > clock.now():
        raise Invalid("at_in_future", gettext("发生时间不能晚于现在。"))
    return at


def _not_published(center, at: dt.datetime) -> None:
    local = clock.local(at)
    period = f"{local.year:04d}-{local.month:02d}"
    if Publication.objects.filter(center=center, period=period).exists():
        raise Conflict(
            "period_published",
            gettext("%(year)s年%(month)s月的考核已发布，不能再录入；如需更正，请由中心主任作调整并说明理由。")
            % {"year": local.year, "month": local.month},
        )


def _rule(center, at: dt.datetime, code: str, *, ledger: bool = False) -> dict:
    version, book = selectors.rulebook_for(center, clock.local(at).date())
    ix = rules.Index.of(book)
    rule = ix.rules.get(code)
    if rule is None:
        raise Invalid(
            "rule_unknown",
            gettext("考核细则「%(version)s」中没有规则「%(code)s」。")
            % {"version": version, "code": code[:40]},
        )
    if ledger and not rule.get("ledger"):
        raise Invalid(
            "rule_not_in_ledger",
            gettext("规则「%(name)s」不属于日常考核台账的记录项目。") % {"name": rule["name"]},
        )
    return rule


def _subject(center, staff: str | None, window: int | None, at: dt.datetime):
    if not staff and window is None:
        raise Invalid("subject_required", gettext("请指明工作人员或窗口。"))
    win = _window_in(center, window) if window is not None else None
    user = _staff_in(center, staff) if staff else (_holder(win, clock.local(at).date()) if win else None)
    return user, win


def _entry(
    actor,
    center,
    *,
    source,
    kind,
    rule,
    user,
    window,
    at,
    note,
    quantity=Decimal(1),
    evidence="",
    event="",
    photo=None,
    finding=None,
) -> Entry:
    if not (note or "").strip():
        raise Invalid("note_required", gettext("请填写情况说明。"))
    entry = Entry(
        center=center,
        source=source,
        kind=kind,
        rule=rule,
        staff=user,
        window=window,
        at=at,
        quantity=quantity,
        event=event,
        note=note.strip(),
        evidence=evidence or "",
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
        finding=finding,
    )
    if photo is not None:
        entry.photo = photo
    entry.save()
    audit.record(
        actor=actor, action=f"assessment.{source}", obj=entry, center=center, after=audit.snapshot(entry)
    )
    return entry


@transaction.atomic
def record_fact(
    actor,
    *,
    center,
    staff=None,
    window=None,
    rule: str,
    at: dt.datetime,
    quantity=None,
    note: str,
    evidence: str = "",
    event: str = "",
) -> Entry:
    """A fact with no automatic source (phone use, media exposure, praise), with its evidence."""
    access.require(actor, center, *selectors.RECORDERS)
    at = _moment(at)
    r = _rule(center, at, rule)
    user, win = _subject(center, staff, window, at)
    if user is None:
        raise Invalid("no_holder", gettext("该窗口当天无人在岗，请指明工作人员。"))
    q = Decimal(str(quantity)) if quantity is not None else Decimal(1)
    if q <= 0 or q > 1000:
        raise Invalid("invalid_quantity", gettext("数量应大于 0 且不超过 1000。"))
    _not_published(center, at)
    # Only a rule scored once per event keeps the event (the month groups by it).
    event = ((event or evidence or note) if r["unit"] == "event" else "")[:100]
    return _entry(
        actor,
        center,
        source=Entry.Source.MANUAL,
        kind="manual",
        rule=rule,
        user=user,
        window=win,
        at=at,
        note=note,
        quantity=q,
        evidence=evidence,
        event=event,
    )


@transaction.atomic
def record_conduct(
    actor, *, center, staff: str, rule: str, at: dt.datetime, note: str, photo=None, evidence: str = ""
) -> Entry:
    """DUT-6: the duty officer's ledger entry against a person, from the rulebook's items."""
    access.require(actor, center, Role.DUTY_OFFICER, Role.DIRECTOR)
    at = _moment(at)
    _rule(center, at, rule, ledger=True)
    user = _staff_in(center, staff)
    _not_published(center, at)
    return _entry(
        actor,
        center,
        source=Entry.Source.LEDGER,
        kind="ledger",
        rule=rule,
        user=user,
        window=None,
        at=at,
        note=note,
        photo=photo,
        evidence=evidence,
    )


@transaction.atomic
def record_closing(
    actor, *, center, day: dt.date | None = None, failures: list[tuple[int, str]], note: str = ""
):
    """DUT-7: the closing round; each failure (window, item) is −1 against that window's holder."""
    access.require(actor, center, Role.DUTY_OFFICER, Role.DIRECTOR)
    now = clock.now()
    day = day or clock.local(now).date()
    if day > clock.local(now).date():
        raise Invalid("at_in_future", gettext("不能登记未来日期的下班检查。"))
    for _, item in failures:
        if item not in ClosingCheck.ITEMS:
            raise Invalid("invalid_item", gettext("检查项目「%(item)s」无效。") % {"item": item[:20]})
    if ClosingCheck.objects.filter(center=center, day=day).exists():
        raise Conflict("closing_check_done", gettext("%(day)s 的下班检查已登记。") % {"day": day})
    at = min(now, dt.datetime.combine(day, dt.time(18, 0), tzinfo=clock.TZ))
    _not_published(center, at)
    windows = {number: _window_in(center, number) for number, _ in failures}
    check = ClosingCheck(
        center=center,
        day=day,
        checked_by=actor if getattr(actor, "pk", None) else None,
        at=now,
        failures=[{"window": n, "item": i} for n, i in failures],
    )
    check.save()
    audit.record(
        actor=actor, action="assessment.closing_check", obj=check, center=center, after=audit.snapshot(check)
    )
    for number, item in failures:
        window = windows[number]
        holder = _holder(window, day)
        _entry(
            actor,
            center,
            source=Entry.Source.CLOSING,
            kind="closing_left_on",
            rule="D5-closing",
            user=holder,
            window=window,
            at=at,
            note=f"{number}号窗口 {ClosingCheck.ITEMS[item]} 未关闭 {note}".strip(),
            evidence=f"closing:{check.pk}",
        )
    return check


@transaction.atomic
def record_finding(
    actor,
    *,
    center,
    kind: str,
    staff=None,
    window=None,
    rule: str,
    at: dt.datetime,
    note: str,
    place: str = "",
    photos=(),
    notice: bool = False,
) -> Finding:
    """SUP-1: a finding against a person or a window; an efficiency notice also disqualifies."""
    access.require(actor, center, Role.SUPERVISOR, Role.DIRECTOR)
    if kind not in Finding.Kind.values:
        raise Invalid("invalid_kind", gettext("督查方式应为 patrol、spot、video 或 unannounced。"))
    at = _moment(at)
    _rule(center, at, rule)
    user, win = _subject(center, staff, window, at)
    _not_published(center, at)
    if not (note or "").strip():
        raise Invalid("note_required", gettext("请填写督查发现的情况。"))
    finding = Finding(
        center=center,
        kind=kind,
        staff=user,
        window=win,
        rule=rule,
        at=at,
        place=place or "",
        note=note.strip(),
        photos=list(photos or []),
        notice=notice,
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=clock.now(),
    )
    finding.save()
    audit.record(
        actor=actor, action="assessment.finding", obj=finding, center=center, after=audit.snapshot(finding)
    )
    if user is not None:
        _entry(
            actor,
            center,
            source=Entry.Source.FINDING,
            kind="finding",
            rule=rule,
            user=user,
            window=win,
            at=at,
            note=note,
            evidence=f"finding:{finding.pk}",
            finding=finding,
        )
        if notice:
            _entry(
                actor,
                center,
                source=Entry.Source.FINDING,
                kind="efficiency_notice",
                rule="X1-notice-or-media",
                user=user,
                window=win,
                at=at,
                note=f"通报批评：{note}",
                evidence=f"finding:{finding.pk}",
                finding=finding,
            )
    return finding


@transaction.atomic
def record_meeting(actor, *, center, kind: str, day: dt.date, leader: str, note: str) -> Meeting:
    """SUP-2: a window meeting, a leader's on-site day or a regular meeting."""
    access.require(actor, center, Role.DIRECTOR, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)
    if kind not in Meeting.Kind.values:
        raise Invalid("invalid_kind", gettext("类型应为 window_meeting、on_site 或 regular。"))
    if day > clock.today():
        raise Invalid("at_in_future", gettext("日期不能晚于今天。"))
    if not (leader or "").strip() or not (note or "").strip():
        raise Invalid("note_required", gettext("请填写领导（召集人）和内容。"))
    meeting = Meeting(
        center=center,
        kind=kind,
        day=day,
        leader=leader.strip(),
        note=note.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    meeting.save()
    audit.record(
        actor=actor, action="assessment.meeting", obj=meeting, center=center, after=audit.snapshot(meeting)
    )
    return meeting


@transaction.atomic
def save_rulebook(actor, *, center, valid_from: str, version: str, book: dict) -> Rulebook:
    """ASM-2: a center's own copy of its rulebook, edited, from a month not yet published."""
    access.require(actor, center, Role.DIRECTOR)
    try:
        year, month = rules.parse_period(valid_from)
    except (ValueError, TypeError):
        raise Invalid("invalid_period", gettext("起用月份应为 YYYY-MM。")) from None
    today = clock.today()
    if (year, month) < (today.year, today.month):
        raise Invalid("period_past", gettext("细则只能从本月或以后的月份起用。"))
    if Publication.objects.filter(center=center, period__gte=f"{year:04d}-{month:02d}").exists():
        raise Conflict("period_published", gettext("该月份或以后的考核已发布，不能改用新细则。"))
    problems = rules.validate_book(book)
    if problems:
        raise Invalid("invalid_rulebook", "；".join(problems[:5]))
    if Rulebook.objects.filter(center=center, version=version).exists() or version in rules.PRESETS:
        raise Conflict(
            "version_exists", gettext("细则版本「%(version)s」已存在。") % {"version": version[:60]}
        )
    start = dt.date(year, month, 1)
    Rulebook.objects.filter(center=center, valid_from=start).exists() and _refuse_month(start)
    data = {**book, "version": version}
    rb = Rulebook(
        center=center,
        version=version,
        valid_from=start,
        data=data,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=clock.now(),
    )
    rb.save()
    audit.record(actor=actor, action="assessment.rulebook", obj=rb, center=center, after={"version": version})
    return rb


def _refuse_month(start):
    raise Conflict(
        "version_exists", gettext("%(start)s 起已有一个细则版本。") % {"start": format(start, "%Y-%m")}
    )


@transaction.atomic
def publish(actor, *, center, period: str) -> Publication:
    """ASM-7: freeze the month (scores, lines, rulebook version)."""
    access.require(actor, center, Role.DIRECTOR)
    year, month = period_of(period)
    today = clock.today()
    if (year, month) == (today.year, today.month):
        raise Conflict(
            "period_open",
            gettext("%(year)s年%(month)s月尚未结束，月底后才能发布。") % {"year": year, "month": month},
        )
    if Publication.objects.select_for_update().filter(center=center, period=period).exists():
        raise Conflict(
            "already_published",
            gettext("%(year)s年%(month)s月的考核已发布。") % {"year": year, "month": month},
        )
    m = selectors.month_of(center, year, month, with_lines=True)
    pub = Publication(
        center=center,
        period=period,
        version=m.version,
        published_by=actor if getattr(actor, "pk", None) else None,
        published_at=clock.now(),
    )
    pub.save()
    results = Result.objects.bulk_create(
        [
            Result(
                publication=pub,
                staff_id=r.person.user_id,
                window_id=r.person.window_id,
                parts={k: str(v) for k, v in r.parts.items()},
                bonus=r.bonus,
                total=r.total,
                rating={"ratings": r.ratings, "satisfied": r.satisfied},
                disqualified=r.disqualified,
                rank=r.rank,
            )
            for r in m.rows
        ]
    )
    if any(res.pk is None for res in results):
        results = list(Result.objects.filter(publication=pub))
    by_staff = {res.staff_id: res for res in results}
    Line.objects.bulk_create(
        [
            Line(
                result=by_staff[r.person.user_id],
                rule=ln["rule"],
                part=ln["part"],
                kind=ln["kind"],
                at=ln["at"],
                quantity=ln["quantity"],
                points=ln["points"],
                event=ln.get("event", "")[:100],
                note=ln["note"][:500],
                evidence_kind=ln["evidence"]["kind"][:32],
                evidence_ref=ln["evidence"]["ref"][:100],
                evidence_url=ln["evidence"]["url"][:500],
            )
            for r in m.rows
            for ln in r.lines
        ]
    )
    audit.record(
        actor=actor,
        action="assessment.publish",
        obj=pub,
        center=center,
        after={"period": period, "version": m.version, "staff": len(m.rows)},
    )
    return pub


def _line(line_id: int) -> Line:
    line = (
        Line.objects.select_related("result__publication__center", "result__staff").filter(pk=line_id).first()
    )
    if line is None:
        raise NotFound(gettext("没有这条考核记录。"), code="line_not_found")
    return line


@transaction.atomic
def appeal(actor, *, line_id: int, reason: str) -> Appeal:
    """A person appeals a line of their published month within the rulebook's days."""
    line = _line(line_id)
    pub = line.result.publication
    if actor is None or line.result.staff_id != actor.pk:
        raise Forbidden(gettext("只能对本人的考核记录提出申诉。"), code="not_your_line")
    if not (reason or "").strip():
        raise Invalid("reason_required", gettext("请填写申诉理由。"))
    book = selectors.book_by_version(pub.center, pub.version)
    days = int(book.get("appeal_days", 5))
    if not rules.appeal_open(clock.local(pub.published_at).date(), clock.today(), days):
        raise Conflict(
            "appeal_window_closed", gettext("申诉期已过（发布后 %(days)s 日内可申诉）。") % {"days": days}
        )
    if Appeal.objects.filter(line=line).exists():
        raise Conflict("appeal_exists", gettext("这条记录已提出过申诉。"))
    a = Appeal(line=line, by=actor, at=clock.now(), reason=reason.strip())
    a.save()
    audit.record(actor=actor, action="assessment.appeal", obj=a, center=pub.center, after=audit.snapshot(a))
    return a


@transaction.atomic
def decide(actor, *, line_id: int, decision: str, reason: str) -> Appeal:
    """The director upholds the line or removes it (a recorded adjustment of the result)."""
    line = _line(line_id)
    pub = line.result.publication
    access.require(actor, pub.center, Role.DIRECTOR)
    a = Appeal.objects.select_for_update().filter(line=line).first()
    if a is None:
        raise Conflict("no_appeal", gettext("这条记录没有申诉。"))
    if a.status != Appeal.Status.OPEN:
        raise Conflict("appeal_decided", gettext("这条申诉已裁定。"))
    if decision not in ("uphold", "remove"):
        raise Invalid("invalid_decision", gettext("裁定应为 uphold（维持）或 remove（撤销该项）。"))
    if not (reason or "").strip():
        raise Invalid("reason_required", gettext("请填写裁定理由。"))
    a.status = Appeal.Status.UPHELD if decision == "uphold" else Appeal.Status.REMOVED
    a.decided_by, a.decided_at, a.decision = actor, clock.now(), reason.strip()
    a.save()
    if decision == "remove":
        line.removed = True
        line.save(update_fields=["removed"])
        _rescore(actor, line.result, line, f"申诉成立：{reason.strip()}")
    audit.record(actor=actor, action="assessment.decide", obj=a, center=pub.center, after=audit.snapshot(a))
    return a


@transaction.atomic
def adjust(
    actor, *, center, period: str, staff: str, rule: str, quantity=None, note: str, reason: str
) -> Result:
    """ASM-7: a correction of a published month: a line added to the person's frozen result,
    with its reason; the result is scored again and the month re-ranked."""
    access.require(actor, center, Role.DIRECTOR)
    year, month = period_of(period)
    pub = Publication.objects.filter(center=center, period=period).first()
    if pub is None:
        raise Conflict(
            "not_published",
            gettext("%(year)s年%(month)s月尚未发布：未发布的月份直接录入事实即可。")
            % {"year": year, "month": month},
        )
    if not (reason or "").strip() or not (note or "").strip():
        raise Invalid("reason_required", gettext("请填写情况说明和调整理由。"))
    ix = rules.Index.of(selectors.book_by_version(center, pub.version))
    if rule not in ix.rules:
        raise Invalid(
            "rule_unknown",
            gettext("考核细则「%(version)s」中没有规则「%(rule)s」。")
            % {"version": pub.version, "rule": rule[:40]},
        )
    user = _staff_in(center, staff)
    result = Result.objects.select_for_update().filter(publication=pub, staff=user).first()
    if result is None:
        raise Invalid("not_assessed", gettext("该工作人员不在该月的考核结果中。"))
    q = Decimal(str(quantity)) if quantity is not None else Decimal(1)
    if q <= 0 or q > 1000:
        raise Invalid("invalid_quantity", gettext("数量应大于 0 且不超过 1000。"))
    r = ix.rules[rule]
    line = Line.objects.create(
        result=result,
        rule=rule,
        part=r["part"],
        kind="manual",
        at=clock.now(),
        quantity=q,
        points=rules.line_points(r, q),
        event=(note.strip() if r["unit"] == "event" else "")[:100],
        note=note.strip()[:500],
        evidence_kind="adjustment",
        evidence_ref=reason.strip()[:100],
    )
    _rescore(actor, result, line, f"发布后调整：{reason.strip()}")
    result.refresh_from_db()
    return result


def _rescore(actor, result: Result, line: Line | None, reason: str) -> None:
    pub = result.publication
    ix = rules.Index.of(selectors.book_by_version(pub.center, pub.version))
    entries = [
        (ln.rule, ln.quantity, ln.event) for ln in result.lines.filter(removed=False) if ln.rule in ix.rules
    ]
    sc = rules.score(ix, entries, int(Decimal(str(result.parts.get("rating", 0)))))
    before = result.total
    result.parts = {k: str(v) for k, v in sc.parts.items()}
    result.bonus, result.total = sc.bonus, sc.total
    result.disqualified = sc.disqualified or (
        result.disqualified and not (line and line.rule in ix.disqualifying())
    )
    result.save(update_fields=["parts", "bonus", "total", "disqualified"])
    Adjustment.objects.create(
        result=result,
        line=line,
        before=before,
        after=result.total,
        reason=reason,
        by=actor if getattr(actor, "pk", None) else None,
        at=clock.now(),
    )
    results = list(Result.objects.filter(publication=pub))
    for r, rank in zip(results, rules.ranks([r.total for r in results]), strict=True):
        if r.rank != rank:
            Result.objects.filter(pk=r.pk).update(rank=rank)
    audit.record(
        actor=actor,
        action="assessment.adjust",
        obj=result,
        center=pub.center,
        before={"total": str(before)},
        after={"total": str(result.total), "reason": reason},
    )


def window_holder_ids(center, day):
    return dict(Post.objects.filter(window__center=center).values_list("window_id", "staff__user_id"))
