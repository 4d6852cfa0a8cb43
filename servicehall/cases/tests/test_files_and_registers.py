"""CAS-11 one case, one file; ANA-1 the visit register's monthly summary per window; ANA-3 the
registers and statistics tables as the hall keeps them (Excel)."""

import subprocess
from io import BytesIO

from openpyxl import load_workbook

from servicehall.cases import selectors, services
from servicehall.cases.models import Case, CaseMaterial, Notice, Visit
from servicehall.cases.notices import pdf_of
from servicehall.core import clock
from servicehall.org.models import Window


def _record(center, user, **kw):
    values = {"channel": "visit", "category": "consultation", "matter": "咨询", "outcome": "handled"}
    return services.visit_record(actor=user, center=center, **{**values, **kw})


def test_cas_11_one_case_one_file_from_intake_to_completion(intake, user_named, login, tmp_path):
    """Materials brought later and every step stay in the one case under its one number; its file
    holds every material, step and notice in order, and each printed notice names that number."""
    case = intake(materials=["M02"])  # awaiting materials: the one-time notice
    clerk = user_named("chenjianwei")
    with clock.freeze("2026-11-24T10:00"):
        services.case_add_materials(actor=clerk, case=case, materials=["M01", "M03", "M04"])
    with clock.freeze("2026-12-01T10:00"):
        services.case_complete(actor=clerk, case=case, result="已核发残疾人证")
    assert Case.objects.count() == 1 and Case.objects.get().number == case.number

    file = selectors.case_file(Case.objects.get())
    assert [m.material.code for m in file["materials"]] == ["M01", "M02", "M03", "M04", "M05"]
    assert CaseMaterial.objects.filter(case=case).count() == 5  # the checklist once, not per step
    assert [e.action for e in file["events"]] == ["intake", "materials", "accept", "completed", "notified"]
    assert [n.kind for n in file["notices"]] == ["one_time", "acceptance", "completion"]
    assert Notice.objects.count() == 3 and {n.case_id for n in Notice.objects.all()} == {case.pk}
    for notice in Notice.objects.all():  # the paper matches the system: each copy names the case
        assert notice.content["case_number"] == case.number
        assert notice.content["query_code"] == case.query_code
        path = tmp_path / f"{notice.kind}.pdf"
        path.write_bytes(pdf_of(notice))
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert text.count(case.number) == 2 and notice.number in text

    with clock.freeze("2026-12-01T10:05"):
        html = login("chenjianwei").get(f"/cases/{case.number}/").content.decode()
    for notice in Notice.objects.all():  # the case page lists the very same notices
        assert notice.number in html


def test_ana_1_monthly_summary_per_window_of_the_register(kaiyuan, user_named, login):
    """Per window, the month's visits and calls by channel, category and outcome, in the hall's
    local month; voided entries do not count; the rows add up to the center's total."""
    chen, xie = user_named("chenjianwei"), user_named("xieshanhong")
    with clock.freeze("2026-11-02T09:00"):
        _record(kaiyuan, chen, channel="call")
        _record(kaiyuan, xie, category="legal", outcome="guided", target_window=Window.objects.get(number=5))
        voided = _record(kaiyuan, xie, category="legal")
        voided.mark_void(xie, "重复登记")
    with clock.freeze("2026-11-30T23:30"):  # 23:30 Beijing time is still November
        _record(kaiyuan, chen, category="complaint")
    with clock.freeze("2026-12-01T00:10"):
        _record(kaiyuan, chen)  # December
    with clock.freeze("2026-10-31T23:50"):
        _record(kaiyuan, xie)  # October

    rows = {r.label: r for r in selectors.monthly_summary(kaiyuan, 2026, 11)}
    five, six, total = rows["5号窗口 残联"], rows["6号窗口 司法所"], rows["合计"]
    assert (five.total, five.channels, five.categories) == (
        2,
        {"call": 1, "visit": 1},
        {"consultation": 1, "complaint": 1},
    )
    assert (six.total, six.outcomes) == (1, {"guided": 1})
    assert total.total == 3 == sum(r.total for label, r in rows.items() if label != "合计")
    assert Visit.objects.count() == 6

    with clock.freeze("2026-12-02T09:00"):
        own = login("chenjianwei").get("/visits/summary/?center=kaiyuan&month=2026-11")
        other = login("chenjianwei").get("/visits/summary/?center=kaiyuan&month=2026-11&window=6")
    assert own.status_code == 200 and "5号窗口 残联" in own.content.decode()
    assert "6号窗口 司法所" not in own.content.decode() and other.status_code == 403


def test_ana_3_the_register_and_the_statistics_table_agree(kaiyuan, user_named, login):
    """The daily registers (登记薄) list every visit; the month's statistics table (统计表册) counts
    exactly those, per window, as Excel files the hall files."""
    chen, xie = user_named("chenjianwei"), user_named("xieshanhong")
    days = ["2026-11-23T09:30", "2026-11-23T10:00", "2026-11-24T15:00"]
    for at, user in zip(days, [chen, xie, chen], strict=True):
        with clock.freeze(at):
            _record(kaiyuan, user, visitor_name="张三", visitor_phone="13812345678")
    client = login("wangmanshu")
    registered = 0
    with clock.freeze("2026-12-01T09:00"):
        for day in ("2026-11-23", "2026-11-24"):
            ws = load_workbook(
                BytesIO(client.get(f"/visits/export/?center=kaiyuan&day={day}").content)
            ).active
            rows = list(ws.iter_rows(min_row=3, values_only=True))
            registered += len(rows)
            assert all(r[7] == "138****5678" for r in rows)  # SEC-5: masked in the register
        table = load_workbook(
            BytesIO(client.get("/visits/export/?center=kaiyuan&month=2026-11").content)
        ).active
    header = [c.value for c in table[2]]
    counts = {r[0]: dict(zip(header, r, strict=True)) for r in table.iter_rows(min_row=3, values_only=True)}
    assert registered == 3 == counts["合计"]["合计"]
    assert counts["5号窗口 残联"]["合计"] == 2 and counts["6号窗口 司法所"]["合计"] == 1
    assert table.title == "月度汇总" and "来访来电月度汇总 2026年11月" in table["A1"].value


def test_ana_3_the_agency_ledger_lists_the_cases_applied_for_by_an_agent(intake, login):
    """代理台帐: the month's cases applied for on someone's behalf (CAS-13), agent masked."""
    agent = services.Agent(name="李四", id_number="11010519491231002X", phone="13912345678")
    by_agent = intake(agent=agent)
    intake()  # the applicant in person: not in the ledger
    intake(agent=agent, at="2026-12-01T09:30")  # next month
    with clock.freeze("2026-12-02T09:00"):
        response = login("wangmanshu").get("/cases/agency/?center=kaiyuan&month=2026-11")
        refused = login("chenjianwei").get("/cases/agency/?center=kaiyuan&month=2026-11")
        summary = login("wangmanshu").get("/visits/summary/?center=kaiyuan&month=2026-11").content.decode()
    assert response.status_code == 200 and refused.status_code == 403
    assert (
        'data-testid="agency-ledger"' in summary
        and "/cases/agency/?center=kaiyuan&month=2026-11" in summary
    )
    ws = load_workbook(BytesIO(response.content))["代办台帐"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)]
    assert [r["办件编号"] for r in rows] == [by_agent.number]
    assert rows[0]["代办人"] == "李四" and rows[0]["代办人电话"] == "139****5678"
    assert rows[0]["代办人证件号码"] == "110105********002X" and rows[0]["状态"] == "已受理"
