"""The printed notices of a case (CAS-2 … CAS-6, CAS-10): what each says, and issuing one.

A notice is rendered once by ``servicehall.core.pdf`` and its bytes are kept: a reprint serves
the stored PDF, so it is the very document the applicant took home. Numbers run per center,
kind and year (开元告〔2026〕第0007号); each notice carries the case number and the query code.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from servicehall.cases import hooks, rules
from servicehall.cases.models import Case, Counter, Notice
from servicehall.core import clock, pdf
from servicehall.core.errors import Invalid
from servicehall.core.i18n import translate
from servicehall.core.rules import mask_id_number

QUERY_HINT = gettext_noop("凭办件编号和查询码，可在中心网站“办件查询”（{url}）或大厅查询机查询办理进度。")
FILE_COPY = (gettext_noop("第一联  申请人留存"), gettext_noop("第二联  窗口存档"))
CENTER_COPY = (*FILE_COPY, gettext_noop("第三联  抄送中心管理机构"))
REMEDY = gettext_noop("如对本决定不服，可自收到本告知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。")


def look_up_url(center) -> str:
    """The case look-up's full address as a notice prints it: the center's public address (or the
    site's PUBLIC_BASE_URL) followed by /q/."""
    base = (center.public_url or settings.PUBLIC_BASE_URL).strip().rstrip("/")
    return f"{base}{reverse('cases:look_up')}"


def next_number(center, year: int, series: str) -> int:
    """The next running number of a series (locks its counter row until the transaction ends)."""
    Counter.objects.bulk_create([Counter(center=center, year=year, series=series)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update().get(center=center, year=year, series=series)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _day(moment) -> str:
    return clock.local(moment).strftime("%Y年%m月%d日") if moment else "—"


def _minute(moment) -> str:
    return clock.local(moment).strftime("%Y年%m月%d日 %H:%M") if moment else "—"


def _date(day) -> str:
    return day.strftime("%Y年%m月%d日") if day else "—"


def material_line(material) -> str:
    line = f"{material.name}（{material.get_form_display()}{material.copies}份）"
    if material.condition:
        line += f"——{material.condition}"
    if material.notes:
        line += f"；{material.notes}"
    return line


def _applicant(case: Case) -> list[tuple[str, str]]:
    label = gettext_noop("证件号码") if case.applicant_kind == Case.ApplicantKind.PERSON else gettext_noop("统一社会信用代码")
    number = mask_id_number(case.applicant_number) if label == "证件号码" else case.applicant_number
    rows = [(gettext_noop("申请人"), case.applicant_name), (label, number)]
    if case.agent_name:
        rows.append((gettext_noop("代办人"), f"{case.agent_name}（{mask_id_number(case.agent_id_number)}）"))
    return rows


def _head(case: Case) -> list[tuple[str, str]]:
    version = case.item_version
    return [
        (gettext_noop("承办单位"), f"{case.center.name}  {version.department.name}"),
        (gettext_noop("受理窗口"), str(case.window)),
        *_applicant(case),
        (gettext_noop("申请事项"), version.name),
        (gettext_noop("申报时间"), _minute(case.received_at)),
    ]


def _limit(version) -> str:
    if version.kind == rules.IMMEDIATE:
        return gettext_noop("即办件，材料齐全当场办结")
    return f"{version.committed_days}个工作日（法定时限{version.statutory_days or '—'}个工作日）"


def _fee(version) -> str:
    if version.is_free:
        return gettext_noop("免费")
    return (
        f"{version.fee_amount}元（依据：{version.fee_basis or '—'}；{version.fee_approval_document or ''}）"
    )


def _due(case: Case) -> str:
    return _date(case.due_date) + (gettext_noop("（含未公布的节假日安排，日期暂定）") if case.provisional else "")


def one_time(case: Case, missing, received: list) -> dict:
    """CAS-3: handling unit, staff, filing time, item, procedure, every missing material, the
    committed limit and how to query; with legal basis, conditions, fees and contact (004 art.9).

    ``missing`` is ``selectors.missing_materials(case)``: the same materials the case page and
    the look-up show, the conditional ones under their own heading with their condition."""
    version = case.item_version
    steps = " → ".join(f"{s.name}（{s.days}个工作日）" if s.days else s.name for s in version.steps.all())
    return {
        "fields": [
            *_head(case),
            (gettext_noop("办理程序"), steps or "—"),
            (gettext_noop("承诺时限"), _limit(version) + gettext_noop("，自材料补齐、正式受理之日起计算")),
            (gettext_noop("法定依据"), version.legal_basis),
            (gettext_noop("申请条件"), version.conditions),
            (gettext_noop("收费标准"), _fee(version)),
            (gettext_noop("联系方式"), version.contact or case.center.phone),
        ],
        "lists": [
            (gettext_noop("需补充的材料（请一次补齐）"), [material_line(m) for m in missing.required]),
            *(
                [(gettext_noop("如属下列情形，还须提交"), [material_line(m) for m in missing.conditional])]
                if missing.conditional
                else []
            ),
            (gettext_noop("已收到的材料"), [material_line(m) for m in received] or [gettext_noop("无")]),
        ],
        "paragraphs": [gettext_noop("以上材料补齐后即予正式受理，办件编号和查询码不变。")],
    }


def _link(case: Case, step: str) -> dict:
    """What another app prints with a QR code on the applicant's copy (the rating link, EVA-2)."""
    link = hooks.notice_link(case, step)
    return {"link_caption": link[0], "link_url": link[1]} if link else {}


def acceptance(case: Case, received: list) -> dict:
    """CAS-4: a committed case is accepted with its completion date."""
    return {
        **_link(case, "accepted"),
        "fields": [
            *_head(case),
            (gettext_noop("受理时间"), _minute(case.accepted_at)),
            (gettext_noop("承诺时限"), _limit(case.item_version)),
            (gettext_noop("办结日期"), _due(case)),
        ],
        "lists": [(gettext_noop("已收到的材料"), [material_line(m) for m in received])],
        "paragraphs": [
            gettext_noop("您的申请材料齐全，符合法定形式，予以受理。我们将在上述日期前办结，办结后以短信或电话告知。")
        ],
    }


def refusal(case: Case) -> dict:
    """CAS-2: not eligible — the reason and the legal basis, in writing."""
    return {
        "fields": [*_head(case), (gettext_noop("不予受理理由"), case.reason), (gettext_noop("依据"), case.basis)],
        "paragraphs": [REMEDY],
    }


def extension(case: Case, old_due, reason: str) -> dict:
    """CAS-5: reason and new date, never past the statutory maximum; copied to the center."""
    return {
        "fields": [
            *_head(case),
            (gettext_noop("受理时间"), _minute(case.accepted_at)),
            (gettext_noop("原办结日期"), _date(old_due)),
            (gettext_noop("延期至"), _due(case)),
            (gettext_noop("法定最长期限"), _date(case.statutory_due_date)),
            (gettext_noop("延期理由"), reason),
        ],
        "paragraphs": [f"抄送：{case.center.name}管理机构。"],
    }


def denial(case: Case, escalated_to: str, decided_by: str) -> dict:
    """CAS-6: registered, escalated, answered in writing with reason and basis."""
    return {
        "fields": [
            *_head(case),
            (gettext_noop("受理时间"), _minute(case.accepted_at)),
            (gettext_noop("否定报备"), f"已报{escalated_to}，由{decided_by}决定"),
            (gettext_noop("不予办理理由"), case.reason),
            (gettext_noop("依据"), case.basis),
        ],
        "paragraphs": [REMEDY],
    }


def completion(case: Case) -> dict:
    return {
        **_link(case, "completed"),
        "fields": [
            *_head(case),
            (gettext_noop("受理时间"), _minute(case.accepted_at or case.received_at)),
            (gettext_noop("办结时间"), _minute(case.finished_at)),
            (gettext_noop("办理结果"), case.result),
        ],
        "paragraphs": [gettext_noop("您的申请已办结。请凭本通知书到受理窗口领取结果；如有疑问请致电受理窗口。")],
    }


def issue(case: Case, kind: str, content: dict, staff) -> Notice:
    """Number a notice and keep what it says, inside the caller's transaction; the PDF is rendered
    once the transaction has committed (``pdf_of``).

    Rendering takes most of a second (the CJK font is subset each time): outside the transaction
    no lock is held meanwhile — on SQLite, none of the whole database's writers wait for it. The
    PDF is a pure function of the kept content, so whenever it is rendered it is the same document.
    """
    now = clock.now()
    year = clock.local(now).year
    number = rules.notice_number(case.center.name, kind, year, next_number(case.center, year, kind))
    document = {
        "title": rules.NOTICE_KINDS[kind][0],
        "center_name": case.center.name,
        "number": number,
        "case_number": case.number,
        "query_code": case.query_code,
        "query_hint": QUERY_HINT.format(url=look_up_url(case.center)),
        "issued_at": clock.local(now).isoformat(),
        "handler": staff.name if staff else "",
        "copies": list(CENTER_COPY if kind == Notice.Kind.EXTENSION else FILE_COPY),
        **content,
    }
    missing = pdf.unprintable(pdf.text_of(_document(document)))
    if missing:  # refused inside the caller's transaction: nothing is issued, nothing saved
        named = "、".join(f"「{c}」（U+{ord(c):04X}）" for c in missing)
        raise Invalid(
            "unprintable_character",
            gettext(
                "通知书中的字符%(named)s没有可用的字体，打印出来会缺字，因此不能出具。请核对用字；确属正确的生僻字，请系统管理员安装包含该字的字库后再办理。"
            )
            % {"named": named},
        )
    notice = Notice.objects.create(
        case=case, kind=kind, number=number, issued_at=now, issued_by=staff, content=document
    )
    transaction.on_commit(lambda: pdf_of(notice), robust=True)
    return notice


def _document(content: dict) -> pdf.Notice:
    """The notice as drawn. What it says is kept in Chinese (the checks read it); its labels,
    headings and fixed sentences are drawn in the language of whoever issues it."""
    return pdf.Notice(
        **{
            **content,
            "title": translate(content.get("title", "")),
            "issued_at": dt.datetime.fromisoformat(content["issued_at"]),
            "fields": [(translate(label), translate(value)) for label, value in content["fields"]],
            "lists": [(translate(heading), list(lines)) for heading, lines in content.get("lists", [])],
            "paragraphs": [translate(p) for p in content.get("paragraphs", [])],
            "copies": tuple(translate(c) for c in content["copies"]),
            "link_caption": translate(content.get("link_caption", "")),
        }
    )


def render(content: dict) -> bytes:
    return pdf.render(_document(content))


def pdf_of(notice: Notice) -> bytes:
    """The notice's PDF as issued: the stored bytes, rendered and stored on first need."""
    if not notice.sha256:
        data = render(notice.content)
        digest = hashlib.sha256(data).hexdigest()
        Notice.objects.filter(pk=notice.pk, sha256="").update(pdf=data, sha256=digest)
        notice.refresh_from_db(fields=["pdf", "sha256"])
    return bytes(notice.pdf)
