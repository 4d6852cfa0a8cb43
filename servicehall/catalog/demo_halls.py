"""The demo catalogs of the four halls beside Kaiyuan (servicehall/org/demo_halls.py): a few items
each, with their materials and steps.

Every committed limit is at most half the statutory one (CAT-3; 003 art.13 for the county).
Legal services are free (CAT-8; 002 一(四)5). Shexi's parallel approvals name the lead 站所 and
the participating ones with their days (CAT-6; 001 一(五)). The county's fees are paid at the
bank's window (003 art.5). Item codes, fees and documents are illustrative.
"""

from decimal import Decimal

from django.db import transaction

from servicehall.catalog import services
from servicehall.catalog.demo import BOTH, COPY, HOUSEHOLD, ID_CARD, ON_THE_SPOT, ORIG, item, m, s
from servicehall.catalog.models import Item
from servicehall.catalog.rules import COMMITTED, IMMEDIATE, ParticipantDraft
from servicehall.org.models import Center


def jinjiang():
    return [
        item(
            "JJ-FY-001",
            "法律援助申请",
            "falvyuanzhu",
            COMMITTED,
            7,
            3,
            "《中华人民共和国法律援助法》第四十一条至第四十三条",
            "因经济困难没有委托代理人的当事人；农民工追索劳动报酬的免予经济困难审查。",
            [
                m("法律援助申请表", ORIG),
                m(*ID_CARD),
                m("经济困难状况说明表", ORIG, condition="不属于免予经济困难审查情形的"),
                m("与所申请法律援助事项有关的材料", BOTH),
            ],
            [s("受理", 0), s("审查决定", 2), s("指派承办人员", 1)],
            legal_service=True,
            windows=[1],
        ),
        item(
            "JJ-TJ-001",
            "人民调解申请",
            "tiaojie",
            COMMITTED,
            30,
            15,
            "《中华人民共和国人民调解法》第十七条",
            "公民之间、公民与法人或其他组织之间的民间纠纷。",
            [m("人民调解申请书", ORIG, notes="可口头申请，窗口代为记录"), m(*ID_CARD)],
            [s("受理", 0), s("调解", 14), s("制作调解协议书", 1)],
            legal_service=True,
            windows=[2],
        ),
        item(
            "JJ-GZ-001",
            "亲属关系公证",
            "gongzheng",
            COMMITTED,
            15,
            7,
            "《中华人民共和国公证法》；《公证程序规则》第三十五条",
            "需要证明亲属关系的自然人，向住所地或事实发生地公证机构申请。",
            [m("公证申请表", ORIG), m(*ID_CARD), m(*HOUSEHOLD), m("亲属关系证明材料", BOTH)],
            [s("受理", 0), s("审查核实", 5), s("出具公证书", 2)],
            windows=[3],
        ),
        item(
            "JJ-LS-001",
            "律师值班法律咨询",
            "lvshi",
            IMMEDIATE,
            None,
            0,
            "《中华人民共和国法律援助法》第二十二条",
            "所有来访群众。",
            [m("与咨询事项有关的材料", COPY, condition="有相关材料的")],
            ON_THE_SPOT,
            legal_service=True,
            windows=[4],
        ),
        # Low-volume items at the comprehensive window (000 四.2).
        item(
            "JJ-JC-001",
            "基层法律服务工作者执业核准",
            "jiceng",
            COMMITTED,
            20,
            10,
            "《基层法律服务工作者管理办法》第十四条",
            "符合执业条件、拟在本市基层法律服务所执业的人员。",
            [
                m("执业核准申请表", ORIG),
                m(*ID_CARD),
                m("学历证明", COPY),
                m("基层法律服务所同意接收证明", ORIG),
            ],
            [s("受理", 0), s("审核", 7), s("报送核准", 3)],
            windows=[5],
        ),
        item(
            "JJ-JD-001",
            "司法鉴定咨询",
            "jianding",
            IMMEDIATE,
            None,
            0,
            "《司法鉴定程序通则》",
            "需要了解司法鉴定机构、鉴定程序的当事人。",
            [m("与鉴定事项有关的材料", COPY, condition="有相关材料的")],
            ON_THE_SPOT,
            legal_service=True,
            windows=[5],
        ),
    ]


def shexi():
    return [
        item(
            "SX-MZ-001",
            "最低生活保障申请",
            "minzheng",
            COMMITTED,
            30,
            15,
            "《社会救助暂行办法》第九条至第十一条",
            "家庭人均收入低于当地最低生活保障标准且符合财产状况规定的本镇户籍居民。",
            [m("最低生活保障申请书", ORIG), m(*ID_CARD), m(*HOUSEHOLD), m("家庭经济状况核对授权书", ORIG)],
            [s("受理", 0), s("入户调查", 5), s("民主评议与公示", 7), s("审核确认", 3)],
            windows=[1],
        ),
        item(
            "SX-LB-001",
            "城乡居民养老保险参保登记",
            "laobao",
            IMMEDIATE,
            None,
            0,
            "《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
            "年满16周岁、不属于职工基本养老保险覆盖范围的本镇户籍居民。",
            [m(*ID_CARD), m(*HOUSEHOLD)],
            ON_THE_SPOT,
            windows=[2],
        ),
        # Parallel approvals (001 一(五)): the lead 站所 accepts, the others review at the same time.
        item(
            "SX-ZR-001",
            "农村村民住宅建设审批",
            "ziran",
            COMMITTED,
            20,
            10,
            "《中华人民共和国土地管理法》第六十二条；《乡村建设规划许可实施意见》",
            "本镇农村集体经济组织成员，符合一户一宅和村庄规划的。",
            [
                m("农村宅基地和建房（规划许可）申请表", ORIG),
                m(*ID_CARD),
                m(*HOUSEHOLD),
                m("村民小组会议记录", ORIG),
                m("住宅设计图", ORIG),
            ],
            [
                s("受理", 0, "自然资源所牵头受理并抄告规划建设站、农业综合服务站"),
                s("联合审查", 7),
                s("审批", 3),
            ],
            participants=[ParticipantDraft("guihua", 7), ParticipantDraft("nongye", 7)],
            windows=[3],
        ),
        item(
            "SX-LY-001",
            "林木采伐许可",
            "linye",
            COMMITTED,
            20,
            10,
            "《中华人民共和国森林法》第五十六条",
            "采伐本镇林地上林木的单位和个人（自留地、房前屋后个人所有零星林木除外）。",
            [m("林木采伐申请表", ORIG), m(*ID_CARD), m("林权证", BOTH), m("伐区调查设计", ORIG)],
            [s("受理", 0, "林业站牵头受理并抄告自然资源所"), s("现场核查", 5), s("审批", 3)],
            participants=[ParticipantDraft("ziran", 5)],
            windows=[5],
        ),
        item(
            "SX-GH-001",
            "乡村建设规划许可",
            "guihua",
            COMMITTED,
            20,
            10,
            "《中华人民共和国城乡规划法》第四十一条",
            "在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设的。",
            [m("乡村建设规划许可申请表", ORIG), m("营业执照或身份证", COPY), m("建设工程设计方案", ORIG)],
            [s("受理", 0, "规划建设站牵头受理并抄告自然资源所、林业站"), s("联合踏勘", 5), s("审批", 3)],
            participants=[ParticipantDraft("ziran", 6), ParticipantDraft("linye", 6)],
            windows=[4],
        ),
    ]


def xishan():
    # 002 六: consultation, legal aid and mediation; every service free (002 一(四)5).
    return [
        item(
            "XS-ZX-001",
            "法律咨询",
            "sifasuo",
            IMMEDIATE,
            None,
            0,
            "《中华人民共和国法律援助法》第二十二条",
            "所有来访、来电群众。",
            [m("与咨询事项有关的材料", COPY, condition="有相关材料的")],
            ON_THE_SPOT,
            legal_service=True,
            windows=[1],
        ),
        item(
            "XS-FY-001",
            "法律援助申请",
            "falvyuanzhu",
            COMMITTED,
            7,
            3,
            "《中华人民共和国法律援助法》第四十一条至第四十三条",
            "经济困难的当事人；农民工请求支付劳动报酬、持最低生活保障证或特困供养证的免予经济困难审查。",
            [
                m("法律援助申请表", ORIG),
                m(*ID_CARD),
                m("经济困难状况说明表", ORIG, condition="不属于免予经济困难审查情形的"),
                m("与所申请法律援助事项有关的材料", BOTH),
            ],
            [s("受理", 0), s("审查决定", 2), s("指派承办人员", 1)],
            legal_service=True,
            windows=[2],
        ),
        item(
            "XS-TJ-001",
            "人民调解申请",
            "tiaowei",
            COMMITTED,
            30,
            15,
            "《中华人民共和国人民调解法》第十七条",
            "本镇辖区内的民间纠纷当事人。",
            [m("人民调解申请书", ORIG, notes="可口头申请，窗口代为记录"), m(*ID_CARD)],
            [s("受理", 0), s("调解", 14), s("制作调解协议书", 1)],
            legal_service=True,
            windows=[3],
        ),
    ]


def county():
    # 003 art.13: every committed limit at least 50 % shorter than the statutory one.
    return [
        item(
            "LC-SC-001",
            "食品经营许可",
            "shichang",
            COMMITTED,
            20,
            10,
            "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
            "在本区从事食品销售和餐饮服务活动的经营者。",
            [
                m("食品经营许可申请书", ORIG),
                m("营业执照", COPY),
                m("经营场所平面图", ORIG),
                m("食品安全管理制度", ORIG),
            ],
            [s("受理", 0), s("现场核查", 5), s("审批发证", 5)],
            windows=[1, 4],
        ),
        item(
            "LC-RS-001",
            "人力资源服务许可",
            "renshe",
            COMMITTED,
            20,
            10,
            "《人力资源市场暂行条例》第十八条",
            "在本区设立从事职业中介活动的经营性人力资源服务机构。",
            [m("人力资源服务许可申请表", ORIG), m("营业执照", COPY), m("场所使用证明", COPY)],
            [s("受理", 0), s("审查", 7), s("决定", 3)],
            windows=[2, 4],
        ),
        item(
            "LC-ZJ-001",
            "建筑工程施工许可",
            "zhujian",
            COMMITTED,
            7,
            3,
            "《中华人民共和国建筑法》第八条；《建筑工程施工许可管理办法》",
            "在本区从事建筑工程施工、投资额30万元以上或建筑面积300平方米以上的建设单位。",
            [
                m("建筑工程施工许可申请表", ORIG),
                m("建设工程规划许可证", COPY),
                m("施工合同", COPY),
                m("质量安全监督手续", COPY),
            ],
            [s("受理", 0), s("审查", 2), s("发证", 1)],
            windows=[3],
        ),
        item(
            "LC-MZ-001",
            "社会团体成立登记",
            "minzheng",
            COMMITTED,
            60,
            30,
            "《社会团体登记管理条例》第九条、第十二条",
            "在本区开展活动、有50个以上个人会员或30个以上单位会员的社会团体。",
            [
                m("成立登记申请书", ORIG),
                m("业务主管单位批准文件", ORIG),
                m("章程草案", ORIG),
                m("验资报告", ORIG),
            ],
            [s("受理", 0), s("审查", 20), s("核准登记", 10)],
            windows=[4],
        ),
        item(
            "LC-ZJ-002",
            "城市建筑垃圾处置核准",
            "zhujian",
            COMMITTED,
            20,
            10,
            "《城市建筑垃圾管理规定》第七条",
            "在本区处置建筑垃圾的施工单位和运输单位。",
            [m("建筑垃圾处置核准申请表", ORIG), m("营业执照", COPY), m("运输车辆行驶证", COPY)],
            [s("受理", 0), s("审查", 5), s("核准", 5), s("缴费", 0, "在银行收费窗口缴纳处置费")],
            windows=[3, 4],
            fee_amount=Decimal("2.00"),
            fee_basis="按处置量每吨 2 元（示例），在 5 号银行收费窗口统一缴纳。",
            fee_approval_document="区发展和改革局关于建筑垃圾处置费收费标准的批复（示例）",
        ),
    ]


CATALOGS = {"jinjiang": jinjiang, "shexi": shexi, "xishan": xishan, "county": county}


def _load_one(code: str) -> bool:
    center = Center.objects.filter(code=code).select_related("policy").first()
    if center is None or Item.objects.filter(center=center).exists():
        return False
    drafts = CATALOGS[code]()
    for draft in drafts:
        draft.authorisation_document = f"{center.name}窗口授权委托书（演示）"
    services.catalog_import(
        actor=None, center=center, drafts=drafts, reason=f"演示数据：{center.name}事项目录"
    )
    return True


@transaction.atomic
def load() -> bool:
    """Each hall's catalog that is not there yet; False when every one was already there."""
    loaded = [_load_one(code) for code in CATALOGS]  # every one, not only up to the first
    return any(loaded)
