"""The year page, the schedule upload, the home-page warning and check_calendar (HRS-2)."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.core import clock
from servicehall.workdays import review, services
from servicehall.workdays.models import Closure, DayCorrection, OfficialSchedule

D = dt.date
YEAR_2026 = "/workdays/kaiyuan/2026/"


def cell(page, date):
    """The classes and label of one day's cell on the year page."""
    m = re.search(
        rf'<a class="wd-day ([^"]*)" data-date="{date}".*?<span class="wd-label">([^<]*)</span>', page, re.S
    )
    assert m, date
    return m.group(1).split(), m.group(2)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username, status", [("admin", 200), ("wangmanshu", 200), ("chenshaoli", 403), ("auditor", 403)]
)
def test_year_page_is_for_the_administrator_and_the_director(login, demo, username, status):
    assert login(username).get(YEAR_2026).status_code == status


def test_year_page_needs_a_login(client, demo):
    response = client.get(YEAR_2026)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_director_sees_the_community_below_but_not_the_county_above(login, demo):
    client = login("wangmanshu")
    assert client.get("/workdays/xiangfeng/2026/").status_code == 200
    assert client.get("/workdays/county/2026/").status_code == 403


@pytest.mark.parametrize(
    "url", ["/workdays/atlantis/2026/", "/workdays/kaiyuan/2100/", "/workdays/kaiyuan/day/2026-02-30/"]
)
def test_year_page_unknown_center_year_or_day_is_a_404(login, demo, url):
    assert login("admin").get(url).status_code == 404


def test_index_opens_this_year_of_the_first_center_the_user_edits(login, demo):
    with clock.freeze("2026-11-23T09:30"):
        response = login("wangmanshu").get("/workdays/")
    assert response.status_code == 302 and response.url == "/workdays/kaiyuan/2026/"
    assert login("chenshaoli").get("/workdays/").status_code == 403


# --- what the page shows --------------------------------------------------------------------------


def test_hrs_2_year_page_marks_holidays_adjusted_days_closures_and_provisional_days(login, demo):
    services.closure_add(
        confirm=True, actor=None, center=demo, start=D(2026, 12, 7), end=D(2026, 12, 8), reason="停电检修"
    )
    services.day_correct(actor=None, date=D(2026, 12, 31), workday=False, name="测试", reason="核对")
    page = login("wangmanshu").get(YEAR_2026).content.decode()
    assert "开元街道便民服务中心" in page and "2026 年工作日历" in page
    assert page.count('<a class="wd-day') == 365
    assert cell(page, "2026-10-01") == (["wd-holiday"], "国庆节")
    assert cell(page, "2026-10-10") == (["wd-adjusted-workday"], "班")
    assert cell(page, "2026-12-07") == (["wd-closure"], "停电检修")
    assert cell(page, "2026-10-11")[0] == ["wd-weekend"]
    assert "wd-corrected" in cell(page, "2026-12-31")[0]
    for label in ["法定节假日", "调休上班", "本中心停止办公", "暂定（尚未公布）"]:
        assert label in page
    page_2027 = login("wangmanshu").get("/workdays/kaiyuan/2027/").content.decode()
    assert cell(page_2027, "2027-02-06") == (["wd-holiday", "wd-provisional"], "春节")
    assert "wd-provisional" in cell(page_2027, "2027-03-01")[0]
    assert 'data-testid="provisional-note"' in page_2027


def test_year_page_costs_the_same_queries_however_many_closures(login, demo):
    client = login("wangmanshu")
    client.get(YEAR_2026)
    with CaptureQueriesContext(connection) as few:
        client.get(YEAR_2026)
    for k in range(1, 8):
        services.closure_add(
            confirm=True, actor=None, center=demo, start=D(2026, 3, k), end=D(2026, 3, k), reason=f"停电{k}"
        )
        services.day_correct(
            actor=None, date=D(2026, 4, 6 + k), workday=False, name=f"测试{k}", reason="核对"
        )
    client.get(YEAR_2026)  # the calendar changed: this request rebuilds the cache
    with CaptureQueriesContext(connection) as many:
        page = client.get(YEAR_2026).content.decode()
    assert "停电7" in page and "测试7" in page
    # the page reads 10; the session is saved on every request (idle timeout): 3 more with its savepoint
    assert len(many) == len(few) <= 13


def test_day_panel_is_an_htmx_fragment_or_the_page(login, demo):
    client = login("admin")
    fragment = client.get(
        "/workdays/kaiyuan/day/2026-10-10/", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.startswith('<section class="card" data-testid="day-panel" data-date="2026-10-10">')
    assert "国庆节调休上班" in fragment and "更正全国日历" in fragment and "登记停止办公" in fragment
    page = client.get("/workdays/kaiyuan/day/2026-10-10/").content.decode()
    assert "<html" in page and 'data-date="2026-10-10"' in page


def test_director_gets_the_closure_form_but_not_the_correction(login, demo):
    fragment = (
        login("wangmanshu")
        .get("/workdays/kaiyuan/day/2026-10-10/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "登记停止办公" in fragment and "更正全国日历" not in fragment


# --- editing from the page ----------------------------------------------------------------------------


def test_hrs_2_director_adds_and_voids_a_closure_from_the_page(login, demo):
    client = login("wangmanshu")
    response = client.post(
        "/workdays/kaiyuan/closures/", {"start": "2026-12-07", "end": "2026-12-08", "reason": "停电"}
    )
    assert response.status_code == 302 and response.url == "/workdays/kaiyuan/2026/?day=2026-12-07"
    page = client.get(response.url).content.decode()
    assert "已登记停止办公" in page and cell(page, "2026-12-08") == (["wd-closure"], "停电")
    closure = Closure.objects.get()
    response = client.post(f"/workdays/kaiyuan/closures/{closure.pk}/void/", {"reason": "改期"})
    assert response.status_code == 302
    closure.refresh_from_db()
    assert closure.is_void


@pytest.mark.parametrize(
    "form, status, message",
    [
        ({"start": "2026-12-08", "end": "2026-12-07", "reason": "停电"}, 400, "早于开始日期"),
        ({"start": "明天", "reason": "停电"}, 400, "不是有效日期"),
        ({"start": "2026-12-07", "reason": ""}, 400, "请填写原因"),
    ],
)
def test_hrs_2_bad_closure_form_shows_the_message_and_saves_nothing(login, demo, form, status, message):
    response = login("wangmanshu").post("/workdays/kaiyuan/closures/", form)
    assert response.status_code == status and message in response.content.decode()
    assert not Closure.objects.exists()


def test_closure_form_refused_to_window_staff(login, demo):
    response = login("chenshaoli").post(
        "/workdays/kaiyuan/closures/", {"start": "2026-12-07", "reason": "停电"}
    )
    assert response.status_code == 403 and not Closure.objects.exists()


def test_hrs_2_administrator_corrects_a_day_from_the_page(login, demo):
    client = login("admin")
    response = client.post(
        "/workdays/kaiyuan/day/2027-02-14/correct/",
        {"workday": "1", "name": "春节调休上班", "reason": "通知"},
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert cell(page, "2027-02-14") == (["wd-adjusted-workday", "wd-corrected", "wd-selected"], "班")
    assert DayCorrection.objects.get().reason == "通知"


def test_correction_from_the_page_refused_to_the_director(login, demo):
    response = login("wangmanshu").post(
        "/workdays/kaiyuan/day/2027-02-14/correct/", {"workday": "1", "reason": "x"}
    )
    assert response.status_code == 403 and "只有系统管理员" in response.content.decode()
    assert not DayCorrection.objects.exists()


def test_correction_that_changes_nothing_is_a_400_on_the_page(login, demo):
    response = login("admin").post(
        "/workdays/kaiyuan/day/2026-10-01/correct/", {"workday": "0", "name": "国庆节", "reason": "x"}
    )
    assert response.status_code == 400 and "无需更正" in response.content.decode()


# --- official schedule upload -------------------------------------------------------------------------

SCHEDULE = "2027-01-01 holiday 元旦\n2027-02-05..2027-02-11 holiday 春节\n2027-02-14 workday 春节调休上班\n"


def test_hrs_2_schedule_upload_lists_changed_days_and_deadlines_to_review(login, demo):
    def source(changed):
        return [
            review.DeadlineToReview(
                "办件 KY-2027-0001 低保申请", "开元街道便民服务中心", D(2027, 2, 15), D(2027, 2, 14)
            )
        ]

    review.register_deadline_source(source)
    try:
        client = login("admin")
        upload = io.BytesIO(SCHEDULE.encode())
        upload.name = "2027.txt"
        response = client.post("/workdays/schedules/", {"document": "国办发明电〔2026〕7号", "file": upload})
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    finally:
        review.unregister_deadline_source(source)
    assert "2027 年节假日安排" in page and "国办发明电〔2026〕7号" in page
    assert "2027-02-14" in page and "春节调休上班" in page and "影响期限" in page
    assert "办件 KY-2027-0001 低保申请" in page


def test_schedule_pasted_as_text(login, demo):
    response = login("admin").post("/workdays/schedules/", {"text": SCHEDULE})
    assert response.status_code == 302 and OfficialSchedule.objects.get().year == 2027


def test_bad_schedule_shows_every_problem_and_saves_nothing(login, demo):
    response = login("admin").post(
        "/workdays/schedules/", {"text": "2027-02-30 holiday 春节\n2027-02-10 workday 调休"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "第 1 行" in page and "第 2 行" in page
    assert not OfficialSchedule.objects.exists()


@pytest.mark.parametrize("username", ["wangmanshu", "chenshaoli"])
def test_schedule_pages_are_for_the_system_administrator(login, demo, username):
    client = login(username)
    assert client.get("/workdays/schedules/").status_code == 403
    assert client.post("/workdays/schedules/", {"text": SCHEDULE}).status_code == 403
    schedule = services.schedule_load(actor=None, content=SCHEDULE)
    assert client.get(f"/workdays/schedules/{schedule.pk}/").status_code == 403


# --- the warning ---------------------------------------------------------------------------------------


def test_hrs_2_administrator_is_warned_on_home_and_calendar_60_days_before_the_year_ends(login, demo):
    client = login("admin")
    with clock.freeze("2026-11-01T09:00"):
        home = client.get("/").content.decode()
        year = client.get(YEAR_2026).content.decode()
    assert (
        'data-testid="calendar-warning"' in home and "还有 60 天" in home and "/workdays/schedules/" in home
    )
    assert 'data-testid="calendar-warning"' in year
    with clock.freeze("2026-10-31T09:00"):
        assert "calendar-warning" not in client.get("/").content.decode()


def test_warning_goes_away_once_the_next_year_is_loaded(login, demo):
    services.schedule_load(actor=None, content=SCHEDULE)
    with clock.freeze("2026-11-23T09:00"):
        assert "calendar-warning" not in login("admin").get("/").content.decode()


def test_home_shows_the_director_a_calendar_link_and_window_staff_nothing(login, demo):
    with clock.freeze("2026-11-23T09:00"):
        director = login("wangmanshu").get("/").content.decode()
        clerk = login("chenshaoli").get("/").content.decode()
    assert "/workdays/kaiyuan/2026/" in director and "calendar-warning" not in director
    assert "calendar-links" not in clerk and "calendar-warning" not in clerk


def test_check_calendar_prints_the_warning_and_fails(db, capsys):
    with clock.freeze("2026-11-23T09:00"), pytest.raises(SystemExit) as exit_:
        call_command("check_calendar")
    assert exit_.value.code == 1 and "还有 38 天" in capsys.readouterr().out
    with clock.freeze("2026-06-01T09:00"):
        call_command("check_calendar")
    assert "已公布到 2026-12-31" in capsys.readouterr().out
