"""The complaint book (投诉记录本) as an Excel workbook (CMP-8: content, process and result)."""

from django.utils.translation import gettext as _
from openpyxl import Workbook

from servicehall.complaints import selectors
from servicehall.complaints.models import Complaint, ComplaintEvent
from servicehall.core import clock
from servicehall.core.rules import mask_phone
from servicehall.core.xlsx import to_bytes

LIMIT = 5000  # the newest complaints; older ones by year from the page's filter


def _moment(value) -> str:
    return clock.local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def book_xlsx(center, user, status: str = "") -> bytes:
    rows, _more = selectors.book(center, status, user, size=LIMIT)
    events: dict[int, list[str]] = {}
    for e in (
        ComplaintEvent.objects.filter(complaint__in=[c.pk for c in rows])
        .select_related("actor")
        .order_by("at", "id")
    ):
        events.setdefault(e.complaint_id, []).append(
            f"{_moment(e.at)} {e.label}{('（' + e.actor.name + '）') if e.actor else ''} {e.note}".strip()
        )
    wb = Workbook()
    ws = wb.active
    ws.title = _("投诉记录本")
    ws.append([f"{center.name} {_('投诉记录本')}"])
    ws.append(
        [
            _("投诉编号"),
            _("受理时间"),
            _("投诉渠道"),
            _("投诉人"),
            _("联系电话"),
            _("投诉类别"),
            _("投诉内容"),
            _("被投诉人/窗口/科室"),
            _("答复期限"),
            _("状态"),
            _("超期工作日"),
            _("处理过程"),
            _("经查属实"),
            _("调查结论"),
            _("处理措施"),
            _("答复内容"),
            _("答复方式"),
            _("办结时间"),
            _("转办单位及回复"),
        ]
    )
    for c in rows:
        against = "、".join(
            str(x)
            for x in (c.against_staff and c.against_staff.name, c.against_window, c.against_department)
            if x
        )
        ws.append(
            [
                c.number,
                _moment(c.received_at),
                c.get_channel_display(),
                c.complainant_name,
                mask_phone(c.complainant_phone),
                c.get_category_display(),
                c.content,
                against,
                c.due_date.isoformat(),
                c.get_status_display(),
                c.overdue_days,
                "\n".join(events.get(c.pk, [])),
                "" if c.substantiated is None else (_("是") if c.substantiated else _("否")),
                c.finding,
                c.action,
                c.answer,
                c.get_answered_via_display() if c.answered_via else "",
                _moment(c.concluded_at),
                f"{c.transfer_from} {c.transfer_reference} {c.transfer_reply}".strip()
                if c.channel == Complaint.Channel.TRANSFER
                else "",
            ]
        )
    return to_bytes(wb)
