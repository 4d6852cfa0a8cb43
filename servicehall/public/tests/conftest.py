"""Public-page fixtures: the demo catalog, and items in bulk for the query-count tests."""

import pytest

from servicehall.catalog.tests.conftest import catalog  # noqa: F401  (the demo center with its catalog)


@pytest.fixture
def add_items():
    """``add_items(center, n)``: n more items (two materials each), written in bulk."""
    from servicehall.catalog import rules
    from servicehall.catalog.models import Item, ItemVersion, Material
    from servicehall.core import clock

    def add(center, n):
        department = center.departments.order_by("id").first()
        start, now = Item.objects.filter(center=center).count(), clock.now()
        items = Item.objects.bulk_create(
            [Item(center=center, code=f"BULK-{i:05d}", created_at=now) for i in range(start, start + n)]
        )
        versions = ItemVersion.objects.bulk_create(
            [
                ItemVersion(
                    item=item,
                    number=1,
                    created_at=now,
                    reason="批量",
                    name=f"测试事项{item.code}",
                    initials=rules.initials(f"测试事项{item.code}"),
                    department=department,
                    kind=rules.COMMITTED,
                    statutory_days=20,
                    committed_days=10,
                )
                for item in items
            ]
        )
        Material.objects.bulk_create(
            [
                Material(version=v, position=p, code=f"M0{p}", name=f"材料{p}")
                for v in versions
                for p in (1, 2)
            ]
        )
        for item, version in zip(items, versions, strict=True):
            item.current = version
        Item.objects.bulk_update(items, ["current"])

    return add
