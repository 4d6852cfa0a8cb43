"""The working-day API: the issue's examples, who may ask, and bad input (HRS-1, HRS-2)."""

import datetime as dt

import pytest

from servicehall.core import clock
from servicehall.workdays import services

ADD = "/api/v1/workdays/add"
BETWEEN = "/api/v1/workdays/between"


def test_hrs_2_national_day_week_2026_through_the_api(client, demo, bearer):
    response = client.get(
        ADD, {"center": "kaiyuan", "start": "2026-09-30", "days": 5}, headers=bearer("chenshaoli")
    )
    assert response.status_code == 200 and response.json() == {"date": "2026-10-13", "provisional": False}


def test_hrs_2_deadline_into_2027_is_provisional_through_the_api(client, demo, bearer):
    headers = bearer("chenshaoli")
    body = client.get(ADD, {"center": "kaiyuan", "start": "2026-12-24", "days": 10}, headers=headers).json()
    assert body["date"].startswith("2027-01-") and body["provisional"] is True
    back = client.get(
        BETWEEN, {"center": "kaiyuan", "start": "2026-12-24", "end": body["date"]}, headers=headers
    )
    assert back.json() == {"days": 10, "provisional": True}


def test_hrs_2_between_is_negative_backwards_and_zero_days_is_the_start(client, demo, bearer):
    headers = bearer("wangmanshu")
    back = client.get(
        BETWEEN, {"center": "kaiyuan", "start": "2026-10-13", "end": "2026-09-30"}, headers=headers
    )
    assert back.json() == {"days": -5, "provisional": False}
    same = client.get(ADD, {"center": "kaiyuan", "start": "2026-10-03", "days": 0}, headers=headers)
    assert same.json() == {"date": "2026-10-03", "provisional": False}


def test_hrs_2_local_closure_moves_the_answer_for_the_community_below(client, demo, bearer):
    services.closure_add(
        confirm=True,
        actor=None,
        center=demo,
        start=dt.date(2026, 10, 9),
        end=dt.date(2026, 10, 9),
        reason="台风",
    )
    params = {"center": "xiangfeng", "start": "2026-09-30", "days": 5}
    assert client.get(ADD, params, headers=bearer("wangmanshu")).json()["date"] == "2026-10-14"


@pytest.mark.parametrize(
    "params, code, fragment",
    [
        ({"start": "2003-12-31", "days": 1}, "date_out_of_range", "超出工作日历范围"),
        ({"start": "2100-01-01", "days": 1}, "date_out_of_range", "超出工作日历范围"),
        ({"start": "2026-09-30", "days": -1}, "negative_days", "不能为负数"),
        ({"start": "2026-02-30", "days": 1}, "bad_date", "不是有效日期"),
        ({"start": "明天", "days": 1}, "bad_date", "不是有效日期"),
        ({"start": "2026-09-30", "days": "五"}, "bad_days", "不是整数"),
        ({"start": "2099-12-20", "days": 30}, "date_out_of_range", "超出工作日历范围"),
        ({"start": "2026-09-30"}, "invalid_input", "days"),
    ],
)
def test_hrs_2_bad_input_is_a_400_in_chinese(client, demo, bearer, params, code, fragment):
    response = client.get(ADD, {"center": "kaiyuan", **params}, headers=bearer("chenshaoli"))
    assert response.status_code == 400
    assert response.json()["code"] == code and fragment in response.json()["message"]


def test_hrs_2_between_bad_end_is_a_400(client, demo, bearer):
    response = client.get(
        BETWEEN, {"center": "kaiyuan", "start": "2026-01-05", "end": "2100-01-01"}, headers=bearer("admin")
    )
    assert response.status_code == 400 and response.json()["code"] == "date_out_of_range"


def test_unknown_center_is_a_404(client, demo, bearer):
    for url, params in [
        (ADD, {"start": "2026-09-30", "days": 5}),
        (BETWEEN, {"start": "2026-09-30", "end": "2026-10-13"}),
    ]:
        response = client.get(url, {"center": "atlantis", **params}, headers=bearer("admin"))
        assert response.status_code == 404 and response.json()["code"] == "center_not_found"
    response = client.get("/api/v1/centers/atlantis/hours")
    assert response.status_code == 404 and "atlantis" in response.json()["message"]


def test_arithmetic_needs_a_login(client, demo):
    response = client.get(ADD, {"center": "kaiyuan", "start": "2026-09-30", "days": 5})
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_arithmetic_needs_a_role_in_the_center(client, demo, bearer):
    # Window staff of Kaiyuan have no role in the county above it.
    params = {"center": "county", "start": "2026-09-30", "days": 5}
    response = client.get(ADD, params, headers=bearer("chenshaoli"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = client.get(BETWEEN, {**params, "end": "2026-10-13"}, headers=bearer("chenshaoli"))
    assert response.status_code == 403


def test_add_costs_a_fixed_number_of_queries(client, demo, bearer, django_assert_max_num_queries):
    headers = bearer("chenshaoli")
    client.get(
        ADD, {"center": "kaiyuan", "start": "2026-09-30", "days": 5}, headers=headers
    )  # warm the cache
    with django_assert_max_num_queries(5):  # token, user, center, roles, calendar stamp
        client.get(ADD, {"center": "kaiyuan", "start": "2004-01-02", "days": 60}, headers=headers)


# --- hours (HRS-1): public, like the hours on the door (CAT-4) ---------------------------------


def test_hrs_1_hours_of_a_day_are_public(client, demo):
    body = client.get("/api/v1/centers/kaiyuan/hours", {"date": "2026-07-01"}).json()
    assert body == {
        "center": "kaiyuan",
        "date": "2026-07-01",
        "workday": True,
        "kind": "workday",
        "name": "",
        "provisional": False,
        "sessions": [{"start": "08:00", "end": "12:00"}, {"start": "15:00", "end": "18:00"}],
        "closes": "18:00",
    }


def test_hrs_1_hours_switch_to_winter_and_close_on_holidays(client, demo):
    winter = client.get("/api/v1/centers/kaiyuan/hours", {"date": "2026-10-10"}).json()
    assert winter["kind"] == "adjusted_workday" and winter["name"] == "国庆节调休上班"
    assert winter["sessions"][1] == {"start": "14:30", "end": "17:30"}
    holiday = client.get("/api/v1/centers/kaiyuan/hours", {"date": "2026-10-01"}).json()
    assert holiday["workday"] is False and holiday["sessions"] == [] and holiday["closes"] is None
    assert holiday["name"] == "国庆节"
    provisional = client.get("/api/v1/centers/kaiyuan/hours", {"date": "2027-02-08"}).json()
    assert provisional["provisional"] is True and provisional["name"] == "春节"


def test_hrs_1_hours_default_to_today_and_show_a_closure(client, demo):
    services.closure_add(
        confirm=True,
        actor=None,
        center=demo,
        start=dt.date(2026, 11, 23),
        end=dt.date(2026, 11, 23),
        reason="停电",
    )
    with clock.freeze("2026-11-23T09:30"):
        body = client.get("/api/v1/centers/xiangfeng/hours").json()
    assert body["date"] == "2026-11-23" and body["kind"] == "closure" and body["name"] == "停电"
    assert body["sessions"] == []


@pytest.mark.parametrize("date", ["2026-13-01", "2100-01-01", "x" * 500])
def test_hrs_1_hours_bad_date_is_a_400(client, demo, date):
    response = client.get("/api/v1/centers/kaiyuan/hours", {"date": date})
    assert response.status_code == 400 and response.json()["code"] in {"bad_date", "date_out_of_range"}


def test_the_endpoints_are_in_the_schema(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/workdays/add", "/api/v1/workdays/between", "/api/v1/centers/{code}/hours"} <= set(paths)
