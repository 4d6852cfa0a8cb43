"""The duty app's part of the demo halls: a month of clock-ins at every hall, leave at Kaiyuan
(one approved with a confirmed substitute, one waiting on the deputy leader)."""

import datetime as dt
import random

from django.db import transaction

from servicehall.core import clock
from servicehall.duty import services
from servicehall.duty.models import ClockImport, ClockIn, Leave
from servicehall.org.models import Center, Post
from servicehall.workdays import selectors as workdays

HALLS = ("kaiyuan", "jinjiang", "shexi", "xishan", "county")


def _punches(center: Center, first: dt.date, last: dt.date) -> list[ClockIn]:
    """Four punches a working day for every window post holder; now and then a few minutes late."""
    rng = random.Random(center.code)
    cal = workdays.calendar_for(center)
    hours = workdays.hours_for(center)
    holders = {
        p.staff_id
        for p in Post.objects.filter(window__center=center, voided_at__isnull=True, end__isnull=True)
    }
    rows = []
    day = first
    while day <= last:
        if cal.is_workday(day):
            for staff_id in sorted(holders):
                for session in hours.sessions_on(day):
                    early = rng.choice([-9, -7, -5, -4, -3, -2, 3 if rng.random() < 0.08 else -6])
                    arrive = dt.datetime.combine(day, session.start, tzinfo=clock.TZ) + dt.timedelta(
                        minutes=early
                    )
                    leave = dt.datetime.combine(day, session.end, tzinfo=clock.TZ) + dt.timedelta(
                        minutes=rng.randint(0, 6)
                    )
                    rows.append(ClockIn(center=center, staff_id=staff_id, at=arrive, device="大厅考勤机"))
                    rows.append(ClockIn(center=center, staff_id=staff_id, at=leave, device="大厅考勤机"))
        day += dt.timedelta(days=1)
    return rows


@transaction.atomic
def load() -> bool:
    kaiyuan = Center.objects.filter(code="kaiyuan").select_related("policy", "parent").first()
    if kaiyuan is None or ClockImport.objects.filter(center=kaiyuan, filename="demo").exists():
        return False
    today = clock.today()
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month and this one
    yesterday = today - dt.timedelta(days=1)
    for center in Center.objects.filter(code__in=HALLS).select_related("policy", "parent"):
        rows = _punches(center, first, yesterday)
        batch = ClockImport.objects.create(
            center=center, filename="demo", sha256="", added=len(rows), duplicates=0, imported_at=clock.now()
        )
        for r in rows:
            r.batch = batch
        ClockIn.objects.bulk_create(rows, batch_size=2000)
    cal = workdays.calendar_for(kaiyuan)
    soon = cal.add(today, 2)[0]
    later = cal.add(today, 5)[0]
    if Leave.objects.filter(center=kaiyuan).exists():
        return True
    from django.contrib.auth import get_user_model

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["kewenbo", "guojianping", "xuqingqing"])
    }
    approved = services.leave_file(
        actor=None,
        staff="weixiaojing",
        kind=Leave.Kind.PERSONAL,
        start=f"{soon.isoformat()}am",
        end=f"{soon.isoformat()}pm",
        reason="家中有事",
        substitute="caiqiongyao",
    )
    for _step in range(2):
        services.leave_decide(actor=None, leave_id=approved.pk, approve=True)
    services.leave_confirm_cover(actor=None, leave_id=approved.pk)
    services.leave_file(
        actor=None,
        staff="chenshaoli",
        kind=Leave.Kind.ANNUAL,
        start=f"{later.isoformat()}pm",
        end=f"{later.isoformat()}pm",
        reason="年休假半天",
        substitute="xuqingqing",
    )
    del users
    return True
