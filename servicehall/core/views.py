from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicehall.core import audit
from servicehall.core.auth import MUST_CHANGE, check_credentials, password_change
from servicehall.core.errors import DomainError
from servicehall.core.models import AuditEvent
from servicehall.core.roles import Role


@require_GET
def healthz(request):
    """Liveness for load balancers and the benchmarks' baseline: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    context = {"next": next_url, "username": "", "error": None}
    if request.method == "POST":
        username = request.POST.get("username", "")
        context["username"] = username
        try:
            user = check_credentials(request, username, request.POST.get("password", ""))
        except DomainError as exc:
            context["error"] = exc.as_dict()
            return render(request, "core/login.html", context, status=exc.status)
        auth_login(request, user)
        return redirect(next_url or "home")
    return render(request, "core/login.html", context)


@require_POST
def logout_view(request):
    auth_logout(request)  # ends the user's API tokens too, and is audited (core.auth)
    return redirect("login")


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    """A user changes their own password; forced after an administrator set it."""
    forced = bool(request.session.get(MUST_CHANGE))
    context = {"forced": forced, "error": None, "help": password_validators_help_texts()}
    if request.method == "POST":
        try:
            password_change(
                request,
                user=request.user,
                old_password=request.POST.get("old_password", ""),
                new_password=request.POST.get("new_password", ""),
                confirm=request.POST.get("new_password2", ""),
            )
        except DomainError as exc:
            context["error"] = exc.as_dict()
            return render(request, "core/password_change.html", context, status=exc.status)
        messages.success(request, _("密码已修改。其他设备上的登录和 API 令牌已失效。"))
        return redirect("home")
    return render(request, "core/password_change.html", context)


def is_auditor(user) -> bool:
    """The auditor reads the audit log; nobody else does, the system administrator included."""
    return user.is_authenticated and user.roles.filter(role=Role.AUDITOR).exists()


@login_required
@require_GET
def audit_view(request):
    if not is_auditor(request.user):
        raise PermissionDenied(gettext("只有审计员可以查看审计日志。"))
    events = AuditEvent.objects.order_by("-at", "-id")[:200]
    return render(request, "core/audit.html", {"reports": audit.verify_all(), "events": events})
