"""The public API: the same content as the pages, no login (CAT-4, ORG-4)."""

import pytest

API = "/api/v1/public/centers/kaiyuan"


def test_cat_4_items_are_listed_and_searched_without_a_login(client, catalog):
    items = client.get(f"{API}/items").json()
    assert len(items) == 25
    first = next(i for i in items if i["code"] == "KY-CL-001")
    assert first == {
        "code": "KY-CL-001",
        "name": "残疾人证新办",
        "department": "街道残联",
        "kind": "committed",
        "kind_label": "承诺件",
        "statutory_days": 20,
        "committed_days": 10,
        "free": True,
        "version": 1,
        "url": "/c/kaiyuan/guides/KY-CL-001/",
    }
    assert {i["name"] for i in client.get(f"{API}/items", {"q": "cjrz"}).json()} == {
        "残疾人证新办",
        "残疾人证迁移",
    }


def test_cat_1_one_guide_has_every_field(client, catalog):
    guide = client.get(f"{API}/items/KY-SF-001").json()
    assert guide["name"] == "法律援助申请" and guide["legal_service"] is True
    assert guide["fee"] == {"amount": "0.00", "free": True, "basis": "", "approval_document": ""}
    assert guide["windows"] == [{"number": 6, "name": "司法所"}]
    assert [m["code"] for m in guide["materials"]] == ["M01", "M02", "M03", "M04"]
    assert guide["materials"][0]["sample_url"] == "/c/kaiyuan/guides/KY-SF-001/samples/M01"
    assert (
        guide["materials"][2]["required"] is False
        and "免予经济困难审查" in guide["materials"][2]["condition"]
    )
    assert [s["name"] for s in guide["steps"]] == ["受理", "审查决定", "指派承办人员"]
    assert {
        "legal_basis",
        "conditions",
        "quantity_limits",
        "contact",
        "statutory_days",
        "participants",
    } <= set(guide)


def test_org_4_staff_board_over_the_api(client, catalog):
    board = client.get(f"{API}/staff").json()
    assert board["complaint_phone"] == "0595-22100012" and "意见箱" in board["complaint_channels"]
    assert len(board["staff"]) == 15
    xie = next(s for s in board["staff"] if s["name"] == "谢珊红")
    assert xie["posts"] == [{"window": 6, "window_name": "司法所", "post": "A"}]
    assert xie["photo_url"] is None and xie["commitment"] and xie["duties"] and xie["phone"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/public/centers/atlantis/items", "center_not_found"),
        ("/api/v1/public/centers/atlantis/staff", "center_not_found"),
        (f"{API}/items/NOPE", "item_not_found"),
        (f"{API}/items/" + "x" * 300, "item_not_found"),
    ],
)
def test_unknown_center_or_item_is_a_404_with_a_code(client, catalog, url, code):
    response = client.get(url)
    assert response.status_code == 404 and response.json()["code"] == code


def test_the_public_api_is_read_only(client, catalog):
    assert client.post(f"{API}/items", {}, content_type="application/json").status_code == 405
