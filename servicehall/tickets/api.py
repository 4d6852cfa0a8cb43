"""The queue's API: take a ticket, call and serve it, window states, the hall display.

Staff use their bearer token or session; a kiosk or display uses its device token
(``X-Device-Token`` header or ``?token=``) or its registered address (devices.py).
"""

import datetime as dt
from typing import Annotated

from django.http import HttpResponseNotModified, JsonResponse
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from servicehall.core import clock
from servicehall.core.api import BearerToken, ErrorOut
from servicehall.core.api_contract import Day, DayText, Flag, Id, Moment, parse_day, session_auth, stated
from servicehall.core.errors import Forbidden, Invalid, NotFound
from servicehall.org import access
from servicehall.org.selectors import get_center
from servicehall.tickets import booking, devices, models, selectors, services
from servicehall.tickets.models import Device, HomeVisit, Ticket, WindowState

router = Router(tags=["tickets"])


class DeviceKey:
    """A hall device of the center named in the path (never over a signed-in session)."""

    def __init__(self, *kinds: str):
        self.kinds = kinds

    def __call__(self, request):
        if request.user.is_authenticated:
            return None
        return devices.device_of(request, request.resolver_match.kwargs.get("code", ""), *self.kinds)


KIOSK_OR_STAFF = [BearerToken(), DeviceKey(Device.Kind.KIOSK), session_auth]
DEVICE_OR_STAFF = [BearerToken(), DeviceKey(), session_auth]


def _device(request) -> Device | None:
    return request.auth if isinstance(request.auth, Device) else None


def _user(request):
    return None if _device(request) else request.user


LineLetter = Annotated[str, Field(pattern=r"^[A-Za-z]$", description="the line's letter")]
# Checked by the services with their own codes (booking._person: name_required, invalid_phone).
Phone = Annotated[str, Field(**stated(pattern=r"^[0-9+\-]{7,20}$"))]
Name = Annotated[str, Field(**stated(minLength=1, maxLength=40, pattern=r"\S"))]
Text = Annotated[str, Field(**stated(minLength=1, pattern=r"\S"))]


class TakeIn(Schema):
    line: LineLetter
    green_channel: str | None = Field(None, **stated(enum=[*models.GreenChannel.values, None]))


class TicketOut(Schema):
    id: int
    number: str
    line: str
    status: str
    green_channel: str | None
    issued_at: dt.datetime
    waiting_ahead: int | None = None
    window: int | None = None
    called_at: dt.datetime | None = None
    recalls: int = 0


class PickIn(Schema):
    ticket: Id
    reason: Text


class TransferIn(Schema):
    line: LineLetter | None = None
    window: Id | None = None


class WindowStateOut(Schema):
    window: int
    number: int
    state: str
    state_label: str
    operator: str | None
    since: dt.datetime
    current: str | None


class CheckInIn(Schema):
    code: str = Field(description="the booking code", **stated(pattern=r"^[0-9]{6}$"))


class AppointmentIn(Schema):
    line: LineLetter
    slot_start: Moment
    name: Name
    phone: Phone
    channel: str = Field("phone", **stated(enum=models.Appointment.Channel.values))


class AppointmentOut(Schema):
    id: int
    code: str
    line: str
    slot_start: dt.datetime
    slot_end: dt.datetime
    status: str


class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    free: int
    service: str  # regular, lunch (午间预约) or holiday (节假日预约): HRS-3
    label: str  # the service's name for the citizen; empty for a regular slot


class HomeVisitIn(Schema):
    name: Name
    phone: Phone
    address: str = Field(max_length=200, **stated(minLength=1, pattern=r"\S"))
    need: str = Field(max_length=300, **stated(minLength=1, pattern=r"\S"))
    age: int | None = Field(None, **stated(minimum=0, maximum=130))
    severely_disabled: Flag = False


class AssignIn(Schema):
    staff: str = Field(description="the user name", **stated(minLength=1, maxLength=150))
    visit_on: Day


class OutcomeIn(Schema):
    outcome: Text


class HomeVisitOut(Schema):
    id: int
    status: str
    assigned_to: str | None
    visit_on: dt.date | None
    outcome: str


def ticket_out(t: Ticket) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "line": t.line.prefix,
        "status": t.status,
        "green_channel": t.green_channel or None,
        "issued_at": t.issued_at,
        "waiting_ahead": getattr(t, "waiting_ahead", None),
        "window": t.window.number if t.window_id else None,
        "called_at": t.called_at,
        "recalls": t.recalls,
    }


def state_out(s: WindowState) -> dict:
    return {
        "window": s.window.pk,
        "number": s.window.number,
        "state": s.state,
        "state_label": selectors.state_label(s.state),
        "operator": s.operator.name if s.operator_id else None,
        "since": s.since,
        "current": s.current.number if s.current_id else None,
    }


# --- tickets ----------------------------------------------------------------------------------


@router.post(
    "/centers/{code}/tickets",
    auth=KIOSK_OR_STAFF,
    response={201: TicketOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def ticket_take(request, code: str, payload: TakeIn):
    """QUE-1: take a ticket for a line (``green_channel``: null or a QUE-2 category).
    409 ``center_closed`` outside office hours (HRS-3: make an appointment instead)."""
    line = selectors.line_for_take(code, payload.line)
    device = _device(request)
    ticket = services.ticket_take(
        actor=_user(request),
        line=line,
        green_channel=payload.green_channel,
        source=Ticket.Source.KIOSK if device else Ticket.Source.API,
        device=device,
    )
    return Status(201, ticket_out(ticket))


@router.post(
    "/windows/{window_id}/call-next", response={200: TicketOut, 204: None, 403: ErrorOut, 409: ErrorOut}
)
def call_next(request, window_id: Id):
    """QUE-2: the window calls the next ticket; 204 when nobody waits."""
    ticket = services.ticket_call_next(actor=request.user, window=selectors.get_window(window_id))
    if ticket is None:
        return Status(204, None)
    return Status(200, ticket_out(ticket))


@router.post(
    "/windows/{window_id}/call", response={200: TicketOut, 400: ErrorOut, 403: ErrorOut, 409: ErrorOut}
)
def call_particular(request, window_id: Id, payload: PickIn):
    """Call a particular waiting ticket out of order: the reason is audited."""
    window = selectors.get_window(window_id)
    ticket = selectors.get_ticket(payload.ticket)
    if ticket.center_id != window.center_id:
        raise NotFound(gettext("本中心没有这张号票。"), code="ticket_not_found")
    return Status(
        200,
        ticket_out(
            services.ticket_call(actor=request.user, window=window, ticket=ticket, reason=payload.reason)
        ),
    )


TICKET_ACTIONS = {
    "recall": services.ticket_recall,
    "no-show": services.ticket_no_show,
    "start": services.ticket_start,
    "finish": services.ticket_finish,
}


def _ticket_action(name: str):
    def act(request, ticket_id: Id):
        ticket = TICKET_ACTIONS[name](actor=request.user, ticket=selectors.get_ticket(ticket_id))
        return Status(200, ticket_out(ticket))

    act.__name__ = f"ticket_{name.replace('-', '_')}"
    act.__doc__ = {
        "recall": "Call the ticket at the counter again (at most 3 times).",
        "no-show": "过号: the called citizen did not come.",
        "start": "Start serving the called citizen.",
        "finish": "办结: the citizen is served.",
    }[name]
    return act


for _name in TICKET_ACTIONS:
    router.post(
        f"/tickets/{{ticket_id}}/{_name}",
        response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )(_ticket_action(_name))


@router.post(
    "/tickets/{ticket_id}/transfer",
    response={200: TicketOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def ticket_transfer(request, ticket_id: Id, payload: TransferIn):
    """Transfer to another line (``line``: its letter) or window (``window``: its id); the ticket
    keeps its number and issue time."""
    ticket = selectors.get_ticket(ticket_id)
    line = selectors.get_line(ticket.center, payload.line) if payload.line else None
    window = selectors.get_window(payload.window) if payload.window is not None else None
    return Status(
        200, ticket_out(services.ticket_transfer(actor=request.user, ticket=ticket, line=line, window=window))
    )


# --- windows (QUE-5) --------------------------------------------------------------------------


def _window_action(action: str):
    def act(request, window_id: Id):
        state = services.window_action(
            actor=request.user, window=selectors.get_window(window_id), action=action
        )
        return Status(200, state_out(state))

    act.__name__ = f"window_{action}"
    act.__doc__ = {
        "open": "Open the window (its A or B post holder today).",
        "pause": "Brief pause: the hall display shows 请稍候.",
        "resume": "Back from a pause; over the policy's minutes it is recorded as an uncovered absence.",
        "cover": "The B post holder takes the window under their own login.",
        "close": "Close the window; refused while tickets wait that only it can call (HRS-3).",
    }[action]
    return act


for _action in ("pause", "resume", "cover", "open", "close"):
    router.post(
        f"/windows/{{window_id}}/{_action}",
        response={200: WindowStateOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    )(_window_action(_action))


# --- the hall display ---------------------------------------------------------------------------


def _may_watch(request, center) -> None:
    if _device(request) is None and not access.roles_in(request.user, center):
        raise Forbidden(gettext("您在「%(name)s」没有任何角色。") % {"name": center.name})


@router.get(
    "/centers/{code}/display", auth=DEVICE_OR_STAFF, response={200: dict, 403: ErrorOut, 404: ErrorOut}
)
def display(request, code: str):
    """The hall display's data. Send ``If-None-Match`` with the last ETag: 304 while nothing changed."""
    if _device(request) is None:
        _may_watch(request, get_center(code))
    etag = selectors.display_etag(selectors.display_version(code) or 0, clock.now())
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = JsonResponse(
            selectors.display(get_center(code)), json_dumps_params={"ensure_ascii": False}
        )
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@router.get(
    "/centers/{code}/lines", auth=DEVICE_OR_STAFF, response={200: list[dict], 403: ErrorOut, 404: ErrorOut}
)
def line_list(request, code: str):
    """The center's lines (letter, name) and the service items each serves."""
    center = get_center(code)
    _may_watch(request, center)
    return Status(
        200,
        [
            {
                "prefix": line.prefix,
                "name": line.name,
                "items": [{"code": i.code, "name": i.current.name} for i in line.items.all()],
            }
            for line in selectors.lines_with_items(center)
        ],
    )


# --- appointments and home visits (QUE-3, QUE-4) -------------------------------------------------


def _parse_day(text: str) -> dt.date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise Invalid("bad_date", gettext("日期「%(value)s」无效：%(exc)s。") % {"value": text[:20], "exc": exc}) from None


@router.get(
    "/centers/{code}/appointment-slots",
    auth=KIOSK_OR_STAFF,
    response={200: list[SlotOut], 400: ErrorOut, 404: ErrorOut},
)
def appointment_slots(
    request,
    code: str,
    line: LineLetter,
    day: DayText,
):
    """The bookable slots of a day for a line still ahead, with how many places are left and
    the service each belongs to (lunch-hour or holiday appointments, when the policy offers
    them). A closed day has none, unless its closure says appointments go on."""
    center = get_center(code)
    _may_watch(request, center)
    line_obj = selectors.get_line(center, line)
    return Status(200, selectors.free_slots(line_obj, _parse_day(day)))


@router.post(
    "/centers/{code}/appointments",
    auth=KIOSK_OR_STAFF,
    response={201: AppointmentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appointment_book(request, code: str, payload: AppointmentIn):
    """QUE-4: book a slot (staff: by phone; a kiosk: online)."""
    line = selectors.get_line(get_center(code), payload.line)
    device = _device(request)
    appointment = booking.appointment_book(
        actor=_user(request),
        line=line,
        slot_start=payload.slot_start,
        name=payload.name,
        phone=payload.phone,
        channel="online" if device else payload.channel,
        device=device,
    )
    return Status(
        201,
        {
            "id": appointment.pk,
            "code": appointment.code,
            "line": line.prefix,
            "slot_start": appointment.slot_start,
            "slot_end": appointment.slot_end,
            "status": appointment.status,
        },
    )


@router.post(
    "/centers/{code}/appointments/check-in",
    auth=KIOSK_OR_STAFF,
    response={201: TicketOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def appointment_check_in(request, code: str, payload: CheckInIn):
    """QUE-4: check in with the booking code; the ticket goes first at its slot."""
    ticket = booking.appointment_check_in(
        actor=_user(request), center=get_center(code), code=payload.code, device=_device(request)
    )
    return Status(201, ticket_out(ticket))


def visit_out(v: HomeVisit) -> dict:
    return {
        "id": v.pk,
        "status": v.status,
        "assigned_to": v.assigned_to.name if v.assigned_to_id else None,
        "visit_on": v.visit_on,
        "outcome": v.outcome,
    }


def _visit(visit_id: int) -> HomeVisit:
    visit = HomeVisit.objects.select_related("center__parent", "assigned_to").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound(gettext("没有这条上门服务记录。"), code="home_visit_not_found")
    return visit


@router.post(
    "/centers/{code}/home-visits", response={201: HomeVisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def home_visit_request(request, code: str, payload: HomeVisitIn):
    """QUE-3: a home visit booked by phone (aged 70+ or severely disabled)."""
    visit = booking.home_visit_request(actor=request.user, center=get_center(code), **payload.dict())
    return Status(201, visit_out(visit))


@router.post(
    "/home-visits/{visit_id}/assign",
    response={200: HomeVisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def home_visit_assign(request, visit_id: Id, payload: AssignIn):
    visit = _visit(visit_id)
    staff = visit.center.staff.filter(user__username=payload.staff).first()
    if staff is None:
        raise Invalid("staff_of_other_center", gettext("本中心没有用户名为「%(value)s」的工作人员。") % {"value": payload.staff[:40]})
    return Status(
        200,
        visit_out(
            booking.home_visit_assign(actor=request.user, visit=visit, staff=staff, visit_on=payload.visit_on)
        ),
    )


@router.post(
    "/home-visits/{visit_id}/outcome",
    response={200: HomeVisitOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def home_visit_outcome(request, visit_id: Id, payload: OutcomeIn):
    visit = booking.home_visit_record_outcome(
        actor=request.user, visit=_visit(visit_id), outcome=payload.outcome
    )
    return Status(200, visit_out(visit))
