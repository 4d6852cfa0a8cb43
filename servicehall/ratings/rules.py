"""评价与回访: the regulation as pure functions (no Django)."""

import datetime as dt
import math
import random

# GB/T 39734-2020: five levels, 1 the best. 基本满意 is 3.
LEVELS = {1: "非常满意", 2: "满意", 3: "基本满意", 4: "不满意", 5: "非常不满意"}
SATISFIED_UP_TO = 2  # the satisfaction rate counts 非常满意 and 满意
BAD_FROM = 4  # reasons are asked for 不满意 and 非常不满意
RATING_DAYS = 7  # a matter may be rated this many days after it was finished (default)
REVISIT_DAYS = 5  # a revisit is due within this many days of the rating (local plans: 5 working days)

# The short list of reasons offered for a bad level (a citizen may add a comment).
REASONS = {
    "attitude": "服务态度差",
    "slow": "办理时间长、效率低",
    "unclear": "告知不清、多次跑",
    "rules": "政策或流程不合理",
    "environment": "大厅环境设施不便",
    "other": "其他",
}

SATISFACTION_DEFINITION = (
    "满意率 = 评价为“非常满意”或“满意”的件数 ÷ 有效评价件数。"
    "有效评价不含未评价的事项（未评价从不默认为任何等级）、已作废的评价和经领导批准认定的恶意差评。"
)


def level_valid(level) -> bool:
    return isinstance(level, int) and not isinstance(level, bool) and level in LEVELS


def is_satisfied(level: int) -> bool:
    return level <= SATISFIED_UP_TO


def needs_revisit(level: int, revisit_level: int) -> bool:
    """EVA-3: the policy's level (基本满意 by default) and every worse one is revisited."""
    return level >= revisit_level


def may_be_malicious(level: int, justified: bool | None) -> bool:
    """EVA-5: only a bad rating (不满意, 非常不满意) that the revisit did not find justified may be
    marked 恶意差评."""
    return level >= BAD_FROM and justified is not True


def rate(ratings: int, satisfied: int) -> float | None:
    """The share of satisfied ratings, None with no rating (never 0 % nor 100 % by default)."""
    return round(satisfied / ratings, 4) if ratings else None


def rateable_until(finished_at: dt.datetime, days: int = RATING_DAYS) -> dt.datetime:
    return finished_at + dt.timedelta(days=days)


def sample_size(population: int, percent: int) -> int:
    """EVA-4: at least ``percent`` of the month's completed orders (rounded up; one at least when any)."""
    if population <= 0:
        return 0
    return min(population, max(1, math.ceil(population * percent / 100)))


def draw_sample(ids: list[int], percent: int, seed: int) -> list[int]:
    """The sampled ids: the same ids, percent and seed give the same sample on any machine."""
    population = sorted(ids)
    chosen = random.Random(seed).sample(population, sample_size(len(population), percent))
    return sorted(chosen)


def month_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → (first day, first day of the next month); ValueError otherwise."""
    if len(period) != 7 or period[4] != "-" or not (period[:4] + period[5:]).isdigit():
        raise ValueError("应为 YYYY-MM 格式的月份")
    year, month = int(period[:4]), int(period[5:])
    if not (2004 <= year <= 2099 and 1 <= month <= 12):
        raise ValueError("月份超出范围")
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def percent(rate: float | None) -> str:
    """A rate as every page and workbook shows it: one decimal, so 89.6 % never reads as the 90 %
    that would earn ASM-3's higher band; "—" where nothing was rated."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
