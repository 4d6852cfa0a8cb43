"""Demo complaints on the five halls: a few in each, of every channel and state, with the
suggestion box opened on the recent working days (idempotent: nothing is added twice)."""

import datetime as dt

from django.db import transaction

from servicehall.complaints import rules, services
from servicehall.complaints.models import BoxOpening, Complaint
from servicehall.core import clock
from servicehall.org.models import Center, Staff, Window
from servicehall.workdays import selectors as workdays

# (center, channel, category, against user name, window number, content, days ago, what follows)
DEMO = [
    (
        "xishan",
        rules.ON_SITE,
        "attitude",
        "yuzhigang",
        2,
        "法律援助窗口工作人员语气生硬，不耐烦地打断我的陈述。",
        0,
        "open",
    ),
    (
        "xishan",
        rules.LETTER,
        "delay",
        None,
        3,
        "调解申请已经一个多月没有消息，打电话也没人说清楚。",
        9,
        "explain",
    ),
    (
        "xishan",
        rules.BOX,
        "not_informed",
        "zhangxiaojun",
        1,
        "第一次来没告诉我要带户口本，跑了两趟。",
        4,
        "substantiated",
    ),
    (
        "kaiyuan",
        rules.PHONE,
        "attitude",
        "chenshaoli",
        1,
        "党政办窗口电话无人接听，现场工作人员态度冷淡。",
        0,
        "open",
    ),
    (
        "kaiyuan",
        rules.TRANSFER,
        "bribery",
        None,
        4,
        "12345 热线转来：反映有人暗示办事需要“意思意思”。",
        2,
        "escalate",
    ),
    ("kaiyuan", rules.LETTER, "fees", None, 2, "办理证明时被要求另交资料费。", 12, "unfounded"),
    ("shexi", rules.ON_SITE, "absent", None, 1, "上午十点窗口无人，等了半小时。", 1, "open"),
    ("jinjiang", rules.PHONE, "not_accepted", None, 1, "材料齐全却被要求回去补材料。", 1, "open"),
    ("county", rules.LETTER, "duty", None, 1, "审批环节与公示流程不一致。", 3, "open"),
]


def _box(center: Center, today: dt.date) -> None:
    cal = workdays.calendar_for(center)
    for back in range(1, rules.BOX_LOOK_BACK + 1):
        d = today - dt.timedelta(days=back)
        if cal.is_workday(d):
            at = dt.datetime.combine(d, rules.BOX_HOUR, tzinfo=clock.TZ)
            BoxOpening.objects.get_or_create(
                center=center, day=d, defaults={"opened_at": at, "letters": 0, "recorded_at": at}
            )


def load() -> bool:
    centers = {
        c.code: c for c in Center.objects.filter(code__in={row[0] for row in DEMO}).select_related("policy")
    }
    if not centers or Complaint.objects.filter(center__in=centers.values()).exists():
        return False
    now = clock.now()
    with transaction.atomic():
        for code, channel, category, username, window, content, days_ago, then in DEMO:
            center = centers.get(code)
            if center is None:
                continue
            staff = Staff.objects.filter(center=center, user__username=username).first() if username else None
            c = services.complaint_register(
                actor=None,
                center=center,
                channel=channel,
                complainant_name="李建华",
                complainant_phone="13907910001",
                content=content,
                category=category,
                against=services.Against(
                    staff=staff, window=Window.objects.filter(center=center, number=window).first()
                ),
                received_at=now - dt.timedelta(days=days_ago) if channel in rules.BACKDATED else None,
                transfer_from="12345政务服务便民热线" if channel == rules.TRANSFER else "",
                transfer_reference="RX-2026-0412" if channel == rules.TRANSFER else "",
                reply_to="区12345热线办" if channel == rules.TRANSFER else "",
            )
            if then == "explain":
                services.complaint_delay(
                    actor=None,
                    complaint=c,
                    explanation="需向调解员和当事双方核实，已电话告知投诉人延期答复。",
                )
            elif then == "escalate":
                services.complaint_escalate(
                    actor=None, complaint=c, to=rules.TO_DISCIPLINE, note="涉及吃拿卡要"
                )
            elif then in ("substantiated", "unfounded"):
                services.complaint_conclude(
                    actor=None,
                    complaint=c,
                    substantiated=then == "substantiated",
                    finding="经调阅登记记录并询问当事人，情况属实。"
                    if then == "substantiated"
                    else "经核实收费符合标准。",
                    action="对当事人批评教育，重申一次性告知制度。"
                    if then == "substantiated"
                    else "向投诉人解释收费依据。",
                    answer="经调查，您反映的问题属实，我们已对相关人员批评教育，感谢您的监督。"
                    if then == "substantiated"
                    else "经核实，所收费用为法定工本费，已向您说明依据。",
                    answered_via="phone",
                    first_inquiry_failure="not_informed" if then == "substantiated" else "",
                )
        for code in ("xishan", "kaiyuan", "county", "jinjiang"):
            if code in centers:
                _box(centers[code], clock.local(now).date())
    return True
