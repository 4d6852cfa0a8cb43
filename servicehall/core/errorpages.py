"""The product's own pages for refusals and errors (400, 403, 404, 500), in the user's language,
each with the way back: mounted as Django's handlers in ``config/urls.py``.

The message shown is the one the view raised (a Chinese sentence such as "只有审计员可以查看审计
日志。"); the resolver's own 404 carries the URL list, which is never shown.
"""

from functools import wraps

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from servicehall.core.errors import DomainError


def _message(exception) -> str:
    """The view's own sentence; nothing from Django itself (a bad Host header, the URL list)."""
    if not isinstance(exception, BadRequest | PermissionDenied | Http404) or isinstance(
        exception, Resolver404
    ):
        return ""
    args = getattr(exception, "args", ())
    text = args[0] if args and isinstance(args[0], str) else ""
    if getattr(exception, "message", None) and isinstance(exception.message, str):
        text = exception.message
    return text[:300]


def _way_back(request) -> dict:
    """Where to go from here: the page the user came from (on this site), and the workbench for
    a signed-in person or the sign-in page for anyone else."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    referer = request.META.get("HTTP_REFERER", "")
    try:
        here, host = request.build_absolute_uri(), request.get_host()
    except Exception:  # noqa: BLE001 - a refused Host header: no way back through it
        here, host = "", None
    back = (
        referer
        if referer
        and host
        and referer != here
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={host})
        else ""
    )
    return {
        "back_url": back,
        "home_url": reverse("home") if signed_in else reverse("login"),
        "home_label": _("返回工作台") if signed_in else _("工作人员登录"),
    }


def render_error(request, status: int, message: str = "") -> HttpResponse:
    template = loader.get_template(f"{status}.html")
    context = {"status": status, "message": message, **_way_back(request)}
    return HttpResponse(template.render(context, request), status=status)


def bad_request(request, exception=None):
    return render_error(request, 400, _message(exception))


def permission_denied(request, exception=None):
    return render_error(request, 403, _message(exception))


def page_not_found(request, exception=None):
    return render_error(request, 404, _message(exception))


def server_error(request):
    """Nothing that could fail again: no user, no database, only the template."""
    try:
        body = loader.get_template("500.html").render({"home_url": "/"})
    except Exception:  # noqa: BLE001 - the last resort must answer
        body = "<h1>500</h1>"
    return HttpResponse(body, status=500)


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (a page left open too long, or sent from elsewhere): the
    product's 403 in the user's language, not Django's English page."""
    return render_error(request, 403, _("页面已过期或来源无法确认。请返回上一页，刷新后重新提交。"))


def shows_errors(template: str):
    """A view decorator: a refused request shows its Chinese message on ``template`` (the app's
    error page, given the ``error``), with its status."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                return render(request, template, {"error": exc}, status=exc.status)

        return wrapper

    return decorator
