"""POST/PUT /api/v1/centers/{code}/items: the fields of CAT-1, the policy checks, access, bad input."""

import pytest

from servicehall.catalog.models import Item, ItemVersion
from servicehall.core.models import AuditEvent

URL = "/api/v1/centers/kaiyuan/items"


def body(**changes) -> dict:
    values = {
        "code": "T-100",
        "name": "残疾人证换领",
        "department": "canlian",
        "kind": "committed",
        "statutory_days": 20,
        "committed_days": 10,
        "legal_basis": "《中华人民共和国残疾人证管理办法》",
        "conditions": "残疾人证有效期满的持证人。",
        "fee": {"amount": "0", "basis": "", "approval_document": ""},
        "windows": [5],
        "materials": [
            {"name": "残疾人证", "form": "original", "copies": 1, "required": True},
            {"name": "近期免冠照片", "form": "original", "copies": 2, "required": True},
            {"name": "监护人身份证", "required": False, "condition": "申请人为未成年人的"},
        ],
        "steps": [{"name": "受理", "days": 0}, {"name": "审核发证", "days": 5}],
    }
    return values | changes


def post(client, headers, data):
    return client.post(URL, data, content_type="application/json", headers=headers)


def put(client, headers, code, data):
    return client.put(f"{URL}/{code}", data, content_type="application/json", headers=headers)


def test_cat_1_post_creates_an_item_with_every_field(client, demo, bearer):
    response = post(client, bearer("wangmanshu"), body())
    assert response.status_code == 201, response.content
    guide = response.json()
    assert guide["code"] == "T-100" and guide["version"] == 1
    assert guide["department"] == {"code": "canlian", "name": "街道残联"}
    assert (guide["kind"], guide["statutory_days"], guide["committed_days"]) == ("committed", 20, 10)
    assert [m["code"] for m in guide["materials"]] == ["M01", "M02", "M03"]
    assert (
        guide["materials"][2]["condition"] == "申请人为未成年人的" and not guide["materials"][2]["required"]
    )
    assert guide["windows"] == [{"number": 5, "name": "残联"}]
    assert guide["fee"]["free"] is True
    # what was answered is what was stored, public at once, with its trace
    assert client.get("/api/v1/public/centers/kaiyuan/items/T-100").json() == guide
    event = AuditEvent.objects.get(action="catalog.item.create")
    assert event.actor.username == "wangmanshu" and event.after["name"] == "残疾人证换领"


def test_cat_3_api_refuses_a_too_long_committed_limit_with_its_code(client, demo, bearer):
    response = post(client, bearer("wangmanshu"), body(committed_days=15))
    assert response.status_code == 400
    assert response.json()["code"] == "committed_limit_too_long"
    assert "提速至少 50%" in response.json()["message"]
    assert not Item.objects.exists()


def test_cat_5_put_makes_a_new_version_and_the_old_one_stays(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    response = put(client, headers, "T-100", body(committed_days=7, reason="提速"))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2 and response.json()["committed_days"] == 7
    history = client.get(f"{URL}/T-100/versions", headers=headers).json()
    assert [(v["number"], v["reason"], v["created_by"]) for v in history] == [
        (2, "提速", "王曼姝"),
        (1, "新设事项", "王曼姝"),
    ]
    assert history[1]["content"]["committed_days"] == 10


def test_cat_3_put_refuses_a_too_long_limit_and_keeps_the_version(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    response = put(client, headers, "T-100", body(committed_days=12, reason="放宽"))
    assert response.status_code == 400 and response.json()["code"] == "committed_limit_too_long"
    assert ItemVersion.objects.count() == 1


def test_put_needs_a_reason(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    response = put(client, headers, "T-100", body(committed_days=8))
    assert response.status_code == 400 and response.json()["code"] == "reason_required"


def test_a_fee_can_be_given_as_an_amount(client, demo, bearer):
    response = post(client, bearer("wangmanshu"), body(fee="20", materials=[{"name": "申请表"}]))
    assert response.status_code == 400 and response.json()["code"] == "fee_basis_required"


def test_cat_8_api_refuses_a_fee_for_legal_aid(client, demo, bearer):
    data = body(
        department="sifa",
        windows=[6],
        legal_service=True,
        fee={"amount": "30", "basis": "x", "approval_document": "y"},
    )
    response = post(client, bearer("wangmanshu"), data)
    assert response.status_code == 400 and response.json()["code"] == "legal_service_must_be_free"


def test_writes_need_a_login(client, demo):
    for response in (post(client, {}, body()), put(client, {}, "T-100", body())):
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated" and response.json()["message"]
    assert not Item.objects.exists() and not AuditEvent.objects.filter(action__startswith="catalog").exists()


def test_window_staff_and_other_departments_heads_are_refused(client, demo, bearer):
    response = post(client, bearer("chenjianwei"), body())
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert "开元街道便民服务中心" in response.json()["message"]
    response = post(client, bearer("caiwenkeng"), body())  # head of 劳保所, not of 残联
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not Item.objects.exists()
    assert post(client, bearer("caiwenkeng"), body(department="laobao", windows=[4])).status_code == 201
    assert not Item.objects.filter(code="T-100", current__department__code="canlian").exists()


def test_versions_need_a_role_in_the_center(client, demo, bearer, django_user_model):
    post(client, bearer("wangmanshu"), body())
    anonymous = client.get(f"{URL}/T-100/versions")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    django_user_model.objects.create_user("outsider", password="Demo@2026x")
    outsider = client.get(f"{URL}/T-100/versions", headers=bearer("outsider", password="Demo@2026x"))
    assert outsider.status_code == 403 and outsider.json()["code"] == "forbidden"
    history = client.get(f"{URL}/T-100/versions", headers=bearer("auditor"))  # a role above
    assert history.status_code == 200
    [first] = history.json()
    assert (first["number"], first["reason"], first["created_by"]) == (1, "新设事项", "王曼姝")
    assert first["content"]["name"] == "残疾人证换领" and first["content"]["committed_days"] == 10


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (body(kind="urgent"), "unknown_kind"),
        (body(statutory_days="二十"), "invalid_input"),
        (body(materials=[]), "materials_required"),
        (body(materials=[{"name": "证", "copies": 40000}]), "invalid_copies"),
        (body(committed_days=40000, statutory_days=None), "invalid_limit"),
        (body(name="长" * 101), "invalid_field"),
        (body(department="nowhere"), "unknown_department"),
        (body(code="含 空格"), "invalid_item_code"),
        (body(fee={"amount": "abc"}), "invalid_fee"),
        (body(fee={"amount": "1.234"}), "invalid_fee"),
        (body(name="x\x00y"), None),
        ({"name": "缺字段"}, "invalid_input"),
    ],
)
def test_bad_input_is_400_with_a_code_and_nothing_saved(client, demo, bearer, data, code):
    response = post(client, bearer("wangmanshu"), data)
    assert response.status_code == 400, response.content
    assert code is None or response.json()["code"] == code
    assert response.json()["message"]
    assert not Item.objects.exists()


def test_unknown_center_and_item_are_404(client, demo, bearer):
    headers = bearer("wangmanshu")
    response = client.post(
        "/api/v1/centers/atlantis/items", body(), content_type="application/json", headers=headers
    )
    assert response.status_code == 404 and response.json()["code"] == "center_not_found"
    assert "atlantis" in response.json()["message"]
    response = put(client, headers, "NOPE", body(reason="x"))
    assert response.status_code == 404 and response.json()["code"] == "item_not_found"
    assert not Item.objects.exists()


def test_duplicate_code_is_409(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    response = post(client, headers, body())
    assert response.status_code == 409 and response.json()["code"] == "duplicate_item_code"


def test_an_item_is_withdrawn_over_the_api(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    url = f"{URL}/T-100/void"
    assert client.post(url, {"reason": "x"}, content_type="application/json").status_code == 401
    refused = client.post(
        url, {"reason": "x"}, content_type="application/json", headers=bearer("chenjianwei")
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert Item.objects.get(code="T-100").voided_at is None
    response = client.post(url, {"reason": "依法取消"}, content_type="application/json", headers=headers)
    assert response.status_code == 204 and response.content == b""
    item = Item.objects.get(code="T-100")
    assert item.voided_at is not None and item.void_reason == "依法取消"
    assert AuditEvent.objects.filter(action="catalog.item.void").count() == 1
    gone = client.get("/api/v1/public/centers/kaiyuan/items/T-100")
    assert gone.status_code == 404 and gone.json()["code"] == "item_not_found"
    assert "T-100" not in [i["code"] for i in client.get("/api/v1/public/centers/kaiyuan/items").json()]


def test_chinese_kinds_forms_and_short_department_names_are_understood(client, demo, bearer):
    data = body(kind="承诺件", department="残联", materials=[{"name": "残疾人证", "form": "原件及复印件"}])
    response = post(client, bearer("wangmanshu"), data)
    assert response.status_code == 201, response.content
    guide = response.json()
    assert (guide["kind"], guide["department"]["code"]) == ("committed", "canlian")
    assert guide["materials"][0]["form"] == "original_and_copy"
    assert (
        post(client, bearer("wangmanshu"), body(code="T-101", department="办")).json()["code"]
        == "unknown_department"
    )


def test_put_may_leave_out_the_code_but_not_change_it(client, demo, bearer):
    headers = bearer("wangmanshu")
    post(client, headers, body())
    data = body(committed_days=9, reason="提速")
    del data["code"]
    assert put(client, headers, "T-100", data).json()["version"] == 2
    response = put(client, headers, "T-100", body(code="T-999", reason="改码"))
    assert response.status_code == 400 and response.json()["code"] == "code_cannot_change"
