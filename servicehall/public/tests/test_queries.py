"""Public pages and list endpoints run a fixed number of queries whatever the number of items."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.core import clock

URLS = [
    ("/c/kaiyuan/", None),
    ("/c/kaiyuan/guides/", 3),  # center, count, page of items
    ("/c/kaiyuan/guides/?q=cssx&page=2", 3),
    ("/c/kaiyuan/screen/", 6),  # center, count, page, materials, windows, their departments
    ("/api/v1/public/centers/kaiyuan/items", 2),  # center, items
    ("/api/v1/public/centers/kaiyuan/items?q=cssx", 2),
    ("/api/v1/public/centers/kaiyuan/items?q=街道党政办", 2),
]


def test_cat_4_public_lists_cost_the_same_queries_for_10_and_2000_items(
    client, demo, add_items, django_assert_num_queries
):
    add_items(demo, 10)
    counts = {}
    with clock.freeze("2026-11-23T09:30"):
        for url, expected in URLS:
            client.get(url)  # the calendar's cache is warm in both measurements
            with CaptureQueriesContext(connection) as ten:
                assert client.get(url).status_code == 200
            counts[url] = len(ten.captured_queries)
            assert expected is None or counts[url] == expected, url
    add_items(demo, 1990)
    with clock.freeze("2026-11-23T09:30"):
        for url, _expected in URLS:
            with django_assert_num_queries(counts[url]):
                assert client.get(url).status_code == 200, url
    assert len(client.get("/api/v1/public/centers/kaiyuan/items").json()) == 2000


def test_a_guide_costs_the_same_queries_for_2_and_40_materials(
    client, demo, add_items, django_assert_num_queries
):
    from servicehall.catalog.models import Item, Material

    add_items(demo, 1)
    item = Item.objects.get(center=demo)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/c/kaiyuan/guides/{item.code}/").status_code == 200
    Material.objects.bulk_create(
        [Material(version=item.current, position=p, code=f"X{p}", name=f"材料{p}") for p in range(3, 41)]
    )
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(f"/c/kaiyuan/guides/{item.code}/").status_code == 200
    with django_assert_num_queries(len(few.captured_queries) - 1):  # the API has no window lookup
        assert len(client.get(f"/api/v1/public/centers/kaiyuan/items/{item.code}").json()["materials"]) == 40
