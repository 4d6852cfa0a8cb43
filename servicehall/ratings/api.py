"""Ratings and revisits (EVA-1 … EVA-6): the rating device, one rating per matter, revisits, appraisal, satisfaction."""

from typing import Annotated, Literal

from django.http import HttpResponseNotModified, JsonResponse
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import PlainValidator, WithJsonSchema

from servicehall.core import clock
from servicehall.core.api import BearerToken, ErrorOut, api
from servicehall.core.api_contract import Day, Flag, Id, Moment, session_auth, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.core.roles import Role
from servicehall.org import access
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center
from servicehall.ratings import devices, rules, selectors, services
from servicehall.ratings.models import HotlineOrder, HotlineSample, Rating, Revisit
from servicehall.tickets import selectors as ticket_selectors

router = Router(tags=["ratings"])


def whole(low: int, high: int, description: str = ""):
    """An integer as JSON has it (3 or 3.0; never true, "3" or 3.5) within [low, high]."""

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("应为整数")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("应为整数")
        if not low <= value <= high:
            raise ValueError(f"应在 {low} 至 {high} 之间")
        return int(value)

    schema = {"type": "integer", "minimum": low, "maximum": high}
    if description:
        schema["description"] = description
    return Annotated[int, PlainValidator(check), WithJsonSchema(schema)]


Level = whole(1, 5, "1 非常满意 … 5 非常不满意")
Text = Annotated[str, Field(**stated(minLength=1, pattern=r"\S"))]
Reason = Annotated[str, Field(**stated(enum=list(rules.REASONS)))]
PERIOD_RE = r"^20(0[4-9]|[1-9][0-9])-(0[1-9]|1[0-2])$"
Period = Annotated[str, Field(pattern=PERIOD_RE, description="YYYY-MM")]
SATISFACTION_READERS = (
    Role.DIRECTOR,
    Role.DEPUTY_LEADER,
    Role.PRINCIPAL_LEADER,
    Role.SUPERVISOR,
    Role.DEPARTMENT_HEAD,
    Role.COMPLAINT_OFFICER,
)


class RaterKey:
    """A rating device bound to the window in the path (its token; in development a loopback device)."""

    def __call__(self, request):
        if request.user.is_authenticated:
            return None
        return devices.device_of(request, request.resolver_match.kwargs.get("window_id"))


DEVICE_OR_CLERK = [BearerToken(), RaterKey(), session_auth]


# --- the device ----------------------------------------------------------------------------------


class MatterOut(Schema):
    kind: str
    ref: str
    step: str
    item: str
    window: str
    staff: str
    badge: str
    photo: str
    finished_at: str | None


class DeviceOut(Schema):
    matter: MatterOut | None
    token: str | None


@router.get(
    "/windows/{window_id}/rating-device",
    auth=DEVICE_OR_CLERK,
    response={200: DeviceOut, 304: None, 403: ErrorOut, 404: ErrorOut},
)
def rating_device(request, window_id: Id):
    """EVA-1: the matter the window's rating device shows now (the latest finished ticket or case
    step not yet rated, for SHOW_MINUTES), with the token that rates it; ``matter`` null when
    idle. Send ``If-None-Match`` with the last ETag: 304 while nothing in the center changed
    (answered from memory, no database read)."""
    window = ticket_selectors.get_window(window_id)
    if not isinstance(request.auth, devices.RatingDevice) and not access.roles_in(
        request.user, window.center
    ):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": window.center.name})
    version = ticket_selectors.display_version(window.center.code) or 0
    etag = f'"r{window.pk}-{version}-{clock.local():%Y%m%d%H%M}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        body = selectors.matter_out(selectors.latest_matter(window))
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


# --- ratings -----------------------------------------------------------------------------------------


class RatingIn(Schema):
    token: str = Field(..., **stated(minLength=1))
    level: Level
    reasons: list[Reason] = Field(default_factory=list, max_length=6)
    comment: str = Field("", **stated(maxLength=500))
    channel: Literal["device", "sms", "qr"]


class RatingOut(Schema):
    id: int
    kind: str
    ref: str
    step: str
    level: int
    level_name: str
    channel: str
    window: int | None
    staff: int | None
    staff_name: str
    item: str
    rated_at: str
    malicious: bool
    revisit: int | None


def rating_out(r: Rating) -> dict:
    revisit = getattr(r, "revisit_id", None)
    if not hasattr(r, "revisit_id"):
        revisit = Revisit.objects.filter(rating=r).values_list("pk", flat=True).first()
    return {
        "id": r.pk,
        "kind": r.kind,
        "ref": r.ref,
        "step": r.step,
        "level": r.level,
        "level_name": rules.LEVELS[r.level],
        "channel": r.channel,
        "window": r.window_id,
        "staff": r.staff_id,
        "staff_name": r.staff.name if r.staff_id else "",
        "item": r.item_name,
        "rated_at": r.rated_at.isoformat(),
        "malicious": r.malicious,
        "revisit": revisit,
    }


@router.post(
    "/ratings",
    auth=None,
    response={201: RatingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def rating_give(request, payload: RatingIn):
    """EVA-1/EVA-2: rate one finished matter with its token (from the device, the SMS link or the QR
    code; no login — the token is the right to rate). 403 ``rating_token_invalid``; 400
    ``matter_not_finished``, ``invalid_level``, ``unknown_reason``, ``reasons_for_bad_only``;
    409 ``already_rated`` (one rating per matter), ``rating_closed`` (after the policy's days).
    The answer is built from plain values already of the schema's types and sent as it is: the
    devices' hot path skips validating it again."""
    rating = services.rate(
        token=payload.token,
        level=payload.level,
        reasons=payload.reasons,
        comment=payload.comment,
        channel=payload.channel,
    )
    return api.create_response(request, rating_out(rating), status=201)


class MaliciousIn(Schema):
    reason: Text
    approved_by: Id


@router.post(
    "/ratings/{rating_id}/malicious",
    response={200: RatingOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def rating_malicious(request, rating_id: Id, payload: MaliciousIn):
    """恶意差评: mark a bad rating malicious with the reason and the approving leader (a Staff id);
    it stays listed, leaves the satisfaction rate, and its revisit leaves the revisits due."""
    rating = Rating.objects.select_related("center", "staff").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound(gettext("没有这条评价。"), code="rating_not_found")
    approver = Staff.objects.select_related("user").filter(pk=payload.approved_by).first()
    if approver is None:
        raise Invalid("not_a_leader", gettext("批准人须为本中心的领导。"))
    rating = services.rating_mark_malicious(
        actor=request.user, rating=rating, reason=payload.reason, approver=approver
    )
    return rating_out(rating)


# --- hotline orders ---------------------------------------------------------------------------------


class HotlineIn(Schema):
    hotline: Literal["12345", "12348"]
    reference: str = Field(..., **stated(minLength=1, maxLength=60, pattern=r"\S"))
    content: str = Field(..., **stated(minLength=1, maxLength=2000, pattern=r"\S"))
    handler: Id
    caller_name: str = Field("", **stated(maxLength=40))
    caller_phone: str = Field("", **stated(maxLength=20))
    received_at: Moment | None = None


class HotlineOut(Schema):
    id: int
    hotline: str
    reference: str
    content: str
    handler: int
    received_at: str
    completed_at: str | None
    result: str
    rating: int | None


def hotline_out(o: HotlineOrder) -> dict:
    rating = (
        Rating.objects.filter(kind=Rating.Kind.HOTLINE, matter_id=o.pk)
        .values_list("level", flat=True)
        .first()
    )
    return {
        "id": o.pk,
        "hotline": o.hotline,
        "reference": o.reference,
        "content": o.content,
        "handler": o.handler_id,
        "received_at": o.received_at.isoformat(),
        "completed_at": o.completed_at.isoformat() if o.completed_at else None,
        "result": o.result,
        "rating": rating,
    }


@router.post(
    "/centers/{code}/hotline-orders",
    response={201: HotlineOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def hotline_create(request, code: str, payload: HotlineIn):
    """EVA-2: register a 12345/12348 work order transferred to the center; 409 ``hotline_reference_taken``."""
    center = get_center(code)
    handler = Staff.objects.filter(pk=payload.handler).first()
    if handler is None:
        raise Invalid("staff_of_other_center", gettext("承办人须为本中心的工作人员。"))
    order = services.hotline_create(
        actor=request.user,
        center=center,
        hotline=payload.hotline,
        reference=payload.reference,
        content=payload.content,
        handler=handler,
        caller_name=payload.caller_name,
        caller_phone=payload.caller_phone,
        received_at=payload.received_at,
    )
    return Status(201, hotline_out(order))


class HotlineCompleteIn(Schema):
    result: Text
    level: Level | None = None
    reasons: list[Reason] = Field(default_factory=list, max_length=6)
    comment: str = Field("", **stated(maxLength=500))


@router.post(
    "/centers/{code}/hotline-orders/{order_id}/complete",
    response={200: HotlineOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def hotline_complete(request, code: str, order_id: Id, payload: HotlineCompleteIn):
    """EVA-2: complete the order with the caller's rating (``level`` null: the caller did not rate;
    it stays unrated). 409 ``hotline_completed``, ``already_rated``."""
    center = get_center(code)
    order = HotlineOrder.objects.filter(pk=order_id, center=center).first()
    if order is None:
        raise NotFound(gettext("本中心没有这个热线工单。"), code="hotline_not_found")
    order, _rating = services.hotline_complete(
        actor=request.user,
        order=order,
        result=payload.result,
        level=payload.level,
        reasons=payload.reasons,
        comment=payload.comment,
    )
    return hotline_out(order)


class SampleIn(Schema):
    period: Period
    seed: whole(0, 2**62) | None = None


class SampleOut(Schema):
    period: str
    seed: int
    percent: int
    population: int
    chosen: list[int]
    reproduced: bool


def sample_out(s: HotlineSample) -> dict:
    return {
        "period": f"{s.month:%Y-%m}",
        "seed": s.seed,
        "percent": s.percent,
        "population": len(s.population),
        "chosen": list(s.chosen),
        "reproduced": services.sample_reproduces(s),
    }


@router.post(
    "/centers/{code}/hotline-samples",
    response={201: SampleOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def hotline_sample(request, code: str, payload: SampleIn):
    """EVA-4: draw the month's sample (the policy's share, at least 5 %) of completed hotline orders,
    seeded and recorded; each sampled order is put on the revisit list. 409 ``sample_drawn``,
    ``nothing_to_sample`` (no order completed in the month: nothing is drawn or recorded);
    400 ``month_not_over``."""
    sample = services.hotline_sample_draw(
        actor=request.user, center=get_center(code), period=payload.period, seed=payload.seed
    )
    return Status(201, sample_out(sample))


@router.get(
    "/centers/{code}/hotline-samples/{period}", response={200: SampleOut, 403: ErrorOut, 404: ErrorOut}
)
def hotline_sample_show(request, code: str, period: str):
    """EVA-4: a month's recorded sample, ``reproduced``: drawn again with its seed, the same orders."""
    center = get_center(code)
    access.require(request.user, center, *services.REVISITORS, Role.SUPERVISOR)
    try:
        start, _end = rules.month_bounds(period)
    except ValueError:
        raise NotFound(gettext("这个月份没有抽样。"), code="sample_not_found") from None
    sample = HotlineSample.objects.filter(center=center, month=start).first()
    if sample is None:
        raise NotFound(gettext("这个月份没有抽样。"), code="sample_not_found")
    return sample_out(sample)


# --- revisits -----------------------------------------------------------------------------------------


class RevisitOut(Schema):
    id: int
    reason: str
    subject: str
    note: str
    rating: int | None
    level: int | None
    malicious: bool
    case: int | None
    hotline_order: int | None
    due_at: str
    done_at: str | None
    way: str
    progress: str
    opinion: str
    suggestions: str
    justified: bool | None
    rectification: str
    rectified_on: str | None


def revisit_out(r: Revisit) -> dict:
    return {
        "id": r.pk,
        "reason": r.reason,
        "subject": r.subject,
        "note": r.note,
        "rating": r.rating_id,
        "level": r.rating.level if r.rating_id else None,
        "malicious": bool(r.rating_id and r.rating.malicious),
        "case": r.case_id,
        "hotline_order": r.hotline_order_id,
        "due_at": r.due_at.isoformat(),
        "done_at": r.done_at.isoformat() if r.done_at else None,
        "way": r.way,
        "progress": r.progress,
        "opinion": r.opinion,
        "suggestions": r.suggestions,
        "justified": r.justified,
        "rectification": r.rectification,
        "rectified_on": r.rectified_on.isoformat() if r.rectified_on else None,
    }


@router.get(
    "/centers/{code}/revisits", response={200: list[RevisitOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def revisit_list(request, code: str, status: Literal["due", "done", "malicious"] = "due"):
    """EVA-3: the center's revisits due (oldest first), done (latest first), or ``malicious``: not
    revisited, their rating confirmed 恶意差评 (such a revisit is never due)."""
    center = get_center(code)
    access.require(request.user, center, *services.REVISITORS, Role.SUPERVISOR)
    return [revisit_out(r) for r in selectors.revisits(center, status)[:500]]


class RevisitIn(Schema):
    way: Literal["home", "interview", "phone", "forum"]
    progress: Text
    opinion: str = Field("", **stated(maxLength=2000))
    suggestions: str = Field("", **stated(maxLength=2000))
    justified: Flag | None = None
    rectification: str = Field("", **stated(maxLength=2000))
    rectified_on: Day | None = None


@router.post(
    "/revisits/{revisit_id}",
    response={200: RevisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def revisit_record(request, revisit_id: Id, payload: RevisitIn):
    """EVA-5: record a revisit. A bad rating's revisit says whether it was justified (400
    ``justified_required``) and, if so, the rectification; a justified one becomes a conduct fact
    against the clerk. 409 ``revisit_done``; ``rating_malicious`` (a rating confirmed 恶意差评 is
    not revisited)."""
    revisit = services.revisit_record(
        actor=request.user,
        revisit=selectors.get_revisit(revisit_id),
        way=payload.way,
        progress=payload.progress,
        opinion=payload.opinion,
        suggestions=payload.suggestions,
        justified=payload.justified,
        rectification=payload.rectification,
        rectified_on=payload.rectified_on,
    )
    return revisit_out(revisit)


class MajorCaseIn(Schema):
    case: str = Field(..., **stated(minLength=1, maxLength=60))
    note: str = Field("", **stated(maxLength=1000))


@router.post(
    "/centers/{code}/major-cases",
    response={201: RevisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def major_case(request, code: str, payload: MajorCaseIn):
    """EVA-3: mark a case as of major impact: its party goes on the revisit list at once.
    409 ``revisit_exists``."""
    from servicehall.cases.models import Case

    center = get_center(code)
    case = Case.objects.select_related("center").filter(number=payload.case, center=center).first()
    if case is None:
        raise Invalid("case_not_found", gettext("本中心没有这个办件。"))
    return Status(
        201, revisit_out(services.revisit_for_major_case(actor=request.user, case=case, note=payload.note))
    )


# --- satisfaction -----------------------------------------------------------------------------------


class RateRow(Schema):
    id: int | None
    name: str
    ratings: int
    satisfied: int
    rate: float | None


class SatisfactionOut(Schema):
    center: str
    period: str
    definition: str
    total: dict
    persons: list[RateRow]
    windows: list[RateRow]
    departments: list[RateRow]
    items: list[RateRow]


@router.get(
    "/centers/{code}/satisfaction",
    response={200: SatisfactionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def satisfaction(request, code: str, period: str = Query(..., pattern=PERIOD_RE)):  # noqa: B008
    """EVA (ASM-3): per person, window, department and item — ratings, satisfied (非常满意 or 满意), rate (their
    share; null with no rating). Unrated matters, void ratings and malicious ones count in none."""
    center = get_center(code)
    access.require(request.user, center, *SATISFACTION_READERS)
    return selectors.satisfaction_table(center, period)


# --- democratic appraisal ---------------------------------------------------------------------------


class AppraisalIn(Schema):
    title: str = Field(..., **stated(minLength=1, maxLength=100, pattern=r"\S"))
    period: str = Field(..., pattern=r"^20(0[4-9]|[1-9][0-9])(-(0[1-9]|1[0-2]))?$")


class AppraisalOut(Schema):
    id: int
    title: str
    period: str
    published_at: str | None


def appraisal_out(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "period": a.period,
        "published_at": a.published_at.isoformat() if a.published_at else None,
    }


@router.post(
    "/centers/{code}/appraisals",
    response={201: AppraisalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appraisal_create(request, code: str, payload: AppraisalIn):
    """EVA-6: open a democratic appraisal of the center's windows and staff for a month or a year."""
    a = services.appraisal_create(
        actor=request.user, center=get_center(code), title=payload.title, period=payload.period
    )
    return Status(201, appraisal_out(a))


class CodesIn(Schema):
    count: whole(1, services.MAX_CODES)


class CodesOut(Schema):
    codes: list[str]


@router.post(
    "/appraisals/{appraisal_id}/codes",
    response={201: CodesOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appraisal_codes(request, appraisal_id: Id, payload: CodesIn):
    """EVA-6: one-use questionnaire codes, shown this once (only hashes are kept, and no holder)."""
    codes = services.codes_issue(
        actor=request.user, appraisal=selectors.get_appraisal(appraisal_id), count=payload.count
    )
    return Status(201, {"codes": codes})


class VoteIn(Schema):
    window: Id
    staff: Id | None = None
    level: Level


class QuestionnaireIn(Schema):
    code: str = Field(..., min_length=1, max_length=20)
    answers: list[VoteIn] = Field(..., **stated(minItems=1), max_length=200)
    comment: str = Field(
        "",
        description="意见和建议（选填），不记名：不与问卷码或评价关联。",
        **stated(maxLength=services.COMMENT_LIMIT),
    )


class CountOut(Schema):
    votes: int


@router.post(
    "/questionnaires",
    auth=None,
    response={201: CountOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def questionnaire(request, payload: QuestionnaireIn):
    """EVA-6: answer an anonymous questionnaire with a one-use code (no login), with an optional
    comment kept apart from the code and the levels. 400 ``too_long`` (a comment over 500
    characters; the code is not spent), ``answers_required``; 403 ``code_invalid``; 409
    ``code_used`` (a code answers once), ``appraisal_published``."""
    n = services.questionnaire_answer(
        code=payload.code, answers=[a.dict() for a in payload.answers], comment=payload.comment
    )
    return Status(201, {"votes": n})


class OnsiteIn(Schema):
    answers: list[VoteIn] = Field(..., **stated(minItems=1), max_length=200)


@router.post(
    "/appraisals/{appraisal_id}/onsite-ratings",
    response={201: CountOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appraisal_onsite(request, appraisal_id: Id, payload: OnsiteIn):
    """EVA-6: on-site ratings entered as given on the day."""
    n = services.onsite_vote(
        actor=request.user,
        appraisal=selectors.get_appraisal(appraisal_id),
        answers=[a.dict() for a in payload.answers],
    )
    return Status(201, {"votes": n})


class PeerIn(Schema):
    window: Id
    answers: list[VoteIn] = Field(..., **stated(minItems=1), max_length=200)


@router.post(
    "/appraisals/{appraisal_id}/peer-ratings",
    response={201: CountOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appraisal_peer(request, appraisal_id: Id, payload: PeerIn):
    """EVA-6: a window (``window``) rates the other windows, each once, never itself (400 ``peer_self``;
    409 ``peer_already``)."""
    appraisal = selectors.get_appraisal(appraisal_id)
    rater = Window.objects.filter(pk=payload.window).first()
    if rater is None:
        raise Invalid("window_not_found", gettext("没有这个窗口。"))
    n = services.peer_vote(
        actor=request.user, appraisal=appraisal, rater=rater, answers=[a.dict() for a in payload.answers]
    )
    return Status(201, {"votes": n})


@router.post(
    "/appraisals/{appraisal_id}/publish",
    response={200: AppraisalOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appraisal_publish(request, appraisal_id: Id):
    """EVA-6: publish the results on the center's public page (409 ``appraisal_published``)."""
    return appraisal_out(
        services.appraisal_publish(actor=request.user, appraisal=selectors.get_appraisal(appraisal_id))
    )


@router.get("/appraisals/{appraisal_id}/results", response={200: dict, 403: ErrorOut, 404: ErrorOut})
def appraisal_results(request, appraisal_id: Id):
    """EVA-6: results per window and person, per way; staff of the center, or anyone once published."""
    appraisal = selectors.get_appraisal(appraisal_id)
    if appraisal.published_at is None:
        access.require(
            request.user, appraisal.center, *access.CONFIGURERS, *services.REVISITORS, Role.SUPERVISOR
        )
    return selectors.appraisal_results(appraisal)
