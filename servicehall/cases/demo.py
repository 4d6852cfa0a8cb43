"""The demo center's cases and visits: a few of each state, dated back from today in working days so
that the director's board shows green, yellow and red, a back-filled intake, a suspension, and the
one-time notice of a case waiting for materials. Names and ID numbers are made up (valid checksums).
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from servicehall.cases import services
from servicehall.cases.models import Case
from servicehall.core import clock
from servicehall.org.models import Center, Staff
from servicehall.workdays import selectors as workdays

PEOPLE = [
    services.Applicant(name="林美华", id_number="350502196805121529", phone="13905951201"),
    services.Applicant(name="陈志强", id_number="350502197503080316", phone="13905951202"),
    services.Applicant(name="黄秀英", id_number="350502195510240024", phone="0595-22345678"),
    services.Applicant(name="王建国", id_number="350502198201150010", phone="13905951204"),
    services.Applicant(
        name="泉州市开元物业管理有限公司", credit_code="91350502MA2XN6KD1F", phone="0595-22998877"
    ),
    services.Applicant(name="苏丽娟", id_number="350502199009096629", phone="13905951206"),
]


def _working_days_back(center, n: int) -> dt.date:
    cal, day = workdays.calendar_for(center), clock.today()
    while n:
        day -= dt.timedelta(days=1)
        n -= cal.is_workday(day)
    return day


def _at(center, days_back: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(_working_days_back(center, days_back), dt.time(hour, minute), tzinfo=clock.TZ)


def _user(username):
    return get_user_model().objects.get(username=username)


def _intake(center, when, username, item, person, materials, **kw):
    with clock.freeze(when):
        return services.case_intake(
            actor=_user(username), center=center, item=item, applicant=person, materials=materials, **kw
        )


@transaction.atomic
def load() -> bool:
    """Load the Kaiyuan demo cases and visits; False (and nothing changed) when already there."""
    center = Center.objects.filter(code="kaiyuan").select_related("policy").first()
    if center is None or not center.items.exists() or Case.objects.filter(center=center).exists():
        return False
    cl = ["M01", "M02", "M03", "M04"]  # 残疾人证新办: every required material
    # 5号窗口 残联: one overdue (red), one waiting for materials, one completed on the spot.
    _intake(center, _at(center, 12, 9, 10), "chenjianwei", "KY-CL-001", PEOPLE[0], cl)
    _intake(center, _at(center, 0, 8, 40), "chenjianwei", "KY-CL-001", PEOPLE[1], ["M02"])
    _intake(center, _at(center, 1, 10, 5), "chenjianwei", "KY-CL-002", PEOPLE[2], ["M01", "M02"])
    # 6号窗口 司法所: legal aid (3 working days): one due tomorrow (yellow), one new, one suspended.
    legal = ["M01", "M02", "M04"]
    _intake(center, _at(center, 2, 14, 45), "xieshanhong", "KY-SF-001", PEOPLE[3], legal)
    _intake(center, _at(center, 0, 9, 0), "linwenming", "KY-SF-001", PEOPLE[5], legal)
    waiting = _intake(center, _at(center, 1, 15, 20), "xieshanhong", "KY-SF-001", PEOPLE[2], legal)
    with clock.freeze(_at(center, 0, 8, 30)):
        services.case_suspend(actor=_user("xieshanhong"), case=waiting, reason="申请人补充经济困难证明")
    # 7号窗口 城管办: a back-filled intake (paper first, entered three hours later).
    recorded = _at(center, 3, 11, 30)
    _intake(
        center,
        recorded,
        "wuguohao",
        "KY-CG-001",
        PEOPLE[4],
        ["M01", "M02", "M03", "M04"],
        received_at=recorded - dt.timedelta(hours=3),
        backfill_reason="收件时系统维护，先纸质收件后补录",
    )
    _visits(center)
    return True


def _visits(center) -> None:
    rows = [
        ("chenjianwei", 0, 8, 35, "visit", "consultation", "咨询残疾人证办理条件", "handled", {}),
        ("chenjianwei", 0, 9, 20, "call", "legal", "咨询工伤赔偿", "guided", {"target_window": 6}),
        ("xieshanhong", 0, 9, 40, "visit", "legal", "邻里纠纷申请调解", "handled", {}),
        (
            "chenshaoli",
            0,
            10,
            10,
            "visit",
            "help",
            "外地户籍申请低保",
            "denial",
            {"note": "不符合《社会救助暂行办法》户籍条件"},
        ),
        (
            "chenshaoli",
            1,
            15,
            0,
            "call",
            "complaint",
            "反映窗口等候时间长",
            "escalated",
            {"leader": "王曼姝"},
        ),
        (
            "wuguohao",
            1,
            16,
            10,
            "visit",
            "consultation",
            "咨询房屋产权登记",
            "transferred",
            {"agency": "鲤城区不动产登记中心"},
        ),
    ]
    windows = {w.number: w for w in center.windows.all()}
    for username, back, hour, minute, channel, category, matter, outcome, named in rows:
        extra = dict(named)
        if "target_window" in extra:
            extra["target_window"] = windows[extra["target_window"]]
        if "leader" in extra:
            extra["leader"] = Staff.objects.get(center=center, name=extra["leader"])
        with clock.freeze(_at(center, back, hour, minute)):
            services.visit_record(
                actor=_user(username),
                center=center,
                channel=channel,
                category=category,
                matter=matter,
                outcome=outcome,
                **extra,
            )
