"""Complaint pages: the officer's board, the complaint book (page and Excel), registering, a
complaint with its steps, the suggestion box, first-inquiry failures, the explanation asked of a
person; and for the public, the online form and the look-up (no login)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.cases.models import Case, Visit
from servicehall.complaints import rules, selectors, services
from servicehall.complaints.export import book_xlsx as make_book_xlsx
from servicehall.complaints.models import BoxOpening, Complaint, Explanation, FirstInquiryFailure
from servicehall.core import clock, xlsx
from servicehall.core.api_contract import parse_day
from servicehall.core.errors import DomainError, Invalid, NotFound
from servicehall.core.request_context import ip_of
from servicehall.core.roles import COMPLAINT_HANDLERS
from servicehall.org import access
from servicehall.org.models import Department, Staff, Window
from servicehall.org.selectors import get_center


def _center(code: str):
    try:
        return get_center(code)
    except NotFound as exc:
        raise Http404(exc.message) from None


def _reader_center(request, code: str):
    center = _center(code)
    try:
        selectors.require_center_reader(request.user, center)
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return center


def _complaint(request, number: str) -> Complaint:
    try:
        complaint = selectors.get_complaint(number)
        selectors.require_reader(request.user, complaint)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except DomainError as exc:
        raise PermissionDenied(exc.message) from None
    return complaint


def _against_choices(center):
    return {
        "staff": Staff.objects.filter(center=center, active=True).select_related("user").order_by("name"),
        "windows": Window.objects.filter(center=center).order_by("number"),
        "departments": Department.objects.filter(center=center).order_by("code"),
    }


def _against_from(center, form) -> services.Against:
    def pick(model, key, **extra):
        value = (form.get(key) or "").strip()
        if not value:
            return None
        try:
            return model.objects.get(center=center, **{extra.get("field", "pk"): value})
        except (model.DoesNotExist, ValueError):
            raise Invalid("against_not_found", _("所选的被投诉人员、窗口或科室不存在。")) from None

    return services.Against(
        staff=pick(Staff, "against_staff"),
        window=pick(Window, "against_window"),
        department=pick(Department, "against_department"),
    )


@login_required
@require_GET
def board(request, code: str):
    """The officer's board: open, due soon, overdue, escalated; the most urgent first."""
    center = _reader_center(request, code)
    now = clock.now()
    context = {
        "center": center,
        "now": now,
        "board": selectors.board(center, request.user, now),
        "may_register": access.has_role(request.user, center, *services.RECEIVERS),
    }
    return render(request, "complaints/board.html", context)


@login_required
@require_GET
def book(request, code: str):
    """The complaint book (投诉记录本): every complaint of the center, newest first."""
    center = _reader_center(request, code)
    status = request.GET.get("status", "")
    if status and status not in rules.FILTERS:
        status = ""
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 100000))
    except ValueError:
        page = 1
    rows, more = selectors.book(center, status, request.user, page=page)
    context = {
        "center": center,
        "rows": rows,
        "more": more,
        "page": page,
        "status": status,
        "filters": [
            ("", _("全部")),
            ("open", _("处理中")),
            ("due_soon", _("即将到期")),
            ("overdue", _("已超期")),
            ("escalated", _("已上报")),
            ("concluded", _("已办结")),
        ],
    }
    return render(request, "complaints/book.html", context)


@login_required
@require_GET
def book_xlsx(request, code: str):
    center = _reader_center(request, code)
    status = request.GET.get("status", "")
    return xlsx.response(
        make_book_xlsx(center, request.user, status if status in rules.FILTERS else ""),
        f"complaints-{center.code}.xlsx",
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request, code: str):
    """CMP-1, CMP-2: register a complaint received on site, by phone, from the box, by letter, fax
    or transferred from another office."""
    center = _center(code)
    if not access.has_role(request.user, center, *services.RECEIVERS):
        raise PermissionDenied(_("只有投诉受理人员和中心领导可以登记投诉。"))
    error, form = None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            received_at = None
            if (form.get("received_at") or "").strip():
                try:
                    received_at = clock.parse_moment(form["received_at"].strip())
                except ValueError:
                    raise Invalid("invalid_received_at", _("收到时间格式不正确。")) from None
            complaint = services.complaint_register(
                actor=request.user,
                center=center,
                channel=form.get("channel", ""),
                complainant_name=form.get("complainant_name", ""),
                complainant_phone=form.get("complainant_phone", ""),
                content=form.get("content", ""),
                category=form.get("category", ""),
                against=_against_from(center, form),
                received_at=received_at,
                transfer_from=form.get("transfer_from", ""),
                transfer_reference=form.get("transfer_reference", ""),
                reply_to=form.get("reply_to", ""),
                answer_on_the_spot=form.get("answer_on_the_spot", ""),
            )
            return redirect("complaints:complaint", complaint.number)
        except DomainError as exc:
            error = exc.message
    context = {
        "center": center,
        "form": form,
        "error": error,
        "channels": [(v, label) for v, label in Complaint.Channel.choices if v != rules.ONLINE],
        "categories": Complaint.Category.choices,
        **_against_choices(center),
    }
    return render(request, "complaints/register.html", context, status=400 if error else 200)


@login_required
@require_GET
def complaint(request, number: str):
    c = selectors.with_deadlines([_complaint(request, number)])[0]
    center = c.center
    roles = access.roles_in(request.user, center)
    context = {
        "c": c,
        "center": center,
        "file": selectors.complaint_file(c),
        "may_handle": bool(roles & set(COMPLAINT_HANDLERS)) and c.status != rules.CONCLUDED,
        "may_conclude": bool(roles & set(services.concluders(c))) and c.status != rules.CONCLUDED,
        "answered_via": Complaint.AnsweredVia.choices,
        "failure_kinds": FirstInquiryFailure.Kind.choices,
        "today": clock.today(),
        **_against_choices(center),
    }
    return render(request, "complaints/complaint.html", context)


@login_required
@require_POST
def complaint_action(request, number: str, action: str):
    """One step from the complaint page: explanation, delay, escalate, conclude."""
    c = _complaint(request, number)
    form = request.POST
    try:
        if action == "explanation":
            staff = department = None
            target = form.get("from", "")
            if target.startswith("s:"):
                staff = Staff.objects.filter(
                    center=c.center, pk=target[2:] if target[2:].isdigit() else 0
                ).first()
            elif target.startswith("d:"):
                department = Department.objects.filter(center=c.center, code=target[2:42]).first()
            try:
                due = parse_day(form.get("due_date", ""))
            except ValueError as exc:
                raise Invalid("invalid_date", str(exc)) from None
            services.explanation_request(
                actor=request.user,
                complaint=c,
                staff=staff,
                department=department,
                due_date=due,
                question=form.get("question", ""),
            )
        elif action == "delay":
            services.complaint_delay(actor=request.user, complaint=c, explanation=form.get("explanation", ""))
        elif action == "escalate":
            services.complaint_escalate(
                actor=request.user, complaint=c, to=form.get("to", ""), note=form.get("note", "")
            )
        elif action == "conclude":
            if form.get("substantiated") not in ("yes", "no"):
                raise Invalid("substantiated_required", _("请选择经查属实或经查不属实。"))
            responsible = None
            if (form.get("responsible") or "").strip():
                responsible = _against_from(c.center, {"against_staff": form["responsible"]}).staff
            services.complaint_conclude(
                actor=request.user,
                complaint=c,
                substantiated=form.get("substantiated") == "yes",
                responsible=responsible,
                finding=form.get("finding", ""),
                action=form.get("action", ""),
                answer=form.get("answer", ""),
                answered_via=form.get("answered_via", ""),
                transfer_reply=form.get("transfer_reply", ""),
                first_inquiry_failure=form.get("first_inquiry_failure", ""),
            )
        elif action == "answer":
            e = c.explanations.filter(
                pk=form.get("explanation") if (form.get("explanation") or "").isdigit() else 0
            ).first()
            if e is None:
                raise Http404(_("没有这份情况说明。"))
            services.explanation_answer(
                actor=request.user,
                explanation=e,
                answer=form.get("answer", ""),
                proposal=form.get("proposal", ""),
            )
        else:
            raise Http404(_("没有这个操作。"))
    except DomainError as exc:
        c = selectors.with_deadlines([selectors.get_complaint(number)])[0]
        roles = access.roles_in(request.user, c.center)
        context = {
            "c": c,
            "center": c.center,
            "file": selectors.complaint_file(c),
            "error": exc.message,
            "form": form,
            "failed": action,
            "may_handle": bool(roles & set(COMPLAINT_HANDLERS)) and c.status != rules.CONCLUDED,
            "may_conclude": bool(roles & set(services.concluders(c))) and c.status != rules.CONCLUDED,
            "answered_via": Complaint.AnsweredVia.choices,
            "failure_kinds": FirstInquiryFailure.Kind.choices,
            "today": clock.today(),
            **_against_choices(c.center),
        }
        return render(request, "complaints/complaint.html", context, status=exc.status)
    return redirect("complaints:complaint", c.number)


@login_required
@require_http_methods(["GET", "POST"])
def explanation(request, explanation_id: int):
    """CMP-6: the explanation asked of a person or a department: the question, and the answer form.
    The person sees the question, not the complaint (nor the complainant)."""
    e = (
        Explanation.objects.select_related("complaint__center", "from_staff", "from_department")
        .filter(pk=explanation_id)
        .first()
    )
    if e is None:
        raise Http404(_("没有这份情况说明。"))
    if not services.may_answer(request.user, e):
        raise PermissionDenied(_("这份情况说明不是要求您作出的。"))
    error = None
    if request.method == "POST":
        try:
            services.explanation_answer(
                actor=request.user,
                explanation=e,
                answer=request.POST.get("answer", ""),
                proposal=request.POST.get("proposal", ""),
            )
            return redirect("complaints:explanation", e.pk)
        except DomainError as exc:
            error = exc.message
    e.refresh_from_db()
    return render(
        request, "complaints/explanation.html", {"e": e, "center": e.complaint.center, "error": error}
    )


@login_required
@require_http_methods(["GET", "POST"])
def box(request, code: str):
    """002 八(二): the suggestion box's openings, and the form for today's."""
    center = _center(code)
    if not access.has_role(request.user, center, *services.RECEIVERS, *selectors.READERS):
        raise PermissionDenied(_("只有投诉受理人员和中心领导可以查看意见箱开箱记录。"))
    error = None
    if request.method == "POST":
        try:
            text = (request.POST.get("opened_at") or "").strip()
            try:
                opened_at = clock.parse_moment(text) if text else clock.now()
            except ValueError:
                raise Invalid("invalid_opened_at", _("开箱时间格式不正确。")) from None
            letters = request.POST.get("letters", "0").strip()
            services.box_opening_record(
                actor=request.user,
                center=center,
                opened_at=opened_at,
                letters=int(letters) if letters.isdigit() else -1,
                note=request.POST.get("note", ""),
            )
            return redirect("complaints:box", center.code)
        except DomainError as exc:
            error = exc.message
    now = clock.now()
    context = {
        "center": center,
        "error": error,
        "openings": BoxOpening.objects.filter(center=center)
        .select_related("opened_by")
        .order_by("-day")[:30],
        "missed": [n for n in selectors.board_notes(center, now) if n.kind == "suggestion_box_missed"],
        "now": clock.local(now),
    }
    return render(request, "complaints/box.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def failures(request, code: str):
    """INQ-3: first-inquiry failures of the center; a leader records one with the visit or case."""
    center = _center(code)
    if not access.has_role(request.user, center, *selectors.READERS):
        raise PermissionDenied(_("只有中心领导和监督人员可以查看首问责任不落实记录。"))
    error = None
    may_record = access.has_role(request.user, center, *services.FAILURE_RECORDERS)
    if request.method == "POST":
        try:
            staff = Staff.objects.filter(center=center, pk=request.POST.get("staff") or 0).first()
            if staff is None:
                raise Invalid("staff_required", _("请选择首问责任人。"))
            visit_id = (request.POST.get("visit") or "").strip()
            visit = Visit.objects.filter(center=center, pk=visit_id).first() if visit_id.isdigit() else None
            number = (request.POST.get("case") or "").strip().upper()
            case = Case.objects.filter(center=center, number=number).first() if number else None
            if (visit_id and visit is None) or (number and case is None):
                raise Invalid("visit_or_case_not_found", _("没有找到所填的来访登记或办件。"))
            services.first_inquiry_failure_record(
                actor=request.user,
                center=center,
                staff=staff,
                kind=request.POST.get("kind", ""),
                visit=visit,
                case=case,
                note=request.POST.get("note", ""),
            )
            return redirect("complaints:failures", center.code)
        except DomainError as exc:
            error = exc.message
    context = {
        "center": center,
        "error": error,
        "may_record": may_record,
        "rows": FirstInquiryFailure.objects.filter(center=center, voided_at__isnull=True).select_related(
            "staff", "case", "visit", "complaint"
        )[:100],
        "kinds": FirstInquiryFailure.Kind.choices,
        "staff": Staff.objects.filter(center=center, active=True).order_by("name"),
    }
    return render(request, "complaints/failures.html", context, status=400 if error else 200)


# --- public --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_form(request, code: str):
    """The online complaint form on the center's pages: a receipt number and a query code."""
    center = _center(code)
    error, created, form = None, None, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            window = (form.get("against_window") or "").strip()
            against = services.Against(
                window=Window.objects.filter(center=center, number=window).first()
                if window.isdigit()
                else None,
            )
            created = services.complaint_register(
                actor="public",
                center=center,
                channel=rules.ONLINE,
                complainant_name=form.get("complainant_name", ""),
                complainant_phone=form.get("complainant_phone", ""),
                content=form.get("content", ""),
                category=form.get("category", ""),
                against=against,
            )
            selectors.with_deadlines([created])
        except DomainError as exc:
            error = exc.message
    context = {
        "center": center,
        "form": form,
        "error": error,
        "created": created,
        "categories": Complaint.Category.choices,
        "windows": Window.objects.filter(center=center).order_by("number"),
    }
    return render(request, "complaints/public_form.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def look_up(request):
    """The complainant's look-up (no login): status, due date and the answer. The query code is
    posted, never put in the address."""
    if request.method == "GET":
        number = request.GET.get("number", "").strip()[:60]
        if "code" in request.GET:
            return redirect(
                reverse("complaints:look_up") + (f"?{urlencode({'number': number})}" if number else "")
            )
        return render(request, "complaints/look_up.html", {"number": number, "found": None})
    number, code = request.POST.get("number", "").strip(), request.POST.get("code", "").strip()
    found, error, status = None, None, 200
    try:
        found = services.complaint_look_up(number=number, code=code, address=ip_of(request))
    except DomainError as exc:
        error, status = exc.message, exc.status
    return render(
        request,
        "complaints/look_up.html",
        {"number": number[:60], "found": found, "error": error},
        status=status,
    )
