"""Parallel approval against the services and the database, with the clock moved and no job run."""

import datetime as dt
import subprocess

import pytest

from servicehall.cases.models import Case
from servicehall.core import clock, facts
from servicehall.core.audit import AuditEvent
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.todo import todo_for
from servicehall.parallel import selectors, services
from servicehall.parallel.models import Decision, Opinion
from servicehall.parallel.tests.conftest import (
    DUE,
    FARMING,
    FRIDAY_AFTERNOON,
    LEAD,
    MONDAY_AFTER,
    PLANNING,
    WEDNESDAY,
)


def standing(case, at):
    with clock.freeze(at):
        return {v.department.code: v for v in selectors.participants(case)}


def say(user_named, case, user, department, opinion, at, note="", expected=None):
    with clock.freeze(at):
        return services.opinion_give(
            actor=user_named(user),
            case=case,
            department=department,
            opinion=opinion,
            note=note,
            expected_date=expected,
        )


def test_par_1_the_accepted_case_goes_to_each_participant_with_its_own_limit(parallel_case):
    case = parallel_case()
    assert case.status == "accepted"
    views = standing(case, WEDNESDAY)
    assert set(views) == {"guihua", "nongye"}
    assert {str(v.due_date) for v in views.values()} == {DUE}
    assert all(v.pending and v.colour == "green" for v in views.values())
    assert views["nongye"].handler.user.username == FARMING
    sent = AuditEvent.objects.get(action="parallel.send", object_id=str(case.pk))
    assert sent.after["participants"] == {"guihua": DUE, "nongye": DUE}


def test_par_1_a_case_that_is_not_parallel_has_no_participants(parallel_case):
    case = parallel_case(item="SX-MZ-001", user="xiechunhua")
    assert selectors.participants(case) == []
    with clock.freeze(WEDNESDAY), pytest.raises(Conflict) as caught:
        services.urge(actor=None, case=case, department="guihua", note="催")
    assert caught.value.code == "not_parallel"


def test_par_2_a_department_not_invited_or_a_person_of_another_is_refused(parallel_case, user_named):
    case = parallel_case()
    with pytest.raises(Forbidden) as caught:
        say(user_named, case, "xiechunhua", "minzheng", "approve", "2026-11-26T10:00")
    assert caught.value.code == "not_participant"
    with pytest.raises(Forbidden) as caught:
        say(user_named, case, FARMING, "guihua", "approve", "2026-11-26T10:00")
    assert caught.value.code == "not_of_department"
    assert not Opinion.objects.exists()


def test_par_2_reject_needs_reasons_and_one_answer_per_round(parallel_case, user_named):
    case = parallel_case()
    with pytest.raises(Invalid) as caught:
        say(user_named, case, PLANNING, "guihua", "reject", "2026-11-26T10:00")
    assert caught.value.code == "reason_required"
    say(user_named, case, PLANNING, "guihua", "reject", "2026-11-26T10:00", note="不符合村庄规划")
    with pytest.raises(Conflict) as caught:
        say(user_named, case, PLANNING, "guihua", "approve", "2026-11-26T11:00")
    assert caught.value.code == "already_answered"
    assert standing(case, "2026-11-26T12:00")["guihua"].opinion == "reject"


def test_par_2_rectify_starts_a_second_round_with_full_limits(parallel_case, user_named):
    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "rectify", "2026-11-26T10:00", note="补充四至图")
    say(user_named, case, FARMING, "nongye", "approve", "2026-11-26T10:30")
    with clock.freeze("2026-11-30T09:00"):
        services.resubmit(actor=user_named(LEAD), case=case, note="申请人已补充四至图")
    views = standing(case, "2026-11-30T09:05")
    assert {v.round for v in views.values()} == {2}
    assert all(v.pending for v in views.values())  # everyone reviews the corrected application
    assert str(views["guihua"].due_date) == "2026-12-09"
    with clock.freeze("2026-11-30T09:10"), pytest.raises(Conflict) as caught:
        services.resubmit(actor=user_named(LEAD), case=case, note="again")
    assert caught.value.code == "no_rectification"


def test_par_3_reported_up_moves_the_limit_and_the_lead_urges_counted_and_shown(parallel_case, user_named):
    case = parallel_case()
    say(
        user_named,
        case,
        FARMING,
        "nongye",
        "reported_up",
        "2026-12-01T10:00",
        "报县农业农村局审批",
        dt.date(2026, 12, 9),
    )
    with clock.freeze("2026-12-02T10:00"):
        services.urge(actor=user_named(LEAD), case=case, department="guihua", note="请于本周内反馈")
        services.urge(actor=user_named(LEAD), case=case, department="guihua", note="再次催办")
    with clock.freeze("2026-12-02T10:00"), pytest.raises(Forbidden) as caught:
        services.urge(actor=user_named(PLANNING), case=case, department="nongye", note="我不是牵头")
    assert caught.value.code == "not_lead"
    views = standing(case, MONDAY_AFTER)
    assert views["nongye"].opinion == "reported_up" and views["nongye"].pending
    assert str(views["nongye"].due_date) == "2026-12-09"
    assert len(views["guihua"].urges) == 2 and views["guihua"].deemed
    out = {p["department"]: p for p in selectors.participants_out(case)}
    assert out["guihua"]["urges"] == 2


def test_par_4_an_explanation_is_refused_past_the_statutory_maximum_and_after_the_limit(
    parallel_case, user_named
):
    case = parallel_case()
    beyond = case.statutory_due_date + dt.timedelta(days=7)
    with pytest.raises(Invalid) as caught:
        say(user_named, case, FARMING, "nongye", "explained", "2026-12-01T10:00", "需现场核实", beyond)
    assert caught.value.code == "past_statutory_maximum"
    with pytest.raises(Conflict) as caught:
        say(
            user_named,
            case,
            FARMING,
            "nongye",
            "explained",
            MONDAY_AFTER,
            "需现场核实",
            dt.date(2026, 12, 10),
        )
    assert caught.value.code == "limit_passed"
    say(
        user_named,
        case,
        FARMING,
        "nongye",
        "explained",
        "2026-12-01T10:00",
        "需现场核实",
        dt.date(2026, 12, 10),
    )
    assert not standing(case, MONDAY_AFTER)["nongye"].deemed


def test_par_4_shexi_one_approves_one_silent_deemed_after_its_limit_across_a_weekend(
    parallel_case, user_named, shexi
):
    """The issue's scene: no job runs; only the clock moves."""
    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-30T10:00", note="符合规划")
    friday = standing(case, FRIDAY_AFTERNOON)
    assert friday["nongye"].pending and not friday["nongye"].deemed and friday["nongye"].colour == "yellow"
    with clock.freeze(FRIDAY_AFTERNOON), pytest.raises(Conflict) as caught:
        services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
    assert caught.value.code == "participants_pending"
    assert Case.objects.get(pk=case.pk).status == "accepted" and not Decision.objects.exists()

    monday = standing(case, MONDAY_AFTER)
    assert monday["nongye"].deemed and monday["nongye"].colour == "red" and not monday["guihua"].deemed
    with clock.freeze(MONDAY_AFTER):
        decision = services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
    case.refresh_from_db()
    assert case.status == "completed"
    lines = services.opinion_lines(decision.content)
    assert any(line.startswith("农业综合服务站：超时默认同意") for line in lines)
    assert any(line.startswith("村镇规划建设站：同意") for line in lines)
    text = pdf_text(services.pdf_of(decision))
    assert "超时默认同意" in text and "农业综合服务站" in text and "行政审批专用章" in text

    with clock.freeze(MONDAY_AFTER):
        found = facts.facts_for([shexi.pk], clock.now() - dt.timedelta(days=30), clock.now())
    against = {(f.kind, f.staff_id) for f in found}
    farmer = user_named(FARMING).pk
    assert ("deemed_approval", farmer) in against and ("participant_overdue", farmer) in against
    assert not any(f.staff_id == user_named(PLANNING).pk for f in found)


def test_par_4_a_late_opinion_is_kept_marked_late_and_does_not_undo_the_outcome(parallel_case, user_named):
    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-30T10:00")
    with clock.freeze(MONDAY_AFTER):
        services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
    say(user_named, case, FARMING, "nongye", "reject", "2026-12-08T09:00", note="占用耕地")
    nongye = standing(case, "2026-12-08T10:00")["nongye"]
    assert (
        nongye.late and nongye.deemed and nongye.opinion == "reject" and nongye.standing.outcome == "approve"
    )
    assert Case.objects.get(pk=case.pk).status == "completed"
    assert Opinion.objects.get(department__code="nongye").kind == "reject"


def test_par_4_completing_a_parallel_case_waits_for_its_participants(parallel_case, user_named):
    from servicehall.cases import services as case_services

    case = parallel_case()
    with clock.freeze("2026-11-26T10:00"), pytest.raises(Conflict) as caught:
        case_services.case_complete(actor=user_named(LEAD), case=case, result="办结")
    assert caught.value.code == "participants_pending"
    assert Case.objects.get(pk=case.pk).status == "accepted"


def test_par_4_the_lead_approves_no_step_while_a_participant_is_pending(parallel_case, user_named):
    """The joint review step is not shown done with opinions outstanding; returning stays possible."""
    from servicehall.cases import services as case_services

    case = parallel_case()
    with clock.freeze("2026-11-26T10:00"), pytest.raises(Conflict) as caught:
        case_services.case_advance(actor=user_named(LEAD), case=case, decision="approve")
    assert caught.value.code == "participants_pending" and "农业综合服务站" in caught.value.message
    assert Case.objects.get(pk=case.pk).step == 2
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-26T11:00")
    with clock.freeze(MONDAY_AFTER):  # the farming station is deemed: the step may pass
        case_services.case_advance(actor=user_named(LEAD), case=case, decision="approve")
    assert Case.objects.get(pk=case.pk).step == 3


def test_par_4_a_parallel_case_is_completed_only_by_the_leads_decision(parallel_case, user_named):
    """Every participant has answered, yet neither the completion form nor the last step's
    approval completes the case: only the decision, which issues the decision document."""
    from servicehall.cases import services as case_services

    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-26T10:00")
    say(user_named, case, FARMING, "nongye", "approve", "2026-11-26T10:30")
    with clock.freeze("2026-11-26T11:00"):
        case_services.case_advance(actor=user_named(LEAD), case=case, decision="approve")
        for attempt in (
            lambda: case_services.case_complete(actor=user_named(LEAD), case=case, result="办结"),
            lambda: case_services.case_advance(actor=user_named(LEAD), case=case, decision="approve"),
        ):
            with pytest.raises(Conflict) as caught:
                attempt()
            assert caught.value.code == "decision_required"
        assert Case.objects.get(pk=case.pk).status == "accepted"
        services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
    assert Case.objects.get(pk=case.pk).status == "completed"
    assert Decision.objects.filter(case=case).count() == 1


def test_par_4_the_decision_names_the_applicant_as_every_notice_does(parallel_case, user_named):
    """The decision is handed to the applicant (第一联 申请人留存): their name is not masked."""
    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-26T10:00")
    say(user_named, case, FARMING, "nongye", "approve", "2026-11-26T10:30")
    with clock.freeze("2026-11-26T11:00"):
        decision = services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
    assert ["申请人", "杨树林"] in decision.content["fields"]


def test_par_4_a_participants_pending_opinion_is_on_its_staffs_todo_list(parallel_case, user_named):
    case = parallel_case()
    with clock.freeze("2026-11-26T10:00"):
        mine = todo_for(user_named(FARMING))
    item = next(i for i in mine.items if i.kind == "parallel_opinion")
    assert item.ref == case.number and item.link.endswith(f"/parallel/cases/{case.number}/")
    say(user_named, case, FARMING, "nongye", "approve", "2026-11-26T11:00")
    with clock.freeze("2026-11-26T12:00"):
        assert not [i for i in todo_for(user_named(FARMING)).items if i.kind == "parallel_opinion"]


def test_par_5_an_unexcused_absence_is_a_fact_against_the_representative(parallel_case, user_named, shexi):
    case = parallel_case()
    with clock.freeze("2026-11-26T09:00"):
        meeting = services.meeting_convene(
            actor=user_named(LEAD),
            case=case,
            kind="site",
            at=clock.parse_moment("2026-11-27T14:30"),
            place="申请人宅基地现场",
            departments=["guihua", "nongye"],
        )
        with pytest.raises(Conflict) as caught:
            services.attendance_record(
                actor=user_named(LEAD), meeting=meeting, department="guihua", present=True
            )
        assert caught.value.code == "meeting_not_started"
    with clock.freeze("2026-11-27T15:00"):
        services.attendance_record(
            actor=user_named(LEAD), meeting=meeting, department="guihua", present=False, excuse="县里开会"
        )
        services.attendance_record(
            actor=user_named(LEAD), meeting=meeting, department="nongye", present=False
        )
        with pytest.raises(Invalid) as caught:
            services.attendance_record(
                actor=user_named(LEAD), meeting=meeting, department="minzheng", present=True
            )
        assert caught.value.code == "department_not_invited"
        found = facts.facts_for([shexi.pk], clock.now() - dt.timedelta(days=1), clock.now())
    absences = [f for f in found if f.kind == "meeting_absence"]
    assert [(f.staff_id, f.evidence.ref) for f in absences] == [(user_named(FARMING).pk, case.number)]


def pdf_text(data: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_par_4_the_directors_board_flags_a_deemed_participant_until_the_lead_decides(
    parallel_case, user_named, shexi
):
    from servicehall.core.board import notes_for

    case = parallel_case()
    say(user_named, case, PLANNING, "guihua", "approve", "2026-11-30T10:00")
    with clock.freeze(FRIDAY_AFTERNOON):
        assert not [n for n in notes_for(shexi, clock.now()) if n.kind == "parallel_deemed"]
    with clock.freeze(MONDAY_AFTER):
        flagged = [n for n in notes_for(shexi, clock.now()) if n.kind == "parallel_deemed"]
        assert len(flagged) == 1 and case.number in flagged[0].title and "农业综合服务站" in flagged[0].title
        services.decide(actor=user_named(LEAD), case=case, result="准予建房", approve=True)
        assert not [n for n in notes_for(shexi, clock.now()) if n.kind == "parallel_deemed"]


def test_par_5_attendance_is_offered_on_the_page_once_the_meeting_has_begun(parallel_case, user_named, login):
    """Before the meeting the page offers no attendance buttons (they could only be refused)."""
    case = parallel_case()
    with clock.freeze("2026-11-25T10:00"):
        services.meeting_convene(
            actor=user_named(LEAD),
            case=case,
            kind="review",
            at=dt.datetime(2026, 11, 26, 9, 30, tzinfo=clock.TZ),
            place="二楼会议室",
            departments=["ziran", "guihua", "nongye"],
        )
    client = login(LEAD)
    with clock.freeze("2026-11-25T11:00"):
        before = client.get(f"/parallel/cases/{case.number}/").content.decode()
    with clock.freeze("2026-11-26T10:00"):
        after = client.get(f"/parallel/cases/{case.number}/").content.decode()
    form = f"/parallel/cases/{case.number}/attendance/"
    assert form not in before and after.count(form) == 3
