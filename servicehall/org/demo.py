"""ORG-8: the demo organisation — the Kaiyuan street center exactly as 004's attachment lists it."""

import datetime as dt
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.db import transaction

from servicehall.core.roles import Role
from servicehall.org import services
from servicehall.org.models import Center

DEMO_POSTED_ON = dt.date(2025, 3, 1)

KAIYUAN_DEPARTMENTS = [
    # (code, department, window number)
    ("dangzheng", "党政办", 1),
    ("caijing", "财经办", 2),
    ("weiji", "卫计办", 3),
    ("laobao", "劳保所", 4),
    ("canlian", "残联", 5),
    ("sifa", "司法所", 6),
    ("chengguan", "城管办", 7),
]

# 004 附件《开元街道便民服务中心工作人员名单》: name, username (pinyin), department, title, post.
KAIYUAN_WINDOW_STAFF = [
    ("陈少丽", "chenshaoli", "dangzheng", "办事员", "A"),
    ("许轻轻", "xuqingqing", "dangzheng", "办事员", "B"),
    ("魏小晶", "weixiaojing", "caijing", "办事员", "A"),
    ("蔡琼瑶", "caiqiongyao", "caijing", "办事员", "B"),
    ("苏炜瑜", "suweiyu", "weiji", "办事员", "A"),
    ("刘文智", "liuwenzhi", "weiji", "科员", "B"),
    ("杨志荣", "yangzhirong", "laobao", "办事员", "A"),
    ("蔡文铿", "caiwenkeng", "laobao", "所长", "B"),
    ("陈建伟", "chenjianwei", "canlian", "办事员", "A"),
    ("华静娴", "huajingxian", "canlian", "办事员", "B"),
    ("谢珊红", "xieshanhong", "sifa", "科员", "A"),
    ("林温明", "linwenming", "sifa", "办事员", "B"),
    ("吴国豪", "wuguohao", "chengguan", "办事员", "A"),
    ("吴明云", "wumingyun", "chengguan", "办事员", "B"),
]

DIRECTOR = ("王曼姝", "wangmanshu", "weiji", "街道卫计办主任")

COMMITMENT = "热情服务、一次告知、限时办结；事情没办完，窗口不下班。"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "Demo@2026")


def demo_password_hash(password: str) -> str:
    """One salted hash of the demo password, shared by the demo accounts (hashing it anew for
    each of some eighty accounts, about half a second each, made the first load wait minutes)."""
    key = (password, get_hasher().algorithm)  # tests hash with a faster hasher
    if key not in _HASHES:
        _HASHES[key] = make_password(password)
    return _HASHES[key]


_HASHES: dict[tuple[str, str], str] = {}


def _account(username: str, name: str, password: str, **flags):
    User = get_user_model()
    user = User(username=username, first_name=name, **flags)
    user.password = demo_password_hash(password)
    user.save()
    return user


@transaction.atomic
def load() -> bool:
    """Create the demo organisation; False (and nothing changed) when it is already there."""
    if Center.objects.filter(code="kaiyuan").exists():
        return False
    password = demo_password()
    county = services.center_create(
        actor=None,
        code="county",
        name="鲤城区行政服务中心",
        level=Center.Level.COUNTY,
        preset="zhaoqing-2012",
        address="泉州市鲤城区",
        phone="0595-22000000",
        complaint_phone="0595-22000012",
        # 003 art.4: a complaint (opinion) box in the hall; art.7 and 13: open to the public's scrutiny.
        complaint_channels="现场投诉、投诉电话、大厅投诉（意见）箱；办结时限承诺在窗口公布，接受公众监督。",
    )
    kaiyuan = services.center_create(
        actor=None,
        code="kaiyuan",
        name="开元街道便民服务中心",
        level=Center.Level.TOWN,
        preset="kaiyuan-2020",
        parent=county,
        address="泉州市鲤城区开元街道",
        phone="0595-22100000",
        complaint_phone="0595-22100012",
        complaint_channels="现场投诉、投诉电话、意见箱（每日17:00开箱）、意见簿、来信、网上投诉",
    )
    services.center_create(
        actor=None,
        code="xiangfeng",
        name="象峰社区便民服务站",
        level=Center.Level.COMMUNITY,
        preset="kaiyuan-2020",
        parent=kaiyuan,
        address="泉州市鲤城区开元街道象峰社区",
        phone="0595-22100100",
    )
    departments = {}
    windows = {}
    for code, name, number in KAIYUAN_DEPARTMENTS:
        dept = services.department_create(actor=None, center=kaiyuan, code=code, name=f"街道{name}")
        departments[code] = dept
        windows[code] = services.window_create(
            actor=None, center=kaiyuan, number=number, name=name, departments=[dept]
        )
    name, username, dept, title = DIRECTOR
    director = services.staff_create(
        actor=None,
        center=kaiyuan,
        username=username,
        password=password,
        password_hash=demo_password_hash(password),
        name=name,
        department=departments[dept],
        title=title,
        badge_number="KY000",
        duties="主持中心工作，统筹安排、检查督查，窗口人员日常管理和考核，受理投诉举报。",
        commitment=COMMITMENT,
        phone="0595-22100001",
    )
    services.role_grant(actor=None, user=director.user, center=kaiyuan, role=Role.DIRECTOR)
    for i, (name, username, dept, title, kind) in enumerate(KAIYUAN_WINDOW_STAFF, start=1):
        staff = services.staff_create(
            actor=None,
            center=kaiyuan,
            username=username,
            password=password,
            password_hash=demo_password_hash(password),
            name=name,
            department=departments[dept],
            title=title,
            badge_number=f"KY{i:03d}",
            phone=f"0595-2210{i:04d}",
            duties=f"{'首问责任人' if kind == 'A' else 'A岗辅岗，A岗离岗时顶岗'}：负责{departments[dept].name}窗口业务的受理、审查、办理及政策咨询。",
            commitment=COMMITMENT,
        )
        services.role_grant(actor=None, user=staff.user, center=kaiyuan, role=Role.WINDOW_STAFF)
        if title == "所长":
            services.role_grant(actor=None, user=staff.user, center=kaiyuan, role=Role.DEPARTMENT_HEAD)
        services.post_assign(actor=None, window=windows[dept], staff=staff, kind=kind, start=DEMO_POSTED_ON)
    admin = _account("admin", "系统管理员", password, is_staff=True, is_superuser=True)
    services.role_grant(actor=None, user=admin, center=county, role=Role.SYSADMIN)
    auditor = _account("auditor", "审计员", password)
    services.role_grant(actor=None, user=auditor, center=county, role=Role.AUDITOR)
    return True


def logins() -> list[tuple[str, str]]:
    rows = [("admin", "系统管理员"), ("auditor", "审计员"), (DIRECTOR[1], f"{DIRECTOR[0]}（中心主任）")]
    names = {code: name for code, name, _n in KAIYUAN_DEPARTMENTS}
    rows += [(u, f"{n}（{names[d]} {k}岗）") for n, u, d, _t, k in KAIYUAN_WINDOW_STAFF]
    return rows
