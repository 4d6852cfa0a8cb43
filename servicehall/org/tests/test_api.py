"""The organisation API: the tree, a center's windows and post holders, access and errors."""

import pytest

from servicehall.core import clock

# 004 附件: window → (A, B)
KAIYUAN_POSTS = {
    "党政办": ("陈少丽", "许轻轻"),
    "财经办": ("魏小晶", "蔡琼瑶"),
    "卫计办": ("苏炜瑜", "刘文智"),
    "劳保所": ("杨志荣", "蔡文铿"),
    "残联": ("陈建伟", "华静娴"),
    "司法所": ("谢珊红", "林温明"),
    "城管办": ("吴国豪", "吴明云"),
}


def test_org_8_kaiyuan_lists_seven_windows_with_the_a_and_b_staff_of_004(client, demo, bearer):
    with clock.freeze("2026-11-23T09:30"):
        body = client.get("/api/v1/centers/kaiyuan", headers=bearer("wangmanshu")).json()
    assert body["code"] == "kaiyuan" and body["parent"] == "county" and body["level"] == "town"
    got = {w["name"]: (w["a"]["name"], w["b"]["name"]) for w in body["windows"]}
    assert got == KAIYUAN_POSTS
    assert all(isinstance(w["id"], int) and w["departments"] for w in body["windows"])
    assert body["policy"]["preset"] == "kaiyuan-2020"
    assert body["policy"]["summer_pm_start"] == "15:00"


def test_org_1_center_tree_in_scope(client, demo, bearer):
    admin = {c["code"]: c["parent"] for c in client.get("/api/v1/centers", headers=bearer("admin")).json()}
    assert admin == {"county": None, "kaiyuan": "county", "xiangfeng": "kaiyuan"}
    clerk = {c["code"] for c in client.get("/api/v1/centers", headers=bearer("chenshaoli")).json()}
    assert clerk == {"kaiyuan", "xiangfeng"}


def test_center_detail_refuses_someone_without_a_role_there(client, demo, bearer):
    response = client.get("/api/v1/centers/county", headers=bearer("chenshaoli"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_center_endpoints_need_a_login(client, demo):
    for url in ["/api/v1/centers", "/api/v1/centers/kaiyuan"]:
        response = client.get(url)
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_unknown_center_is_404_json(client, demo, bearer):
    response = client.get("/api/v1/centers/atlantis", headers=bearer("admin"))
    assert response.status_code == 404 and response.json()["code"] == "center_not_found"


def test_openapi_schema_is_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/centers/{code}" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]


@pytest.mark.parametrize("url", ["/api/v1/centers/%00", "/api/v1/centers/" + "x" * 500, "/api/v1/nowhere"])
def test_strange_urls_never_500(client, demo, bearer, url):
    response = client.get(url, headers=bearer("admin"))
    assert response.status_code in {400, 404}
