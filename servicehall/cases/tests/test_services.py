"""Cases through the services: intake outcomes, the lifecycle, refusals that change nothing."""

import datetime as dt

import pytest
from django.test import override_settings

from servicehall.cases import services
from servicehall.cases.models import Case, CaseEvent, Notice, OutboxMessage
from servicehall.cases.notices import pdf_of, render
from servicehall.cases.tests.conftest import ALL_REQUIRED, MONDAY, PERSON
from servicehall.core import clock
from servicehall.core.errors import Conflict, Forbidden, Invalid
from servicehall.core.models import AuditEvent

D = dt.date


def local(moment):
    return clock.local(moment).replace(tzinfo=None)


def act(fn, user_named, user="chenjianwei", at=MONDAY, **kw):
    with clock.freeze(at):
        return fn(actor=user_named(user), **kw)


def refused_unchanged(case, error, code, fn, user_named, **kw):
    before = Case.objects.values().get(pk=case.pk)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(error) as exc:
        act(fn, user_named, case=case, **kw)
    assert exc.value.code == code and exc.value.message
    assert Case.objects.values().get(pk=case.pk) == before
    assert CaseEvent.objects.filter(case=case).count() == events
    return exc.value


# --- intake ---------------------------------------------------------------------------------------


def test_cas_4_committed_item_with_everything_is_accepted_with_its_due_date(intake):
    case = intake()
    assert case.status == "accepted" and case.number == "KAIYUAN-2026-000001" and len(case.query_code) == 6
    assert case.accepted_at == case.received_at == case.recorded_at
    # 10 working days after Monday 2026-11-23: Monday 2026-12-07, closing at 17:30 (winter hours).
    assert case.due_date == D(2026, 12, 7) and local(case.due_at) == dt.datetime(2026, 12, 7, 17, 30)
    assert case.statutory_due_date == D(2026, 12, 21) and case.limit_days == 10
    assert case.warn_date == D(2026, 12, 3)  # 2 working days (20 %) before
    assert [n.kind for n in case.notices.all()] == ["acceptance"]
    assert case.officer.name == case.handler.name == "陈建伟" and case.window.number == 5
    assert AuditEvent.objects.filter(action="case.intake", object_id=str(case.pk)).exists()


def test_cas_4_immediate_item_is_completed_on_the_spot_and_the_applicant_is_told(intake):
    case = intake(item="KY-CL-002", materials=["M01", "M02"])
    assert case.status == "completed" and case.finished_at == case.recorded_at and case.result
    assert [n.kind for n in case.notices.all()] == ["completion"]
    sms = OutboxMessage.objects.exclude(text__contains="/r/").get(reference=case.number)
    assert sms.phone == "13812345678" and "已办结" in sms.text


def test_cas_2_missing_materials_wait_under_the_same_number_and_then_are_accepted(intake, user_named):
    case = intake(materials=["M02"])
    assert case.status == "awaiting_materials" and case.due_date is None and case.accepted_at is None
    assert [n.kind for n in case.notices.all()] == ["one_time"]
    case = act(
        services.case_add_materials, user_named, at="2026-11-25T10:00", case=case, materials=["M01", "M03"]
    )
    assert case.status == "awaiting_materials"
    case = act(services.case_add_materials, user_named, at="2026-11-26T10:00", case=case, materials=["M04"])
    assert case.status == "accepted" and case.number == "KAIYUAN-2026-000001"
    # the clock starts when the last material came: 10 working days after Thursday 11-26.
    assert local(case.accepted_at) == dt.datetime(2026, 11, 26, 10, 0) and case.due_date == D(2026, 12, 10)
    assert [n.kind for n in case.notices.all()] == ["one_time", "acceptance"]
    assert [e.action for e in case.events.all()] == ["intake", "materials", "materials", "accept"]


def test_cas_2_not_eligible_is_refused_in_writing_with_reason_and_basis(intake):
    case = intake(eligible=False, reason="申请人非本街道户籍", basis="《残疾人证管理办法》第五条")
    assert case.status == "refused" and case.finished_at is not None
    assert [n.kind for n in case.notices.all()] == ["refusal"]
    with pytest.raises(Invalid) as exc:
        intake(eligible=False, reason="x")
    assert exc.value.code == "reason_required"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"materials": ["M01", "M99"]}, "unknown_material"),
        ({"item": "KY-SF-001"}, "item_not_at_window"),
        ({"item": "NOPE"}, "item_not_found"),
        (
            {
                "applicant": services.Applicant(
                    name="张三", id_number="110105194912310021", phone="13812345678"
                )
            },
            "invalid_id_number",
        ),
        (
            {
                "applicant": services.Applicant(
                    name="某公司", credit_code="91110000600037341M", phone="13812345678"
                )
            },
            "invalid_credit_code",
        ),
        ({"applicant": services.Applicant(name="张三", phone="13812345678")}, "applicant_number_required"),
        (
            {"applicant": services.Applicant(name=" ", id_number=PERSON.id_number, phone="13812345678")},
            "applicant_name_required",
        ),
        (
            {"applicant": services.Applicant(name="张三", id_number=PERSON.id_number, phone="110")},
            "invalid_phone",
        ),
        (
            {"agent": services.Agent(name="李四", id_number="123", phone="13900000000")},
            "agent_invalid_id_number",
        ),
        ({"received_at": dt.datetime(2026, 11, 23, 7, 0, tzinfo=clock.TZ)}, "backfill_reason_required"),
        ({"received_at": dt.datetime(2026, 11, 23, 11, 0, tzinfo=clock.TZ)}, "received_in_future"),
    ],
)
def test_bad_intake_is_refused_and_nothing_is_saved(intake, kw, code):
    with pytest.raises(Invalid) as exc:
        intake(**kw)
    assert exc.value.code == code and exc.value.message
    assert not Case.objects.exists() and not Notice.objects.exists()


def test_cas_7_an_item_is_taken_in_only_at_an_authorised_window_by_its_staff(intake):
    with pytest.raises(Forbidden):
        intake(user="auditor")
    with pytest.raises(Invalid) as exc:  # 谢珊红 sits at 司法所, which does not serve 残联's 残疾人证新办
        intake(user="xieshanhong")
    assert exc.value.code == "item_not_at_window"


def test_cas_2_an_organisation_applies_with_its_credit_code(intake):
    org = services.Applicant(
        name="泉州市某某有限公司", credit_code="91110000600037341l", phone="0595-22100012"
    )
    case = intake(applicant=org)
    assert case.applicant_kind == "organisation" and case.applicant_number == "91110000600037341L"


def test_cas_13_agent_applies_on_behalf_of_the_applicant(intake):
    case = intake(agent=services.Agent(name="李代办", id_number="110111196001010030", phone="13900000000"))
    assert case.agent_name == "李代办" and case.agent_id_number == "110111196001010030"


# --- back-filling -----------------------------------------------------------------------------------


def test_cas_1_backfilled_case_is_flagged_and_its_clock_runs_from_the_true_receipt(intake):
    received = dt.datetime(2026, 11, 20, 16, 0, tzinfo=clock.TZ)  # Friday afternoon
    case = intake(received_at=received, backfill_reason="系统故障，纸质收件")
    assert case.backfilled and case.backfill_reason == "系统故障，纸质收件"
    assert case.received_at == received and local(case.recorded_at) == dt.datetime(2026, 11, 23, 9, 30)
    assert case.due_date == D(2026, 12, 4)  # 10 working days after Friday 11-20, not after Monday
    assert "补录" in case.events.get(action="intake").note


def test_cas_1_within_the_tolerance_is_not_a_backfill(intake):
    case = intake(received_at=dt.datetime(2026, 11, 23, 9, 5, tzinfo=clock.TZ))
    assert not case.backfilled


def test_cas_1_nothing_is_created_completed_except_an_immediate_case_at_its_own_intake(intake):
    received = dt.datetime(2026, 11, 23, 8, 0, tzinfo=clock.TZ)
    case = intake(
        item="KY-CL-002", materials=["M01", "M02"], received_at=received, backfill_reason="先办后录"
    )
    assert case.status == "accepted" and case.finished_at is None and case.backfilled
    assert not OutboxMessage.objects.exists()


# --- suspension and extension ---------------------------------------------------------------------------


def test_cas_8_three_working_days_of_suspension_move_the_due_date_by_three_working_days(intake, user_named):
    case = intake()
    assert case.due_date == D(2026, 12, 7)
    case = act(
        services.case_suspend, user_named, at="2026-11-30T10:00", case=case, reason="申请人补充医院评定报告"
    )
    assert case.status == "suspended"
    case = act(services.case_resume, user_named, at="2026-12-03T15:00", case=case)
    assert case.status == "accepted" and case.suspended_days == 3
    assert case.due_date == D(2026, 12, 10) and case.statutory_due_date == D(2026, 12, 24)
    assert local(case.due_at) == dt.datetime(2026, 12, 10, 17, 30)
    assert "3个工作日" in case.events.get(action="resume").note


def test_cas_8_suspension_across_the_national_day(intake, user_named):
    # Monday; 10 working days over 中秋 (09-25..27) and 国庆 (10-01..07), with Saturday 10-10 worked.
    case = intake(at="2026-09-21T09:30")
    assert case.due_date == D(2026, 10, 12)
    case = act(services.case_suspend, user_named, at="2026-09-30T10:00", case=case, reason="等待申请人补正")
    case = act(services.case_resume, user_named, at="2026-10-09T10:00", case=case)
    # Oct 8 and Oct 9 were the only working days suspended: the due date moves two working days.
    assert case.suspended_days == 2 and case.due_date == D(2026, 10, 14)


def test_cas_5_extension_up_to_the_statutory_maximum_with_a_notice_copied_to_the_center(intake, user_named):
    case = intake()
    case = act(  # the center's director approves it at once (CAS-5: not the clerk alone)
        services.case_extend,
        user_named,
        "wangmanshu",
        at="2026-12-01T10:00",
        case=case,
        new_due=D(2026, 12, 21),
        reason="需现场核查",
    )
    assert case.due_date == D(2026, 12, 21) and case.limit_days == 20 and case.warn_date == D(2026, 12, 15)
    notice = case.notices.get(kind="extension")
    assert notice.number == "开元延〔2026〕第0001号"


def test_cas_5_extension_past_the_statutory_maximum_is_refused_and_the_case_is_unchanged(intake, user_named):
    case = intake()
    error = refused_unchanged(
        case,
        Invalid,
        "past_statutory_limit",
        services.case_extend,
        user_named,
        new_due=D(2026, 12, 22),
        reason="x",
    )
    assert "2026-12-21" in error.message
    assert not case.notices.filter(kind="extension").exists()


def test_cas_5_no_extension_without_a_statutory_limit(intake, user_named):
    case = intake(item="KY-CL-002", materials=["M01"])  # immediate item, no statutory limit
    case = act(services.case_add_materials, user_named, case=case, materials=["M02"])
    assert case.status == "accepted"
    refused_unchanged(
        case,
        Invalid,
        "no_statutory_limit",
        services.case_extend,
        user_named,
        new_due=D(2026, 11, 24),
        reason="x",
    )


# --- denial, completion, finished cases -----------------------------------------------------------------


def test_cas_6_denial_is_registered_escalated_and_answered_in_writing(intake, user_named):
    case = intake()
    case = act(
        services.case_deny, user_named, case=case, reason="申请人不符合残疾标准", basis="GB/T 26341-2010"
    )
    assert case.status == "denial_filed" and "已报备中心主任" in case.events.get(action="deny").note
    with pytest.raises(Forbidden):  # the clerk cannot decide their own filing
        act(services.case_decide_denial, user_named, case=case, approve=True)
    case = act(services.case_decide_denial, user_named, user="wangmanshu", case=case, approve=True)
    assert case.status == "denied" and case.finished_at is not None
    assert case.notices.get(kind="denial").issued_by.name == "王曼姝"


def test_cas_6_a_rejected_denial_returns_the_case_to_work(intake, user_named):
    case = intake()
    case = act(services.case_deny, user_named, case=case, reason="材料存疑", basis="办法第五条")
    case = act(
        services.case_decide_denial,
        user_named,
        user="wangmanshu",
        case=case,
        approve=False,
        note="材料真实，继续办理",
    )
    assert case.status == "accepted" and case.reason == "" and not case.notices.filter(kind="denial").exists()


def test_cas_12_completing_with_materials_missing_is_refused(intake, user_named):
    case = intake(materials=["M02"])
    refused_unchanged(
        case, Conflict, "materials_missing", services.case_complete, user_named, result="已发证"
    )


def test_cas_7_completion_needs_a_result_and_tells_the_applicant(intake, user_named):
    case = intake()
    refused_unchanged(case, Invalid, "result_required", services.case_complete, user_named, result=" ")
    case = act(services.case_complete, user_named, at="2026-12-02T10:00", case=case, result="已核发残疾人证")
    assert case.status == "completed" and case.result == "已核发残疾人证"
    texts = list(OutboxMessage.objects.filter(reference=case.number).values_list("text", flat=True))
    # the completion notice, and the rating link that follows every completed case (EVA-2)
    assert len(texts) == 2 and sum("请评价" in t for t in texts) == 1, texts
    assert [e.action for e in case.events.all()] == ["intake", "completed", "notified"]


class RecordingSender:
    """An SMS sender that keeps what it was asked to send; ``sms.send`` makes one per message, so
    the list is the class's, emptied for each test by the ``recorded_sms`` fixture."""

    sent: list = []

    def send(self, *, phone, text, reference=""):
        RecordingSender.sent.append((phone, reference))


@pytest.fixture
def recorded_sms():
    RecordingSender.sent = []
    with override_settings(SERVICEHALL_SMS_SENDER="servicehall.cases.tests.test_services.RecordingSender"):
        yield RecordingSender.sent
    RecordingSender.sent = []


def test_cas_7_the_sms_sender_is_pluggable(intake, recorded_sms):
    assert recorded_sms == []  # each test starts with nothing sent
    case = intake(item="KY-CL-002", materials=["M01", "M02"])
    # the completion notice and the rating link (EVA-2), both through the recorder
    assert recorded_sms == [("13812345678", case.number)] * 2 and not OutboxMessage.objects.exists()


def test_cas_7_the_recording_sender_starts_empty_in_every_test(intake, recorded_sms):
    intake(item="KY-CL-002", materials=["M01", "M02"])  # one completed on the spot: notice + rating link
    assert len(recorded_sms) == 2


def test_cas_7_without_a_mobile_number_the_applicant_is_told_by_phone(intake):
    landline = services.Applicant(name="张三", id_number=PERSON.id_number, phone="0595-22345678")
    case = intake(item="KY-CL-002", materials=["M01", "M02"], applicant=landline)
    assert not OutboxMessage.objects.exists() and case.events.filter(action="notify_by_phone").exists()


@pytest.mark.parametrize(
    ("fn", "kw"),
    [
        (services.case_suspend, {"reason": "x"}),
        (services.case_resume, {}),
        (services.case_extend, {"new_due": D(2026, 12, 8), "reason": "x"}),
        (services.case_deny, {"reason": "x", "basis": "y"}),
        (services.case_complete, {"result": "again"}),
        (services.case_add_materials, {"materials": ["M05"]}),
        (services.case_refuse, {"reason": "x", "basis": "y"}),
    ],
)
def test_any_action_on_a_finished_case_is_a_conflict_and_changes_nothing(intake, user_named, fn, kw):
    case = intake()
    case = act(services.case_complete, user_named, case=case, result="已办结")
    refused_unchanged(case, Conflict, "case_finished", fn, user_named, **kw)


def test_cas_8_suspended_case_must_resume_before_completion(intake, user_named):
    case = intake()
    case = act(services.case_suspend, user_named, case=case, reason="等待申请人")
    refused_unchanged(case, Conflict, "case_suspended", services.case_complete, user_named, result="x")
    refused_unchanged(case, Conflict, "already_suspended", services.case_suspend, user_named, reason="x")


# --- who may act ---------------------------------------------------------------------------------------------


def test_the_b_post_covers_the_a_post_and_other_windows_cannot_touch_the_case(intake, user_named):
    case = intake()
    act(services.case_suspend, user_named, user="huajingxian", case=case, reason="B岗顶岗办理")
    refused_unchanged(case, Forbidden, "forbidden", services.case_resume, user_named, user="xieshanhong")
    refused_unchanged(case, Forbidden, "forbidden", services.case_resume, user_named, user="auditor")


# --- numbers and notices ---------------------------------------------------------------------------------------


def test_cas_3_numbers_run_per_center_year_and_kind(intake):
    first, second = intake(), intake(materials=["M01"])
    third = intake(at="2027-01-04T09:30")
    assert [first.number, second.number, third.number] == [
        "KAIYUAN-2026-000001",
        "KAIYUAN-2026-000002",
        "KAIYUAN-2027-000001",
    ]
    assert first.notices.get().number == "开元受〔2026〕第0001号"
    assert second.notices.get().number == "开元告〔2026〕第0001号"
    assert third.notices.get().number == "开元受〔2027〕第0001号"


def test_cas_10_a_notice_is_kept_as_issued(intake, user_named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = intake(materials=ALL_REQUIRED[:1])
    notice = case.notices.get()
    stored = bytes(notice.pdf)  # rendered once the intake committed
    assert stored.startswith(b"%PDF") and notice.sha256 and notice.content["case_number"] == case.number
    act(services.case_add_materials, user_named, at="2026-11-24T09:00", case=case, materials=["M02"])
    notice.refresh_from_db()
    assert bytes(notice.pdf) == stored == pdf_of(notice) == render(notice.content)
