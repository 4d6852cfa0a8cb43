"""CAS-2, CAS-3: the one-time notice, the case page and the look-up name the same missing
materials (one selector computes them), and the notice prints the look-up's full address."""

import re
import subprocess
from pathlib import Path

import pytest

from servicehall.cases import selectors
from servicehall.cases.notices import pdf_of
from servicehall.cases.tests.conftest import MONDAY, PERSON
from servicehall.core import clock

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


def text_of(data: bytes, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(path), str(ARTIFACTS / name)], check=True
    )
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def legal_aid(intake):
    """KY-SF-001 法律援助申请 at window 6 (司法所, A post 谢珊红): the application form and the ID
    card brought; missing the required M04 (materials of the matter) and the conditional M03
    (经济困难状况说明表, unless exempt from the means test)."""
    return intake(item="KY-SF-001", user="xieshanhong", materials=["M01", "M02"], applicant=PERSON)


def _page_lists(html: str, testid: str) -> list[str]:
    block = re.search(rf'data-testid="{testid}">(.*?)</ol>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def test_cas_3_notice_page_and_look_up_name_the_same_missing_materials(legal_aid, login, client):
    case = legal_aid
    missing = selectors.missing_materials(case)
    assert [m.name for m in missing.required] == ["与所申请法律援助事项有关的材料"]
    assert [m.name for m in missing.conditional] == ["经济困难状况说明表"]

    text = text_of(pdf_of(case.notices.get(kind="one_time")), "one-time-notice-legal-aid")
    flat = re.sub(r"\s+", "", text)
    for m in [*missing.required, *missing.conditional]:
        assert flat.count(m.name) == 2, m.name  # once on each copy
    assert flat.count("如属下列情形，还须提交") == 2 and flat.count("不属于免予经济困难审查情形的") == 2

    with clock.freeze(MONDAY):
        html = login("xieshanhong").get(f"/cases/{case.number}/").content.decode()
    assert _page_lists(html, "missing-required") == ["与所申请法律援助事项有关的材料"]
    assert _page_lists(html, "missing-conditional") == ["经济困难状况说明表（不属于免予经济困难审查情形的）"]
    assert html.count("✘") == 1  # the conditional material is not marked as missing

    client.logout()
    with clock.freeze(MONDAY):
        found = client.post("/q/", {"number": case.number, "code": case.query_code}).content.decode()
    for name in missing.names:
        assert f"<li>{name}</li>" in found, name


def test_cas_3_the_notice_prints_the_look_up_address_in_full(kaiyuan, intake, settings):
    settings.PUBLIC_BASE_URL = "https://hall.example.gov.cn"
    text = re.sub(r"\s+", "", text_of(pdf_of(intake(materials=["M02"]).notices.get()), "one-time-notice-url"))
    assert "https://hall.example.gov.cn/q/" in text and "（/q/）" not in text

    kaiyuan.public_url = "https://kaiyuan.example.gov.cn/"
    kaiyuan.save()
    notice = intake(materials=["M02"]).notices.get()
    assert "（https://kaiyuan.example.gov.cn/q/）" in notice.content["query_hint"]


def test_cas_3_an_applicant_named_with_an_extension_b_character_gets_every_character(intake):
    rare = "陈\U0002070e"  # 陈𠜎
    case = intake(applicant=PERSON.__class__(name=rare, id_number=PERSON.id_number, phone=PERSON.phone))
    text = text_of(pdf_of(case.notices.get()), "acceptance-notice-rare-name")
    assert text.count(rare) == 2  # 申请人 on each copy, not 陈 alone
    assert (ARTIFACTS / "acceptance-notice-rare-name-1.png").stat().st_size > 10_000


def test_cas_3_a_notice_with_a_character_no_font_has_is_refused_and_nothing_saved(intake, monkeypatch):
    from servicehall.cases.models import Case
    from servicehall.core import pdf
    from servicehall.core.errors import Invalid

    monkeypatch.setattr(pdf, "FALLBACKS", ())  # a machine without the fallback fonts
    with pytest.raises(Invalid) as refused:
        intake(
            applicant=PERSON.__class__(name="陈\U0002070e", id_number=PERSON.id_number, phone=PERSON.phone)
        )
    assert refused.value.code == "unprintable_character"
    assert "「\U0002070e」（U+2070E）" in refused.value.message
    assert not Case.objects.exists()
