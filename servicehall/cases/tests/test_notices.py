"""The notices as real PDFs: read back with pdftotext, looked at with pdftoppm."""

import subprocess
from pathlib import Path

from servicehall.cases.notices import pdf_of
from servicehall.cases.tests.conftest import ALL_REQUIRED

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_cas_2_cas_3_one_time_notice_of_a_case_missing_three_materials_names_all_three(intake):
    case = intake(materials=["M02"])  # only the ID card: M01, M03 and M04 are missing
    notice = case.notices.get(kind="one_time")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "one-time-notice.pdf"
    path.write_bytes(pdf_of(notice))
    text = text_of(path)
    for missing in ["残疾人证申请表", "户口簿", "近期二寸免冠白底彩色照片"]:
        assert text.count(missing) == 2, missing  # once on each of the two copies
    for field in [
        "一次性告知单",
        "开元街道便民服务中心",  # handling unit
        "街道残联",
        "陈建伟",  # staff
        "2026年11月23日 09:30",  # filing time
        "残疾人证新办",  # item
        "残疾评定",  # procedure
        "10个工作日",  # committed limit
        "中华人民共和国残疾人保障法",  # legal basis
        "申请条件",
        "免费",  # fees
        "联系方式",
        case.number,
        case.query_code,  # how to query
        "申请人留存",
        "窗口存档",
        "审批专用章",
        notice.number,
    ]:
        assert field in text, field
    assert "110105********002X" in text and "11010519491231002X" not in text  # SEC-5
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info and "(A4)" in info
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / "one-time-notice")],
        check=True,
    )
    assert (ARTIFACTS / "one-time-notice-1.png").stat().st_size > 10_000


def test_cas_4_acceptance_notice_carries_the_due_date(intake):
    case = intake(materials=ALL_REQUIRED)
    path = ARTIFACTS / "acceptance-notice.pdf"
    ARTIFACTS.mkdir(exist_ok=True)
    path.write_bytes(pdf_of(case.notices.get(kind="acceptance")))
    text = text_of(path)
    assert "受理通知书" in text and "2026年12月07日" in text and case.query_code in text


def test_eva_2_the_completion_and_acceptance_notices_carry_the_rating_link_and_its_qr_code(
    intake, user_named
):
    from servicehall.cases import services
    from servicehall.core import clock
    from servicehall.ratings import services as ratings

    case = intake(materials=ALL_REQUIRED)
    with clock.freeze("2026-12-01T10:00"):
        services.case_complete(actor=user_named("chenjianwei"), case=case, result="已核发残疾人证")
    ARTIFACTS.mkdir(exist_ok=True)
    for kind, step in (("completion", "completed"), ("acceptance", "accepted")):
        notice = case.notices.get(kind=kind)
        link = notice.content["link_url"]
        assert f"/r/{ratings.matter_token('case', case.pk, step)}/?c=qr" in link
        path = ARTIFACTS / f"{kind}-notice.pdf"
        path.write_bytes(pdf_of(notice))
        text = text_of(path)
        assert text.count("评价本次服务") == 1  # on the applicant's copy only
        assert "".join(text.split()).count(link) == 1  # the address in full (wrapped if long)
        images = subprocess.run(
            ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert len(images.strip().splitlines()) == 3  # a header, a rule and the one QR code
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "Pages:           2" in info and "(A4)" in info
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / f"{kind}-qr")],
            check=True,
        )
