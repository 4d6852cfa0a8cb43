"""ORG-1..ORG-8: the four demo halls beside Kaiyuan, one per seed regulation, and the ORG-7 roles of
every hall.

The tree (ORG-1):

    county   鲤城区行政服务中心 (003, zhaoqing-2012)
    ├── kaiyuan  开元街道便民服务中心 (004, kaiyuan-2020)
    │   └── xiangfeng 象峰社区便民服务站
    └── shexi    社溪镇综合便民服务中心 (001, shexi-2022)
    jinjiang 晋江市公共法律服务中心 (000, jinjiang-2019)       a root of its own (a city bureau's hall)
    xishan   西山镇公共法律服务工作站 (002, xishan)            a root of its own (a town legal station)

The county center sees the figures of Kaiyuan and Shexi; Jinjiang and Xishan are run by justice
bureaus outside the county's line of authority, so they stand alone. Kaiyuan's staff are the
people of 004's attachment; every other name here is invented for the demo (fictional people,
fictional phone numbers), except the public facts a seed prints itself (Xishan's complaint
phone and letter address, 002 八(三)).
"""

from django.db import transaction

from servicehall.core.roles import Role
from servicehall.org import demo as kaiyuan_demo
from servicehall.org import services
from servicehall.org.models import Center, Staff

POSTED_ON = kaiyuan_demo.DEMO_POSTED_ON
A, B = "A", "B"
R = Role


def _person(name, username, dept, title, roles=(), post=None):
    return {"name": name, "username": username, "dept": dept, "title": title, "roles": roles, "post": post}


# Every hall: the center, its departments, its windows (number, name, kind, departments) and its
# people; a person with a post (window number, A or B) is window staff of that window.
HALLS = [
    {
        "code": "jinjiang",
        "badge": "JJ",
        "center": {
            "name": "晋江市公共法律服务中心",
            "level": Center.Level.COUNTY,
            "preset": "jinjiang-2019",
            "parent": None,
            "address": "福建省晋江市青阳街道（演示地址）",
            "phone": "0595-85600000",
            "complaint_phone": "0595-85600012",
            "complaint_channels": "现场投诉、投诉电话、实名投诉举报；接受市效能办远程视频督查、现场巡查抽查。",
        },
        "departments": [
            ("falvyuanzhu", "晋江市法律援助中心"),
            ("tiaojie", "人民调解科"),
            ("gongzheng", "晋江市公证处"),
            ("lvshi", "律师工作科"),
            ("jiceng", "基层法律服务科"),
            ("jianding", "司法鉴定管理科"),
            ("bangong", "局办公室"),
        ],
        # 000 四.2: low-volume items go to the comprehensive window.
        "windows": [
            (1, "法律援助", "independent", ["falvyuanzhu"]),
            (2, "人民调解", "independent", ["tiaojie"]),
            (3, "公证服务", "independent", ["gongzheng"]),
            (4, "律师服务", "independent", ["lvshi"]),
            (5, "综合窗口", "comprehensive", ["jiceng", "jianding"]),
        ],
        "people": [
            _person("庄晓晋", "zhuangxiaojin", "bangong", "公共法律服务中心主任", [R.DIRECTOR]),
            _person("洪启明", "hongqiming", None, "市司法局局长", [R.PRINCIPAL_LEADER]),
            _person("施文涛", "shiwentao", None, "市司法局副局长（分管）", [R.DEPUTY_LEADER]),
            _person("许雅琴", "xuyaqin", "bangong", "投诉受理员", [R.COMPLAINT_OFFICER]),
            _person("蔡一帆", "caiyifan", "bangong", "档案管理员", [R.ARCHIVIST]),
            _person("黄正清", "huangzhengqing", None, "市效能办督查员", [R.SUPERVISOR]),
            _person("吴思远", "wusiyuan", "falvyuanzhu", "科员", post=(1, A)),
            _person("李若兰", "liruolan", "falvyuanzhu", "法律援助中心主任", [R.DEPARTMENT_HEAD], (1, B)),
            _person("张明达", "zhangmingda", "tiaojie", "科员", [R.DUTY_OFFICER], (2, A)),
            _person("陈雨桐", "chenyutong", "tiaojie", "科员", post=(2, B)),
            _person("王景行", "wangjingxing", "gongzheng", "公证员", post=(3, A)),
            _person("林诗涵", "linshihan", "gongzheng", "公证员助理", post=(3, B)),
            _person("郑一鸣", "zhengyiming", "lvshi", "科员", post=(4, A)),
            _person("杨可欣", "yangkexin", "lvshi", "科员", post=(4, B)),
            _person("周子航", "zhouzihang", "jiceng", "科员", post=(5, A)),
            _person("刘佳怡", "liujiayi", "jianding", "科员", post=(5, B)),
        ],
    },
    {
        "code": "shexi",
        "badge": "SX",
        "center": {
            "name": "社溪镇综合便民服务中心",
            "level": Center.Level.TOWN,
            "preset": "shexi-2022",
            "parent": "county",
            "address": "社溪镇人民政府一楼（演示地址）",
            "phone": "0797-6800000",
            "complaint_phone": "0797-6800012",
            "complaint_channels": "投诉咨询处现场投诉、投诉电话、意见箱、来信来访；受理之日起五个工作日内答复。",
        },
        # The town's stations and offices (站所), each at its own window (001 一(五)).
        "departments": [
            ("minzheng", "民政所"),
            ("laobao", "劳动保障所"),
            ("ziran", "自然资源所"),
            ("guihua", "村镇规划建设站"),
            ("linye", "林业站"),
            ("nongye", "农业综合服务站"),
            ("weijian", "卫生健康办"),
            ("dangzheng", "党政综合办"),
        ],
        "windows": [
            (1, "民政所", "independent", ["minzheng"]),
            (2, "劳动保障所", "independent", ["laobao"]),
            (3, "自然资源所", "independent", ["ziran"]),
            (4, "村镇规划建设站", "independent", ["guihua"]),
            (5, "农林卫综合窗口", "comprehensive", ["linye", "nongye", "weijian"]),
        ],
        "people": [
            _person("彭立新", "penglixin", "dangzheng", "便民服务中心主任", [R.DIRECTOR]),
            _person("邹国平", "zouguoping", None, "镇长", [R.PRINCIPAL_LEADER]),
            _person("叶红梅", "yehongmei", None, "副镇长（分管便民服务）", [R.DEPUTY_LEADER]),
            _person("曾晓燕", "zengxiaoyan", "dangzheng", "投诉咨询处受理员", [R.COMPLAINT_OFFICER]),
            _person("肖文静", "xiaowenjing", "dangzheng", "档案管理员", [R.ARCHIVIST]),
            _person("钟正义", "zhongzhengyi", None, "镇纪委委员", [R.SUPERVISOR]),
            _person("谢春花", "xiechunhua", "minzheng", "办事员", post=(1, A)),
            _person("温建军", "wenjianjun", "minzheng", "民政所所长", [R.DEPARTMENT_HEAD], (1, B)),
            _person("刘志勇", "liuzhiyong", "laobao", "办事员", [R.DUTY_OFFICER], (2, A)),
            _person("罗小琴", "luoxiaoqin", "laobao", "办事员", post=(2, B)),
            _person("赖振华", "laizhenhua", "ziran", "办事员", post=(3, A)),
            _person("黄丽萍", "huangliping", "ziran", "办事员", post=(3, B)),
            _person("朱永康", "zhuyongkang", "guihua", "办事员", post=(4, A)),
            _person("邱美玲", "qiumeiling", "guihua", "办事员", post=(4, B)),
            _person("廖海波", "liaohaibo", "linye", "林业站站长", [R.DEPARTMENT_HEAD], (5, A)),
            _person("何秀兰", "hexiulan", "nongye", "办事员", post=(5, B)),
        ],
    },
    {
        "code": "xishan",
        "badge": "XS",
        "center": {
            "name": "西山镇公共法律服务工作站",
            "level": Center.Level.TOWN,
            "preset": "xishan",
            "parent": None,
            "address": "江西省南昌市新建区西山镇人民政府（西山司法所）",
            "phone": "",
            # 002 八(三): the four ways to complain, as the seed prints them.
            "complaint_phone": "0791-83280001",
            "complaint_channels": (
                "现场投诉：平台管理人员接访登记；电话投诉：0791-83280001；"
                "投诉意见箱：设在业务办理大厅，每天17时开箱；"
                "信函投诉：江西省南昌市新建区西山镇人民政府（西山司法所）。"
            ),
        },
        "departments": [
            ("sifasuo", "西山司法所"),
            ("falvyuanzhu", "法律援助工作站"),
            ("tiaowei", "西山镇人民调解委员会"),
        ],
        # 002 六: consultation, legal aid, mediation.
        "windows": [
            (1, "法律咨询", "independent", ["sifasuo"]),
            (2, "法律援助", "independent", ["falvyuanzhu"]),
            (3, "人民调解", "independent", ["tiaowei"]),
        ],
        "people": [
            _person("万俊辉", "wanjunhui", "sifasuo", "工作站主任（司法所所长）", [R.DIRECTOR]),
            _person("熊建国", "xiongjianguo", None, "区司法局局长", [R.PRINCIPAL_LEADER]),
            _person("涂春燕", "tuchunyan", None, "区司法局副局长（分管）", [R.DEPUTY_LEADER]),
            _person("胡佳", "hujia", "sifasuo", "平台管理人员", [R.COMPLAINT_OFFICER]),
            _person("喻文", "yuwen", "sifasuo", "档案管理人员", [R.ARCHIVIST]),
            _person("付正平", "fuzhengping", None, "区司法局政工监察股", [R.SUPERVISOR]),
            _person("章小军", "zhangxiaojun", "sifasuo", "科员", [R.DUTY_OFFICER], (1, A)),
            _person("邓丽", "dengli", "sifasuo", "科员", post=(1, B)),
            _person("余志刚", "yuzhigang", "falvyuanzhu", "科员", post=(2, A)),
            _person("舒婷", "shuting", "falvyuanzhu", "法律援助工作站站长", [R.DEPARTMENT_HEAD], (2, B)),
            _person("甘国华", "ganguohua", "tiaowei", "专职调解员", post=(3, A)),
            _person("杜梅", "dumei", "tiaowei", "专职调解员", post=(3, B)),
        ],
    },
    {
        "code": "county",  # made by kaiyuan_demo.load(); here it gets its departments and people
        "badge": "LC",
        "departments": [
            # 003 art.8: every stationed bureau's approvals merged into its 行政审批股.
            ("shichang", "区市场监督管理局行政审批股"),
            ("renshe", "区人力资源和社会保障局行政审批股"),
            ("zhujian", "区住房和城乡建设局行政审批股"),
            ("minzheng", "区民政局行政审批股"),
            ("yinhang", "中国建设银行鲤城支行（收费窗口）"),
            ("guanli", "中心管理办"),
        ],
        "windows": [
            (1, "市场监管", "independent", ["shichang"]),
            (2, "人力社保", "independent", ["renshe"]),
            (3, "住房城乡建设", "independent", ["zhujian"]),
            (4, "综合窗口", "comprehensive", ["minzheng", "shichang", "renshe", "zhujian"]),
            (5, "银行收费", "independent", ["yinhang"]),  # 003 art.5: fees through a bank's window
        ],
        "people": [
            _person("骆志远", "luozhiyuan", "guanli", "中心管理办主任", [R.DIRECTOR]),
            _person("蒋正华", "jiangzhenghua", None, "区长", [R.PRINCIPAL_LEADER]),
            _person("潘晓东", "panxiaodong", None, "副区长（分管）", [R.DEPUTY_LEADER]),
            _person("傅丽娜", "fulina", "guanli", "投诉受理员", [R.COMPLAINT_OFFICER]),
            _person("孔德馨", "kongdexin", "guanli", "档案管理员", [R.ARCHIVIST]),
            _person("龚立诚", "gonglicheng", None, "区效能办督查员", [R.SUPERVISOR]),
            _person("方晓明", "fangxiaoming", "shichang", "科员", post=(1, A)),
            _person("严雪", "yanxue", "shichang", "行政审批股股长", [R.DEPARTMENT_HEAD], (1, B)),
            _person("魏宏", "weihong", "renshe", "科员", [R.DUTY_OFFICER], (2, A)),
            _person("姚静", "yaojing", "renshe", "科员", post=(2, B)),
            _person("顾建新", "gujianxin", "zhujian", "科员", post=(3, A)),
            _person("秦梦", "qinmeng", "zhujian", "科员", post=(3, B)),
            _person("卢文斌", "luwenbin", "minzheng", "科员", post=(4, A)),
            _person("段玉", "duanyu", "minzheng", "科员", post=(4, B)),
            _person("程佳", "chengjia", "yinhang", "柜员", post=(5, A)),
            _person("萧雅", "xiaoya", "yinhang", "柜员", post=(5, B)),
        ],
    },
]

# Kaiyuan keeps exactly 004's people as window staff and director; the roles its text names
# beyond them (art.5 分管领导/主要领导, art.15 complaints, art.16 纪工委/效能办) get people of their own.
KAIYUAN_PEOPLE = [
    _person("郭建平", "guojianping", None, "街道党工委书记", [R.PRINCIPAL_LEADER]),
    _person("柯文博", "kewenbo", None, "街道办事处副主任（分管）", [R.DEPUTY_LEADER]),
    _person("庄美玉", "zhuangmeiyu", "dangzheng", "投诉受理员", [R.COMPLAINT_OFFICER]),
    _person("骆晴", "luoqing", "dangzheng", "档案管理员", [R.ARCHIVIST]),
    _person("戴正明", "daizhengming", None, "街道纪工委委员", [R.SUPERVISOR]),
]
# The day's duty officer at Kaiyuan is one of its window clerks.
KAIYUAN_DUTY_OFFICER = "xuqingqing"


def _staff(center, departments, windows, person, badge, password):
    dept = departments.get(person["dept"]) if person["dept"] else None
    post = person["post"]
    if post:
        window = windows[post[0]]
        counter = window.name if window.name.endswith("窗口") else f"{window.name}窗口"  # not 综合窗口窗口
        duties = (
            "首问责任人" if post[1] == A else "A岗辅岗，A岗离岗时顶岗"
        ) + f"：负责{counter}业务的受理、审查、办理及咨询。"
    else:
        duties = "、".join(str(role.label) for role in person["roles"])
    staff = services.staff_create(
        actor=None,
        center=center,
        username=person["username"],
        password=password,
        password_hash=kaiyuan_demo.demo_password_hash(password),
        name=person["name"],
        department=dept,
        title=person["title"],
        badge_number=badge,
        duties=duties,
        commitment=kaiyuan_demo.COMMITMENT,
    )
    roles = list(person["roles"]) + ([R.WINDOW_STAFF] if post else [])
    for role in roles:
        services.role_grant(actor=None, user=staff.user, center=center, role=role)
    if post:
        services.post_assign(actor=None, window=windows[post[0]], staff=staff, kind=post[1], start=POSTED_ON)
    return staff


def _hall(hall, password) -> Center:
    spec = hall.get("center")
    if spec:
        details = dict(spec)
        parent = details.pop("parent")
        center = services.center_create(
            actor=None,
            code=hall["code"],
            parent=Center.objects.get(code=parent) if parent else None,
            **details,
        )
    else:
        center = Center.objects.get(code=hall["code"])
    departments = {
        code: services.department_create(actor=None, center=center, code=code, name=name)
        for code, name in hall["departments"]
    }
    windows = {
        number: services.window_create(
            actor=None,
            center=center,
            number=number,
            name=name,
            kind=kind,
            departments=[departments[code] for code in codes],
        )
        for number, name, kind, codes in hall["windows"]
    }
    for i, person in enumerate(hall["people"], start=1):
        _staff(center, departments, windows, person, f"{hall['badge']}{i:03d}", password)
    return center


@transaction.atomic
def load() -> bool:
    """The four other halls and Kaiyuan's remaining roles; False (nothing changed) when present."""
    if Center.objects.filter(code="jinjiang").exists():
        return False
    kaiyuan_demo.load()
    password = kaiyuan_demo.demo_password()
    for hall in HALLS:
        _hall(hall, password)
    kaiyuan = Center.objects.get(code="kaiyuan")
    departments = {d.code: d for d in kaiyuan.departments.all()}
    for i, person in enumerate(KAIYUAN_PEOPLE, start=101):
        _staff(kaiyuan, departments, {}, person, f"KY{i:03d}", password)
    duty = Staff.objects.get(user__username=KAIYUAN_DUTY_OFFICER)
    services.role_grant(actor=None, user=duty.user, center=kaiyuan, role=R.DUTY_OFFICER)
    return True


def logins() -> list[tuple[str, str, str]]:
    """(center code, username, who) of every demo account made here."""
    rows = []
    for hall in [*HALLS, {"code": "kaiyuan", "people": KAIYUAN_PEOPLE, "windows": []}]:
        windows = {number: name for number, name, _k, _d in hall["windows"]}
        for p in hall["people"]:
            what = "、".join(str(role.label) for role in p["roles"] if role != R.WINDOW_STAFF)
            if p["post"]:
                post = f"{windows[p['post'][0]]} {p['post'][1]}岗"
                what = f"{post}，{what}" if what else post
            rows.append((hall["code"], p["username"], f"{p['name']}（{what}）"))
    rows.append(("kaiyuan", KAIYUAN_DUTY_OFFICER, "许轻轻（党政办 B岗，值日人员）"))
    return rows
