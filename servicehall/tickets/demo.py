"""The queue of the demo center: Kaiyuan's service lines (each with the catalog's items of its
departments), its hall devices, two home visits."""

from django.db import transaction

from servicehall.catalog import selectors as catalog
from servicehall.org.models import Center, Window
from servicehall.tickets import booking, services
from servicehall.tickets.models import Device, Line

# (prefix, name, window numbers): every line served by several windows; window 6 serves two.
KAIYUAN_LINES = [
    ("A", "综合事务（党政、财经、城管）", [1, 2, 6, 7]),
    ("B", "社会保障（卫计、劳保、残联）", [3, 4, 5]),
    ("C", "法律服务（司法所）", [6, 1]),
]
DEPARTMENTS = {"A": ["dangzheng", "caijing", "chengguan"], "B": ["weiji", "laobao", "canlian"], "C": ["sifa"]}

# The demo runs on one machine: its kiosk and display are allowed from the loopback address.
DEVICES = [(Device.Kind.KIOSK, "大厅取号机", "127.0.0.1"), (Device.Kind.DISPLAY, "大厅显示屏", "127.0.0.1")]


def create_lines(center: Center, lines) -> None:
    """Each line (prefix, name, window numbers, department codes) serves its departments'
    catalog items at its windows."""
    windows = {w.number: w for w in Window.objects.filter(center=center)}
    departments = {d.code: d for d in center.departments.all()}
    items = list(catalog.items_of(center))
    for prefix, name, numbers, codes in lines:
        served = [departments[code] for code in codes]
        services.line_create(
            actor=None,
            center=center,
            prefix=prefix,
            name=name,
            windows=[windows[n] for n in numbers],
            departments=served,
            items=[item for item in items if item.current.department in served],
        )


@transaction.atomic
def load() -> bool:
    """Lines A, B, C of Kaiyuan, its kiosk and display; False when already there."""
    center = Center.objects.filter(code="kaiyuan").first()
    if center is None or Line.objects.filter(center=center).exists():
        return False
    create_lines(
        center, [(prefix, name, numbers, DEPARTMENTS[prefix]) for prefix, name, numbers in KAIYUAN_LINES]
    )
    for kind, name, address in DEVICES:
        booking.device_register(actor=None, center=center, kind=kind, name=name, address=address)
    booking.home_visit_request(
        actor=None,
        center=center,
        name="林阿婆",
        phone="13805951234",
        address="开元街道象峰社区3号楼201",
        need="高龄津贴申领",
        age=86,
    )
    booking.home_visit_request(
        actor=None,
        center=center,
        name="黄先生",
        phone="13905955678",
        address="开元街道新华路12号",
        need="残疾人两项补贴年审",
        severely_disabled=True,
    )
    return True
