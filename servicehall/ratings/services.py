"""Every write of ratings and revisits (EVA-1 … EVA-6): keyword-only, actor first, one transaction,
an audit event each."""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext, pgettext

from servicehall.core import audit, clock, limits, rows
from servicehall.core.errors import Conflict, Forbidden, Invalid, NotFound
from servicehall.core.roles import COMPLAINT_HANDLERS, LEADERS, Role
from servicehall.org import access
from servicehall.org.models import Center, Staff, Window
from servicehall.org.selectors import posts_on
from servicehall.ratings import rules
from servicehall.ratings.models import (
    Appraisal,
    AppraisalComment,
    AppraisalVote,
    HotlineOrder,
    HotlineSample,
    QuestionnaireCode,
    Rating,
    RatingDevice,
    Revisit,
)
from servicehall.tickets import selectors as ticket_selectors
from servicehall.tickets.models import Ticket

CITIZEN = "citizen"  # the audit's actor name for a rating given with a token (no account)
REVISITORS = COMPLAINT_HANDLERS  # a bad rating is revisited by those who handle complaints
HOTLINE_STAFF = (Role.COMPLAINT_OFFICER, Role.DIRECTOR, Role.WINDOW_STAFF, Role.DUTY_OFFICER)
MALICIOUS_MARKERS = (Role.COMPLAINT_OFFICER, *LEADERS)  # who may mark a bad rating 恶意差评
SALT = "servicehall.ratings.matter"
CASE_STEPS = ("accepted", "completed", "returned")


def rating_days() -> int:
    return int(getattr(settings, "RATING_VALID_DAYS", rules.RATING_DAYS))


# --- matters and their tokens -----------------------------------------------------------------------


@dataclass(frozen=True)
class Matter:
    """A served matter that may be rated: a finished ticket, or one step of a case."""

    kind: str  # Rating.Kind
    matter_id: int
    step: str
    ref: str
    center: Center
    window: Window | None
    staff: Staff | None
    item_name: str
    finished_at: dt.datetime | None  # None: not finished (yet)
    phone: str = ""

    @property
    def token(self) -> str:
        return matter_token(self.kind, self.matter_id, self.step)


def matter_token(kind: str, matter_id: int, step: str = "") -> str:
    """The right to rate this one matter: the same on the device, in the SMS link and in the QR
    code, so whichever is used first is the rating and the others answer 409."""
    return signing.Signer(salt=SALT).sign(f"{kind}.{matter_id}.{step}")


def parse_token(token: str) -> tuple[str, int, str]:
    try:
        value = signing.Signer(salt=SALT).unsign(token or "")
        kind, matter_id, step = value.split(".")
        return kind, int(matter_id), step
    except (signing.BadSignature, ValueError):
        raise Forbidden(gettext("评价凭证无效。"), code="rating_token_invalid") from None


def ticket_matter(ticket) -> Matter:
    staff = ticket.served_by
    return Matter(
        kind=Rating.Kind.TICKET,
        matter_id=ticket.pk,
        step="",
        ref=ticket.number,
        center=ticket.center,
        window=ticket.window,
        staff=staff,
        item_name=ticket.line.name,
        finished_at=ticket.finished_at if ticket.status == Ticket.Status.DONE else None,
    )


def case_matter(case, step: str) -> Matter:
    from servicehall.cases import rules as case_rules

    if step == "accepted":
        at, staff = case.accepted_at, case.officer
    elif step == "completed":
        at = case.finished_at if case.status == case_rules.COMPLETED else None
        staff = case.handler
    elif step == "returned":
        at = case.finished_at if case.status in (case_rules.REFUSED, case_rules.DENIED) else None
        staff = case.officer
    else:
        raise Forbidden(gettext("评价凭证无效。"), code="rating_token_invalid")
    return Matter(
        kind=Rating.Kind.CASE,
        matter_id=case.pk,
        step=step,
        ref=case.number,
        center=case.center,
        window=case.window,
        staff=staff,
        item_name=case.item_version.name,
        finished_at=at,
        phone=case.applicant_phone,
    )


# the token's ticket, compiled once (the rating devices' hot path): only what a matter shows;
# the center comes with the window (kept by the queue), or on its own for a ticket without one
_TICKET = rows.Prepared(
    lambda pk: Ticket.objects.select_related("line", "served_by")
    .only("number", "center", "window", "status", "finished_at", "line__name", "served_by__name")
    .filter(pk=pk)
    .order_by()
)


def matter_of(kind: str, matter_id: int, step: str) -> Matter:
    if kind == Rating.Kind.TICKET:
        ticket = _TICKET.first(matter_id) if 0 < matter_id < 2**63 else None
        if ticket is None:
            raise NotFound(gettext("没有这项服务。"), code="matter_not_found")
        if ticket.window_id is not None:  # the window, its center and policy: kept by the queue
            ticket.window = ticket_selectors.get_window(ticket.window_id)
            ticket.center = ticket.window.center
        return ticket_matter(ticket)
    if kind == Rating.Kind.CASE:
        from servicehall.cases.models import Case

        case = (
            Case.objects.select_related("center", "window", "officer", "handler", "item_version")
            .filter(pk=matter_id)
            .first()
        )
        if case is None:
            raise NotFound(gettext("没有这项服务。"), code="matter_not_found")
        return case_matter(case, step)
    raise Forbidden(gettext("评价凭证无效。"), code="rating_token_invalid")


# --- ratings -------------------------------------------------------------------------------------------


def _check_answer(level, reasons, comment) -> list[str]:
    if not rules.level_valid(level):
        raise Invalid("invalid_level", gettext("评价等级应为 1（非常满意）至 5（非常不满意）。"))
    reasons = list(reasons or [])
    unknown = [r for r in reasons if r not in rules.REASONS]
    if unknown:
        raise Invalid("unknown_reason", gettext("评价原因不在可选范围内。"))
    if reasons and level < rules.BAD_FROM:
        raise Invalid("reasons_for_bad_only", gettext("只有“不满意”和“非常不满意”需要选择原因。"))
    limits.check(Rating, {"comment": comment or ""})
    return sorted(set(reasons))


def _revisit_due(center, level: int) -> bool:
    policy_level = getattr(getattr(center, "policy", None), "revisit_below_level", None) or 3
    return rules.needs_revisit(level, policy_level)


def _revisit_for(rating: Rating, now) -> Revisit | None:
    if not _revisit_due(rating.center, rating.level):
        return None
    who = rating.staff.name if rating.staff_id else ""
    revisit = Revisit(
        center=rating.center,
        reason=Revisit.Reason.BAD_RATING,
        rating=rating,
        subject=f"{rating.get_kind_display()} {rating.ref}",
        note=f"{rules.LEVELS[rating.level]} · {rating.item_name} · {who}".strip(" ·"),
        created_at=now,
        due_at=now + dt.timedelta(days=rules.REVISIT_DAYS),
    )
    audit.record(
        actor=None,
        action="revisit.due",
        obj=revisit,
        center=rating.center,
        insert=True,
        after={"reason": revisit.reason, "rating": rating.pk},
    )
    return revisit


_RATED = "SELECT 1 FROM ratings_rating WHERE kind = %s AND matter_id = %s AND step = %s LIMIT 1"


def _save_rating(matter: Matter, *, actor, level, reasons, comment, channel, now) -> Rating:
    with (
        connection.cursor() as cursor
    ):  # the hot path: a statement compiled once by the database, not the ORM
        cursor.execute(_RATED, [matter.kind, matter.matter_id, matter.step])
        rated = cursor.fetchone() is not None
    if rated:
        raise Conflict("already_rated", gettext("这项服务已经评价过了，每项服务只能评价一次。"))
    rating = Rating(
        center=matter.center,
        kind=matter.kind,
        matter_id=matter.matter_id,
        step=matter.step,
        ref=matter.ref,
        window=matter.window,
        staff=matter.staff,
        item_name=matter.item_name[:200],
        level=level,
        reasons=reasons,
        comment=comment or "",
        channel=channel,
        matter_at=matter.finished_at,
        rated_at=now,
    )
    due = _revisit_due(matter.center, level)
    try:
        with transaction.atomic():
            audit.record(
                actor=actor or CITIZEN,
                action="rating.give",
                obj=rating,
                center=matter.center,
                insert=True,
                after={"ref": rating.ref, "step": rating.step, "level": level, "channel": channel},
                last=not due,  # on PostgreSQL one message, BEGIN and COMMIT included
            )
            revisit = _revisit_for(rating, now) if due else None
    except IntegrityError:
        # the same matter rated at the same moment elsewhere: the constraint kept one
        raise Conflict("already_rated", gettext("这项服务已经评价过了，每项服务只能评价一次。")) from None
    rating.revisit_id = revisit.pk if revisit is not None else None
    return rating


def rate(*, actor=None, token: str, level: int, reasons=None, comment: str = "", channel: str) -> Rating:
    """EVA-1/EVA-2: the citizen's rating of one finished matter; the token is the right to rate it.
    One rating per matter (409 for a second); a bad one puts a revisit on the list at once."""
    if channel not in (Rating.Channel.DEVICE, Rating.Channel.SMS, Rating.Channel.QR):
        raise Invalid("invalid_channel", gettext("评价渠道应为 device、sms 或 qr。"))
    reasons = _check_answer(level, reasons, comment)
    kind, matter_id, step = parse_token(token)
    matter = matter_of(kind, matter_id, step)
    if matter.finished_at is None:
        raise Invalid("matter_not_finished", gettext("这项服务尚未办结，办结后才能评价。"))
    now = clock.now()
    if now > rules.rateable_until(matter.finished_at, rating_days()):
        raise Conflict(
            "rating_closed", gettext("办结已超过 %(days)s 天，不能再评价。") % {"days": rating_days()}
        )
    return _save_rating(
        matter, actor=actor, level=level, reasons=reasons, comment=comment, channel=channel, now=now
    )


def invite_by_sms(matter: Matter, link: str) -> None:
    """EVA-2: the SMS link after a case step, through the cases' sender (inside the caller's transaction)."""
    from servicehall.cases import rules as case_rules
    from servicehall.cases import sms

    if not case_rules.is_mobile(matter.phone):  # a landline gets no SMS (CAS-7)
        return

    text = gettext("您在%(center)s办理的「%(item)s」已%(step)s，请评价：%(link)s") % {
        "center": matter.center.name,
        "item": matter.item_name[:30],
        "step": pgettext("sms step", _STEP_WORDS.get(matter.step, "办结")),
        "link": link,
    }
    sms.send(phone=matter.phone, text=text[:500], reference=matter.ref)


_STEP_WORDS = {
    # translated with the context "sms step": the word inside the sentence, not a button
    "accepted": "受理",
    "completed": "办结",
    "returned": "处理",
}


def rating_mark_malicious(*, actor, rating: Rating, reason: str, approver: Staff) -> Rating:
    """恶意差评: marked with the reason and the approving leader; stays visible, leaves the rate,
    and its revisit, if not yet done, leaves the revisits due (it is not revisited)."""
    access.require(actor, rating.center, *MALICIOUS_MARKERS)
    if not (reason or "").strip():
        raise Invalid("reason_required", gettext("请写明认定为恶意差评的理由。"))
    if rating.level < rules.BAD_FROM:
        raise Invalid("not_a_bad_rating", gettext("只有“不满意”和“非常不满意”的评价可以认定为恶意差评。"))
    if approver.center_id != rating.center_id or not access.has_role(approver.user, rating.center, *LEADERS):
        raise Invalid("not_a_leader", gettext("批准人须为本中心的领导。"))
    with transaction.atomic():
        rating = Rating.objects.select_for_update().get(pk=rating.pk)
        if rating.malicious:
            raise Conflict("already_malicious", gettext("这条评价已认定为恶意差评。"))
        justified = Revisit.objects.filter(rating=rating, justified=True).exists()
        if justified:
            raise Conflict("rating_justified", gettext("回访已核实这条差评属实，不能认定为恶意差评。"))
        rating.malicious = True
        rating.malicious_reason = reason.strip()
        rating.malicious_approver = approver
        rating.malicious_by = actor if getattr(actor, "pk", None) else None
        rating.malicious_at = clock.now()
        rating.save(
            update_fields=[
                "malicious",
                "malicious_reason",
                "malicious_approver",
                "malicious_by",
                "malicious_at",
            ]
        )
        audit.record(
            actor=actor,
            action="rating.malicious",
            obj=rating,
            center=rating.center,
            after={"reason": rating.malicious_reason, "approver": approver.name},
        )
    return rating


# --- hotline orders ------------------------------------------------------------------------------------


def hotline_create(
    *,
    actor,
    center: Center,
    hotline: str,
    reference: str,
    content: str,
    handler: Staff,
    caller_name: str = "",
    caller_phone: str = "",
    received_at: dt.datetime | None = None,
) -> HotlineOrder:
    access.require(actor, center, *HOTLINE_STAFF)
    if hotline not in HotlineOrder.Hotline.values:
        raise Invalid("invalid_hotline", gettext("热线应为 12345 或 12348。"))
    if not (reference or "").strip() or not (content or "").strip():
        raise Invalid("invalid_input", gettext("工单编号和诉求内容不能为空。"))
    if handler.center_id != center.pk:
        raise Invalid("staff_of_other_center", gettext("承办人须为本中心的工作人员。"))
    now = clock.now()
    if received_at is not None and received_at > now:
        raise Invalid("received_in_future", gettext("接收时间不能晚于现在。"))
    order = HotlineOrder(
        center=center,
        hotline=hotline,
        reference=reference.strip(),
        content=content.strip(),
        caller_name=caller_name.strip(),
        caller_phone=caller_phone.strip(),
        handler=handler,
        received_at=received_at or now,
    )
    limits.check(
        HotlineOrder, {f: getattr(order, f) for f in ("reference", "content", "caller_name", "caller_phone")}
    )
    with transaction.atomic():
        if HotlineOrder.objects.filter(center=center, reference=order.reference).exists():
            raise Conflict("hotline_reference_taken", gettext("这个工单编号已经登记过了。"))
        audit.record(
            actor=actor,
            action="hotline.create",
            obj=order,
            center=center,
            insert=True,
            after={"reference": order.reference, "hotline": hotline},
        )
    return order


def hotline_complete(
    *, actor, order: HotlineOrder, result: str, level: int | None = None, reasons=None, comment: str = ""
) -> tuple[HotlineOrder, Rating | None]:
    """EVA-2: the order is completed and, when the caller answers, rated with the caller's level
    (an order the caller did not rate stays unrated)."""
    access.require(actor, order.center, *HOTLINE_STAFF)
    if not (result or "").strip():
        raise Invalid("result_required", gettext("请填写办理结果。"))
    if level is not None:
        reasons = _check_answer(level, reasons, comment)
    elif reasons or comment:
        raise Invalid("level_required", gettext("有评价原因或意见时须选择评价等级。"))
    with transaction.atomic():
        order = (
            HotlineOrder.objects.select_for_update(of=("self",))
            .select_related("center__policy", "handler")
            .get(pk=order.pk)
        )
        if order.completed_at is not None:
            raise Conflict("hotline_completed", gettext("这个工单已经办结。"))
        now = clock.now()
        order.completed_at, order.result = now, result.strip()
        order.save(update_fields=["completed_at", "result"])
        audit.record(
            actor=actor,
            action="hotline.complete",
            obj=order,
            center=order.center,
            after={"reference": order.reference, "rated": level is not None},
        )
        rating = None
        if level is not None:
            matter = Matter(
                kind=Rating.Kind.HOTLINE,
                matter_id=order.pk,
                step="",
                ref=order.reference,
                center=order.center,
                window=None,
                staff=order.handler,
                item_name=f"{order.hotline} 热线工单",
                finished_at=now,
            )
            rating = _save_rating(
                matter,
                actor=actor,
                level=level,
                reasons=reasons,
                comment=comment,
                channel=Rating.Channel.HOTLINE,
                now=now,
            )
    return order, rating


def hotline_sample_draw(*, actor, center: Center, period: str, seed: int | None = None) -> HotlineSample:
    """EVA-4: at least the policy's share of the month's completed hotline orders, drawn at random
    with a recorded seed; each sampled order gets a revisit. Drawn once per month; a month with no
    completed order is not drawn (409 ``nothing_to_sample``: nothing is recorded)."""
    access.require(actor, center, *REVISITORS)
    try:
        start, end = rules.month_bounds(period)
    except ValueError as exc:
        raise Invalid("invalid_period", gettext("月份无效：%(error)s。") % {"error": exc}) from None
    now = clock.now()
    if clock.local(now).date() < end:
        raise Invalid("month_not_over", gettext("只能抽取已结束月份的工单。"))
    percent = center.policy.hotline_sample_percent
    seed = secrets.randbits(48) if seed is None else seed
    begin = dt.datetime.combine(start, dt.time(), tzinfo=clock.TZ)
    finish = dt.datetime.combine(end, dt.time(), tzinfo=clock.TZ)
    with transaction.atomic():
        if HotlineSample.objects.filter(center=center, month=start).exists():
            raise Conflict("sample_drawn", gettext("这个月份已经抽取过了（抽样可按记录的随机种子复核）。"))
        population = sorted(
            HotlineOrder.objects.filter(
                center=center, completed_at__gte=begin, completed_at__lt=finish, voided_at__isnull=True
            ).values_list("pk", flat=True)
        )
        if not population:  # nothing to draw from: no sample, no seed, nothing on the revisit list
            raise Conflict(
                "nothing_to_sample",
                gettext("%(period)s 没有办结的热线工单，没有可抽样的工单，未作抽样。") % {"period": period},
            )
        chosen = rules.draw_sample(population, percent, seed)
        sample = HotlineSample(
            center=center,
            month=start,
            seed=seed,
            percent=percent,
            population=population,
            chosen=chosen,
            drawn_at=now,
            drawn_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            actor=actor,
            action="hotline.sample",
            obj=sample,
            center=center,
            insert=True,
            after={"month": period, "seed": seed, "population": len(population), "chosen": chosen},
        )
        orders = HotlineOrder.objects.in_bulk(chosen)
        already = set(
            Revisit.objects.filter(hotline_order_id__in=chosen).values_list("hotline_order_id", flat=True)
        )
        for pk in chosen:
            if pk in already:  # sampled before (a month drawn again): one revisit is enough
                continue
            order = orders[pk]
            revisit = Revisit(
                center=center,
                reason=Revisit.Reason.SAMPLE,
                hotline_order=order,
                subject=f"{order.hotline} 工单 {order.reference}",
                note=order.content[:200],
                created_at=now,
                due_at=now + dt.timedelta(days=rules.REVISIT_DAYS),
            )
            audit.record(
                actor=actor,
                action="revisit.due",
                obj=revisit,
                center=center,
                insert=True,
                after={"reason": revisit.reason, "hotline_order": pk},
            )
    return sample


def sample_reproduces(sample: HotlineSample) -> bool:
    """A second draw with the recorded seed over the recorded orders gives the recorded sample."""
    return rules.draw_sample(list(sample.population), sample.percent, sample.seed) == list(sample.chosen)


# --- revisits ----------------------------------------------------------------------------------------


def revisit_for_major_case(*, actor, case, note: str = "") -> Revisit:
    """EVA-3: a case of major impact (有重大影响案件): its party is revisited, at once on the list."""
    access.require(actor, case.center, Role.DIRECTOR, *LEADERS, Role.DEPARTMENT_HEAD)
    now = clock.now()
    with transaction.atomic():
        if Revisit.objects.filter(case=case).exists():
            raise Conflict("revisit_exists", gettext("这个办件已经列入回访。"))
        revisit = Revisit(
            center=case.center,
            reason=Revisit.Reason.MAJOR_CASE,
            case=case,
            subject=f"办件 {case.number} {case.applicant_name}",
            note=(note or "").strip(),
            created_at=now,
            due_at=now + dt.timedelta(days=rules.REVISIT_DAYS),
        )
        limits.check(Revisit, {"note": revisit.note})
        audit.record(
            actor=actor,
            action="revisit.due",
            obj=revisit,
            center=case.center,
            insert=True,
            after={"reason": revisit.reason, "case": case.number},
        )
    return revisit


def revisit_record(
    *,
    actor,
    revisit: Revisit,
    way: str,
    progress: str,
    opinion: str,
    suggestions: str,
    justified: bool | None = None,
    rectification: str = "",
    rectified_on: dt.date | None = None,
) -> Revisit:
    """EVA-5: the revisit's way, the matter's progress and result, the view of the staff, the
    suggestions; for a bad rating the verification (justified or not) and the rectification."""
    access.require(actor, revisit.center, *REVISITORS)
    if way not in Revisit.Way.values:
        raise Invalid("invalid_way", gettext("回访方式应为上门走访、当面约谈、电话征询或召开座谈会。"))
    if not (progress or "").strip():
        raise Invalid("progress_required", gettext("请填写办理进度及结果。"))
    bad = revisit.reason == Revisit.Reason.BAD_RATING
    if bad and justified is None:
        raise Invalid("justified_required", gettext("差评回访须写明核实结果（属实或不属实）。"))
    if not bad and justified is not None:
        raise Invalid("justified_for_bad_rating_only", gettext("只有差评回访需要核实是否属实。"))
    if justified and not (rectification or "").strip():
        raise Invalid("rectification_required", gettext("差评属实的，须写明整改情况。"))
    today = clock.today()
    if rectified_on is not None and rectified_on > today:
        raise Invalid("date_in_future", gettext("整改日期不能晚于今天。"))
    with transaction.atomic():
        revisit = Revisit.objects.select_for_update().select_related("center").get(pk=revisit.pk)
        if revisit.done_at is not None:
            raise Conflict("revisit_done", gettext("这次回访已经记录过了。"))
        # a rating confirmed 恶意差评 is not revisited (read under lock: marking locks it too, so
        # a rating is never both malicious and found justified)
        if revisit.rating_id and Rating.objects.select_for_update().get(pk=revisit.rating_id).malicious:
            raise Conflict("rating_malicious", gettext("这条评价已认定为恶意差评，不再回访。"))
        before = audit.snapshot(revisit, ["way", "progress", "justified"])
        revisit.way, revisit.progress, revisit.opinion = way, progress.strip(), (opinion or "").strip()
        revisit.suggestions, revisit.justified = (suggestions or "").strip(), justified
        revisit.rectification = (rectification or "").strip()
        revisit.rectified_on = rectified_on or (today if justified else None)
        revisit.done_at, revisit.done_by = clock.now(), actor if getattr(actor, "pk", None) else None
        revisit.save()
        audit.record(
            actor=actor,
            action="revisit.record",
            obj=revisit,
            center=revisit.center,
            before=before,
            after={"way": way, "justified": justified, "progress": revisit.progress},
        )
    return revisit


# --- rating devices -----------------------------------------------------------------------------------


def device_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_register(
    *, actor, window: Window, name: str, address: str | None = None
) -> tuple[RatingDevice, str]:
    """A rating device for ``window``; its token is returned once (only a hash is kept)."""
    access.require(actor, window.center, Role.SYSADMIN, Role.DIRECTOR)
    if not (name or "").strip():
        raise Invalid("name_required", gettext("请填写设备名称。"))
    token = secrets.token_urlsafe(24)
    device = RatingDevice(
        center=window.center,
        window=window,
        name=name.strip(),
        token_hash=device_digest(token),
        address=address or None,
        created_at=clock.now(),
    )
    limits.check(RatingDevice, {"name": device.name})
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="rating_device.register",
            obj=device,
            center=window.center,
            insert=True,
            after={"window": window.number, "name": device.name, "address": address or ""},
        )
    return device, token


# --- democratic appraisal ----------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_CODES = 2000
COMMENT_LIMIT = AppraisalComment._meta.get_field("text").max_length  # a questionnaire's comment


def code_digest(code: str) -> str:
    return hashlib.sha256(("questionnaire:" + code.strip().upper()).encode()).hexdigest()


def appraisal_create(*, actor, center: Center, title: str, period: str) -> Appraisal:
    access.require(actor, center, Role.DIRECTOR, *LEADERS)
    if not (title or "").strip():
        raise Invalid("title_required", gettext("请填写评议名称。"))
    if not (len(period) == 4 and period.isdigit()):
        try:
            rules.month_bounds(period)
        except ValueError:
            raise Invalid("invalid_period", gettext("期间应为 YYYY-MM（月）或 YYYY（年）。")) from None
    appraisal = Appraisal(center=center, title=title.strip(), period=period, created_at=clock.now())
    limits.check(Appraisal, {"title": appraisal.title})
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="appraisal.create",
            obj=appraisal,
            center=center,
            insert=True,
            after={"title": appraisal.title, "period": period},
        )
    return appraisal


def _open(appraisal: Appraisal) -> None:
    """Refuse once published (read again under lock: the caller's copy may be older)."""
    rows = Appraisal.objects.filter(pk=appraisal.pk)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    published = rows.values_list("published_at", flat=True).first()
    if published is not None:
        raise Conflict("appraisal_published", gettext("评议结果已公布，不能再评议。"))


def codes_issue(*, actor, appraisal: Appraisal, count: int) -> list[str]:
    """One-use questionnaire codes, shown once to be printed and handed out. Only their hashes are
    kept; nobody's name, phone or the time a code is handed out is ever recorded."""
    access.require(actor, appraisal.center, Role.DIRECTOR, *LEADERS)
    _open(appraisal)
    if not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise Invalid("invalid_count", gettext("问卷码数量应为 1 至 %(max)s。") % {"max": MAX_CODES})
    codes = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in range(count)]
    with transaction.atomic():
        QuestionnaireCode.objects.bulk_create(
            [QuestionnaireCode(appraisal=appraisal, code_hash=code_digest(c)) for c in codes]
        )
        audit.record(
            actor=actor,
            action="appraisal.codes",
            obj=appraisal,
            center=appraisal.center,
            after={"count": count},
        )
    return codes


def _subjects(appraisal: Appraisal, answers: list[dict]) -> list[tuple[Window, Staff | None, int]]:
    if not answers:
        raise Invalid("answers_required", gettext("请至少评价一个窗口。"))
    windows = Window.objects.in_bulk([a["window"] for a in answers])
    staff_ids = [a["staff"] for a in answers if a.get("staff")]
    staff = Staff.objects.in_bulk(staff_ids)
    out, seen = [], set()
    for a in answers:
        window = windows.get(a["window"])
        if window is None or window.center_id != appraisal.center_id:
            raise Invalid("window_of_other_center", gettext("只能评议本中心的窗口。"))
        person = staff.get(a["staff"]) if a.get("staff") else None
        if a.get("staff") and (person is None or person.center_id != appraisal.center_id):
            raise Invalid("staff_of_other_center", gettext("只能评议本中心的工作人员。"))
        if not rules.level_valid(a.get("level")):
            raise Invalid("invalid_level", gettext("评价等级应为 1（非常满意）至 5（非常不满意）。"))
        key = (window.pk, person.pk if person else None)
        if key in seen:
            raise Invalid("duplicate_subject", gettext("同一窗口或人员只能评价一次。"))
        seen.add(key)
        out.append((window, person, a["level"]))
    return out


def questionnaire_answer(*, code: str, answers: list[dict], comment: str = "") -> int:
    """EVA-6: an anonymous questionnaire. The code is spent and the levels (and the comment, if
    any) are stored in the same transaction, but no row of either names the other; the audit
    event names neither the code nor its hash. A comment longer than the model keeps is refused
    (400 ``too_long``, field ``comment``), before the code is looked at, page and API alike."""
    digest = code_digest(code or "")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_LIMIT:
        raise Invalid(
            "too_long",
            gettext("意见和建议最多 %(limit)s 个字，现有 %(length)s 个。")
            % {"limit": COMMENT_LIMIT, "length": len(comment)},
            fields={"comment": "too_long"},
        )
    with transaction.atomic():
        row = (
            QuestionnaireCode.objects.select_for_update()
            .select_related("appraisal__center")
            .filter(code_hash=digest)
            .first()
        )
        if row is None:
            raise Forbidden(gettext("问卷码无效。"), code="code_invalid")
        if row.used:
            raise Conflict("code_used", gettext("这个问卷码已经用过了，每个问卷码只能答一次。"))
        appraisal = row.appraisal
        _open(appraisal)
        subjects = _subjects(appraisal, answers)
        QuestionnaireCode.objects.filter(pk=row.pk).update(used=True)
        AppraisalVote.objects.bulk_create(
            [
                AppraisalVote(
                    appraisal=appraisal,
                    source=AppraisalVote.Source.QUESTIONNAIRE,
                    window=w,
                    staff=s,
                    level=lv,
                )
                for w, s, lv in subjects
            ]
        )
        if comment:
            AppraisalComment.objects.create(appraisal=appraisal, text=comment)
        audit.record(
            actor=CITIZEN,
            action="appraisal.questionnaire",
            obj=appraisal,
            center=appraisal.center,
            after={"votes": len(subjects)},
        )
    return len(subjects)


def onsite_vote(*, actor, appraisal: Appraisal, answers: list[dict]) -> int:
    """EVA-6: on-site ratings (现场测评) entered by the center as given on the day."""
    access.require(actor, appraisal.center, Role.DIRECTOR, Role.DUTY_OFFICER, *LEADERS)
    _open(appraisal)
    subjects = _subjects(appraisal, answers)
    with transaction.atomic():
        AppraisalVote.objects.bulk_create(
            [
                AppraisalVote(
                    appraisal=appraisal, source=AppraisalVote.Source.ONSITE, window=w, staff=s, level=lv
                )
                for w, s, lv in subjects
            ]
        )
        audit.record(
            actor=actor,
            action="appraisal.onsite",
            obj=appraisal,
            center=appraisal.center,
            after={"votes": len(subjects)},
        )
    return len(subjects)


def peer_vote(*, actor, appraisal: Appraisal, rater: Window, answers: list[dict]) -> int:
    """EVA-6: a window rates the other windows (never itself), each once."""
    access.require(actor, appraisal.center, Role.WINDOW_STAFF, Role.DIRECTOR)
    _open(appraisal)
    if rater.center_id != appraisal.center_id:
        raise Invalid("window_of_other_center", gettext("只能以本中心的窗口参加互评。"))
    if actor is not None and not access.has_role(actor, appraisal.center, Role.DIRECTOR):
        if not posts_on(clock.today()).filter(staff__user=actor, window=rater).exists():
            raise Forbidden(gettext("只能代表本人所在的窗口参加互评。"), code="peer_not_your_window")
    subjects = _subjects(appraisal, answers)
    if any(w.pk == rater.pk for w, _s, _lv in subjects):
        raise Invalid("peer_self", gettext("窗口互评不能评价本窗口。"))
    with transaction.atomic():
        if AppraisalVote.objects.filter(
            appraisal=appraisal,
            source=AppraisalVote.Source.PEER,
            rater_window=rater,
            window__in=[w for w, _s, _lv in subjects],
        ).exists():
            raise Conflict("peer_already", gettext("本窗口已经评价过其中的窗口。"))
        try:
            with transaction.atomic():
                AppraisalVote.objects.bulk_create(
                    [
                        AppraisalVote(
                            appraisal=appraisal,
                            source=AppraisalVote.Source.PEER,
                            window=w,
                            staff=s,
                            level=lv,
                            rater_window=rater,
                        )
                        for w, s, lv in subjects
                    ]
                )
        except IntegrityError:
            raise Conflict("peer_already", gettext("本窗口已经评价过其中的窗口。")) from None
        audit.record(
            actor=actor,
            action="appraisal.peer",
            obj=appraisal,
            center=appraisal.center,
            after={"rater": rater.number, "votes": len(subjects)},
        )
    return len(subjects)


def appraisal_publish(*, actor, appraisal: Appraisal) -> Appraisal:
    access.require(actor, appraisal.center, Role.DIRECTOR)
    with transaction.atomic():
        appraisal = Appraisal.objects.select_for_update().select_related("center").get(pk=appraisal.pk)
        _open(appraisal)
        appraisal.published_at = clock.now()
        appraisal.published_by = actor if getattr(actor, "pk", None) else None
        appraisal.save(update_fields=["published_at", "published_by"])
        audit.record(
            actor=actor,
            action="appraisal.publish",
            obj=appraisal,
            center=appraisal.center,
            after={"title": appraisal.title},
        )
    return appraisal
