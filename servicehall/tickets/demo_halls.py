"""The service lines (QUE-1) of the four demo halls beside Kaiyuan (servicehall/org/demo_halls.py):
each line serves some departments' items and is called at its windows; a comprehensive window
serves several lines."""

from django.db import transaction

from servicehall.org.models import Center
from servicehall.tickets.demo import create_lines
from servicehall.tickets.models import Line

# code: [(prefix, name, window numbers, department codes)]
LINES = {
    "jinjiang": [
        ("A", "法律援助", [1, 5], ["falvyuanzhu"]),
        ("B", "人民调解", [2, 5], ["tiaojie"]),
        ("C", "公证服务", [3], ["gongzheng"]),
        ("D", "律师与综合法律服务", [4, 5], ["lvshi", "jiceng", "jianding"]),
    ],
    "shexi": [
        ("A", "民政与社保", [1, 2], ["minzheng", "laobao"]),
        ("B", "自然资源与规划建设", [3, 4], ["ziran", "guihua"]),
        ("C", "农林卫综合", [5], ["linye", "nongye", "weijian"]),
    ],
    "xishan": [
        ("A", "法律咨询", [1, 2, 3], ["sifasuo"]),
        ("B", "法律援助", [2], ["falvyuanzhu"]),
        ("C", "人民调解", [3], ["tiaowei"]),
    ],
    "county": [
        ("A", "市场准入", [1, 4], ["shichang"]),
        ("B", "人力社保与社会事务", [2, 4], ["renshe", "minzheng"]),
        ("C", "工程建设", [3], ["zhujian"]),
        ("D", "缴费", [5], ["yinhang"]),
    ],
}


def _load_one(code: str) -> bool:
    center = Center.objects.filter(code=code).first()
    if center is None or Line.objects.filter(center=center).exists():
        return False
    create_lines(center, LINES[code])
    return True


@transaction.atomic
def load() -> bool:
    """Each hall's lines not there yet; False when every one was already there."""
    loaded = [_load_one(code) for code in LINES]  # every one, not only up to the first
    return any(loaded)
