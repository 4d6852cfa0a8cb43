"""What the leave and attendance pages show the people who use them."""

import pytest

from servicehall.core import clock, todo
from servicehall.duty import services


@pytest.fixture
def kaiyuan(halls):
    with clock.freeze("2026-11-20T10:00"):
        yield halls["kaiyuan"]


def test_dut_2_a_leave_period_reads_in_half_days_not_in_codes(kaiyuan, user_named, login):
    services.leave_file(
        actor=user_named("chenshaoli"),
        staff="chenshaoli",
        kind="personal",
        start="2026-11-24am",
        end="2026-11-25pm",
        reason="家中有事",
        substitute="xuqingqing",
    )
    covers = [
        i for i in todo.todo_for(user_named("xuqingqing"), clock.now()).items if i.kind == "leave_cover"
    ]
    assert [i.detail for i in covers] == ["2026-11-24 上午 – 2026-11-25 下午"]
    page = login("chenshaoli").get("/duty/leave/").content.decode()
    assert "2026-11-24 上午 – 2026-11-25 下午" in page and "2026-11-24am" not in page


def test_dut_5_a_clerk_reaches_their_own_attendance_from_the_menu(kaiyuan, login):
    clerk = login("chenshaoli")
    assert 'href="/duty/attendance/mine/"' in clerk.get("/").content.decode()
    r = clerk.get("/duty/attendance/mine/?month=2026-11")
    assert (r.status_code, r["Location"]) == (302, "/duty/staff/chenshaoli/attendance/?month=2026-11")
    assert clerk.get(r["Location"]).status_code == 200


def test_dut_5_a_duty_officers_late_line_says_they_were_due_early(kaiyuan):
    import datetime as dt

    from servicehall.duty import selectors
    from servicehall.duty.models import ClockIn
    from servicehall.org.models import Staff

    for username in ("xuqingqing", "chenshaoli"):  # the day's duty officer (due 07:55) and a clerk
        person = Staff.objects.get(user__username=username)
        for m in ("2026-11-19T07:58", "2026-11-19T17:30"):
            ClockIn.objects.create(
                center=kaiyuan, staff=person, at=dt.datetime.fromisoformat(m).replace(tzinfo=clock.TZ)
            )
    rows = {
        row["staff"].user.username: next(r for r in row["days"] if r.day == dt.date(2026, 11, 19))
        for row in selectors.attendance(kaiyuan, 2026, 11)
    }
    assert rows["xuqingqing"].events == [("late", 1, "3分钟（值日须提前5分钟到岗）")]
    assert rows["chenshaoli"].events == []


def test_dut_2_the_leave_page_is_called_leave_in_english_not_a_meeting_excuse(kaiyuan, login):
    """「请假」 is a leave request in the menu and on the leave page, and an excused absence from a
    meeting or a session: the second meaning has its own context, so it never renames the first."""
    from django.utils import translation

    page = login("chenshaoli").get("/duty/leave/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Leave" in page and ">Leave</a>" in page
    assert "xcused" not in page
    with translation.override("en"):
        from servicehall.training.models import Attendance

        assert str(dict(Attendance.Status.choices)["excused"]) == "Excused"


def test_dut_2_a_leave_request_without_dates_asks_for_the_dates_in_the_forms_words(kaiyuan, login):
    """The date pickers left empty: the page asks for the days, not for the API's 「2026-11-24am」;
    what was typed stays."""
    page = login("chenshaoli").post(
        "/duty/leave/",
        {
            "kind": "personal",
            "start_date": "",
            "start_half": "am",
            "end_date": "",
            "end_half": "pm",
            "reason": "家中有事",
        },
    )
    html = page.content.decode()
    assert "请选择请假的开始日期和结束日期。" in html and "2026-11-24am" not in html
    assert 'value="家中有事"' in html


def test_dut_2_an_empty_leave_list_says_so_in_words(kaiyuan, login):
    clerk = login("chenshaoli")
    page = clerk.get("/duty/leave/").content.decode()
    assert "暂无请假记录。" in page and '<td colspan="5" class="text-muted" data-testid="none">—' not in page
    clerk.cookies["django_language"] = "en"
    assert "No leave requests yet." in clerk.get("/duty/leave/").content.decode()


def test_dut_2_the_half_day_selects_are_wide_enough_for_morning_and_afternoon(kaiyuan, login):
    """In English the half-day selects read "morning" / "afternoon": a one-twelfth column cut
    them to "morni" and "aftern"."""
    import re

    page = login("chenshaoli").get("/duty/leave/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in ("start_half", "end_half"):
        column = re.search(rf'<div class="(col-md-\d+)"><label class="form-label" for="{name}">', page)
        assert column and column.group(1) != "col-md-1", name
    assert ">morning</option>" in page
