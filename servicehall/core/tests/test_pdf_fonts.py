"""A rare character in a name (陈𠜎, U+2070E, CJK Extension B) prints on a notice, drawn by a
fallback font; a character no font has refuses the notice, naming it, instead of vanishing."""

import subprocess

import pytest

from servicehall.core import pdf
from servicehall.core.tests.test_pdf import SAMPLE as NOTICE

RARE = "陈\U0002070e"  # 陈𠜎
NO_FONT = "\U0002ebf0"  # CJK Extension I (Unicode 15.1): in none of the fonts


def test_cas_3_a_name_with_an_extension_b_character_prints_every_character(tmp_path):
    notice = pdf.Notice(**{**NOTICE.__dict__, "fields": [("申请人", RARE), *NOTICE.fields]})
    assert pdf.unprintable(pdf.text_of(notice)) == []
    path = tmp_path / "rare.pdf"
    path.write_bytes(pdf.render(notice))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert RARE in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "HanaMinB" in fonts  # the fallback is embedded, not a glyph left out


def test_cas_3_a_character_no_font_draws_is_refused_with_its_name():
    notice = pdf.Notice(**{**NOTICE.__dict__, "fields": [("申请人", f"陈{NO_FONT}")]})
    assert pdf.unprintable(pdf.text_of(notice)) == [NO_FONT]
    with pytest.raises(pdf.Unprintable) as refused:
        pdf.render(notice)
    assert refused.value.chars == [NO_FONT] and "U+2EBF0" in str(refused.value)


def test_cas_3_without_the_fallback_fonts_the_rare_character_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "FALLBACKS", ())
    assert pdf.unprintable(RARE) == ["\U0002070e"]
