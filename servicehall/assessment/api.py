"""The 100-point assessment (ASM-1 … ASM-8), the duty ledger and closing checks (DUT-6, DUT-7), supervision findings (SUP-1, SUP-2) and awards."""

import datetime as dt
from typing import Annotated, Literal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from servicehall.assessment import rules, selectors, services
from servicehall.assessment.models import ClosingCheck
from servicehall.core.api_contract import Day, Flag, Id, Moment, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Staff
from servicehall.org.selectors import get_center

router = Router(tags=["assessment"])

Text = Annotated[str, Field(**stated(minLength=1, maxLength=500, pattern=r"\S"))]
LongText = Annotated[str, Field(**stated(minLength=1, maxLength=1000, pattern=r"\S"))]
Username = Annotated[str, Field(max_length=150)]
RuleCode = Annotated[str, Field(max_length=40)]
WindowNumber = Annotated[int, Field(ge=1, le=32767)]
Period = Annotated[str, Field(**stated(pattern=r"^20[0-9]{2}-[0-9]{2}$"))]
Quarter = Annotated[str, Field(**stated(pattern=r"^20[0-9]{2}Q[1-4]$"))]


class RuleOut(Schema):
    code: str
    name: str
    points: int
    unit: str
    article: str
    kinds: list[str]


class PartOut(Schema):
    code: str
    name: str
    max: int | None
    rules: list[RuleOut]


class RulebookOut(Schema):
    version: str
    title: str = ""
    appeal_days: int
    no_ratings_points: int
    rating_bands: list[list[int]]
    parts: list[PartOut]


class RuleIn(Schema):
    code: RuleCode
    name: Annotated[str, Field(max_length=200)]
    points: Annotated[int, Field(ge=-100, le=100)]
    unit: Literal[tuple(rules.UNITS)]  # type: ignore[valid-type]
    article: Annotated[str, Field(max_length=60)] = ""
    kinds: list[Annotated[str, Field(max_length=40)]] = []
    ledger: bool = False
    disqualifies: bool = False


class PartIn(Schema):
    code: Annotated[str, Field(max_length=20)]
    name: Annotated[str, Field(max_length=60)]
    max: Annotated[int, Field(ge=0, le=100)] | None
    article: Annotated[str, Field(max_length=60)] = ""
    rules: list[RuleIn]


class RulebookIn(Schema):
    version: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9-]*$")]
    valid_from: Period
    appeal_days: Annotated[int, Field(ge=0, le=60)] = 5
    no_ratings_points: Annotated[int, Field(ge=0, le=10)] = 9
    parts: list[PartIn]


def _book_out(version: str, book: dict) -> dict:
    return {
        "version": version,
        "title": book.get("title", ""),
        "appeal_days": book.get("appeal_days", 5),
        "no_ratings_points": book.get("no_ratings_points", 9),
        "rating_bands": book["rating_bands"],
        "parts": book["parts"],
    }


@router.get("/centers/{code}/rulebook", response=RulebookOut)
def rulebook(request, code: str, period: Period | None = None):
    """ASM-2: the rulebook in force in ``period`` (this month by default): parts with their
    maxima, rules with points, unit, article and the kinds of fact each counts."""
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您不是「%(name)s」的工作人员。") % {"name": center.name})
    if period is not None:
        year, month = services.period_of(period)
        day = dt.date(year, month, 1)
    else:
        day = services.clock.today()
    version, book = selectors.rulebook_for(center, day)
    return _book_out(version, book)


@router.put("/centers/{code}/rulebook", response={201: RulebookOut})
def rulebook_save(request, code: str, payload: RulebookIn):
    """ASM-2: the center's own copy, edited, in force from ``valid_from`` (this month or later,
    not yet published)."""
    center = get_center(code)
    book = payload.dict()
    version, valid_from = book.pop("version"), book.pop("valid_from")
    book["rating_bands"] = rules.SHEXI_2022["rating_bands"]
    rb = services.save_rulebook(
        request.user, center=center, valid_from=valid_from, version=version, book=book
    )
    return Status(201, _book_out(rb.version, rb.data))


class FactIn(Schema):
    staff: Username | None = None
    window: WindowNumber | None = None
    rule: RuleCode
    at: Moment
    quantity: Annotated[float, Field(gt=0, le=1000)] | None = None
    note: Text
    evidence: Annotated[str, Field(max_length=500)] | None = None
    event: Annotated[str, Field(max_length=100)] | None = None


class EntryOut(Schema):
    id: int
    kind: str
    rule: str
    staff: str | None
    window: int | None
    at: dt.datetime
    quantity: float
    note: str
    url: str


def _entry_out(e) -> dict:
    from django.urls import reverse

    return {
        "id": e.pk,
        "kind": e.kind,
        "rule": e.rule,
        "staff": e.staff.username if e.staff_id else None,
        "window": e.window.number if e.window_id else None,
        "at": e.at,
        "quantity": float(e.quantity),
        "note": e.note,
        "url": reverse("assessment:entry", args=[e.pk]),
    }


@router.post("/centers/{code}/facts", response={201: EntryOut})
def fact_create(request, code: str, payload: FactIn):
    """A fact with no automatic source (phone use, media exposure, praise), entered by the
    director, a supervisor or the duty officer with its evidence."""
    center = get_center(code)
    e = services.record_fact(
        request.user,
        center=center,
        staff=payload.staff,
        window=payload.window,
        rule=payload.rule,
        at=payload.at,
        quantity=payload.quantity,
        note=payload.note,
        evidence=payload.evidence or "",
        event=payload.event or "",
    )
    return Status(201, _entry_out(e))


class ConductIn(Schema):
    staff: Username
    rule: RuleCode
    at: Moment
    note: Text
    photo: Annotated[str, Field(max_length=500)] | None = None


@router.post("/centers/{code}/conduct", response={201: EntryOut})
def conduct_create(request, code: str, payload: ConductIn):
    """DUT-6: the duty officer's ledger entry (uniform, badge, phone, eating, chatting, desk …)
    against a person, from the rulebook's ledger items; each entry is a conduct fact."""
    center = get_center(code)
    e = services.record_conduct(
        request.user,
        center=center,
        staff=payload.staff,
        rule=payload.rule,
        at=payload.at,
        note=payload.note,
        evidence=payload.photo or "",
    )
    return Status(201, _entry_out(e))


class FailureIn(Schema):
    window: WindowNumber
    item: Literal[tuple(ClosingCheck.ITEMS)]  # type: ignore[valid-type]


class ClosingIn(Schema):
    day: Day | None = None
    failures: list[FailureIn] = Field(max_length=200, description="what was left on or open; [] for none")
    note: Annotated[str, Field(max_length=200)] = ""


class ClosingOut(Schema):
    id: int
    day: dt.date
    failures: list[dict]
    facts: int


@router.post("/centers/{code}/closing-checks", response={201: ClosingOut})
def closing_create(request, code: str, payload: ClosingIn):
    """DUT-7: the closing round (computers, printers, lights, AC, doors, windows); each failure is
    a fact against the window's holder that day (−1 per item per time)."""
    center = get_center(code)
    check = services.record_closing(
        request.user,
        center=center,
        day=payload.day,
        failures=[(f.window, f.item) for f in payload.failures],
        note=payload.note,
    )
    return Status(
        201, {"id": check.pk, "day": check.day, "failures": check.failures, "facts": len(check.failures)}
    )


class FindingIn(Schema):
    kind: Literal["patrol", "spot", "video", "unannounced"]
    staff: Username | None = None
    window: WindowNumber | None = None
    rule: RuleCode
    at: Moment
    place: Annotated[str, Field(max_length=200)] = ""
    note: LongText
    photos: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=20)
    notice: Flag = False


class FindingOut(Schema):
    id: int
    kind: str
    staff: str | None
    window: int | None
    rule: str
    at: dt.datetime
    notice: bool


@router.post("/centers/{code}/findings", response={201: FindingOut})
def finding_create(request, code: str, payload: FindingIn):
    """SUP-1: a patrol, spot check, video check or unannounced visit's finding against a person or
    window; ``notice`` (通报批评) also disqualifies from this year's awards."""
    center = get_center(code)
    f = services.record_finding(
        request.user,
        center=center,
        kind=payload.kind,
        staff=payload.staff,
        window=payload.window,
        rule=payload.rule,
        at=payload.at,
        note=payload.note,
        place=payload.place,
        photos=payload.photos,
        notice=payload.notice,
    )
    return Status(
        201,
        {
            "id": f.pk,
            "kind": f.kind,
            "staff": f.staff.username if f.staff_id else None,
            "window": f.window.number if f.window_id else None,
            "rule": f.rule,
            "at": f.at,
            "notice": f.notice,
        },
    )


class AssessmentMeetingIn(Schema):
    kind: Literal["window_meeting", "on_site", "regular"]
    day: Day
    leader: Annotated[str, Field(**stated(minLength=1, maxLength=60, pattern=r"\S"))]
    note: LongText


class AssessmentMeetingOut(Schema):
    id: int
    kind: str
    day: dt.date


@router.post("/centers/{code}/meetings", response={201: AssessmentMeetingOut})
def meeting_create(request, code: str, payload: AssessmentMeetingIn):
    """SUP-2: a window meeting (003 art.16), a leader's on-site day (003 art.17) or a regular
    meeting (004 art.5)."""
    center = get_center(code)
    m = services.record_meeting(
        request.user,
        center=center,
        kind=payload.kind,
        day=payload.day,
        leader=payload.leader,
        note=payload.note,
    )
    return Status(201, {"id": m.pk, "kind": m.kind, "day": m.day})


class PartsOut(Schema):
    discipline: float
    service: float
    cases: float
    online: float
    rating: float


class EvidenceOut(Schema):
    kind: str
    ref: str
    url: str


class AppealStateOut(Schema):
    status: str
    reason: str
    decision: str


class LineOut(Schema):
    id: int | None
    rule: str
    rule_name: str
    part: str
    article: str
    at: dt.datetime
    quantity: float
    points: float
    note: str
    evidence: EvidenceOut
    appeal: AppealStateOut | None
    removed: bool


class RowOut(Schema):
    staff: str
    name: str
    window: str
    parts: PartsOut
    bonus: float
    total: float
    disqualified: bool
    rank: int
    ratings: int
    satisfied: int


class PersonOut(RowOut):
    period: str
    version: str
    published: bool
    lines: list[LineOut]


def _row_out(row) -> dict:
    return {
        "staff": row.person.username,
        "name": row.person.name,
        "window": row.person.window,
        "parts": {k: float(v) for k, v in row.parts.items()},
        "bonus": float(row.bonus),
        "total": float(row.total),
        "disqualified": row.disqualified,
        "rank": row.rank,
        "ratings": row.ratings,
        "satisfied": row.satisfied,
    }


@router.get("/centers/{code}/assessment", response=list[RowOut])
def assessment(request, code: str, period: Period):
    """ASM-1, ASM-4, ASM-7: each person's month (parts, bonus, total, disqualified, rank) — the
    published snapshot, or live from the facts until published. The director and the leaders see
    everyone; a department head their department (ORG-6)."""
    center = get_center(code)
    year, month = services.period_of(period)
    if not (
        selectors.may_read_center(request.user, center)
        or access.has_role(request.user, center, Role.DEPARTMENT_HEAD)
    ):
        raise Forbidden(
            gettext("只有中心领导、监督人员和科室负责人可以查看考核表；本人成绩请查看个人页面。"),
            code="not_allowed",
        )
    m = selectors.month_of(center, year, month)
    return [_row_out(r) for r in selectors.visible_rows(request.user, center, m.rows)]


def person_month(user, username: str, period: str):
    staff = Staff.objects.filter(user__username=username).select_related("center__policy", "user").first()
    if staff is None:
        raise NotFound(gettext("没有这位工作人员。"), code="staff_not_found")
    year, month = services.period_of(period)
    if not selectors.may_read_person(user, staff.center, staff.user_id, staff.department_id):
        raise Forbidden(gettext("您只能查看本人（或本科室）的考核成绩。"), code="not_allowed")
    m = selectors.month_of(staff.center, year, month, with_lines=True, only=staff.user_id)
    selectors.name_lines(m)
    return staff, m


@router.get("/staff/{staff_username}/assessment", response=PersonOut)
def staff_assessment(request, staff_username: str, period: Period):
    """A person's month with every line: rule, quantity, points and a link to its evidence."""
    staff, m = person_month(request.user, staff_username, period)
    if not m.rows:
        raise NotFound(gettext("该工作人员本月不在考核范围（未在窗口任岗）。"), code="not_assessed")
    row = m.rows[0]
    return {
        **_row_out(row),
        "period": m.period,
        "version": m.version,
        "published": m.publication is not None,
        "lines": [
            {**ln, "quantity": float(ln["quantity"]), "points": float(ln["points"])} for ln in row.lines
        ],
    }


class PublishOut(Schema):
    period: str
    version: str
    published_at: dt.datetime
    staff: int


@router.post("/centers/{code}/assessment/{period}/publish", response={201: PublishOut})
def publish(request, code: str, period: Period):
    """ASM-7: the director publishes the month: the scores and lines are frozen with the rulebook
    version; later corrections are adjustments with a reason."""
    center = get_center(code)
    pub = services.publish(request.user, center=center, period=period)
    return Status(
        201,
        {
            "period": pub.period,
            "version": pub.version,
            "published_at": pub.published_at,
            "staff": pub.results.count(),
        },
    )


class AdjustIn(Schema):
    staff: Username
    rule: RuleCode
    quantity: Annotated[float, Field(gt=0, le=1000)] | None = None
    note: Text
    reason: LongText


class AdjustOut(Schema):
    staff: str
    total: float
    rank: int


@router.post("/centers/{code}/assessment/{period}/adjustments", response={201: AdjustOut})
def adjustment(request, code: str, period: Period, payload: AdjustIn):
    """ASM-7: a correction of a published month: a line added to the person's frozen result, with
    its reason (the result is scored again and recorded as an adjustment)."""
    center = get_center(code)
    r = services.adjust(
        request.user,
        center=center,
        period=period,
        staff=payload.staff,
        rule=payload.rule,
        quantity=payload.quantity,
        note=payload.note,
        reason=payload.reason,
    )
    return Status(201, {"staff": payload.staff, "total": float(r.total), "rank": r.rank})


class AppealIn(Schema):
    reason: LongText


class AppealDecideIn(Schema):
    decision: Literal["uphold", "remove"]
    reason: LongText


class AppealOut(Schema):
    line: int
    status: str
    reason: str
    decision: str


@router.post("/assessment/lines/{line_id}/appeal", response={201: AppealOut})
def line_appeal(request, line_id: Id, payload: AppealIn):
    """A person appeals a line of their published month, within the rulebook's days."""
    a = services.appeal(request.user, line_id=line_id, reason=payload.reason)
    return Status(201, {"line": a.line_id, "status": a.status, "reason": a.reason, "decision": a.decision})


@router.post("/assessment/lines/{line_id}/decide", response=AppealOut)
def line_decide(request, line_id: Id, payload: AppealDecideIn):
    """The director upholds the line or removes it, with a reason (the result is adjusted)."""
    a = services.decide(request.user, line_id=line_id, decision=payload.decision, reason=payload.reason)
    return {"line": a.line_id, "status": a.status, "reason": a.reason, "decision": a.decision}


class StandingOut(Schema):
    staff: str
    name: str
    window: str
    score: float
    months: int
    disqualified: bool


class WindowAwardOut(Schema):
    window: str
    score: float
    staff: str


class AwardsOut(Schema):
    period: str
    red_flag_windows: list[WindowAwardOut]
    model_workers: list[StandingOut]
    skipped: list[StandingOut]


def awards_for(center, quarter: str | None, year: str | None):
    if quarter:
        y, q = services.quarter_of(quarter)
        return selectors.awards(
            center,
            rules.quarter_months(y, q),
            gettext("%(year)s年第%(quarter)s季度") % {"year": y, "quarter": q},
        )
    if year:
        if not (year.isdigit() and 2004 <= int(year) <= 2099):
            raise Invalid("invalid_year", gettext("年份无效。"))
        y = int(year)
        if y > services.clock.today().year:
            raise Invalid("period_in_future", gettext("%(y)s年尚未开始。") % {"y": y})
        return selectors.awards(center, [(y, m) for m in range(1, 13)], gettext("%(year)s年度") % {"year": y})
    raise Invalid("period_required", gettext("请指明季度（quarter=2026Q4）或年份（year=2026）。"))


def _standing(s, usernames) -> dict:
    return {
        "staff": usernames.get(s.user_id, ""),
        "name": s.name,
        "window": s.window,
        "score": float(s.score),
        "months": s.months,
        "disqualified": s.disqualified,
    }


@router.get("/centers/{code}/awards", response=AwardsOut)
def awards(
    request,
    code: str,
    quarter: Quarter | None = None,
    year: Annotated[str, Field(**stated(pattern=r"^20[0-9]{2}$"))] | None = None,
):
    """ASM-8: the quarter's 3 red-flag windows and 3 model workers (the year's red-flag windows
    and advanced workers with ``year=``), skipping anyone disqualified that year (ASM-6)."""
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您不是「%(name)s」的工作人员。") % {"name": center.name})
    a = awards_for(center, quarter, year)
    names = dict(
        get_user_model().objects.filter(pk__in=[s.user_id for s in a.standings]).values_list("pk", "username")
    )
    return {
        "period": a.label,
        "red_flag_windows": [{"window": w, "score": float(s), "staff": n} for w, s, n in a.windows],
        "model_workers": [_standing(s, names) for s in a.workers],
        "skipped": [_standing(s, names) for s in a.skipped],
    }
