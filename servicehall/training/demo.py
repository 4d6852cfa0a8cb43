"""The demo halls' study year (TRN-1 … TRN-3): a centralised session each month so far at every
hall, the county's business training in September, and one unexcused absence in Shexi."""

import datetime as dt
from decimal import Decimal

from servicehall.core import clock
from servicehall.org.models import Center, Staff
from servicehall.training import rules, services
from servicehall.training.models import Attendance, Session

HALLS = ["jinjiang", "shexi", "xishan", "county", "kaiyuan"]
TOPICS = [
    ("politics", "政治理论集中学习"),
    ("law", "法律法规学习"),
    ("business", "业务知识培训"),
    ("licensing", "行政许可与办公系统操作"),
    ("etiquette", "文明礼仪培训"),
]


def load() -> bool:
    centers = {c.code: c for c in Center.objects.filter(code__in=HALLS)}
    if len(centers) < len(HALLS) or Session.objects.filter(center__in=centers.values()).exists():
        return False
    now = clock.now()
    for code, center in centers.items():
        if code == "county":
            continue
        for month in range(1, clock.today().month):
            subject, topic = TOPICS[month % len(TOPICS)]
            _held(
                center,
                rules.CENTRALISED,
                subject,
                f"{month}月{topic}",
                dt.datetime(now.year, month, 15, 15, 0, tzinfo=clock.TZ),
                Decimal(2),
                "中心会议室",
            )
    county_day = dt.datetime(now.year, 9, 10, 9, 0, tzinfo=clock.TZ)
    if county_day < now:  # the county's business training of the year (002 十(二))
        _held(
            centers["county"],
            rules.COUNTY,
            "business",
            "全县便民服务业务集中培训",
            county_day,
            Decimal(6),
            "县政务服务中心",
        )
    # One unexcused absence (TRN-3) at Shexi's last session, for the assessment to score.
    absent = (
        Staff.objects.filter(center=centers["shexi"], active=True)
        .select_related("user")
        .order_by("pk")
        .last()
    )
    last = Session.objects.filter(center=centers["shexi"]).order_by("starts_at").last()
    if absent is not None and last is not None:
        services.attendance_record(actor=None, session=last, username=absent.user.username, present=False)
    return True


def _held(center, kind, subject, topic, starts_at, hours, place) -> None:
    session = services.session_create(
        actor=None,
        center=center,
        kind=kind,
        subject=subject,
        topic=topic,
        starts_at=starts_at,
        hours=hours,
        place=place,
    )
    for username in Attendance.objects.filter(session=session).values_list("staff__username", flat=True):
        services.attendance_record(actor=None, session=session, username=username, present=True)
