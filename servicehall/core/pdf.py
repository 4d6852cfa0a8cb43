"""Printed notices: A4, Simplified Chinese with an embedded font, a seal area, one page per copy.

A notice is described by :class:`Notice` (plain data) and rendered by :func:`render` to PDF
bytes. Callers store the bytes once issued, so a reprint is the very same document (CAS-10).
"""

import dataclasses
import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.utils.translation import gettext, gettext_noop
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from servicehall.core.i18n import translate

FONTS = Path(__file__).resolve().parent / "fonts"
TWO_COPIES = (gettext_noop("第一联  申请人留存"), gettext_noop("第二联  窗口存档"))
MAIN_FONT = FONTS / "NotoSansSC-Regular.ttf"
# Fonts for what Noto Sans SC lacks (rare characters in names: CJK Extensions B–G), tried in
# order; those missing on a machine are skipped (fonts/README.md).
FALLBACKS = (
    ("hanazono", FONTS / "HanaMinB-ExtB.ttf"),  # shipped: Extension B
    ("hanazonofull", Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")),  # fonts-hanazono: B–F
    ("babelstone", Path("/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf")),  # G and others
)
LAYOUT = frozenset("\n\r\t")


@functools.cache
def _covered(path: Path) -> frozenset[int]:
    """The code points a font draws (its cmap), read once per process."""
    if not path.is_file():
        return frozenset()
    font = TTFont(str(path), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def fallbacks_for(text: str) -> tuple[list[tuple[str, Path]], list[str]]:
    """The fallback fonts ``text`` needs, and the characters no font draws (in order, once each)."""
    main = _covered(MAIN_FONT)
    needed, unprintable = [], []
    for char in dict.fromkeys(text):
        if char in LAYOUT or ord(char) in main:
            continue
        font = next((f for f in FALLBACKS if ord(char) in _covered(f[1])), None)
        if font is None:
            unprintable.append(char)
        elif font not in needed:
            needed.append(font)
    return needed, unprintable


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` that no font on this machine can print."""
    return fallbacks_for(text)[1]


class Unprintable(ValueError):
    """A notice with characters no font draws: refused rather than printed with them missing."""

    def __init__(self, chars: list[str]):
        super().__init__("、".join(f"{c}（U+{ord(c):04X}）" for c in chars))
        self.chars = chars


def text_of(notice) -> str:
    """Every character a notice prints."""
    parts = []

    def walk(value):
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    for f in dataclasses.fields(notice):
        walk(getattr(notice, f.name))
    return "\n".join(parts)


@dataclass(frozen=True)
class Notice:
    title: str  # e.g. 一次性告知单
    center_name: str  # the issuing center (and the seal's owner)
    number: str  # the notice number, per center and year
    fields: list[tuple[str, str]]  # label → value rows of the form
    case_number: str = ""
    query_code: str = ""
    query_hint: str = ""  # how the applicant looks the case up
    issued_at: dt.datetime | None = None
    lists: list[tuple[str, list[str]]] = field(default_factory=list)  # heading → numbered lines
    paragraphs: list[str] = field(default_factory=list)
    copies: tuple[str, ...] = TWO_COPIES
    seal_text: str = gettext_noop("审批专用章")
    handler: str = ""  # 经办人
    link_url: str = ""  # printed with its QR code on the first copy (the applicant's), e.g. to rate
    link_caption: str = ""


class _Document(FPDF):
    def __init__(self, fallbacks=()):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("cjk", "", str(MAIN_FONT))
        self.add_font("cjk", "B", str(FONTS / "NotoSansSC-Bold.ttf"))
        for name, path in fallbacks:  # regular only: it draws bold text too
            self.add_font(name, "", str(path))
        if fallbacks:
            self.set_fallback_fonts([name for name, _ in fallbacks], exact_match=False)
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_creator("ServiceHall")


def _row(pdf: _Document, label: str, value: str) -> None:
    label_w, line_h = 34, 6.5
    width = pdf.w - pdf.l_margin - pdf.r_margin
    x, y = pdf.get_x(), pdf.get_y()
    pdf.set_font("cjk", "B", 10.5)
    pdf.multi_cell(label_w, line_h, label, border=0, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.set_xy(x + label_w, y)
    pdf.set_font("cjk", "", 10.5)
    pdf.multi_cell(width - label_w, line_h, value or "—", border=0, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    bottom = max(pdf.get_y(), y + line_h)
    pdf.line(pdf.l_margin, bottom, pdf.w - pdf.r_margin, bottom)
    pdf.set_y(bottom + 1)


def _seal_area(pdf: _Document, notice: Notice) -> None:
    """Bottom right: the center's name, the date, and a circle where the seal is stamped."""
    need = 48
    if pdf.get_y() + need > pdf.h - pdf.b_margin:
        pdf.add_page()
    top = max(pdf.get_y() + 2, pdf.h - pdf.b_margin - need)
    right = pdf.w - pdf.r_margin
    pdf.set_draw_color(200, 30, 30)
    pdf.set_dash_pattern(dash=1.2, gap=1.2)
    pdf.ellipse(right - 52, top, 40, 40)
    pdf.set_dash_pattern()
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(200, 30, 30)
    pdf.set_font("cjk", "", 8)
    pdf.set_xy(right - 52, top + 17)
    pdf.cell(40, 5, f"（{gettext(notice.seal_text)}）", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", "", 10.5)
    pdf.set_xy(pdf.l_margin, top + 6)
    pdf.cell(80, 7, gettext("经办人：%(handler)s") % {"handler": notice.handler or "________"})
    pdf.set_xy(right - 100, top + 42)
    when = notice.issued_at.strftime(gettext("%Y年%m月%d日")) if notice.issued_at else gettext("    年  月  日")
    pdf.cell(88, 6, f"{notice.center_name}    {when}", align="R")


QR_MM = 25  # the printed QR code's side: scannable from a phone at arm's length


def _link(pdf: _Document, notice: Notice) -> None:
    """The QR code of ``notice.link_url`` with its caption and the address written out beside it."""
    if pdf.get_y() + QR_MM + 4 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(2)
    top = pdf.get_y()
    image = io.BytesIO()
    segno.make(notice.link_url, error="m").save(image, kind="png", scale=10, border=2)
    pdf.image(image, x=pdf.l_margin, y=top, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 4, top + 4)
    width = pdf.w - pdf.r_margin - pdf.get_x()
    pdf.set_font("cjk", "B", 10.5)
    pdf.multi_cell(width, 6, notice.link_caption, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font("cjk", "", 8.5)
    pdf.multi_cell(width, 5, notice.link_url, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + QR_MM) + 1)


def _copy(pdf: _Document, notice: Notice, copy_label: str, first: bool = True) -> None:
    pdf.add_page()
    pdf.set_font("cjk", "", 9)
    pdf.cell(0, 5, notice.center_name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if copy_label:
        pdf.set_xy(pdf.l_margin, pdf.t_margin)
        pdf.cell(0, 5, gettext(copy_label), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("cjk", "B", 20)
    pdf.cell(0, 12, translate(notice.title), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", "", 10)
    pdf.cell(0, 7, notice.number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)
    for label, value in notice.fields:
        _row(pdf, label, value)
    for heading, lines in notice.lists:
        pdf.ln(2)
        pdf.set_font("cjk", "B", 11)
        pdf.cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("cjk", "", 10.5)
        for i, line in enumerate(lines, start=1):
            pdf.multi_cell(0, 6.5, f"{i}. {line}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if notice.paragraphs:
        pdf.ln(2)
        pdf.set_font("cjk", "", 10.5)
        for text in notice.paragraphs:
            pdf.multi_cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if notice.case_number or notice.query_code:
        pdf.ln(2)
        pdf.set_font("cjk", "B", 10.5)
        query = gettext("办件编号：%(number)s    查询码：%(code)s") % {"number": notice.case_number, "code": notice.query_code}
        pdf.multi_cell(0, 7, query, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if notice.query_hint:
            pdf.set_font("cjk", "", 9.5)
            pdf.multi_cell(0, 6, notice.query_hint, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if notice.link_url and first:
        _link(pdf, notice)
    _seal_area(pdf, notice)


def render(notice: Notice) -> bytes:
    """The notice as PDF bytes; raises ``Unprintable`` rather than leave out a character."""
    fallbacks, missing = fallbacks_for(text_of(notice))
    if missing:
        raise Unprintable(missing)
    pdf = _Document(fallbacks)
    pdf.set_title(f"{notice.title} {notice.number}")
    if notice.issued_at:
        pdf.set_creation_date(notice.issued_at)
    for i, label in enumerate(notice.copies or ("",)):
        _copy(pdf, notice, label, first=i == 0)
    return bytes(pdf.output())
