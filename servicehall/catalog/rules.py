"""The catalog's regulation as pure functions.

An item's content arrives as an ``ItemDraft`` — from a staff page, the API or a row of an Excel
file alike — and ``item_problems`` lists everything wrong with it, each problem naming the
field it is about, so that every entrance refuses the same way with the same code:

* CAT-2: an item is immediate (done on the spot, committed limit 0) or committed.
* CAT-3: a committed item has a committed limit, also where the law sets none; it never exceeds
  the statutory limit, and under a policy ratio (Zhaoqing: at least 50 % faster)
  ``committed_days <= statutory_days * ratio``. Code ``committed_limit_too_long``.
* CAT-6: parallel-approval participants work within the committed limit.
* CAT-8: public legal services are free; a fee names its basis and approval document.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from pypinyin import Style, lazy_pinyin

from servicehall.core.text import gettext_noop

IMMEDIATE, COMMITTED = "immediate", "committed"
KINDS = {IMMEDIATE: "即办件", COMMITTED: "承诺件"}
ORIGINAL, COPY, BOTH = "original", "copy", "original_and_copy"
FORMS = {ORIGINAL: "原件", COPY: "复印件", BOTH: "原件及复印件"}

ITEM_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
MATERIAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
SAMPLE_DIR = "catalog/samples/"
TOO_LONG = "committed_limit_too_long"
MAX_DAYS = 999  # working days: four years; a longer limit is a typing error
MAX_COPIES = 99


@dataclass(frozen=True)
class Problem:
    field: str  # "committed_days", "materials.2.condition", ...
    code: str
    message: str


@dataclass
class MaterialDraft:
    name: str
    code: str = ""  # empty: the next free code of the item is given
    form: str = ORIGINAL
    copies: int = 1
    required: bool = True
    condition: str = ""
    notes: str = ""
    sample: Any = None  # None: keep the same code's sample; "": none; a stored file name; or an upload


@dataclass
class StepDraft:
    name: str
    description: str = ""
    days: int = 0
    role: str = ""  # who acts on the step (STEP_ROLES); blank: the default by position (step_role)


# CAT-7, CAS-9 (000 三.2): who acts on a step of an item not authorised to the window, lowest first.
WINDOW_STAFF = "window_staff"
DEPARTMENT_HEAD = "department_head"
DEPUTY_LEADER = "deputy_leader"
DIRECTOR = "director"
PRINCIPAL_LEADER = "principal_leader"
STEP_ROLES = (WINDOW_STAFF, DEPARTMENT_HEAD, DEPUTY_LEADER, DIRECTOR, PRINCIPAL_LEADER)
# A role's rank: who holds a higher one may act on a lower one's step (the director and the deputy
# leader stand level: both lead the center below its principal leader).
ROLE_NAMES = {
    WINDOW_STAFF: "窗口工作人员",
    DEPARTMENT_HEAD: "科室负责人",
    DEPUTY_LEADER: "分管领导",
    DIRECTOR: "中心主任",
    PRINCIPAL_LEADER: "主要领导",
}
ROLE_RANKS = {WINDOW_STAFF: 1, DEPARTMENT_HEAD: 2, DEPUTY_LEADER: 3, DIRECTOR: 3, PRINCIPAL_LEADER: 4}


def step_role(role: str, position: int) -> str:
    """The role that acts on a step: the one the item names, else the window for the first step
    (受理) and the department head for every later one."""
    if role in STEP_ROLES:
        return role
    return WINDOW_STAFF if position <= 1 else DEPARTMENT_HEAD


def may_act_on(step: str, held: set[str]) -> bool:
    """Does a person holding the roles ``held`` have the authority a step of role ``step`` needs?"""
    need = ROLE_RANKS[step]
    return any(ROLE_RANKS.get(r, 0) >= need for r in held)


@dataclass
class ParticipantDraft:
    department: str  # code or name of a department of the center
    days: int


@dataclass
class ItemDraft:
    code: str
    name: str
    department: str  # code or name of a department of the center
    kind: str
    statutory_days: int | None = None
    committed_days: int | None = None
    legal_service: bool = False
    legal_basis: str = ""
    conditions: str = ""
    quantity_limits: str = ""
    contact: str = ""
    fee_amount: Decimal = Decimal("0")
    fee_basis: str = ""
    fee_approval_document: str = ""
    windows: list[int] = field(default_factory=list)  # numbers of the windows authorised (CAT-7)
    authorisation_document: str = ""
    aliases: str = ""  # search keywords, 、-separated (低保、低保申请)
    materials: list[MaterialDraft] = field(default_factory=list)
    steps: list[StepDraft] = field(default_factory=list)
    participants: list[ParticipantDraft] = field(default_factory=list)


def max_committed_days(statutory_days: int | None, ratio_max: Decimal | None) -> int | None:
    """CAT-3: the longest committed limit allowed, or None where the law sets no limit."""
    if statutory_days is None:
        return None
    if ratio_max is None:
        return statutory_days
    return int((Decimal(statutory_days) * Decimal(ratio_max)).to_integral_value(rounding=ROUND_FLOOR))


def limit_problems(
    kind: str, statutory_days: int | None, committed_days: int | None, ratio_max: Decimal | None
) -> list[Problem]:
    """CAT-2 and CAT-3."""
    if kind not in KINDS:
        return [Problem("kind", "unknown_kind", gettext_noop("办件类型只能是即办件（immediate）或承诺件（committed）。"))]
    problems = []
    for name, days in (("statutory_days", statutory_days), ("committed_days", committed_days)):
        if days is not None and days > MAX_DAYS:
            return [Problem(name, "invalid_limit", gettext_noop("时限不能超过 %(MAX_DAYS)s 个工作日。", MAX_DAYS=MAX_DAYS))]
    if statutory_days is not None and statutory_days < 1:
        problems.append(
            Problem("statutory_days", "invalid_limit", gettext_noop("法定时限须为正整数个工作日；法律未规定时限的请留空。"))
        )
        statutory_days = None
    if committed_days is not None and committed_days < 0:
        return [*problems, Problem("committed_days", "invalid_limit", gettext_noop("承诺时限不能为负数。"))]
    if kind == IMMEDIATE:
        if committed_days:
            problems.append(
                Problem(
                    "committed_days",
                    "immediate_has_no_limit",
                    gettext_noop("即办件当场办结，承诺时限应为 0；需要若干工作日办结的请设为承诺件。"),
                )
            )
        return problems
    if not committed_days:
        message = (
            "法律未规定办理时限的承诺件，须由中心确定并公布承诺时限。"
            if statutory_days is None
            else "承诺件须设定承诺时限（工作日）。"
        )
        return [*problems, Problem("committed_days", "committed_limit_required", message)]
    if statutory_days is None:
        return problems
    if committed_days > statutory_days:
        problems.append(
            Problem(
                "committed_days",
                TOO_LONG,
                gettext_noop("承诺时限（%(committed_days)s 个工作日）不得超过法定时限（%(statutory_days)s 个工作日）。", committed_days=committed_days, statutory_days=statutory_days),
            )
        )
        return problems
    longest = max_committed_days(statutory_days, ratio_max)
    if longest is not None and committed_days > longest:
        faster = (1 - Decimal(ratio_max)) * 100
        problems.append(
            Problem(
                "committed_days",
                TOO_LONG,
                gettext_noop("本中心制度要求承诺时限比法定时限提速至少 %(value)s%%：法定时限 %(statutory_days)s 个工作日，承诺时限不得超过 %(longest)s 个工作日（现为 %(committed_days)s 个）。", value=format(faster.normalize(), "f"), statutory_days=statutory_days, longest=longest, committed_days=committed_days),
            )
        )
    return problems


def fee_problems(legal_service: bool, amount: Decimal, basis: str, approval_document: str) -> list[Problem]:
    """CAT-8: public legal services are free; 001 一(三)2(2): a fee shows its basis and approval."""
    if amount < 0:
        return [Problem("fee_amount", "invalid_fee", gettext_noop("收费金额不能为负数。"))]
    if not amount:
        return []
    if legal_service:
        return [
            Problem("fee_amount", "legal_service_must_be_free", gettext_noop("公共法律服务事项一律免费，不得设定收费。"))
        ]
    problems = []
    if not basis.strip():
        problems.append(Problem("fee_basis", "fee_basis_required", gettext_noop("收费事项须公开收费依据。")))
    if not approval_document.strip():
        problems.append(
            Problem("fee_approval_document", "fee_approval_required", gettext_noop("收费事项须公开物价部门的批复文件。"))
        )
    return problems


def material_problems(materials: list[MaterialDraft]) -> list[Problem]:
    if not materials:
        return [Problem("materials", "materials_required", gettext_noop("请列出全部申请材料（至少一项）。"))]
    problems, seen = [], set()
    for i, m in enumerate(materials):
        at = f"materials.{i}"
        if not m.name.strip():
            problems.append(Problem(f"{at}.name", "material_name_required", gettext_noop("请填写材料名称。")))
        if m.code:
            if not MATERIAL_CODE.fullmatch(m.code):
                problems.append(
                    Problem(
                        f"{at}.code",
                        "invalid_material_code",
                        gettext_noop("材料编码只能使用字母、数字、连字符和下划线，最长 20 位。"),
                    )
                )
            elif m.code in seen:
                problems.append(
                    Problem(f"{at}.code", "duplicate_material_code", gettext_noop("材料编码「%(code)s」重复。", code=m.code))
                )
            seen.add(m.code)
        if m.form not in FORMS:
            problems.append(
                Problem(f"{at}.form", "unknown_material_form", gettext_noop("材料形式只能是原件、复印件或原件及复印件。"))
            )
        if not 1 <= m.copies <= MAX_COPIES:
            problems.append(Problem(f"{at}.copies", "invalid_copies", gettext_noop("份数须在 1 至 %(MAX_COPIES)s 之间。", MAX_COPIES=MAX_COPIES)))
        if not m.required and not m.condition.strip():
            problems.append(
                Problem(f"{at}.condition", "condition_required", gettext_noop("视情形提交的材料须写明适用情形。"))
            )
    return problems


def step_problems(kind: str, committed_days: int | None, steps: list[StepDraft]) -> list[Problem]:
    """Each step has its own time node; together they fit within the committed limit."""
    problems = []
    for i, s in enumerate(steps):
        if not s.name.strip():
            problems.append(Problem(f"steps.{i}.name", "step_name_required", gettext_noop("请填写办理环节名称。")))
        if not 0 <= s.days <= MAX_DAYS:
            problems.append(
                Problem(f"steps.{i}.days", "invalid_limit", gettext_noop("环节时限须在 0 至 %(MAX_DAYS)s 个工作日之间。", MAX_DAYS=MAX_DAYS))
            )
        if s.role and s.role not in STEP_ROLES:
            problems.append(Problem(f"steps.{i}.role", "invalid_step_role", gettext_noop("请选择环节的审批人员。")))
    total = sum(min(max(s.days, 0), MAX_DAYS) for s in steps)
    if kind == IMMEDIATE and total:
        problems.append(Problem("steps", "immediate_steps_take_days", gettext_noop("即办件当场办结，各环节时限应为 0。")))
    elif kind == COMMITTED and committed_days and total > committed_days:
        problems.append(
            Problem(
                "steps",
                "steps_exceed_committed_limit",
                gettext_noop("各环节时限合计 %(total)s 个工作日，超过了承诺时限 %(committed_days)s 个工作日。", total=total, committed_days=committed_days),
            )
        )
    return problems


def participant_problems(
    kind: str, department: str, committed_days: int | None, participants: list[ParticipantDraft]
) -> list[Problem]:
    """CAT-6: participants of a parallel approval work at the same time, within the committed limit."""
    if not participants:
        return []
    if kind == IMMEDIATE:
        return [Problem("participants", "immediate_not_parallel", gettext_noop("即办件当场办结，不能设并联审批协办科室。"))]
    problems, seen = [], set()
    for i, p in enumerate(participants):
        at = f"participants.{i}"
        if p.department == department:
            problems.append(Problem(f"{at}.department", "participant_is_lead", gettext_noop("牵头科室不必列为协办科室。")))
        elif p.department in seen:
            problems.append(
                Problem(f"{at}.department", "duplicate_participant", gettext_noop("协办科室「%(department)s」重复。", department=p.department))
            )
        seen.add(p.department)
        if not 1 <= p.days <= MAX_DAYS:
            problems.append(
                Problem(f"{at}.days", "invalid_limit", gettext_noop("协办时限须在 1 至 %(MAX_DAYS)s 个工作日之间。", MAX_DAYS=MAX_DAYS))
            )
        elif committed_days and p.days > committed_days:
            problems.append(
                Problem(
                    f"{at}.days",
                    "participant_exceeds_committed_limit",
                    gettext_noop("协办时限不得超过事项的承诺时限（%(committed_days)s 个工作日）。", committed_days=committed_days),
                )
            )
    return problems


def item_problems(draft: ItemDraft, ratio_max: Decimal | None) -> list[Problem]:
    """Everything wrong with a draft, limits first (the API answers with the first code)."""
    problems = limit_problems(draft.kind, draft.statutory_days, draft.committed_days, ratio_max)
    if not ITEM_CODE.fullmatch(draft.code or ""):
        problems.append(
            Problem(
                "code",
                "invalid_item_code",
                gettext_noop("事项编码只能使用字母、数字、连字符和下划线，以字母或数字开头，最长 40 位。"),
            )
        )
    if not draft.name.strip():
        problems.append(Problem("name", "name_required", gettext_noop("请填写事项名称。")))
    if not draft.department.strip():
        problems.append(Problem("department", "department_required", gettext_noop("请填写实施科室。")))
    problems += fee_problems(
        draft.legal_service, draft.fee_amount, draft.fee_basis, draft.fee_approval_document
    )
    problems += material_problems(draft.materials)
    problems += step_problems(draft.kind, draft.committed_days, draft.steps)
    problems += participant_problems(draft.kind, draft.department, draft.committed_days, draft.participants)
    return problems


def next_material_code(used: Iterable[str]) -> str:
    """The next material code of an item: M01, M02, ... never one used by any of its versions."""
    numbers = [int(c[1:]) for c in used if re.fullmatch(r"M\d+", c)]
    return f"M{max(numbers, default=0) + 1:02d}"


def initials(name: str) -> str:
    """Pinyin initials for search: 残疾人证新办 → cjrzxb (letters and digits kept, lower case)."""
    letters = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return re.sub(r"[^a-z0-9]", "", letters.lower())[:100]


ALIAS_SEPARATORS = re.compile(r"[、,，;；/|\s]+")


def aliases(text: str) -> str:
    """A guide's search keywords as typed (低保, 低保申请；dibao) → one per word, in order, each
    once, joined by 、: the form the catalog shows and the Excel column holds."""
    seen: list[str] = []
    for word in ALIAS_SEPARATORS.split(text or ""):
        if word and word not in seen:
            seen.append(word)
    return "、".join(seen)


def alias_initials(text: str) -> str:
    """The pinyin initials of every keyword, space-separated (低保、低保申请 → "db dbsq"), so that
    "dbsq" finds the guide its citizens call 低保申请."""
    return " ".join(dict.fromkeys(i for i in (initials(a) for a in aliases(text).split("、")) if i))[:400]


def material_changes(before: list[dict], after: list[dict]) -> tuple[list[str], list[str], list[str]]:
    """Codes of the materials added, removed and changed between two versions."""
    old = {m["code"]: m for m in before}
    new = {m["code"]: m for m in after}
    added = [c for c in new if c not in old]
    removed = [c for c in old if c not in new]
    changed = [c for c in new if c in old and new[c] != old[c]]
    return added, removed, changed


def changed_fields(before: dict, after: dict) -> list[str]:
    """The keys of a version's content that differ from the version before."""
    return [key for key in after if before.get(key) != after[key]]
