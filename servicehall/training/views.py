"""Training pages (TRN-1 … TRN-3): the center's plan and hours, a session's attendance, my study."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from servicehall.core import clock
from servicehall.core.api_contract import parse_day, parse_moment
from servicehall.core.errors import DomainError
from servicehall.org import access
from servicehall.org.models import Staff
from servicehall.org.selectors import get_center
from servicehall.training import rules, selectors, services
from servicehall.training.models import SelfStudy, Session


def _center(code: str):
    try:
        return get_center(code)
    except DomainError:
        raise Http404 from None


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2004 <= int(value) <= 2099 else clock.today().year


def _run(request, action) -> bool:
    """Run a service; its refusal becomes a message on the page. True when it went through."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    except ValueError as exc:
        messages.error(request, str(exc))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def center(request, code: str):
    """The year's plan (a centralised session each month), everyone's hours, self-study to approve."""
    center = _center(code)
    if not access.has_role(request.user, center, *services.ORGANISERS):
        raise PermissionDenied(gettext("只有「%(name)s」的领导可以管理学习培训。") % {"name": center.name})
    if request.method == "POST":
        post = request.POST
        if post.get("action") == "session":
            invited = [u for u in post.get("invited", "").replace("，", ",").split(",") if u.strip()]
            done = _run(
                request,
                lambda: services.session_create(
                    actor=request.user,
                    center=center,
                    kind=post.get("kind", ""),
                    subject=post.get("subject", ""),
                    topic=post.get("topic", ""),
                    starts_at=parse_moment(post.get("starts_at", "")),
                    hours=post.get("hours", ""),
                    place=post.get("place", ""),
                    invited=[u.strip() for u in invited] or None,
                ),
            )
            if done:
                messages.success(request, gettext("已登记培训。"))
        elif post.get("action") == "decide":
            study = SelfStudy.objects.filter(
                pk=post.get("study", "0") if post.get("study", "").isdigit() else 0
            ).first()
            if study is not None:
                approve = post.get("approve") == "1"
                done = _run(
                    request,
                    lambda: services.self_study_decide(
                        actor=request.user, study=study, approve=approve, note=post.get("note", "")
                    ),
                )
                if done:
                    messages.success(request, gettext("已审核。"))
        return redirect(request.get_full_path())
    year = _year(request)
    plan = selectors.center_year(center, year)
    context = {
        "center": center,
        "plan": plan,
        "kinds": Session.Kind.choices,
        "subjects": Session.Subject.choices,
        "now": clock.local(clock.now()),
    }
    return render(request, "training/center.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session(request, code: str, session_id: int):
    """A session and its attendance; the center's leaders record who came (TRN-3)."""
    center = _center(code)
    found = Session.objects.filter(pk=session_id, center=center).select_related("center").first()
    if found is None:
        raise Http404
    organiser = access.has_role(request.user, center, *services.ORGANISERS)
    rows = list(found.attendance.select_related("staff").order_by("staff__pk"))
    if not organiser and request.user.pk not in {r.staff_id for r in rows}:
        raise PermissionDenied(gettext("只有培训的参加人员和中心领导可以查看。"))
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied(gettext("只有中心领导可以登记出勤。"))
        status = request.POST.get("status", "")
        done = _run(
            request,
            lambda: services.attendance_record(
                actor=request.user,
                session=found,
                username=request.POST.get("staff", ""),
                present=status == rules.PRESENT,
                excuse=request.POST.get("excuse", "") if status == rules.EXCUSED else "",
            ),
        )
        if done:
            messages.success(request, gettext("已登记出勤。"))
        return redirect(request.path)
    context = {"center": center, "session": found, "rows": rows, "organiser": organiser}
    return render(request, "training/session.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """My study this year against the minimum, and my self-study declarations (TRN-2)."""
    staff = Staff.objects.filter(user=request.user).select_related("center__policy").first()
    if staff is None:
        raise PermissionDenied(gettext("只有工作人员有学习记录。"))
    if request.method == "POST":
        done = _run(
            request,
            lambda: services.self_study_declare(
                actor=request.user,
                center=staff.center,
                day=parse_day(request.POST.get("day", "")),
                topic=request.POST.get("topic", ""),
                hours=request.POST.get("hours", ""),
            ),
        )
        if done:
            messages.success(request, gettext("已申报，待领导认定。"))
            return redirect(request.path)
    year = _year(request)
    context = {"staff": staff, "mine": selectors.person_year(staff, year), "today": clock.today()}
    if request.method == "POST":  # refused: the form shows what was typed, to correct and send again
        context["typed"] = request.POST
        return render(request, "training/mine.html", context, status=400)
    return render(request, "training/mine.html", context)
