"""Training (TRN-1 … TRN-3): the annual plan, sessions, attendance and each person's hours."""

from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from servicehall.core import clock
from servicehall.core.api_contract import Day, Flag, Id, Moment, stated
from servicehall.core.errors import Forbidden, NotFound
from servicehall.org import access
from servicehall.org.models import Staff
from servicehall.org.selectors import get_center
from servicehall.training import rules, selectors, services
from servicehall.training.models import SelfStudy, Session

router = Router(tags=["training"])

Text = Field(**stated(minLength=1, maxLength=200, pattern=r"\S"))
Hours = Field(gt=0, le=8, multiple_of=0.5, description="study hours, in half hours")
Year = Query(None, ge=2004, le=2099, description="the year; default this year")


class TrainingSessionIn(Schema):
    kind: str = Field(**stated(enum=list(rules.SESSION_KINDS)))
    subject: str = Field(**stated(enum=Session.Subject.values))
    topic: str = Text
    starts_at: Moment
    hours: float = Hours
    place: str = Field("", max_length=200)
    invited: list[str] | None = Field(None, description="user names; default every active staff member")


class TrainingSessionOut(Schema):
    id: int
    kind: str
    subject: str
    topic: str
    starts_at: str
    hours: str
    place: str
    invited: int
    present: int
    excused: int
    unexcused: int


class TrainingAttendanceIn(Schema):
    staff: str = Field(description="the person's user name")
    present: Flag
    excuse: str = Field("", max_length=300, description="why absent; none: an unexcused absence")


class TrainingAttendanceOut(Schema):
    staff: str
    status: str
    excuse: str


class TrainingSelfStudyIn(Schema):
    day: Day
    topic: str = Text
    hours: float = Hours


class TrainingSelfStudyOut(Schema):
    id: int
    staff: str
    day: str
    topic: str
    hours: str
    status: str


class TrainingDecisionIn(Schema):
    approve: Flag
    note: str = Field("", max_length=300)


class TrainingYearOut(Schema):
    year: int
    hours: str = Field(description="centralised study hours attended: what the yearly minimum counts")
    required: int
    self_study_hours: str = Field(description="approved self-study hours, counted apart")
    sessions: int
    unexcused: int
    county_session_held: bool


def _session_out(session: Session) -> dict:
    statuses = [a.status for a in session.attendance.all()]
    return {
        "id": session.pk,
        "kind": session.kind,
        "subject": session.subject,
        "topic": session.topic,
        "starts_at": clock.local(session.starts_at).isoformat(),
        "hours": str(session.hours),
        "place": session.place,
        "invited": len(statuses),
        "present": statuses.count(rules.PRESENT),
        "excused": statuses.count(rules.EXCUSED),
        "unexcused": statuses.count(rules.ABSENT),
    }


def _session(code: str, session_id: int) -> Session:
    center = get_center(code)
    session = Session.objects.filter(pk=session_id, center=center).select_related("center").first()
    if session is None:
        raise NotFound(gettext("该中心没有这次培训。"), code="session_not_found")
    return session


@router.post("/centers/{code}/training/sessions", response={201: TrainingSessionOut})
def session_create(request, code: str, payload: TrainingSessionIn):
    """TRN-1: plan a session of the year's plan (by the center's leaders)."""
    session = services.session_create(
        actor=request.user,
        center=get_center(code),
        kind=payload.kind,
        subject=payload.subject,
        topic=payload.topic,
        starts_at=payload.starts_at,
        hours=payload.hours,
        place=payload.place,
        invited=payload.invited,
    )
    return Status(201, _session_out(session))


@router.get("/centers/{code}/training/sessions", response=list[TrainingSessionOut])
def session_list(request, code: str, year: int | None = Year):
    """The center's sessions of a year, in date order (staff of the center and above)."""
    center = get_center(code)
    if not access.roles_in(request.user, center):
        raise Forbidden(gettext("您不是「%(name)s」的工作人员。") % {"name": center.name})
    plan = selectors.center_year(center, year or clock.today().year)
    sessions = Session.objects.filter(pk__in=[s.pk for s in plan.sessions]).prefetch_related("attendance")
    return [_session_out(s) for s in sessions.order_by("starts_at", "pk")]


@router.post("/centers/{code}/training/sessions/{session_id}/attendance", response=TrainingAttendanceOut)
def attendance_record(request, code: str, session_id: Id, payload: TrainingAttendanceIn):
    """TRN-3: record one invited person present, excused (with the excuse) or absent."""
    row = services.attendance_record(
        actor=request.user,
        session=_session(code, session_id),
        username=payload.staff,
        present=payload.present,
        excuse=payload.excuse,
    )
    return {"staff": row.staff.username, "status": row.status, "excuse": row.excuse}


@router.post("/centers/{code}/training/self-study", response={201: TrainingSelfStudyOut})
def self_study_declare(request, code: str, payload: TrainingSelfStudyIn):
    """The signed-in person declares self-study hours, for a leader to approve."""
    study = services.self_study_declare(
        actor=request.user, center=get_center(code), day=payload.day, topic=payload.topic, hours=payload.hours
    )
    return Status(201, _study_out(study))


@router.post("/training/self-study/{study_id}/decide", response=TrainingSelfStudyOut)
def self_study_decide(request, study_id: Id, payload: TrainingDecisionIn):
    """A leader approves (or, with a reason, rejects) a self-study declaration."""
    study = SelfStudy.objects.filter(pk=study_id).select_related("center", "staff").first()
    if study is None or not access.roles_in(request.user, study.center):
        raise NotFound(gettext("没有这条自学申报。"), code="self_study_not_found")
    study = services.self_study_decide(
        actor=request.user, study=study, approve=payload.approve, note=payload.note
    )
    return _study_out(study)


def _study_out(study: SelfStudy) -> dict:
    return {
        "id": study.pk,
        "staff": study.staff.username,
        "day": study.day.isoformat(),
        "topic": study.topic,
        "hours": str(study.hours),
        "status": study.status,
    }


@router.get("/staff/{username}/training", response=TrainingYearOut)
def person_training(request, username: str, year: int | None = Year):
    """TRN-2: a person's hours this year against the minimum; the person, and the leaders of
    their center and above, may read it."""
    staff = (
        Staff.objects.filter(user__username=username[:150]).select_related("center__policy", "user").first()
    )
    if staff is None:
        raise NotFound(gettext("没有这名工作人员。"), code="staff_not_found")
    if request.user.pk != staff.user_id and not access.has_role(
        request.user, staff.center, *services.ORGANISERS
    ):
        raise Forbidden(gettext("只能查看本人或所管理人员的学时。"))
    mine = selectors.person_year(staff, year or clock.today().year)
    return {
        "year": mine.year,
        "hours": str(mine.hours),
        "required": mine.required,
        "self_study_hours": str(mine.self_study_hours),
        "sessions": sum(1 for r in mine.rows if r.status == rules.PRESENT),
        "unexcused": mine.unexcused,
        "county_session_held": mine.county_held,
    }
