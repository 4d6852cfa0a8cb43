"""Training (TRN-1 … TRN-3): the plan, attendance, hours, and what the other apps read of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicehall.core import clock, facts, todo
from servicehall.core.board import notes_for
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.org.models import Staff
from servicehall.training import rules, selectors, services
from servicehall.training.models import Attendance, SelfStudy, Session

NOV = "2026-11-16T10:00"  # a Monday
SHEXI_CLERKS = ["xiechunhua", "wenjianjun"]


@pytest.fixture
def shexi(halls):
    return halls["shexi"]


@pytest.fixture
def director(user_named):
    return user_named("penglixin")


def _session(
    center, actor, *, at="2026-11-16T15:00:00+08:00", hours=2, invited=SHEXI_CLERKS, kind="centralised"
):
    return services.session_create(
        actor=actor,
        center=center,
        kind=kind,
        subject="business",
        topic="业务知识培训",
        starts_at=dt.datetime.fromisoformat(at),
        hours=hours,
        place="会议室",
        invited=invited,
    )


# --- rules ---------------------------------------------------------------------------------------


def test_trn_2_only_centralised_and_county_hours_count_toward_the_minimum():
    attended = [("centralised", Decimal(2)), ("county", Decimal(6)), ("self_study", Decimal(5))]
    assert rules.counted_hours(attended) == Decimal(8)


@pytest.mark.parametrize(
    ("hours", "valid"),
    [
        (Decimal("0.5"), True),
        (Decimal(8), True),
        (Decimal(0), False),
        (Decimal("8.5"), False),
        (Decimal("1.3"), False),
    ],
)
def test_trn_2_hours_are_half_hours_up_to_a_day(hours, valid):
    assert rules.hours_valid(hours, Decimal(8)) is valid


def test_trn_2_behind_the_plan_is_pro_rata_by_completed_months():
    assert rules.expected_by(30, dt.date(2026, 11, 30)) == Decimal("25.0")
    assert rules.behind(Decimal(24), 30, dt.date(2026, 11, 30))
    assert not rules.behind(Decimal(0), 30, dt.date(2026, 1, 20))  # never in January


def test_trn_1_completed_months_without_a_session():
    assert rules.months_without_session({1, 2, 4}, 2026, dt.date(2026, 6, 3)) == [3, 5]
    assert rules.months_without_session(set(), 2027, dt.date(2026, 6, 3)) == []


def test_trn_3_an_absence_without_excuse_is_unexcused():
    assert rules.attendance_status(False, "  ") == rules.ABSENT
    assert rules.attendance_status(False, "病假") == rules.EXCUSED
    assert rules.attendance_status(True, "") == rules.PRESENT
    assert rules.is_unexcused(rules.ABSENT) and not rules.is_unexcused(rules.EXCUSED)


# --- services --------------------------------------------------------------------------------------


def test_trn_1_a_leader_plans_a_session_and_everyone_invited_is_listed(shexi, director):
    with clock.freeze(NOV):
        session = _session(shexi, director, invited=None)
    staff = Staff.objects.filter(center=shexi, active=True).count()
    assert session.attendance.count() == staff > 5
    assert set(session.attendance.values_list("status", flat=True)) == {rules.INVITED}


def test_trn_1_a_clerk_cannot_plan_and_bad_input_saves_nothing(shexi, director, user_named):
    with clock.freeze(NOV):
        with pytest.raises(Forbidden):
            _session(shexi, user_named("xiechunhua"))
        for bad in ({"hours": 0}, {"hours": "1.3"}, {"invited": ["nobody"]}, {"kind": "self_study"}):
            with pytest.raises(Invalid):
                _session(shexi, director, **bad)
    assert not Session.objects.filter(center=shexi).exists()


def test_trn_3_attendance_is_recorded_after_the_start_and_an_unexcused_absence_is_a_fact(shexi, director):
    with clock.freeze(NOV):
        session = _session(shexi, director)
        with pytest.raises(Conflict):  # 10:00, the session is at 15:00
            services.attendance_record(actor=director, session=session, username="xiechunhua", present=False)
    with clock.freeze("2026-11-16T17:00"):
        services.attendance_record(actor=director, session=session, username="xiechunhua", present=False)
        services.attendance_record(
            actor=director, session=session, username="wenjianjun", present=False, excuse="下乡办件"
        )
    start = dt.datetime(2026, 11, 1, tzinfo=clock.TZ)
    found = [
        f for f in facts.facts_for([shexi.pk], start, start + dt.timedelta(days=30)) if f.source == "training"
    ]
    assert [(f.kind, f.staff_id) for f in found] == [
        ("training_absence", session.attendance.get(status="absent").staff_id)
    ]
    assert found[0].evidence.url == f"/training/shexi/sessions/{session.pk}/"


def test_trn_2_a_person_year_counts_centralised_hours_and_self_study_apart(shexi, director, user_named):
    clerk = user_named("xiechunhua")
    with clock.freeze(NOV):
        session = _session(shexi, director, hours=3)
        study = services.self_study_declare(
            actor=clerk, center=shexi, day=dt.date(2026, 11, 10), topic="学习新修订的条例", hours="2.5"
        )
        with pytest.raises(Forbidden):  # nobody approves their own
            services.self_study_decide(actor=clerk, study=study, approve=True)
        services.self_study_decide(actor=director, study=study, approve=True)
        with pytest.raises(Conflict):
            services.self_study_decide(actor=director, study=study, approve=False, note="重复")
    with clock.freeze("2026-11-16T18:00"):
        services.attendance_record(actor=director, session=session, username="xiechunhua", present=True)
        mine = selectors.person_year(clerk.staff, 2026)
    assert (mine.hours, mine.self_study_hours, mine.required, mine.unexcused) == (
        Decimal(3),
        Decimal("2.5"),
        30,
        0,
    )


def test_trn_2_the_county_session_counts_for_the_centers_below(halls, user_named):
    county, shexi = halls["county"], halls["shexi"]
    county_director = Staff.objects.filter(center=county, user__roles__role="director").first().user
    with clock.freeze("2026-09-10T08:00"):
        session = _session(
            county, county_director, at="2026-09-10T09:00:00+08:00", hours=6, invited=None, kind="county"
        )
    assert session.attendance.filter(staff__username="xiechunhua").exists()  # a Shexi clerk is invited
    assert not selectors.county_session_held(shexi, 2026)
    with clock.freeze("2026-09-10T16:00"):
        services.attendance_record(
            actor=county_director, session=session, username="xiechunhua", present=True
        )
    assert selectors.county_session_held(shexi, 2026)
    assert selectors.person_year(user_named("xiechunhua").staff, 2026).hours == Decimal(6)


# --- protocols ------------------------------------------------------------------------------------


def test_trn_1_a_completed_month_without_a_session_is_on_the_directors_board(shexi, director):
    with clock.freeze("2026-02-10T10:00"):
        notes = [n for n in notes_for(shexi, clock.now()) if n.kind == "training_month_missed"]
    assert len(notes) == 1 and "1" in notes[0].title
    with clock.freeze("2026-01-20T10:00"):
        _session(shexi, director, at="2026-01-20T15:00:00+08:00")
    with clock.freeze("2026-02-10T10:00"):
        assert not [n for n in notes_for(shexi, clock.now()) if n.kind == "training_month_missed"]


def test_trn_2_a_person_behind_the_plan_and_an_invitation_are_on_their_to_do_list(
    shexi, director, user_named
):
    clerk = user_named("xiechunhua")
    with clock.freeze(NOV):
        session = _session(shexi, director)
        items = todo.todo_for(clerk).items
    kinds = {i.kind: i for i in items}
    assert kinds["training"].ref == f"T{session.pk}"
    assert kinds["training_hours"].link == "/training/mine/"
    with clock.freeze("2026-11-17T09:00"):  # the session has passed, attendance not recorded
        led = {i.kind for i in todo.todo_for(director).items}
    assert "training_attendance" in led


@pytest.mark.parametrize("sessions", [1, 20])
def test_trn_2_the_center_year_is_a_fixed_number_of_queries(shexi, director, sessions):
    with clock.freeze("2026-11-30T10:00"):
        for i in range(sessions):
            _session(shexi, director, at=f"2026-{1 + i % 11:02d}-15T15:00:00+08:00", invited=None)
        with CaptureQueriesContext(connection) as queries:
            plan = selectors.center_year(shexi, 2026)
    assert len(plan.sessions) == sessions
    assert len(queries) <= 7


# --- API and pages ---------------------------------------------------------------------------------


def test_trn_api_plan_attend_and_read_hours(shexi, client, user_named):
    client.force_login(user_named("penglixin"))
    with clock.freeze(NOV):
        made = client.post(
            "/api/v1/centers/shexi/training/sessions",
            {
                "kind": "centralised",
                "subject": "law",
                "topic": "条例学习",
                "starts_at": "2026-11-16T09:00:00+08:00",
                "hours": 2,
                "invited": SHEXI_CLERKS,
            },
            content_type="application/json",
        )
        assert made.status_code == 201, made.content
        sid = made.json()["id"]
        url = f"/api/v1/centers/shexi/training/sessions/{sid}/attendance"
        ok = client.post(url, {"staff": "xiechunhua", "present": True}, content_type="application/json")
        assert ok.json()["status"] == "present"
        unknown = client.post(url, {"staff": "zouguoping", "present": True}, content_type="application/json")
        assert (unknown.status_code, unknown.json()["code"]) == (404, "not_invited")
        read = client.get("/api/v1/staff/xiechunhua/training?year=2026").json()
    assert read == {
        "year": 2026,
        "hours": "2.0",
        "required": 30,
        "self_study_hours": "0",
        "sessions": 1,
        "unexcused": 0,
        "county_session_held": False,
    }


def test_trn_api_a_clerk_reads_only_their_own_hours(shexi, client, user_named):
    client.force_login(user_named("xiechunhua"))
    assert client.get("/api/v1/staff/xiechunhua/training").status_code == 200
    other = client.get("/api/v1/staff/wenjianjun/training")
    assert other.status_code == 403
    assert client.get("/api/v1/staff/nobody/training").json()["code"] == "staff_not_found"


def test_trn_pages_plan_session_and_mine(shexi, director, client, user_named):
    with clock.freeze(NOV):
        session = _session(shexi, director)
    client.force_login(director)
    page = client.get("/training/shexi/")
    assert page.status_code == 200 and "业务知识培训" in page.content.decode()
    with clock.freeze("2026-11-16T17:00"):
        client.post(
            f"/training/shexi/sessions/{session.pk}/",
            {"staff": "xiechunhua", "status": "excused", "excuse": "病假"},
        )
    row = Attendance.objects.get(session=session, staff__username="xiechunhua")
    assert (row.status, row.excuse) == ("excused", "病假")
    client.force_login(user_named("xiechunhua"))
    with clock.freeze(NOV):
        mine = client.get("/training/mine/")
        assert mine.status_code == 200 and "0 / 30" in mine.content.decode()
        client.post("/training/mine/", {"day": "2026-11-13", "topic": "自学条例", "hours": "1.5"})
    assert client.get("/training/shexi/").status_code == 403  # a clerk does not manage training


def test_trn_pages_in_english(shexi, director, client):
    client.force_login(director)
    with clock.freeze(NOV):
        page = client.get("/training/shexi/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hours by person" in page and "Plan a session" in page
    assert "人员学时" not in page


def test_trn_2_a_refused_self_study_keeps_what_was_typed(shexi, client, user_named):
    """Nine hours in a day is refused with the reason; the date and the topic stay in the form."""
    client.force_login(user_named("xiechunhua"))
    with clock.freeze(NOV):
        page = client.post("/training/mine/", {"day": "2026-11-13", "topic": "自学条例", "hours": "9"})
    html = page.content.decode()
    assert page.status_code == 400 and "不超过 8" in html
    assert 'value="2026-11-13"' in html and 'value="自学条例"' in html and 'value="9"' in html
    assert not SelfStudy.objects.exists()
