"""考核评比: the regulation as pure functions (no Django).

The rulebook is data: parts (工作纪律 30, 服务质量 20, 办件管理 20, 网上办理 20, 服务对象评议 10,
加分, 取消评先评优资格), each with its maximum and its rules; a rule has its points, its unit,
the article it cites and the kinds of conduct fact (``core.facts.KINDS``) it counts. A center's
rulebook is a copy of a preset with its own edits, versioned by the month it takes effect.

Scoring (ASM-1, ASM-4): every line is the rule's points × the fact's quantity (overdue days,
items left on); a part is its maximum plus its lines, held between zero and the maximum (加满封顶、
扣完为止); the bonus adds up with no cap, a praised event counting once at its highest level
(ASM-5, 一件事不重复奖励); the citizen rating comes from the satisfied share (ASM-3).
"""

import copy
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

SCORED_PARTS = ("discipline", "service", "cases", "online")  # capped at max and at zero
PART_CODES = (*SCORED_PARTS, "rating")
UNITS = {
    "person_time": "每人次",
    "time": "每次",
    "case": "每件",
    "case_day": "每件每超1天",
    "item_time": "每次每件",
    "day": "每天",
    "event": "每件事一次（不重复奖励）",
    "flag": "不计分，取消评先评优资格",
}
# A whole day's absence is two half-days (缺勤半天每人次扣 2 分).
KIND_WEIGHT = {"absent_day": Decimal(2)}
# Kinds the recorder qualifies with a rule of their choosing (the rule code travels in the fact).
CHOSEN_KINDS = frozenset({"ledger", "finding", "manual", "closing_left_on", "efficiency_notice"})


def _r(code, name, points, unit, article, kinds=(), *, ledger=False, disqualifies=False):
    return {
        "code": code,
        "name": name,
        "points": points,
        "unit": unit,
        "article": article,
        "kinds": list(kinds),
        "ledger": ledger,
        "disqualifies": disqualifies,
    }


A1 = "001 三(一)4(1)"
A2 = "001 三(一)4(2)"
A3 = "001 三(一)4(3)①"
A4 = "001 三(一)4(3)②"
A5 = "001 三(一)4(5)"
A6 = "001 三(一)4(6)"

# 001 三(一)4, line by line.
SHEXI_2022 = {
    "version": "shexi-2022",
    "title": "服务窗口及其工作人员考评细则（社溪镇，001 三(一)4）",
    "appeal_days": 5,
    "no_ratings_points": 9,
    "rating_bands": [[100, 10], [90, 9], [80, 7], [0, 5]],
    "parts": [
        {
            "code": "discipline",
            "name": "工作纪律",
            "max": 30,
            "article": A1,
            "rules": [
                _r(
                    "D1-late", "迟到、早退", -1, "person_time", A1 + "①", ["late", "early_leave"], ledger=True
                ),
                _r("D1-off-post", "上班时间无故离岗", -1, "person_time", A1 + "①", ledger=True),
                _r("D1-absent", "缺勤半天", -2, "person_time", A1 + "①", ["absent_half_day", "absent_day"]),
                _r(
                    "D2-idle",
                    "上班时间网上炒股、聊天、看电影、玩游戏、网购，打瞌睡，织绣衣物等",
                    -2,
                    "person_time",
                    A1 + "②",
                    ledger=True,
                ),
                _r("D3-badge", "未佩证上岗", -1, "person_time", A1 + "③", ledger=True),
                _r("D3-desk-sign", "窗口未按规定摆放桌牌", -1, "person_time", A1 + "③", ledger=True),
                _r("D3-eating", "在工作场所吃东西", -1, "person_time", A1 + "③", ledger=True),
                _r("D3-chatting", "串岗聊天", -1, "person_time", A1 + "③", ledger=True),
                _r("D3-child", "带小孩上班", -1, "person_time", A1 + "③", ledger=True),
                _r(
                    "D4-untidy",
                    "办公用品摆放不整齐、窗口环境脏乱差，经指出不及时纠正",
                    -1,
                    "time",
                    A1 + "④",
                    ledger=True,
                ),
                _r(
                    "D5-closing",
                    "下班未关闭电脑、打印机电源或未摆放好桌椅等办公用品",
                    -1,
                    "item_time",
                    A1 + "⑤",
                    ["closing_left_on"],
                ),
                _r(
                    "D6-training",
                    "无故缺席中心组织的学习、培训等活动",
                    -1,
                    "person_time",
                    A1 + "⑥",
                    ["training_absence"],
                ),
                _r("D7-uncovered", "请假或离岗无人顶岗", -2, "day", A1 + "⑦", ["uncovered_absence"]),
            ],
        },
        {
            "code": "service",
            "name": "服务质量",
            "max": 20,
            "article": A2,
            "rules": [
                _r(
                    "S1-attitude",
                    "服务态度不好或与服务对象发生争吵",
                    -5,
                    "person_time",
                    A2 + "①",
                    ["bad_rating_justified", "first_inquiry_failure"],
                    ledger=True,
                ),
                _r(
                    "S2-complaint",
                    "受到服务对象投诉，经查实有过错",
                    -5,
                    "person_time",
                    A2 + "②",
                    ["complaint_substantiated"],
                    disqualifies=True,
                ),
                _r("S3-online-inquiry", "网上咨询不回复、不按时答复或答复不明确", -2, "time", A2 + "③"),
                _r(
                    "S4-exposure",
                    "被新闻媒体曝光或效能监察部门明察暗访发现违规",
                    -20,
                    "person_time",
                    A2 + "④",
                    ["efficiency_notice"],
                    disqualifies=True,
                ),
                _r("S5-praise-letter", "服务对象书面表扬", 5, "person_time", A2 + "⑤"),
            ],
        },
        {
            "code": "cases",
            "name": "办件管理",
            "max": 20,
            "article": A3,
            "rules": [
                _r("C1-not-received", "可作收件处理而未收件", -2, "case", A3),
                _r("C2-fake-finish", "实际未办结但弄虚作假点击办结", -2, "case", A3),
                _r("C3-extra-steps", "擅自增加办事环节、申报材料", -2, "case", A3),
                _r("C4-return", "退、补件未严格按规定操作", -2, "case", A3),
                _r(
                    "C5-one-time",
                    "未履行一次性告知，造成服务对象2次以上往返",
                    -3,
                    "case",
                    A3,
                    ["one_time_breach"],
                ),
                _r(
                    "C6-joint-shirk",
                    "联办件互相推诿或不及时协调，造成无法运作",
                    -2,
                    "case",
                    A3,
                    ["deemed_approval"],
                ),
                _r(
                    "C7-joint-overdue",
                    "联办件超时办结（责任窗口）",
                    -2,
                    "case_day",
                    A3,
                    ["participant_overdue"],
                ),
                _r("C8-meeting-absence", "联审会无故缺席", -2, "time", A3, ["meeting_absence"]),
                _r("C9-meeting-rules", "违反联审会有关规定", -1, "time", A3),
                _r("C10-overdue", "办件超承诺时限", -2, "case_day", A3, ["case_overdue"]),
                _r("C11-registration", "办件后不及时登记", -2, "case", A3),
            ],
        },
        {
            "code": "online",
            "name": "网上办理",
            "max": 20,
            "article": A4,
            "rules": [
                _r(
                    "O1-software",
                    "上班时间使用禁用软件或与工作无关的软件",
                    -2,
                    "person_time",
                    A4,
                    ledger=True,
                ),
                _r(
                    "O2-network",
                    "未正确切换内外网和业务专网，随意拔插网线导致网络中毒",
                    -2,
                    "person_time",
                    A4,
                ),
                _r("O3-fault", "违规操作导致网络故障，影响其他窗口业务", -2, "person_time", A4),
            ],
        },
        {
            "code": "rating",
            "name": "服务对象评议",
            "max": 10,
            "article": "001 三(一)4(4)",
            "rules": [],
        },
        {
            "code": "bonus",
            "name": "加分项目",
            "max": None,
            "article": A5,
            "rules": [
                _r("B1-special-help", "为群众特事特办排忧解难，事例较典型", 2, "person_time", A5 + "①"),
                _r("B2-honour", "积极参加各项活动，为中心争得荣誉", 2, "person_time", A5 + "②"),
                _r("B3-praise-county", "受新闻媒体或有关部门表扬（县级）", 2, "event", A5 + "③"),
                _r("B3-praise-city", "受新闻媒体或有关部门表扬（市级）", 3, "event", A5 + "③"),
                _r("B3-praise-province", "受新闻媒体或有关部门表扬（省级）", 5, "event", A5 + "③"),
            ],
        },
        {
            "code": "eligibility",
            "name": "取消评先评优资格",
            "max": 0,
            "article": A6,
            "rules": [
                _r(
                    "X1-notice-or-media",
                    "被效能监察部门通报批评或上级媒体曝光，造成不良影响",
                    0,
                    "flag",
                    A6 + "②",
                    disqualifies=True,
                ),
                _r(
                    "X2-bribery",
                    "工作中出现吃、拿、卡、要等不廉洁行为",
                    0,
                    "flag",
                    A6 + "③",
                    disqualifies=True,
                ),
                _r("X3-serious", "发生其他较严重违纪违规行为", 0, "flag", A6 + "④", disqualifies=True),
            ],
        },
    ],
}

PRESETS = {"shexi-2022": SHEXI_2022}


def preset(name: str) -> dict:
    """A fresh copy of a preset rulebook (the default one when the name is unknown)."""
    return copy.deepcopy(PRESETS.get(name, SHEXI_2022))


@dataclass
class Index:
    """A rulebook read for scoring: each rule by code, the rule each kind counts under."""

    book: dict
    rules: dict = field(default_factory=dict)  # code -> rule (with "part")
    by_kind: dict = field(default_factory=dict)  # kind -> rule code
    disq: frozenset = frozenset()  # the rules that disqualify from awards

    @classmethod
    def of(cls, book: dict) -> "Index":
        ix = cls(book)
        for part in book["parts"]:
            for rule in part["rules"]:
                ix.rules[rule["code"]] = {**rule, "part": part["code"]}
                for kind in rule.get("kinds", ()):
                    ix.by_kind.setdefault(kind, rule["code"])
        ix.disq = frozenset(code for code, r in ix.rules.items() if r.get("disqualifies"))
        return ix

    def resolve(self, kind: str, rule: str) -> str | None:
        """The rule a fact counts under: the one the recorder chose, or its kind's; None: unscored."""
        if rule and rule in self.rules:
            return rule
        return self.by_kind.get(kind)

    def part_max(self, code: str):
        for part in self.book["parts"]:
            if part["code"] == code:
                return part["max"]
        return None

    def disqualifying(self) -> frozenset[str]:
        return self.disq

    def event_rules(self) -> list[str]:
        return [code for code, r in self.rules.items() if r["unit"] == "event"]


def rating_points(book: dict, ratings: int, satisfied: int) -> int:
    """ASM-3: the satisfied share's band; no rating in the month gives the rulebook's
    ``no_ratings_points`` (9 by default: nothing shows dissatisfaction, nothing shows 100 %)."""
    if ratings <= 0:
        return int(book.get("no_ratings_points", 9))
    share = Decimal(satisfied) * 100 / Decimal(ratings)
    for floor, points in sorted(book["rating_bands"], key=lambda b: -b[0]):
        if share >= floor:
            return int(points)
    return int(book["rating_bands"][-1][1])


def line_points(rule: dict, quantity: Decimal) -> Decimal:
    return Decimal(rule["points"]) * quantity


@dataclass
class Score:
    parts: dict  # discipline, service, cases, online, rating -> Decimal
    bonus: Decimal
    total: Decimal
    disqualified: bool = False


def score(ix: Index, entries, rating: int) -> Score:
    """One person's month. ``entries``: (rule code, quantity, event key) — one per fact or one
    per rule and event already summed; the result is the same (points are linear in quantity,
    and a praised event counts once at its highest level however many facts record it)."""
    sums: dict[str, Decimal] = {}
    events: dict[str, Decimal] = {}
    disq = ix.disq
    disqualified = False
    for code, quantity, event in entries:
        rule = ix.rules[code]
        if code in disq:
            disqualified = True
        if rule["unit"] == "event":
            key = event or code
            events[key] = max(events.get(key, Decimal(0)), Decimal(rule["points"]))
            continue
        part = rule["part"]
        sums[part] = sums.get(part, Decimal(0)) + line_points(rule, Decimal(quantity))
    parts = {}
    for code in SCORED_PARTS:
        top = Decimal(ix.part_max(code) or 0)
        parts[code] = min(top, max(Decimal(0), top + sums.get(code, Decimal(0))))
    parts["rating"] = Decimal(rating)
    bonus = sums.get("bonus", Decimal(0)) + sum(events.values(), Decimal(0))
    total = sum(parts.values(), Decimal(0)) + bonus
    return Score(parts, bonus, total, disqualified)


def ranks(totals: list[Decimal]) -> list[int]:
    """Standard competition ranking (1, 2, 2, 4) of totals, highest first, in the given order."""
    ordered = sorted(totals, reverse=True)
    first = {}
    for i, t in enumerate(ordered):
        first.setdefault(t, i + 1)
    return [first[t] for t in totals]


# --- periods ---------------------------------------------------------------------------------


def parse_period(text: str) -> tuple[int, int]:
    """``2026-11`` → (2026, 11); a ValueError otherwise."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        raise ValueError(text)
    year, month = int(text[:4]), int(text[5:])
    if not (2004 <= year <= 2099 and 1 <= month <= 12):
        raise ValueError(text)
    return year, month


def parse_quarter(text: str) -> tuple[int, int]:
    """``2026Q4`` → (2026, 4)."""
    if not isinstance(text, str) or len(text) != 6 or text[4] not in "Qq":
        raise ValueError(text)
    year, q = int(text[:4]), int(text[5])
    if not (2004 <= year <= 2099 and 1 <= q <= 4):
        raise ValueError(text)
    return year, q


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def quarter_months(year: int, q: int) -> list[tuple[int, int]]:
    return [(year, m) for m in range(3 * q - 2, 3 * q + 1)]


def combine(totals: list[Decimal]) -> Decimal:
    """A quarter's or a year's score: the average of the person's monthly totals (months in which
    they were assessed), to two decimals."""
    if not totals:
        return Decimal(0)
    return (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"))


def appeal_open(published_on: dt.date, today: dt.date, days: int) -> bool:
    """A line may be appealed up to ``days`` calendar days after the month is published."""
    return today <= published_on + dt.timedelta(days=days)


def validate_book(book: dict) -> list[str]:
    """What is wrong with an edited rulebook (empty: nothing)."""
    problems = []
    codes = set()
    parts = {p.get("code") for p in book.get("parts", [])}
    for needed in (*PART_CODES, "bonus"):
        if needed not in parts:
            problems.append(f"缺少考核部分 {needed}")
    for part in book.get("parts", []):
        for rule in part.get("rules", []):
            code = rule.get("code", "")
            if not code or code in codes:
                problems.append(f"规则代码「{code}」为空或重复")
            codes.add(code)
            if rule.get("unit") not in UNITS:
                problems.append(f"规则「{code}」的计分单位无效")
            if not isinstance(rule.get("points"), int) or abs(rule["points"]) > 100:
                problems.append(f"规则「{code}」的分值无效")
    return problems
