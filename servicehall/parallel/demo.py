"""The demo's parallel approvals (the "demo" protocol): in Shexi, a rural housing application
(SX-ZR-001, 自然资源所 leading, 村镇规划建设站 and 农业综合服务站 taking part, 7 working days
each) whose planning station approved in time while the agricultural station stayed silent past
its limit — deemed to approve, waiting for the lead's decision — and a second one still within
its limits, urged once, with a joint site inspection convened; in Kaiyuan, a disability-subsidy
application (KY-CL-003, 党政办 taking part) with a joint review meeting. Dated back from today in
working days, so the colours are right whenever it is loaded. Names and ID numbers are made up.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from servicehall.cases import services as case_services
from servicehall.cases.models import Case
from servicehall.catalog.selectors import guide
from servicehall.core import clock
from servicehall.core.errors import DomainError
from servicehall.org.models import Center
from servicehall.parallel import services
from servicehall.parallel.models import Meeting
from servicehall.workdays import selectors as workdays

PEOPLE = [
    case_services.Applicant(name="杨树林", id_number="532924197806150014", phone="13988720101"),
    case_services.Applicant(name="段春梅", id_number="532924198502200048", phone="13988720102"),
    case_services.Applicant(name="陈志强", id_number="350502197503080316", phone="13905951202"),
]


def _back(center, n: int, hour: int, minute: int = 0) -> dt.datetime:
    cal, day = workdays.calendar_for(center), clock.today()
    while n:
        day -= dt.timedelta(days=1)
        n -= cal.is_workday(day)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=clock.TZ)


def _user(username):
    return get_user_model().objects.get(username=username)


def _intake(center, when, username, item, person) -> Case:
    version = guide(center, item)
    codes = [m.code for m in version.materials.all() if m.required]
    with clock.freeze(when):
        return case_services.case_intake(
            actor=_user(username), center=center, item=item, applicant=person, materials=codes
        )


def _shexi(center) -> None:
    lead = "laizhenhua"  # 3号窗口 自然资源所, A post
    first = _intake(center, _back(center, 9, 9, 20), lead, "SX-ZR-001", PEOPLE[0])
    with clock.freeze(_back(center, 6, 10, 5)):
        services.opinion_give(
            actor=_user("zhuyongkang"),
            case=first,
            department="guihua",
            opinion="approve",
            note="符合村庄规划。",
        )
    with clock.freeze(_back(center, 3, 15, 0)):
        services.urge(actor=_user(lead), case=first, department="nongye", note="请尽快反馈审核意见。")
    second = _intake(center, _back(center, 1, 10, 30), lead, "SX-ZR-001", PEOPLE[1])
    with clock.freeze(_back(center, 0, 8, 40)):
        services.urge(actor=_user(lead), case=second, department="guihua", note="请安排联合踏勘。")
        services.meeting_convene(
            actor=_user(lead),
            case=second,
            kind="site",
            at=_back(center, 0, 14, 30) + dt.timedelta(days=1),
            place="社溪镇某村申请人宅基地现场",
            departments=["ziran", "guihua", "nongye"],
        )


def _kaiyuan(center) -> None:
    try:
        with transaction.atomic():
            case = _intake(center, _back(center, 2, 9, 40), "chenjianwei", "KY-CL-003", PEOPLE[2])
            with clock.freeze(_back(center, 1, 9, 0)):
                services.meeting_convene(
                    actor=_user("chenjianwei"),
                    case=case,
                    kind="review",
                    at=_back(center, 1, 15, 0),
                    place="开元街道便民服务中心二楼会议室",
                    departments=["canlian", "dangzheng"],
                )
    except DomainError:
        pass  # the window may not take the item in this configuration; Shexi's cases still load


@transaction.atomic
def load() -> bool:
    """Add the parallel cases; False (and nothing changed) when already there."""
    if Meeting.objects.exists():
        return False
    loaded = False
    shexi = Center.objects.filter(code="shexi").select_related("policy").first()
    if shexi is not None and shexi.items.filter(code="SX-ZR-001").exists():
        _shexi(shexi)
        loaded = True
    kaiyuan = Center.objects.filter(code="kaiyuan").select_related("policy").first()
    if kaiyuan is not None and kaiyuan.items.filter(code="KY-CL-003").exists():
        _kaiyuan(kaiyuan)
        loaded = True
    return loaded
