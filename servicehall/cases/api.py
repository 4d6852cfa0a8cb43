"""The cases API: the visit register, cases and their steps, supervision, the citizen look-up."""

from ninja import Router, Schema, Status

from servicehall.cases import services
from servicehall.cases.models import Visit
from servicehall.core.errors import Invalid
from servicehall.org import access
from servicehall.org.models import Staff, Window
from servicehall.org.selectors import get_center

router = Router(tags=["cases"])


class VisitIn(Schema):
    center: str
    channel: str
    category: str
    matter: str
    outcome: str
    window: int | None = None  # the receiving window's number; default the officer's own
    colleague: str | None = None  # user name of the colleague it was handed to
    target_window: int | None = None  # number of the window the visitor was guided to
    leader: str | None = None  # user name of the leader asked
    agency: str = ""
    note: str = ""
    visitor_name: str = ""
    visitor_phone: str = ""


class VisitOut(Schema):
    id: int
    at: str
    officer: str
    window: str | None
    channel: str
    category: str
    outcome: str


def _window(center, number):
    if number is None:
        return None
    window = Window.objects.filter(center=center, number=number).first()
    if window is None:
        raise Invalid("window_not_found", f"{center.name}没有 {number} 号窗口。")
    return window


def _staff(center, username):
    if not username:
        return None
    staff = Staff.objects.filter(center=center, user__username=username[:150]).select_related("user").first()
    if staff is None:
        raise Invalid("staff_of_other_center", f"{center.name}没有用户名为「{username[:40]}」的工作人员。")
    return staff


@router.post("/visits", response={201: VisitOut})
def visit_create(request, payload: VisitIn):
    """INQ-1, INQ-2: register a visit or call, recorded by the signed-in first-inquiry officer."""
    center = get_center(payload.center)
    access.require(request.user, center, *services.RECEIVERS)
    visit = services.visit_record(
        actor=request.user,
        center=center,
        channel=payload.channel,
        category=payload.category,
        matter=payload.matter,
        outcome=payload.outcome,
        window=_window(center, payload.window),
        colleague=_staff(center, payload.colleague),
        target_window=_window(center, payload.target_window),
        leader=_staff(center, payload.leader),
        agency=payload.agency,
        note=payload.note,
        visitor_name=payload.visitor_name,
        visitor_phone=payload.visitor_phone,
    )
    return Status(201, _visit_out(visit))


def _visit_out(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "at": visit.at.isoformat(),
        "officer": visit.officer.name,
        "window": str(visit.window) if visit.window else None,
        "channel": visit.channel,
        "category": visit.category,
        "outcome": visit.outcome,
    }
