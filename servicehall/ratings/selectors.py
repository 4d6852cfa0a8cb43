"""Reads shared by the pages and the API: the device's matter, satisfaction, revisits, appraisal results."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from servicehall.core import clock
from servicehall.core.errors import NotFound
from servicehall.core.facts import Evidence, Fact
from servicehall.core.roles import LEADERS, Role
from servicehall.core.satisfaction import Satisfaction
from servicehall.core.todo import TodoItem, urgency_of
from servicehall.org import access
from servicehall.org.models import Center, RoleAssignment, Staff, Window
from servicehall.org.selectors import posts_on, windows_with_holders
from servicehall.ratings import rules, services
from servicehall.ratings.models import (
    Appraisal,
    AppraisalComment,
    AppraisalVote,
    HotlineOrder,
    HotlineSample,
    QuestionnaireCode,
    Rating,
    Revisit,
)

SHOW_MINUTES = 30  # a device shows a matter finished this recently (then the next one, or idle)


# --- the rating device --------------------------------------------------------------------------------


def _day_start(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(clock.local(now).date(), dt.time(), tzinfo=clock.TZ)


def latest_matter(window: Window, now: dt.datetime | None = None) -> services.Matter | None:
    """The window's most recently finished matter today (a ticket finished, a case accepted,
    completed or handed back), derived from the tickets and cases as they are — nothing is
    written when a matter finishes. None when it is rated already or older than SHOW_MINUTES."""
    from servicehall.cases import rules as case_rules
    from servicehall.cases.models import Case
    from servicehall.tickets.models import Ticket

    now = now or clock.now()
    since = max(_day_start(now), now - dt.timedelta(minutes=SHOW_MINUTES))
    candidates: list[tuple[dt.datetime, services.Matter]] = []
    ticket = (
        Ticket.objects.filter(
            center_id=window.center_id,
            day=clock.local(now).date(),
            status=Ticket.Status.DONE,
            window_id=window.pk,
            finished_at__gte=since,
        )
        .select_related("line", "center", "window", "served_by")
        .order_by("-finished_at", "-id")
        .first()
    )
    if ticket is not None:
        candidates.append((ticket.finished_at, services.ticket_matter(ticket)))
    cases = (
        Case.objects.filter(window_id=window.pk)
        .filter(Q(accepted_at__gte=since) | Q(finished_at__gte=since))
        .select_related("center", "window", "officer", "handler", "item_version")
        .order_by("-id")[:5]
    )
    for case in cases:
        steps = []
        if case.accepted_at and case.accepted_at >= since:
            steps.append("accepted")
        if case.finished_at and case.finished_at >= since:
            if case.status == case_rules.COMPLETED:
                steps.append("completed")
            elif case.status in (case_rules.REFUSED, case_rules.DENIED):
                steps.append("returned")
        for step in steps:
            matter = services.case_matter(case, step)
            candidates.append((matter.finished_at, matter))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1].kind == "ticket"))
    matter = candidates[-1][1]
    if Rating.objects.filter(kind=matter.kind, matter_id=matter.matter_id, step=matter.step).exists():
        return None
    return matter


def matter_out(matter: services.Matter | None) -> dict:
    if matter is None:
        return {"matter": None, "token": None}
    staff = matter.staff
    return {
        "matter": {
            "kind": matter.kind,
            "ref": matter.ref,
            "step": matter.step,
            "item": matter.item_name,
            "window": f"{matter.window.number}号窗口 {matter.window.name}" if matter.window else "",
            "staff": staff.name if staff else "",
            "badge": staff.badge_number if staff else "",
            "photo": staff.photo.url if staff and staff.photo else "",
            "finished_at": matter.finished_at.isoformat() if matter.finished_at else None,
        },
        "token": matter.token,
    }


# --- satisfaction ----------------------------------------------------------------------------------


def center_ids_below(center: Center) -> list[int]:
    """The center and every center below it."""
    ids, level = [center.pk], [center.pk]
    while level:
        level = list(Center.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids.extend(level)
    return ids


def month_range(period: str) -> tuple[dt.datetime, dt.datetime]:
    start, end = rules.month_bounds(period)
    return (
        dt.datetime.combine(start, dt.time(), tzinfo=clock.TZ),
        dt.datetime.combine(end, dt.time(), tzinfo=clock.TZ),
    )


COUNTED = Q(voided_at__isnull=True, malicious=False)


def grouped(center_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[tuple]:
    """One GROUP BY over the period's counted ratings: (staff, window, item, ratings, satisfied).
    An unrated matter has no row, so it counts in no rate; a malicious or void rating neither."""
    return list(
        Rating.objects.filter(COUNTED, center_id__in=center_ids, rated_at__gte=start, rated_at__lt=end)
        .values_list("staff_id", "window_id", "item_name")
        .annotate(n=Count("id"), sat=Count("id", filter=Q(level__lte=rules.SATISFIED_UP_TO)))
        .order_by()
    )


def satisfaction_table(center: Center, period: str) -> dict:
    """Per person, window, department (the person's) and item: ratings, satisfied, rate
    (rules.SATISFACTION_DEFINITION)."""
    start, end = month_range(period)
    rows = grouped(center_ids_below(center), start, end)
    persons: dict = defaultdict(lambda: [0, 0])
    windows: dict = defaultdict(lambda: [0, 0])
    items: dict = defaultdict(lambda: [0, 0])
    total = [0, 0]
    for staff_id, window_id, item, n, sat in rows:
        sat = int(sat or 0)
        for bucket, key in ((persons, staff_id), (windows, window_id), (items, item or "")):
            bucket[key][0] += n
            bucket[key][1] += sat
        total[0] += n
        total[1] += sat
    staff_names, department_of, department_names = {}, {}, {}
    for pk, name, dept_id, dept_name in Staff.objects.filter(pk__in=[k for k in persons if k]).values_list(
        "pk", "name", "department_id", "department__name"
    ):
        staff_names[pk], department_of[pk], department_names[dept_id] = name, dept_id, dept_name
    departments: dict = defaultdict(lambda: [0, 0])
    for staff_id, (n, sat) in persons.items():
        departments[department_of.get(staff_id)][0] += n
        departments[department_of.get(staff_id)][1] += sat
    window_names = {
        w.pk: f"{w.center.name} {w.number}{_('号窗口')} {w.name}"
        for w in Window.objects.filter(pk__in=[k for k in windows if k]).select_related("center")
    }

    def out(bucket, names=None, unnamed=None):
        result = []
        for key, (n, sat) in bucket.items():
            name = names.get(key, "") if names is not None else key
            result.append(
                {
                    "id": key,
                    "name": name or unnamed or _("（未指明）"),
                    "ratings": n,
                    "satisfied": sat,
                    "rate": rules.rate(n, sat),
                }
            )
        return sorted(result, key=lambda r: (-(r["rate"] or 0), -r["ratings"], str(r["name"])))

    return {
        "center": center.code,
        "period": period,
        "definition": rules.SATISFACTION_DEFINITION,
        "total": {"ratings": total[0], "satisfied": total[1], "rate": rules.rate(*total)},
        "persons": out(persons, staff_names),
        "windows": out(windows, window_names, _("（非窗口办理：热线工单等）")),
        "departments": out(departments, department_names),
        "items": [{**r, "id": None} for r in out(items)],
    }


def satisfaction(center_ids, start: dt.datetime, end: dt.datetime):
    """The "satisfaction" protocol: each rated person's ratings and satisfied ratings (by User id)."""
    ids = list(center_ids)
    if not ids:
        return []
    rows = (
        Rating.objects.filter(
            COUNTED, center_id__in=ids, rated_at__gte=start, rated_at__lt=end, staff__isnull=False
        )
        .values("staff__user_id")
        .annotate(n=Count("id"), sat=Count("id", filter=Q(level__lte=rules.SATISFIED_UP_TO)))
    )
    return [Satisfaction(r["staff__user_id"], r["n"], r["sat"]) for r in rows]


# --- revisits ----------------------------------------------------------------------------------------


def revisit_centers(user) -> list[int]:
    """The centers whose revisits wait on ``user`` (the revisit officer: complaint officer, or director)."""
    held = access.held_roles(user)
    return [cid for cid, roles in held.items() if roles & {Role.COMPLAINT_OFFICER, Role.DIRECTOR}]


# A revisit is due while it is neither recorded nor void, unless its rating was confirmed 恶意差评:
# a malicious bad rating is not revisited. Derived when read: marking a rating writes no revisit.
MALICIOUS = Q(rating__isnull=False, rating__malicious=True)
OPEN = Q(done_at__isnull=True, voided_at__isnull=True)
DUE = OPEN & ~MALICIOUS


def revisits(center: Center, status: str = "due"):
    """``due``: oldest first; ``done``: latest first; ``malicious``: not revisited, the rating
    confirmed 恶意差评 (latest confirmed first)."""
    qs = Revisit.objects.filter(center=center, voided_at__isnull=True).select_related(
        "rating__staff",
        "rating__window",
        "rating__malicious_approver",
        "hotline_order",
        "case",
        "done_by",
    )
    if status == "done":
        return qs.filter(done_at__isnull=False).order_by("-done_at", "-id")
    if status == "malicious":
        return qs.filter(OPEN & MALICIOUS).order_by("-rating__malicious_at", "-id")
    return qs.filter(DUE).order_by("due_at", "id")


def contacts(revisits) -> dict[int, tuple[str, str]]:
    """Whom to call back for each revisit: the hotline caller, the case's applicant, or the person
    who booked the ticket (a walk-in ticket leaves none). Four queries at most, whatever the rows."""
    from servicehall.cases.models import Case
    from servicehall.tickets.models import Ticket

    found: dict[int, tuple[str, str]] = {}
    by_kind: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for r in revisits:
        if r.hotline_order_id:
            found[r.pk] = (r.hotline_order.caller_name, r.hotline_order.caller_phone)
        elif r.case_id:
            found[r.pk] = (r.case.applicant_name, r.case.applicant_phone)
        elif r.rating_id:
            by_kind[r.rating.kind][r.rating.matter_id].append(r.pk)
    sources = {
        Rating.Kind.HOTLINE: HotlineOrder.objects.values_list("pk", "caller_name", "caller_phone"),
        Rating.Kind.CASE: Case.objects.values_list("pk", "applicant_name", "applicant_phone"),
        Rating.Kind.TICKET: Ticket.objects.filter(appointment__isnull=False).values_list(
            "pk", "appointment__name", "appointment__phone"
        ),
    }
    for kind, matters in by_kind.items():
        for pk, name, phone in sources[kind].filter(pk__in=list(matters)):
            for revisit_id in matters[pk]:
                found[revisit_id] = (name, phone)
    return found


def get_revisit(revisit_id: int) -> Revisit:
    revisit = Revisit.objects.select_related("center", "rating__staff").filter(pk=revisit_id).first()
    if revisit is None:
        raise NotFound(_("没有这条回访。"), code="revisit_not_found")
    return revisit


def todo_items(user, now: dt.datetime, limit: int) -> list[TodoItem]:
    """The "todo" protocol: revisits due in the centers where the person is the revisit officer."""
    centers = revisit_centers(user)
    if not centers:
        return []
    rows = (
        Revisit.objects.filter(DUE, center_id__in=centers)
        .select_related("center")
        .order_by("due_at", "id")[:limit]
    )
    return [
        TodoItem(
            kind="revisit",
            kind_name=_("回访"),
            title=f"{r.get_reason_display()}：{r.subject}",
            detail=r.note[:80],
            due=r.due_at,
            urgency=urgency_of(r.due_at, now),
            link=reverse("ratings:revisits", kwargs={"code": r.center.code}) + f"#revisit-{r.pk}",
            ref=str(r.pk),
        )
        for r in rows
    ]


def conduct_facts(center_ids, start: dt.datetime, end: dt.datetime):
    """The "facts" protocol: a bad rating found justified on revisit, against the clerk rated (a
    rating confirmed 恶意差评 never counts against anyone)."""
    rows = Revisit.objects.filter(
        center_id__in=list(center_ids),
        justified=True,
        done_at__gte=start,
        done_at__lt=end,
        voided_at__isnull=True,
        rating__isnull=False,
        rating__malicious=False,
    ).select_related("rating__staff")
    return [
        Fact(
            center_id=r.center_id,
            kind="bad_rating_justified",
            at=r.done_at,
            evidence=Evidence(
                kind="rating",
                ref=str(r.rating_id),
                url=reverse("ratings:revisits", kwargs={"code": _code(r.center_id)}) + f"#revisit-{r.pk}",
            ),
            staff_id=r.rating.staff.user_id if r.rating.staff_id else None,
            window_id=r.rating.window_id,
            note=f"{rules.LEVELS[r.rating.level]} {r.rating.ref}：{r.rectification[:100]}",
            source="ratings",
        )
        for r in rows
    ]


def _code(center_id: int) -> str:
    return Center.objects.values_list("code", flat=True).get(pk=center_id)


def revisit_summary(center: Center, period: str) -> dict:
    """EVA-5 (十二(八)): the month's revisits — due, done, the rate (must reach 100 %), the results."""
    start, end = month_range(period)
    rows = list(
        Revisit.objects.filter(
            center=center, created_at__gte=start, created_at__lt=end, voided_at__isnull=True
        )
        .select_related("rating__staff", "rating__window", "hotline_order", "case", "done_by")
        .order_by("created_at", "id")
    )
    for r in rows:  # a malicious bad rating not revisited: not due, its row says why
        r.not_revisited = not r.done_at and bool(r.rating_id and r.rating.malicious)
    due = [r for r in rows if not r.not_revisited]
    done = [r for r in rows if r.done_at]
    by_reason = {}
    for reason, label in Revisit.Reason.choices:
        mine = [r for r in due if r.reason == reason]
        by_reason[reason] = {
            "label": label,
            "due": len(mine),
            "done": sum(1 for r in mine if r.done_at),
            "rate": rules.rate(len(mine), sum(1 for r in mine if r.done_at)),
        }
    by_way = {label: sum(1 for r in done if r.way == way) for way, label in Revisit.Way.choices}
    return {
        "center": center,
        "period": period,
        "due": len(due),
        "done": len(done),
        "rate": rules.rate(len(due), len(done)),
        "justified": sum(1 for r in done if r.justified is True),
        "not_justified": sum(1 for r in done if r.justified is False),
        "malicious": sum(1 for r in rows if r.rating_id and r.rating.malicious),
        "by_reason": by_reason,
        "by_way": by_way,
        "rows": rows,
    }


def hotline_orders(center: Center, limit: int = 200):
    return HotlineOrder.objects.filter(center=center).select_related("handler")[:limit]


def hotline_rows(center: Center, limit: int = 200) -> list[HotlineOrder]:
    """The center's hotline orders, newest first, each with its rating (``rated``, None when the
    caller gave none) and the ids of its revisits (a bad rating's, the monthly sample's)."""
    orders = list(hotline_orders(center, limit))
    ids = [o.pk for o in orders]
    rated = {
        r.matter_id: r
        for r in Rating.objects.filter(kind=Rating.Kind.HOTLINE, matter_id__in=ids).select_related(
            "malicious_approver"
        )
    }
    revisit_ids: dict[int, list[int]] = defaultdict(list)
    for pk, order_id, matter_id in Revisit.objects.filter(
        Q(hotline_order_id__in=ids) | Q(rating__kind=Rating.Kind.HOTLINE, rating__matter_id__in=ids),
        voided_at__isnull=True,
    ).values_list("pk", "hotline_order_id", "rating__matter_id"):
        revisit_ids[order_id or matter_id].append(pk)
    for o in orders:
        o.rated = rated.get(o.pk)
        o.revisit_ids = sorted(revisit_ids[o.pk])
    return orders


def staff_of(center: Center) -> list[Staff]:
    """The center's own people at work: who may handle a hotline order."""
    return list(Staff.objects.filter(center=center, active=True).select_related("department").order_by("id"))


def leaders_of(center: Center) -> list[Staff]:
    """The center's own people who hold a leader's role over it: who may approve a 恶意差评."""
    users = RoleAssignment.objects.filter(
        center_id__in=access.ancestors_and_self(center), role__in=LEADERS
    ).values("user_id")
    return list(Staff.objects.filter(center=center, active=True, user_id__in=users).order_by("id"))


def hotline_samples(center: Center, limit: int = 24) -> list[HotlineSample]:
    return list(
        HotlineSample.objects.filter(center=center).select_related("drawn_by").order_by("-month")[:limit]
    )


def sampled_orders(sample: HotlineSample) -> list[HotlineOrder]:
    """The orders a sample chose, each with its revisit (``sample_revisit``, None if voided)."""
    orders = list(HotlineOrder.objects.filter(pk__in=sample.chosen).select_related("handler").order_by("pk"))
    revisits = {
        r.hotline_order_id: r
        for r in Revisit.objects.filter(hotline_order_id__in=sample.chosen, voided_at__isnull=True)
    }
    for o in orders:
        o.sample_revisit = revisits.get(o.pk)
    return orders


# --- appraisal ---------------------------------------------------------------------------------------


def get_appraisal(appraisal_id: int) -> Appraisal:
    appraisal = (
        Appraisal.objects.select_related("center").filter(pk=appraisal_id, voided_at__isnull=True).first()
    )
    if appraisal is None:
        raise NotFound(_("没有这次评议。"), code="appraisal_not_found")
    return appraisal


def appraisal_results(appraisal: Appraisal) -> dict:
    """Per window and per person, per way (questionnaire, on-site, peer): votes, satisfied, rate."""
    rows = (
        AppraisalVote.objects.filter(appraisal=appraisal)
        .values("window_id", "staff_id", "source")
        .annotate(n=Count("id"), sat=Count("id", filter=Q(level__lte=rules.SATISFIED_UP_TO)))
    )
    windows: dict = {}
    persons: dict = {}
    for r in rows:
        for bucket, key in ((windows, r["window_id"]), (persons, r["staff_id"])):
            if key is None:
                continue
            entry = bucket.setdefault(key, {"votes": 0, "satisfied": 0, "by_source": {}})
            entry["votes"] += r["n"]
            entry["satisfied"] += r["sat"]
            src = entry["by_source"].setdefault(r["source"], {"votes": 0, "satisfied": 0})
            src["votes"] += r["n"]
            src["satisfied"] += r["sat"]
    names_w = {w.pk: str(w) for w in Window.objects.filter(pk__in=windows)}
    names_p = dict(Staff.objects.filter(pk__in=persons).values_list("pk", "name"))

    def out(bucket, names):
        result = []
        for key, e in bucket.items():
            result.append(
                {
                    "id": key,
                    "name": names.get(key, ""),
                    "votes": e["votes"],
                    "satisfied": e["satisfied"],
                    "rate": rules.rate(e["votes"], e["satisfied"]),
                    "by_source": {
                        s: {**v, "rate": rules.rate(v["votes"], v["satisfied"])}
                        for s, v in e["by_source"].items()
                    },
                }
            )
        return sorted(result, key=lambda r: (-(r["rate"] or 0), -r["votes"], r["name"]))

    return {
        "id": appraisal.pk,
        "title": appraisal.title,
        "period": appraisal.period,
        "published_at": appraisal.published_at.isoformat() if appraisal.published_at else None,
        "windows": out(windows, names_w),
        "persons": out(persons, names_p),
    }


def published_appraisals(center: Center):
    return Appraisal.objects.filter(
        center=center, published_at__isnull=False, voided_at__isnull=True
    ).order_by("-published_at")


def appraisals(center: Center):
    return Appraisal.objects.filter(center=center, voided_at__isnull=True).order_by("-created_at", "-id")


def open_appraisals(center: Center):
    return appraisals(center).filter(published_at__isnull=True)


def appraisal_states(center: Center) -> dict:
    """How many of the center's appraisals are open and how many published (one query)."""
    return appraisals(center).aggregate(
        open=Count("id", filter=Q(published_at__isnull=True)),
        published=Count("id", filter=Q(published_at__isnull=False)),
    )


def code_counts(appraisal: Appraisal) -> dict:
    """How many questionnaire codes were issued and how many answered (counts only)."""
    return QuestionnaireCode.objects.filter(appraisal=appraisal).aggregate(
        issued=Count("id"), used=Count("id", filter=Q(used=True))
    )


def appraisal_comments(appraisal: Appraisal) -> list[str]:
    """The questionnaires' comments, in no meaningful order (alphabetical, not as answered)."""
    return sorted(AppraisalComment.objects.filter(appraisal=appraisal).values_list("text", flat=True))


def subjects(center: Center, leave_out: Window | None = None) -> list[dict]:
    """What an appraisal form rates: each window, and under it the people holding its posts today."""
    out = []
    for w in windows_with_holders(center, clock.today()):
        if leave_out is not None and w.pk == leave_out.pk:
            continue
        people = [p for p in (w.holder_a, w.holder_b) if p is not None]
        out.append(
            {
                "window": w,
                "key": f"w{w.pk}",
                "people": [{"staff": p, "key": f"p{w.pk}-{p.pk}"} for p in people],
            }
        )
    return out


def windows_of(user, center: Center) -> list[Window]:
    """The windows of ``center`` whose post ``user`` holds today (whom a clerk rates for)."""
    return list(
        Window.objects.filter(
            center=center, pk__in=posts_on(clock.today()).filter(staff__user=user).values("window_id")
        ).order_by("number")
    )


def peer_rated(appraisal: Appraisal, rater: Window) -> set[int]:
    """The windows ``rater`` has already rated in this appraisal."""
    return set(
        AppraisalVote.objects.filter(
            appraisal=appraisal, source=AppraisalVote.Source.PEER, rater_window=rater
        ).values_list("window_id", flat=True)
    )
