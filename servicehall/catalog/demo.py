"""The demo catalog of the Kaiyuan center: items for each of its seven windows (CAT-1..CAT-8).

Every limit satisfies the kaiyuan-2020 policy (committed <= 50 % of statutory). Legal services
at 司法所 are free. Four materials carry a sample form: small PDFs shipped in ``demo_samples/``
(made with fpdf2 and Noto Sans CJK), copied once into the media storage and shared by reference.
Item codes, fees and document numbers are illustrative, not the real ones of Quanzhou.
"""

from decimal import Decimal
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from servicehall.catalog import rules, services
from servicehall.catalog.models import Item
from servicehall.catalog.rules import (
    COMMITTED,
    IMMEDIATE,
    ItemDraft,
    MaterialDraft,
    ParticipantDraft,
    StepDraft,
)
from servicehall.org.models import Center, Window

SAMPLES = Path(__file__).parent / "demo_samples"
ORIG, COPY, BOTH = rules.ORIGINAL, rules.COPY, rules.BOTH
AUTHORISATION = "开元街道办事处窗口授权委托书（2025）"


def _sample(name: str) -> str:
    stored = f"{rules.SAMPLE_DIR}demo/{name}.pdf"
    if not default_storage.exists(stored):
        with open(SAMPLES / f"{name}.pdf", "rb") as handle:
            stored = default_storage.save(stored, File(handle))
    return stored


def m(name, form=BOTH, copies=1, condition="", notes="", sample=None) -> MaterialDraft:
    return MaterialDraft(
        name=name,
        form=form,
        copies=copies,
        required=not condition,
        condition=condition,
        notes=notes,
        sample=_sample(sample) if sample else "",
    )


ID_CARD = ("申请人居民身份证", BOTH)
HOUSEHOLD = ("户口簿", BOTH)


def s(name, days=0, description="") -> StepDraft:
    return StepDraft(name=name, days=days, description=description)


ON_THE_SPOT = [s("受理", 0, "窗口审查材料，齐全的当场受理"), s("办结", 0, "当场办结并出具结果")]


def item(
    code, name, dept, kind, statutory, committed, basis, conditions, materials, steps, **extra
) -> ItemDraft:
    return ItemDraft(
        code=code,
        name=name,
        department=dept,
        kind=kind,
        statutory_days=statutory,
        committed_days=committed,
        legal_basis=basis,
        conditions=conditions,
        materials=materials,
        steps=steps,
        contact=extra.pop("contact", ""),
        **extra,
    )


# What citizens call the items (search keywords): 低保 and dbsq find 最低生活保障申请.
ALIASES = {
    "KY-DZ-001": "低保、低保申请、低保办理",
    "KY-DZ-002": "特困、五保、特困供养",
    "KY-DZ-003": "临时救助、急难救助",
    "KY-DZ-004": "党组织关系、转党关系、党员转出",
    "KY-CJ-001": "开公司、营业执照、企业注册",
    "KY-CJ-002": "高龄补贴、老人补贴、高龄津贴",
    "KY-CJ-003": "公司注销、企业注销",
    "KY-WJ-001": "生育服务登记、准生证、生孩子登记",
    "KY-WJ-002": "特扶、失独家庭扶助",
    "KY-WJ-003": "独生子女证、光荣证",
    "KY-WJ-004": "奖扶、计生奖励",
    "KY-LB-001": "养老保险、城乡养老、居民社保",
    "KY-LB-002": "失业登记、就业登记、失业证",
    "KY-LB-003": "领养老金、养老待遇",
    "KY-LB-004": "灵活就业社保补贴、社保补贴",
    "KY-CL-001": "残疾证、办残疾证",
    "KY-CL-002": "残疾证迁移、残疾证转入",
    "KY-CL-003": "两项补贴、残疾补贴、护理补贴",
    "KY-CL-004": "轮椅车补贴、燃油补贴",
    "KY-SF-001": "法援、免费律师、打官司",
    "KY-SF-002": "调解、纠纷调解、邻里纠纷",
    "KY-SF-003": "法律问题、问律师",
    "KY-CG-001": "占道、临时占道",
    "KY-CG-002": "挖路、道路开挖",
    "KY-CG-003": "广告牌、招牌",
}


def catalog() -> list[ItemDraft]:
    immediate = {"windows": None, "authorisation_document": AUTHORISATION}
    return [
        # 1 党政办: social assistance and party services
        item(
            "KY-DZ-001",
            "最低生活保障申请",
            "dangzheng",
            COMMITTED,
            30,
            15,
            "《社会救助暂行办法》第九条至第十一条；《福建省最低生活保障办法》",
            "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合家庭财产状况规定的本街道户籍居民。",
            [
                m("最低生活保障申请书", ORIG, sample="dibao"),
                m(*ID_CARD, notes="家庭成员每人一份"),
                m(*HOUSEHOLD),
                m("家庭经济状况核对授权书", ORIG, notes="家庭成员均须签字"),
                m("家庭成员收入证明", ORIG, notes="在职人员由单位出具；无固定收入的填写收入申报"),
                m("残疾人证", BOTH, condition="家庭成员中有残疾人的"),
                m("疾病诊断证明", ORIG, condition="家庭成员患重大疾病的"),
            ],
            [
                s("受理", 0, "窗口审查材料，出具受理通知书"),
                s("入户调查", 5, "街道与社区入户核查家庭经济状况"),
                s("民主评议与公示", 7, "社区评议，结果公示 7 天"),
                s("审核确认", 3, "报区民政局审批"),
            ],
            quantity_limits="以家庭为单位申请，每户一份。",
        ),
        item(
            "KY-DZ-002",
            "特困人员救助供养申请",
            "dangzheng",
            COMMITTED,
            40,
            20,
            "《社会救助暂行办法》第十四条；《国务院关于进一步健全特困人员救助供养制度的意见》",
            "无劳动能力、无生活来源、无法定赡养抚养扶养义务人或者其法定义务人无履行义务能力的老年人、残疾人以及未满16周岁的未成年人。",
            [
                m("特困人员救助供养申请书", ORIG),
                m(*ID_CARD),
                m(*HOUSEHOLD),
                m("残疾人证", BOTH, condition="申请人为残疾人的"),
                m("法定义务人无履行能力的证明", ORIG, condition="有法定义务人的"),
            ],
            [s("受理", 0), s("调查核实", 10, "入户调查、邻里走访"), s("公示", 7), s("审核报批", 3)],
        ),
        item(
            "KY-DZ-003",
            "临时救助申请",
            "dangzheng",
            COMMITTED,
            10,
            5,
            "《社会救助暂行办法》第四十七条至第五十条",
            "因火灾、交通事故等意外事件或家庭成员突发重大疾病等原因，导致基本生活暂时出现严重困难的家庭或个人。",
            [
                m("临时救助申请书", ORIG),
                m(*ID_CARD),
                m(*HOUSEHOLD),
                m("困难情况证明材料", BOTH, notes="医疗费用票据、事故证明等"),
            ],
            [s("受理", 0), s("核查", 3), s("审批发放", 2)],
        ),
        item(
            "KY-DZ-004",
            "党员组织关系转接（转出）",
            "dangzheng",
            IMMEDIATE,
            None,
            0,
            "《中国共产党党员组织关系转接办法》",
            "本街道所属党组织的正式党员和预备党员。",
            [
                m("党员本人身份证", BOTH),
                m("接收党组织名称及联系方式", ORIG, notes="可口头告知，窗口代为登记"),
            ],
            ON_THE_SPOT,
            **immediate,
        ),
        # 2 财经办: enterprise services and subsidies
        item(
            "KY-CJ-001",
            "企业开办代办服务",
            "caijing",
            COMMITTED,
            None,
            3,
            "《优化营商环境条例》第十九条",
            "在本街道辖区内新开办企业、需要代办登记、刻章、申领发票的申请人。法律未规定办理时限，由中心确定并公布承诺时限。",
            [
                m("代办委托书", ORIG),
                m("法定代表人身份证", BOTH),
                m("住所（经营场所）使用证明", COPY),
                m("公司章程", ORIG, condition="开办有限责任公司的"),
            ],
            [
                s("受理", 0),
                s("代办登记", 2, "网上提交并跟踪市场监管部门审核"),
                s("送达", 1, "领取执照、印章后通知申请人"),
            ],
        ),
        item(
            "KY-CJ-002",
            "高龄老人津贴申领",
            "caijing",
            COMMITTED,
            20,
            10,
            "《福建省老年人权益保障条例》；《泉州市高龄老人津贴发放办法》",
            "本街道户籍、年满80周岁的老年人。",
            [m(*ID_CARD), m(*HOUSEHOLD), m("社会保障卡或银行账户", COPY)],
            [s("受理", 0), s("审核", 5), s("审批", 3)],
        ),
        item(
            "KY-CJ-003",
            "企业简易注销代办服务",
            "caijing",
            COMMITTED,
            None,
            5,
            "《市场主体登记管理条例》第三十三条",
            "未发生债权债务或已将债权债务清偿完结的市场主体。",
            [m("代办委托书", ORIG), m("全体投资人承诺书", ORIG), m("营业执照正、副本", ORIG)],
            [s("受理", 0), s("公示与提交", 4, "国家企业信用信息公示系统公示"), s("办结", 1)],
        ),
        # 3 卫计办: family planning
        item(
            "KY-WJ-001",
            "生育登记",
            "weiji",
            IMMEDIATE,
            None,
            0,
            "《中华人民共和国人口与计划生育法》；《福建省人口与计划生育条例》",
            "本街道户籍或现居住地在本街道的夫妻，生育子女前后均可登记。",
            [
                m("夫妻双方居民身份证", BOTH),
                m("户口簿", BOTH),
                m("结婚证", BOTH),
                m("生育服务登记表", ORIG, notes="窗口免费提供"),
            ],
            ON_THE_SPOT,
            **immediate,
        ),
        item(
            "KY-WJ-002",
            "计划生育家庭特别扶助金申请",
            "weiji",
            COMMITTED,
            30,
            15,
            "《全国独生子女伤残死亡家庭扶助制度试点方案》",
            "独生子女死亡或伤病残达到三级以上、未再生育或收养子女、女方年满49周岁的夫妻。",
            [
                m("特别扶助申请表", ORIG),
                m(*ID_CARD),
                m(*HOUSEHOLD),
                m("独生子女父母光荣证", BOTH),
                m("子女死亡证明或残疾人证", BOTH),
            ],
            [s("受理", 0), s("社区评议与公示", 7), s("街道审核", 5), s("报区卫健局确认", 3)],
        ),
        item(
            "KY-WJ-003",
            "独生子女父母光荣证补办",
            "weiji",
            COMMITTED,
            20,
            10,
            "《福建省人口与计划生育条例》",
            "原已领取独生子女父母光荣证但遗失或损毁的夫妻。",
            [m("补办申请书", ORIG), m("夫妻双方居民身份证", BOTH), m("户口簿", BOTH), m("结婚证", BOTH)],
            [s("受理", 0), s("档案核查", 5), s("制证", 2)],
        ),
        item(
            "KY-WJ-004",
            "农村部分计划生育家庭奖励扶助申请",
            "weiji",
            COMMITTED,
            30,
            15,
            "《农村部分计划生育家庭奖励扶助制度试点方案》",
            "农业户籍、只有一个子女或两个女孩、年满60周岁的夫妻。",
            [m("奖励扶助申报表", ORIG), m(*ID_CARD), m(*HOUSEHOLD), m("结婚证", BOTH)],
            [s("受理", 0), s("资格审核", 7), s("公示", 7)],
        ),
        # 4 劳保所: social insurance and employment
        item(
            "KY-LB-001",
            "城乡居民养老保险参保登记",
            "laobao",
            IMMEDIATE,
            None,
            0,
            "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
            "年满16周岁（不含在校学生），非国家机关和事业单位工作人员，不属于职工基本养老保险覆盖范围的本街道户籍居民。",
            [m(*ID_CARD), m(*HOUSEHOLD), m("城乡居民基本养老保险参保登记表", ORIG, notes="窗口免费提供")],
            ON_THE_SPOT,
            **immediate,
        ),
        item(
            "KY-LB-002",
            "就业失业登记",
            "laobao",
            IMMEDIATE,
            None,
            0,
            "《就业服务与就业管理规定》第六十一条至第六十六条",
            "法定劳动年龄内、有劳动能力和就业要求、处于无业状态的城乡劳动者（失业登记）；已就业人员（就业登记）。",
            [
                m(*ID_CARD),
                m("就业创业证", ORIG, condition="已领取就业创业证的"),
                m("解除或终止劳动合同证明", COPY, condition="办理失业登记且原有单位的"),
            ],
            ON_THE_SPOT,
            **immediate,
        ),
        item(
            "KY-LB-003",
            "城乡居民养老保险待遇领取申请",
            "laobao",
            COMMITTED,
            20,
            10,
            "《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
            "参加城乡居民养老保险、年满60周岁、累计缴费满15年且未领取国家规定的基本养老保障待遇的人员。",
            [m(*ID_CARD), m(*HOUSEHOLD), m("社会保障卡", COPY), m("待遇领取申请表", ORIG)],
            [s("受理", 0), s("审核", 5), s("核定待遇", 3)],
        ),
        item(
            "KY-LB-004",
            "灵活就业人员社会保险补贴申请",
            "laobao",
            COMMITTED,
            20,
            10,
            "《就业补助资金管理办法》（财社〔2017〕164号）",
            "就业困难人员以灵活就业方式就业并缴纳社会保险费的。",
            [m(*ID_CARD), m("就业创业证", ORIG), m("社会保险缴费凭证", COPY), m("银行账户", COPY)],
            [s("受理", 0), s("审核", 5), s("公示", 3)],
        ),
        # 5 残联: disability services
        item(
            "KY-CL-001",
            "残疾人证新办",
            "canlian",
            COMMITTED,
            20,
            10,
            "《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》",
            "符合残疾标准的本街道户籍居民，经指定医疗机构评定。",
            [
                m("残疾人证申请表", ORIG, sample="canjirenzheng"),
                m(*ID_CARD),
                m(*HOUSEHOLD),
                m("近期二寸免冠白底彩色照片", ORIG, copies=3),
                m("监护人身份证", BOTH, condition="申请人为未成年人或无民事行为能力人的"),
            ],
            [
                s("受理", 0, "窗口审查材料，开具评定介绍信"),
                s("残疾评定", 7, "指定医院评定"),
                s("审核发证", 3),
            ],
            windows=[5],
            authorisation_document=AUTHORISATION,
        ),
        item(
            "KY-CL-002",
            "残疾人证迁移",
            "canlian",
            IMMEDIATE,
            None,
            0,
            "《中华人民共和国残疾人证管理办法》第十六条",
            "户籍迁入本街道的持证残疾人。",
            [m("残疾人证", ORIG), m(*HOUSEHOLD, notes="须已完成户籍迁移")],
            ON_THE_SPOT,
            **immediate,
        ),
        item(
            "KY-CL-003",
            "困难残疾人生活补贴和重度残疾人护理补贴申请",
            "canlian",
            COMMITTED,
            20,
            10,
            "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
            "持有第二代残疾人证的低保家庭残疾人（生活补贴）；残疾等级为一、二级的残疾人（护理补贴）。",
            [
                m("两项补贴申请表", ORIG),
                m("残疾人证", BOTH),
                m(*HOUSEHOLD),
                m("最低生活保障证", BOTH, condition="申请生活补贴的"),
            ],
            [s("受理", 0), s("联合审核", 5, "残联与党政办（民政）同步审核"), s("审批", 3)],
            participants=[ParticipantDraft("dangzheng", 5)],
        ),
        item(
            "KY-CL-004",
            "残疾人机动轮椅车燃油补贴申领",
            "canlian",
            COMMITTED,
            15,
            7,
            "《残疾人机动轮椅车燃油补贴办法》",
            "持有残疾人证、本人驾驶机动轮椅车的下肢残疾人。",
            [m("残疾人证", BOTH), m("机动轮椅车行驶证", BOTH), m("驾驶证", BOTH)],
            [s("受理", 0), s("审核", 5), s("发放", 2)],
        ),
        # 6 司法所: public legal services, always free (CAT-8)
        item(
            "KY-SF-001",
            "法律援助申请",
            "sifa",
            COMMITTED,
            7,
            3,
            "《中华人民共和国法律援助法》第四十一条至第四十三条",
            "因经济困难没有委托代理人的当事人；农民工追索劳动报酬、持低保证或特困供养证的，免予经济困难审查。",
            [
                m("法律援助申请表", ORIG, sample="falvyuanzhu"),
                m(*ID_CARD),
                m("经济困难状况说明表", ORIG, condition="不属于免予经济困难审查情形的"),
                m("与所申请法律援助事项有关的材料", BOTH),
            ],
            [s("受理", 0, "当场审查，材料齐全的当场受理"), s("审查决定", 2), s("指派承办人员", 1)],
            legal_service=True,
            windows=[6],
            authorisation_document=AUTHORISATION,
        ),
        item(
            "KY-SF-002",
            "人民调解申请",
            "sifa",
            COMMITTED,
            30,
            15,
            "《中华人民共和国人民调解法》第十七条、第二十八条",
            "公民之间、公民与法人或其他组织之间涉及人身、财产权益和其他日常生活中发生的纠纷。",
            [
                m("人民调解申请书", ORIG, notes="可口头申请，窗口代为记录"),
                m(*ID_CARD),
                m("纠纷相关证据材料", COPY, condition="有证据材料的"),
            ],
            [s("受理", 0), s("调解", 14), s("制作调解协议书", 1)],
            legal_service=True,
        ),
        item(
            "KY-SF-003",
            "法律咨询",
            "sifa",
            IMMEDIATE,
            None,
            0,
            "《中华人民共和国法律援助法》第二十二条",
            "所有来访群众。",
            [
                m(*ID_CARD, notes="咨询可不出示，登记时使用"),
                m("与咨询事项有关的材料", COPY, condition="有相关材料的"),
            ],
            ON_THE_SPOT,
            legal_service=True,
            **immediate,
        ),
        # 7 城管办: roads and city appearance
        item(
            "KY-CG-001",
            "城市道路临时占用审批",
            "chengguan",
            COMMITTED,
            20,
            10,
            "《城市道路管理条例》第三十一条",
            "因特殊情况需要临时占用城市道路的单位或个人。",
            [
                m("城市道路临时占用申请表", ORIG, sample="zhandao"),
                m("申请人身份证或营业执照", BOTH),
                m("占道位置平面示意图", ORIG),
                m("安全措施方案", ORIG, condition="占用机动车道的"),
            ],
            [s("受理", 0), s("现场踏勘", 3), s("审核决定", 3)],
            windows=[7],
            authorisation_document=AUTHORISATION,
        ),
        item(
            "KY-CG-002",
            "城市道路挖掘许可",
            "chengguan",
            COMMITTED,
            20,
            10,
            "《城市道路管理条例》第三十三条、第三十五条",
            "因工程建设需要挖掘城市道路的单位。",
            [
                m("城市道路挖掘申请表", ORIG),
                m("营业执照", COPY),
                m("施工方案及平面图", ORIG),
                m("规划部门批准文件", COPY),
            ],
            [s("受理", 0), s("现场踏勘", 3), s("审核决定", 4)],
            fee_amount=Decimal("180.00"),
            fee_basis="《城市道路管理条例》第三十五条：经批准挖掘城市道路的，应当缴纳城市道路挖掘修复费；按挖掘面积计收，沥青路面每平方米 180 元（示例）。",
            fee_approval_document="泉州市物价局关于城市道路挖掘修复费收费标准的批复（示例）",
        ),
        item(
            "KY-CG-003",
            "户外广告设施设置审批",
            "chengguan",
            COMMITTED,
            20,
            10,
            "《城市市容和环境卫生管理条例》第十一条",
            "在本街道辖区设置户外广告设施的单位或个人。",
            [
                m("户外广告设置申请表", ORIG),
                m("营业执照或身份证", COPY),
                m("设计效果图", ORIG),
                m("场地使用证明", COPY),
                m("结构安全检测报告", ORIG, condition="大型户外广告设施"),
            ],
            [s("受理", 0), s("现场核查", 3), s("审核决定", 3)],
        ),
    ]


@transaction.atomic
def load() -> bool:
    """Load the Kaiyuan catalog; False (and nothing changed) when it is already there."""
    center = Center.objects.filter(code="kaiyuan").select_related("policy").first()
    if center is None or Item.objects.filter(center=center).exists():
        return False
    numbers = dict(Window.objects.filter(center=center).values_list("departments__code", "number"))
    drafts = catalog()
    for draft in drafts:
        draft.aliases = ALIASES.get(draft.code, "")
        if draft.windows is None:  # immediate items: the department's own window decides on the spot
            draft.windows = [numbers[draft.department]]
    services.catalog_import(actor=None, center=center, drafts=drafts, reason="演示数据：开元街道事项目录")
    return True
