"""DUT-1 … DUT-5: the roster, leave and its chain, clock-ins and derived attendance."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from servicehall.core import board, clock, facts, todo
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.models import AuditEvent
from servicehall.duty import rules, selectors, services
from servicehall.duty.models import ClockIn, Leave, LeaveStep
from servicehall.org import access
from servicehall.org import services as org_services
from servicehall.org.models import Staff, Window
from servicehall.tickets.models import Absence

FRIDAY = "2026-11-20T10:00"  # filing day; 2026-11-23 is a Monday (Kaiyuan winter hours)


@pytest.fixture
def kaiyuan(halls):
    with clock.freeze(FRIDAY):
        yield halls["kaiyuan"]


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def file(username="chenshaoli", start="2026-11-24am", end="2026-11-24pm", kind="personal", **kw):
    kw.setdefault("substitute", "xuqingqing")
    kw.setdefault("reason", "家中有事")
    return services.leave_file(actor=user(username), staff=username, kind=kind, start=start, end=end, **kw)


def steps(leave):
    return [(s.role, s.action, s.status) for s in leave.steps.order_by("order")]


# --- DUT-3: the chain by length -----------------------------------------------------------------


def test_dut_3_one_and_a_half_days_go_deputy_then_principal(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-25am")
    assert leave.half_days == 3
    assert steps(leave)[:2] == [
        ("deputy_leader", "review", "pending"),
        ("principal_leader", "approve", "waiting"),
    ]
    assert {s[0] for s in steps(leave)[2:]} == {"department_head", "director"}  # informed (000 一.2)
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.PENDING
    assert steps(leave)[1] == ("principal_leader", "approve", "pending")
    services.leave_decide(actor=user("guojianping"), leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED


def test_dut_3_half_a_day_stops_at_the_deputy(kaiyuan):
    leave = file(start="2026-11-24pm", end="2026-11-24pm")
    assert leave.half_days == 1
    assert [s[:2] for s in steps(leave) if s[1] != "inform"] == [("deputy_leader", "approve")]
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED


def test_dut_3_a_weekend_inside_the_period_does_not_count(kaiyuan):
    leave = file(start="2026-11-27pm", end="2026-11-30am")  # Friday pm … Monday am
    assert leave.half_days == 2


def test_dut_3_the_requester_cannot_approve_their_own(kaiyuan):
    leave = file(username="kewenbo", start="2026-11-24am", end="2026-11-24am", substitute="chenshaoli")
    with pytest.raises(Forbidden) as exc:
        services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    assert exc.value.code == "own_leave"
    assert Leave.objects.get(pk=leave.pk).status == Leave.Status.PENDING


def test_dut_3_the_wrong_role_cannot_approve(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-25pm")
    for wrong in (
        "guojianping",
        "xuqingqing",
        "wangmanshu",
    ):  # principal before the deputy, a clerk, the director
        with pytest.raises(Forbidden) as exc:
            services.leave_decide(actor=user(wrong), leave_id=leave.pk, approve=True)
        assert exc.value.code == "wrong_approver"
    assert steps(leave)[0][2] == "pending"


def test_dut_3_a_refusal_ends_the_chain(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-25pm")
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=False, note="人手不足")
    leave.refresh_from_db()
    assert leave.status == Leave.Status.REJECTED
    assert steps(leave)[1][2] == "skipped"
    with pytest.raises(Conflict):
        services.leave_decide(actor=user("guojianping"), leave_id=leave.pk, approve=True)


def test_dut_3_the_chain_is_versioned_data(kaiyuan):
    services.chain_set(
        actor=user("wangmanshu"),
        center=kaiyuan,
        effective_from=dt.date(2026, 11, 1),
        chain=[{"min_half_days": 0, "steps": [{"role": "director", "action": "approve"}], "inform": []}],
    )
    leave = file()
    assert leave.chain_version == 1
    assert steps(leave) == [("director", "approve", "pending")]


def test_dut_3_the_department_head_informed_is_the_applicants_own(kaiyuan, login):
    """000 一.2: leave is reported to the head of the applicant's own department (所在科室主要负责人):
    蔡文铿 heads 劳保所, so he is informed of 杨志荣's leave and not of 陈建伟's (残联, no head);
    the page says that 残联 has no head rather than naming another department's."""

    def informed_head(leave):
        return leave.steps.get(role="department_head", action="inform").approver

    assert informed_head(file("yangzhirong", substitute="caiwenkeng")) == user("caiwenkeng")
    leave = file("chenjianwei", substitute="huajingxian")
    assert informed_head(leave) is None
    assert leave.steps.get(role="director", action="inform").approver is not None  # other roles as before
    page = login("chenjianwei").get(f"/duty/leave/{leave.pk}/").content.decode()
    assert "蔡文铿" not in page and "申请人所在科室（街道残联）未设负责人" in page
    page = login("chenjianwei").get(f"/duty/leave/{leave.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "蔡文铿" not in page and "The applicant's department (街道残联) has no head" in page
    Staff.objects.filter(user__username="chenjianwei").update(department=None)
    page = login("chenjianwei").get(f"/duty/leave/{leave.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The applicant belongs to no department, so there is no department head" in page


def test_dut_3_a_department_head_step_is_decided_by_the_applicants_own_head(kaiyuan):
    services.chain_set(
        actor=user("wangmanshu"),
        center=kaiyuan,
        effective_from=dt.date(2026, 11, 1),
        chain=[
            {"min_half_days": 0, "steps": [{"role": "department_head", "action": "approve"}], "inform": []}
        ],
    )
    leave = file("yangzhirong", substitute="caiwenkeng")
    assert leave.steps.get().approver == user("caiwenkeng")
    other = file("chenjianwei", substitute="huajingxian")
    assert other.steps.get().approver is None
    with pytest.raises(Forbidden):  # 劳保所's head does not decide for 残联
        services.leave_decide(actor=user("caiwenkeng"), leave_id=other.pk, approve=True)
    services.leave_decide(actor=user("caiwenkeng"), leave_id=leave.pk, approve=True)
    leave.refresh_from_db()
    assert leave.status == Leave.Status.APPROVED


def test_dut_3_each_step_is_on_the_approver_todo_list(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-25pm")
    now = clock.now()
    deputy = [i for i in todo.todo_for(user("kewenbo"), now).items if i.kind == "leave_step"]
    assert [i.ref for i in deputy] == [str(leave.pk)]
    assert not [i for i in todo.todo_for(user("guojianping"), now).items if i.kind == "leave_step"]
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    assert [i.ref for i in todo.todo_for(user("guojianping"), now).items if i.kind == "leave_step"] == [
        str(leave.pk)
    ]
    assert [i.ref for i in todo.todo_for(user("xuqingqing"), now).items if i.kind == "leave_cover"] == [
        str(leave.pk)
    ]


def test_dut_3_a_leave_on_the_todo_list_is_due_on_a_date_not_at_midnight(kaiyuan, client):
    file(start="2026-11-24am", end="2026-11-25pm")
    deputy = user("kewenbo")
    (item,) = [i for i in todo.todo_for(deputy, clock.now()).items if i.kind == "leave_step"]
    (cover,) = [i for i in todo.todo_for(user("xuqingqing"), clock.now()).items if i.kind == "leave_cover"]
    assert item.all_day and cover.all_day and clock.local(item.due).date() == dt.date(2026, 11, 24)
    assert item.urgency == todo.LATER
    client.force_login(deputy)
    html = client.get("/").content.decode()
    assert 'data-kind="leave_step"' in html and "2026-11-24" in html and "2026-11-24 00:00" not in html


# --- DUT-2: refusals, nothing saved -----------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, error, code",
    [
        ({"start": "2026-11-20pm", "end": "2026-11-20pm"}, Invalid, "too_late"),  # today
        ({"substitute": None}, Invalid, "substitute_required"),
        ({"substitute": "chenshaoli"}, Invalid, "substitute_is_requester"),
        ({"substitute": "wanjunhui"}, Invalid, "staff_of_other_center"),
        ({"start": "2026-11-25am", "end": "2026-11-24pm"}, Invalid, "end_before_start"),
        ({"start": "2026-11-28am", "end": "2026-11-29pm"}, Invalid, "no_workday"),  # a weekend
    ],
)
def test_dut_2_refusals_save_nothing(kaiyuan, kwargs, error, code):
    before = (Leave.objects.count(), LeaveStep.objects.count(), AuditEvent.objects.count())
    with pytest.raises(error) as exc:
        file(**kwargs)
    assert exc.value.code == code
    assert (Leave.objects.count(), LeaveStep.objects.count(), AuditEvent.objects.count()) == before


def test_dut_2_overlapping_leave_is_a_conflict(kaiyuan):
    file(start="2026-11-24am", end="2026-11-25am")
    before = Leave.objects.count()
    with pytest.raises(Conflict) as exc:
        file(start="2026-11-25am", end="2026-11-25pm", substitute="weixiaojing")
    assert exc.value.code == "leave_overlaps"
    assert Leave.objects.count() == before
    file(start="2026-11-25pm", end="2026-11-25pm", substitute="weixiaojing")  # the next half is free


def test_dut_2_an_urgent_trip_is_registered_afterwards_and_flagged(kaiyuan):
    with pytest.raises(Invalid):
        file(kind="trip", start="2026-11-19am", end="2026-11-19pm", reason="下乡调解纠纷")
    leave = file(kind="trip", start="2026-11-19am", end="2026-11-19pm", reason="下乡调解纠纷", urgent=True)
    assert leave.registered_after


def test_dut_2_only_the_named_substitute_confirms(kaiyuan):
    leave = file()
    with pytest.raises(Forbidden) as exc:
        services.leave_confirm_cover(actor=user("weixiaojing"), leave_id=leave.pk)
    assert exc.value.code == "not_the_substitute"
    services.leave_confirm_cover(actor=user("xuqingqing"), leave_id=leave.pk)
    assert Leave.objects.get(pk=leave.pk).cover_confirmed_at is not None


# --- DUT-1: the roster --------------------------------------------------------------------------


def test_dut_1_the_roster_seats_the_a_post_on_working_days_only(kaiyuan):
    days = selectors.roster(kaiyuan, 2026, 11)
    assert dt.date(2026, 11, 21) not in [d.day for d in days]  # a Saturday
    monday = next(d for d in days if d.day == dt.date(2026, 11, 23))
    seat = next(s for s in monday.seats if s.window.number == 1)
    assert seat.staff.user.username == "chenshaoli" and seat.source == "post"
    assert monday.duty.user.username == "xuqingqing"  # Kaiyuan's duty officer


def test_dut_1_a_holiday_has_no_duty_and_a_tiaoxiu_saturday_has(kaiyuan):
    days = {d.day for d in selectors.roster(kaiyuan, 2026, 10)}
    assert dt.date(2026, 10, 5) not in days  # 国庆节
    assert dt.date(2026, 10, 10) in days  # 国庆节调休上班 (a Saturday)
    assert dt.date(2026, 10, 11) not in days
    assert dt.date(2026, 10, 12) in days  # the Monday after the 调休 weekend


def test_dut_1_approved_covered_leave_puts_the_substitute_at_the_window(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-24pm")
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    services.leave_decide(actor=user("guojianping"), leave_id=leave.pk, approve=True)
    day = next(d for d in selectors.roster(kaiyuan, 2026, 11) if d.day == dt.date(2026, 11, 24))
    seat = next(s for s in day.seats if s.window.number == 1)
    assert seat.uncovered  # approved, cover not yet confirmed: a gap
    services.leave_confirm_cover(actor=user("xuqingqing"), leave_id=leave.pk)
    day = next(d for d in selectors.roster(kaiyuan, 2026, 11) if d.day == dt.date(2026, 11, 24))
    seat = next(s for s in day.seats if s.window.number == 1)
    assert (seat.staff.user.username, seat.source, seat.absent.user.username) == (
        "xuqingqing",
        "substitute",
        "chenshaoli",
    )


def test_dut_1_put_changes_by_hand_and_exports(kaiyuan, client, bearer):
    auth = bearer("wangmanshu")
    body = {
        "seats": [{"date": "2026-11-23", "window": 1, "staff": "xuqingqing"}],
        "duty": [{"date": "2026-11-23", "staff": "weixiaojing"}],
    }
    r = client.put(
        "/api/v1/centers/kaiyuan/roster/2026-11",
        json.dumps(body),
        content_type="application/json",
        headers=auth,
    )
    assert r.status_code == 200, r.content
    monday = next(d for d in r.json()["days"] if d["date"] == "2026-11-23")
    assert monday["duty_officer"]["username"] == "weixiaojing"
    assert monday["seats"][0]["staff"]["username"] == "xuqingqing" and monday["seats"][0]["source"] == "hand"
    clerk = bearer("chenshaoli")
    r = client.put(
        "/api/v1/centers/kaiyuan/roster/2026-11",
        json.dumps(body),
        content_type="application/json",
        headers=clerk,
    )
    assert r.status_code == 403
    assert client.get("/api/v1/centers/kaiyuan/roster/2026-11", headers=clerk).status_code == 200
    client.force_login(user("wangmanshu"))
    page = client.get("/duty/kaiyuan/roster/?month=2026-11")
    assert page.status_code == 200 and "A4" in page.content.decode()
    book = load_workbook(io.BytesIO(client.get("/duty/kaiyuan/roster/xlsx/?month=2026-11").content))
    assert book.active.page_setup.orientation == "landscape"
    assert any("许轻轻" in str(c.value) for row in book.active.iter_rows() for c in row)


def test_dut_1_the_duty_officer_day_is_on_their_todo_list(kaiyuan):
    with clock.freeze("2026-11-23T07:00"):
        items = [i for i in todo.todo_for(user("xuqingqing")).items if i.kind == "duty_day"]
        assert len(items) == 1 and items[0].due == dt.datetime(2026, 11, 23, 7, 55, tzinfo=clock.TZ)
        assert not [i for i in todo.todo_for(user("chenshaoli")).items if i.kind == "duty_day"]


# --- DUT-2 on the board ----------------------------------------------------------------------


def test_dut_2_approved_leave_without_cover_leaves_a_gap_on_the_board_each_day(kaiyuan):
    leave = file(start="2026-11-26am", end="2026-11-30pm")  # Thu, Fri, (weekend), Mon
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    services.leave_decide(actor=user("guojianping"), leave_id=leave.pk, approve=True)
    notes = [n for n in board.notes_for(kaiyuan, clock.now()) if n.kind == "window_uncovered"]
    assert [n.day for n in notes] == [dt.date(2026, 11, 26), dt.date(2026, 11, 27), dt.date(2026, 11, 30)]
    services.leave_confirm_cover(actor=user("xuqingqing"), leave_id=leave.pk)
    assert not [n for n in board.notes_for(kaiyuan, clock.now()) if n.kind == "window_uncovered"]


# --- DUT-4: clock-ins ------------------------------------------------------------------------


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["用户名", "姓名", "打卡时间", "设备"])
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "打卡时间", "设备"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ROWS = [
    ["chenshaoli", "陈少丽", "2026-11-23 08:07", "大厅"],
    ["chenshaoli", "陈少丽", "2026-11-23 12:01:30", "大厅"],
    ["weixiaojing", "魏小晶", "2026-11-23 07:58:00", "大厅"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_dut_4_the_same_file_imported_twice_adds_nothing(kaiyuan, encoding):
    director = user("wangmanshu")
    content = csv_bytes(ROWS, encoding)
    assert services.clock_import(actor=director, center=kaiyuan, content=content) == {
        "added": 3,
        "duplicates": 0,
        "errors": [],
    }
    assert services.clock_import(actor=director, center=kaiyuan, content=content) == {
        "added": 0,
        "duplicates": 3,
        "errors": [],
    }
    assert ClockIn.objects.filter(center=kaiyuan).count() == 3


def test_dut_4_xlsx_by_badge_number(kaiyuan):
    badge = Staff.objects.get(user__username="chenshaoli").badge_number
    content = xlsx_bytes(
        [
            [badge, "陈少丽", dt.datetime(2026, 11, 23, 8, 7), "大厅"],
            [badge, "陈少丽", "2026-11-23 17:31", ""],
        ]
    )
    result = services.clock_import(actor=user("wangmanshu"), center=kaiyuan, content=content)
    assert result["added"] == 2
    assert services.clock_import(actor=user("wangmanshu"), center=kaiyuan, content=content)["added"] == 0


def test_dut_4_a_file_with_bad_rows_is_refused_whole_with_each_row_named(kaiyuan):
    rows = [*ROWS, ["nobody", "某某", "2026-11-23 08:00", ""], ["chenshaoli", "陈少丽", "2026-11-23 8点", ""]]
    before = AuditEvent.objects.count()
    with pytest.raises(services.BadRows) as exc:
        services.clock_import(actor=user("wangmanshu"), center=kaiyuan, content=csv_bytes(rows))
    assert [(e["row"], e["column"]) for e in exc.value.errors] == [(5, "用户名"), (6, "打卡时间")]
    assert ClockIn.objects.count() == 0 and AuditEvent.objects.count() == before


def test_dut_4_another_machine_through_the_center_column_map(kaiyuan):
    director = user("wangmanshu")
    services.layout_set(
        actor=director, center=kaiyuan, username="", badge="AC-No.", name="Name", time="Time", device=""
    )
    content = b"AC-No.,Name,Time\nKY001,\xe9\x99\x88\xe5\xb0\x91\xe4\xb8\xbd,2026-11-23 08:01\n"
    assert services.clock_import(actor=director, center=kaiyuan, content=content)["added"] == 1


def test_dut_4_the_import_api_and_the_template(kaiyuan, client, bearer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    auth = bearer("wangmanshu")
    upload = SimpleUploadedFile("punches.csv", csv_bytes(ROWS), content_type="text/csv")
    r = client.post("/api/v1/centers/kaiyuan/clock-ins/import", {"file": upload}, headers=auth)
    assert r.status_code == 200, r.content
    assert r.json() == {"added": 3, "duplicates": 0, "errors": []}
    bad = SimpleUploadedFile(
        "bad.csv", csv_bytes([["nobody", "", "2026-11-23 08:00", ""]]), content_type="text/csv"
    )
    r = client.post("/api/v1/centers/kaiyuan/clock-ins/import", {"file": bad}, headers=auth)
    assert r.status_code == 400 and r.json()["code"] == "bad_rows"
    assert r.json()["errors"] == [{"row": 2, "column": "用户名", "message": "本中心没有「nobody」"}]
    client.force_login(user("wangmanshu"))
    template = load_workbook(io.BytesIO(client.get("/duty/clock-ins/template.xlsx").content))
    assert [c.value for c in template.active[1]] == ["用户名", "姓名", "打卡时间", "设备"]


def test_dut_4_a_manual_correction_needs_a_reason_and_is_audited(kaiyuan):
    director = user("wangmanshu")
    at = dt.datetime(2026, 11, 19, 7, 59, tzinfo=clock.TZ)
    with pytest.raises(Invalid):
        services.clock_in_add(actor=director, center=kaiyuan, staff="chenshaoli", at=at, reason=" ")
    made = services.clock_in_add(
        actor=director, center=kaiyuan, staff="chenshaoli", at=at, reason="指纹机故障"
    )
    assert AuditEvent.objects.filter(action="clock_in.add", object_id=str(made.pk)).exists()
    services.clock_in_void(actor=director, clock_in_id=made.pk, reason="录错")
    assert AuditEvent.objects.filter(action="clock_in.void", object_id=str(made.pk)).exists()
    with pytest.raises(Forbidden):
        services.clock_in_add(actor=user("chenshaoli"), center=kaiyuan, staff="chenshaoli", at=at, reason="x")


# --- DUT-5: attendance, derived -------------------------------------------------------------


def punch(staff, *moments):
    person = Staff.objects.get(user__username=staff)
    for m in moments:
        ClockIn.objects.create(
            center=person.center, staff=person, at=dt.datetime.fromisoformat(m).replace(tzinfo=clock.TZ)
        )


def day_of(center, username, day):
    person = Staff.objects.get(user__username=username)
    row = selectors.attendance(center, day.year, day.month, staff=person)[0]
    return next(r for r in row["days"] if r.day == day)


def test_dut_5_0807_on_a_kaiyuan_winter_day_is_7_minutes_late(kaiyuan):
    punch("chenshaoli", "2026-11-19T08:07", "2026-11-19T12:00", "2026-11-19T14:29", "2026-11-19T17:31")
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 19))
    assert (r.status, r.late_minutes) == ("late", 7)


def test_dut_5_1431_in_summer_is_not_late_for_the_afternoon(kaiyuan):
    punch("chenshaoli", "2026-07-15T07:58", "2026-07-15T12:01", "2026-07-15T14:31", "2026-07-15T18:02")
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 7, 15))
    assert (r.status, r.late_minutes) == ("on_time", 0)
    punch("chenshaoli", "2026-11-18T07:58", "2026-11-18T12:01", "2026-11-18T14:31", "2026-11-18T17:32")
    assert day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 18)).late_minutes == 1  # winter pm starts 14:30


def test_dut_5_the_tiaoxiu_saturday_and_the_day_after_the_weekend_are_working_days(kaiyuan):
    punch("weixiaojing", "2026-10-10T07:55", "2026-10-10T17:31")  # the machine's file has the day
    assert day_of(kaiyuan, "chenshaoli", dt.date(2026, 10, 10)).status == "absent_day"  # 调休上班, no punch
    assert day_of(kaiyuan, "chenshaoli", dt.date(2026, 10, 11)).status == "rest"
    punch("chenshaoli", "2026-10-12T08:07", "2026-10-12T12:00", "2026-10-12T14:28", "2026-10-12T17:31")
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 10, 12))
    assert (r.status, r.late_minutes) == ("late", 7)


def test_dut_5_a_day_nobody_punched_is_not_judged_absent(kaiyuan):
    """A working day with no punch of anyone in the center: the machine's file is missing, not
    the whole staff absent. The day is shown as without records and yields no fact."""
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 18))
    assert (r.status, r.events) == ("no_record", [])
    punch("weixiaojing", "2026-11-18T07:55", "2026-11-18T17:31")
    assert day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 18)).status == "absent_day"


def test_dut_5_early_leave_and_absent_half_day(kaiyuan):
    punch("chenshaoli", "2026-11-17T07:55", "2026-11-17T11:40")
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 17))
    assert r.status == "absent_half_day"  # no afternoon punch
    punch("weixiaojing", "2026-11-17T07:55", "2026-11-17T11:40", "2026-11-17T14:20", "2026-11-17T17:30")
    assert day_of(kaiyuan, "weixiaojing", dt.date(2026, 11, 17)).status == "early_leave"


def test_dut_5_the_duty_officer_is_due_early(kaiyuan):
    assert kaiyuan.policy.duty_early_minutes == 5
    punch("xuqingqing", "2026-11-19T07:58", "2026-11-19T12:00", "2026-11-19T14:25", "2026-11-19T17:30")
    r = day_of(kaiyuan, "xuqingqing", dt.date(2026, 11, 19))  # the day's duty officer: due 07:55
    assert (r.status, r.late_minutes) == ("late", 3)


def test_dut_5_leave_days_and_their_cover(kaiyuan):
    leave = file(start="2026-11-24am", end="2026-11-24pm")
    services.leave_decide(actor=user("kewenbo"), leave_id=leave.pk, approve=True)
    services.leave_decide(actor=user("guojianping"), leave_id=leave.pk, approve=True)
    with clock.freeze("2026-11-26T20:00"):
        r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 24))
        assert (r.status, r.covered) == ("leave", False)
        assert ("uncovered_absence", 1, "请假无人顶岗") in r.events
        services.leave_confirm_cover(actor=user("xuqingqing"), leave_id=leave.pk)
        r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 24))
        assert (r.status, r.covered, r.events) == ("leave", True, [])


def test_dut_5_kaiyuan_over_10_minutes_uncovered_counts_as_late(kaiyuan):
    punch("chenshaoli", "2026-11-19T07:55", "2026-11-19T12:00", "2026-11-19T14:25", "2026-11-19T17:31")
    window = Window.objects.get(center=kaiyuan, number=1)
    start = dt.datetime(2026, 11, 19, 9, 0, tzinfo=clock.TZ)
    Absence.objects.create(
        window=window,
        staff=Staff.objects.get(user__username="chenshaoli"),
        day=dt.date(2026, 11, 19),
        started_at=start,
        ended_at=start + dt.timedelta(minutes=14),
        minutes=14,
        threshold_minutes=10,
        counts_as_late=True,
    )
    r = day_of(kaiyuan, "chenshaoli", dt.date(2026, 11, 19))
    assert r.status == "late" and r.covered is False
    got = [
        f.kind
        for f in facts.facts_for(
            [kaiyuan.pk],
            dt.datetime(2026, 11, 19, tzinfo=clock.TZ),
            dt.datetime(2026, 11, 20, tzinfo=clock.TZ),
        )
        if f.source == "duty" and f.staff_id == user("chenshaoli").pk
    ]
    assert got == ["late"]


def test_dut_5_conduct_facts_use_the_core_kinds(kaiyuan):
    punch("chenshaoli", "2026-11-19T08:07", "2026-11-19T11:30")
    found = [
        f
        for f in facts.facts_for(
            [kaiyuan.pk],
            dt.datetime(2026, 11, 19, tzinfo=clock.TZ),
            dt.datetime(2026, 11, 20, tzinfo=clock.TZ),
        )
        if f.source == "duty"
    ]
    mine = sorted(f.kind for f in found if f.staff_id == user("chenshaoli").pk)
    assert mine == ["absent_half_day", "early_leave", "late"]  # 11:30 left before noon; no afternoon
    assert {f.kind for f in found} <= set(facts.KINDS)
    assert "absent_day" in {f.kind for f in found}  # everyone else had no punch that day


def test_dut_5_the_attendance_api_and_pages(kaiyuan, client, bearer):
    punch("chenshaoli", "2026-11-19T08:07", "2026-11-19T12:00", "2026-11-19T14:29", "2026-11-19T17:31")
    r = client.get("/api/v1/staff/chenshaoli/attendance?month=2026-11", headers=bearer("chenshaoli"))
    assert r.status_code == 200
    day = next(d for d in r.json()["days"] if d["date"] == "2026-11-19")
    assert day == {"date": "2026-11-19", "status": "late", "late_minutes": 7, "covered": None}
    assert (
        client.get(
            "/api/v1/staff/chenshaoli/attendance?month=2026-11", headers=bearer("weixiaojing")
        ).status_code
        == 404
    )
    r = client.get("/api/v1/centers/kaiyuan/attendance?month=2026-11", headers=bearer("wangmanshu"))
    assert r.status_code == 200 and len(r.json()["staff"]) == 14
    assert (
        client.get(
            "/api/v1/centers/kaiyuan/attendance?month=2026-11", headers=bearer("chenshaoli")
        ).status_code
        == 403
    )
    client.force_login(user("wangmanshu"))
    assert client.get("/duty/kaiyuan/attendance/?month=2026-11").status_code == 200
    assert client.get("/duty/staff/chenshaoli/attendance/?month=2026-11").status_code == 200
    book = load_workbook(io.BytesIO(client.get("/duty/kaiyuan/attendance/xlsx/?month=2026-11").content))
    assert book.active.max_row > 14


def test_dut_5_a_center_month_is_a_fixed_number_of_queries(kaiyuan):
    selectors.attendance(kaiyuan, 2026, 11)  # the calendar cached
    with CaptureQueriesContext(connection) as few:
        selectors.attendance(kaiyuan, 2026, 11)
    county = kaiyuan
    for i in range(20):
        person = org_services.staff_create(
            actor=None, center=county, username=f"extra{i}", password="Demo@2026x!", name=f"临时{i}"
        )
        w = org_services.window_create(actor=None, center=county, number=50 + i, name=f"临时{i}")
        org_services.post_assign(actor=None, window=w, staff=person, kind="A", start=dt.date(2026, 1, 1))
        ClockIn.objects.create(
            center=county, staff=person, at=dt.datetime(2026, 11, 19, 8, 1, tzinfo=clock.TZ)
        )
    with CaptureQueriesContext(connection) as many:
        rows = selectors.attendance(kaiyuan, 2026, 11)
    assert len(rows) == 14 + 20
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_dut_5_rules_judge_a_day_alone():
    day = dt.date(2026, 11, 19)
    sessions = ((dt.time(8), dt.time(12)), (dt.time(14, 30), dt.time(17, 30)))
    r = rules.attendance_day(
        rules.DayInput(
            day, True, sessions, [dt.datetime(2026, 11, 19, 8, 7), dt.datetime(2026, 11, 19, 14, 40)]
        )
    )
    assert (r.status, r.late_minutes) == ("late", 17)
    r = rules.attendance_day(
        rules.DayInput(day, True, sessions, [], leave_halves={"am": ("trip", True), "pm": ("trip", True)})
    )
    assert r.status == "trip"


def test_dut_3_the_leave_api(kaiyuan, client, bearer):
    body = {
        "staff": "chenshaoli",
        "kind": "personal",
        "start": "2026-11-24am",
        "end": "2026-11-25am",
        "reason": "家中有事",
        "substitute": "xuqingqing",
    }
    clerk = bearer("chenshaoli")
    r = client.post("/api/v1/leave", json.dumps(body), content_type="application/json", headers=clerk)
    assert r.status_code == 201, r.content
    out = r.json()
    assert out["status"] == "pending"
    assert [(s["role"], s["approver"], s["status"]) for s in out["steps"][:2]] == [
        ("deputy_leader", "kewenbo", "pending"),
        ("principal_leader", "guojianping", "waiting"),
    ]
    url = f"/api/v1/leave/{out['id']}"
    r = client.post(f"{url}/approve", "{}", content_type="application/json", headers=clerk)
    assert (r.status_code, r.json()["code"]) == (403, "own_leave")
    r = client.post(f"{url}/approve", "{}", content_type="application/json", headers=bearer("guojianping"))
    assert (r.status_code, r.json()["code"]) == (403, "wrong_approver")
    assert (
        client.post(
            f"{url}/approve", "{}", content_type="application/json", headers=bearer("kewenbo")
        ).status_code
        == 200
    )
    r = client.post(f"{url}/approve", "{}", content_type="application/json", headers=bearer("guojianping"))
    assert r.json()["status"] == "approved"
    r = client.post(f"{url}/confirm-cover", headers=bearer("xuqingqing"))
    assert r.status_code == 200 and r.json()["cover_confirmed"]
    r = client.post("/api/v1/leave", json.dumps(body), content_type="application/json", headers=clerk)
    assert (r.status_code, r.json()["code"]) == (409, "leave_overlaps")
    late = {**body, "start": "2026-11-20pm", "end": "2026-11-20pm"}
    r = client.post("/api/v1/leave", json.dumps(late), content_type="application/json", headers=clerk)
    assert (r.status_code, r.json()["code"]) == (400, "too_late")
    alone = {**body, "start": "2026-12-01am", "end": "2026-12-01am", "substitute": None}
    r = client.post("/api/v1/leave", json.dumps(alone), content_type="application/json", headers=clerk)
    assert (r.status_code, r.json()["code"]) == (400, "substitute_required")
    other = {**body, "staff": "weixiaojing", "start": "2026-12-01am", "end": "2026-12-01am"}
    r = client.post("/api/v1/leave", json.dumps(other), content_type="application/json", headers=clerk)
    assert r.status_code == 403  # a clerk files only their own


def test_dut_5_two_punches_a_day_bracket_the_afternoon():
    day = dt.date(2026, 11, 19)
    sessions = ((dt.time(8), dt.time(12)), (dt.time(14, 30), dt.time(17, 30)))
    both = [dt.datetime(2026, 11, 19, 7, 58), dt.datetime(2026, 11, 19, 17, 35)]
    assert rules.attendance_day(rules.DayInput(day, True, sessions, both)).status == "on_time"
    morning_only = [dt.datetime(2026, 11, 19, 7, 58), dt.datetime(2026, 11, 19, 11, 59)]
    assert rules.attendance_day(rules.DayInput(day, True, sessions, morning_only)).status == "absent_half_day"


def test_dut_1_a_hand_change_moves_the_duty_day_and_the_todo_costs_few_queries(kaiyuan):
    services.roster_set(
        actor=user("wangmanshu"),
        center=kaiyuan,
        seats=[],
        duty=[{"date": dt.date(2026, 11, 23), "staff": "weixiaojing"}],
    )
    with clock.freeze("2026-11-23T07:00"):
        assert [i.kind for i in todo.todo_for(user("weixiaojing")).items if i.kind == "duty_day"] == [
            "duty_day"
        ]
        assert not [i for i in todo.todo_for(user("xuqingqing")).items if i.kind == "duty_day"]
        clerk = user("chenshaoli")
        access.held_roles(clerk)
        with CaptureQueriesContext(connection) as queries:
            selectors.todo_items(clerk, clock.now(), 10)
        assert len(queries) == 3  # leave steps, covers to confirm, the day's duty changes
