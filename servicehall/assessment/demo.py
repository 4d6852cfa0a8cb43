"""The assessment's part of the demo halls: a leader's on-site day this month in each hall, so
the board flags only what the demo means to show."""

from servicehall.assessment.models import Meeting
from servicehall.core import clock
from servicehall.org.models import Center


def load() -> bool:
    added = False
    today = clock.today()
    for center in Center.objects.filter(code__in=["jinjiang", "shexi", "xishan", "county", "kaiyuan"]):
        if Meeting.objects.filter(
            center=center, kind=Meeting.Kind.ON_SITE, day__year=today.year, day__month=today.month
        ).exists():
            continue
        Meeting.objects.create(
            center=center,
            kind=Meeting.Kind.ON_SITE,
            day=today.replace(day=1),
            leader="分管领导",
            note="到窗口现场办公，研究解决窗口业务问题（演示数据）",
        )
        added = True
    return added
