"""Ratings in the five demo halls: a rating device at every window (allowed from the loopback
address, as the demo runs on one machine), a few hotline orders (one rated 不满意, so a revisit
waits), a published democratic appraisal with on-site and peer ratings, and this month's, open."""

import datetime as dt

from django.db import transaction

from servicehall.core import clock
from servicehall.core.roles import Role
from servicehall.org.models import Center, RoleAssignment, Staff, Window
from servicehall.ratings import services
from servicehall.ratings.models import RatingDevice

HALLS = ("kaiyuan", "jinjiang", "shexi", "xishan", "county")
ORDERS = [
    ("12348", "咨询赡养纠纷如何申请人民调解", 1, "已告知调解申请流程并预约调解员"),
    ("12345", "反映社区路灯损坏，夜间出行不便", 4, "已转城管维修，三日内修复"),
    ("12345", "咨询城乡居民医保缴费时间", None, ""),
]


def _load_center(center: Center) -> None:
    windows = list(Window.objects.filter(center=center).order_by("number"))
    if not windows:
        return
    for window in windows:
        device, _token = services.device_register(
            actor=None, window=window, name=f"{window.number}号窗口评价器"
        )
        RatingDevice.objects.filter(pk=device.pk).update(address="127.0.0.1")
    staff = list(Staff.objects.filter(center=center, active=True).order_by("id")[:3])
    if not staff:
        return
    now = clock.now()
    for n, (hotline, content, level, result) in enumerate(ORDERS, start=1):
        order = services.hotline_create(
            actor=None,
            center=center,
            hotline=hotline,
            reference=f"{hotline}-{center.code}-{now:%Y%m}-{n:03d}",
            content=content,
            handler=staff[n % len(staff)],
            caller_name="演示来电人",
            received_at=now - dt.timedelta(hours=6 - n),
        )
        if result:
            services.hotline_complete(actor=None, order=order, result=result, level=level)
    appraisal = services.appraisal_create(
        actor=None, center=center, title=f"{now:%Y}年度窗口民主评议", period=f"{now:%Y}"
    )
    votes = [{"window": w.pk, "level": 1 + (i % 3)} for i, w in enumerate(windows[:6])]
    services.onsite_vote(actor=None, appraisal=appraisal, answers=votes)
    if len(windows) > 1:
        for rater in windows[:3]:
            others = [{"window": w.pk, "level": 1 + (w.number % 2)} for w in windows[:6] if w.pk != rater.pk]
            services.peer_vote(actor=None, appraisal=appraisal, rater=rater, answers=others)
    services.appraisal_publish(actor=None, appraisal=appraisal)
    # and this month's, still open: the public page links its questionnaire, clerks rate their peers
    services.appraisal_create(
        actor=None, center=center, title=f"{now:%Y}年{now.month}月窗口民主评议", period=f"{now:%Y-%m}"
    )


def load() -> bool:
    """Idempotent: a hall that has rating devices already is kept."""
    created = False
    with transaction.atomic():
        for code in HALLS:
            center = Center.objects.filter(code=code).select_related("policy").first()
            if center is None or RatingDevice.objects.filter(center=center).exists():
                continue
            _load_center(center)
            created = True
    return created


def revisit_officers() -> list[str]:
    """The demo's revisit officers (complaint officers), for the docs and tests."""
    return list(
        RoleAssignment.objects.filter(role=Role.COMPLAINT_OFFICER).values_list("user__username", flat=True)
    )
