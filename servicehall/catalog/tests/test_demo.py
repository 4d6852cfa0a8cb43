"""The demo catalog of Kaiyuan: every window has items, limits keep the policy, legal services are free."""

from servicehall.catalog import demo as catalog_demo
from servicehall.catalog import rules, selectors
from servicehall.catalog.models import Item


def test_every_window_of_kaiyuan_has_items_of_both_kinds_overall(catalog):
    items = list(selectors.items_of(catalog))
    assert 20 <= len(items) <= 30
    departments = {i.current.department.name for i in items}
    assert departments == {
        f"街道{n}" for n in ["党政办", "财经办", "卫计办", "劳保所", "残联", "司法所", "城管办"]
    }
    assert {i.current.kind for i in items} == {rules.IMMEDIATE, rules.COMMITTED}
    names = {i.current.name for i in items}
    assert {"残疾人证新办", "法律援助申请", "生育登记", "城乡居民养老保险参保登记", "就业失业登记"} <= names
    assert {"最低生活保障申请", "城市道路临时占用审批"} <= names


def test_cat_3_demo_limits_keep_the_kaiyuan_policy(catalog):
    ratio = catalog.policy.committed_ratio_max
    for item in selectors.items_of(catalog):
        v = item.current
        if v.statutory_days is not None:
            assert v.committed_days <= v.statutory_days * ratio, v.name
        elif v.kind == rules.COMMITTED:
            assert v.committed_days >= 1, v.name


def test_cat_8_demo_legal_services_are_free_and_sifa_items_are_legal_services(catalog):
    sifa = [i.current for i in selectors.items_of(catalog) if i.current.department.code == "sifa"]
    assert sifa and all(v.legal_service and v.is_free for v in sifa)
    assert any(not i.current.is_free for i in selectors.items_of(catalog))  # one fee, with its basis


def test_demo_sample_forms_are_real_pdfs(catalog):
    version = selectors.guide(catalog, "KY-CL-001")
    sample = next(m.sample for m in version.materials.all() if m.sample)
    with sample.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_demo_loading_is_idempotent(catalog):
    assert catalog_demo.load() is False
    assert Item.objects.filter(center=catalog).count() == 25
