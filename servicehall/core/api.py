"""The JSON API's frame: authentication, errors as {"code", "message"}, the token endpoint."""

import datetime as dt
import re

from django.core.exceptions import RequestDataTooBig
from django.db import DataError, transaction
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from servicehall.core import audit, auth
from servicehall.core.api_contract import Id, JsonParser, document_errors, session_auth, too_large_error
from servicehall.core.errors import DomainError


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = auth.token_user(token)
        if user is not None:
            request.user = user
        return user


AUTH = [BearerToken(), session_auth]


class ServiceHallAPI(NinjaAPI):
    def _get_urls(self):
        return grouped(super()._get_urls())

    def get_openapi_schema(self, *args, **kwargs):
        """Every operation's refusals documented, each with the error schema (api_contract)."""
        return without_requirement_ids(document_errors(super().get_openapi_schema(*args, **kwargs)))


def grouped(patterns: list) -> list:
    """The API's paths grouped under their first word (``ratings/…``, ``centers/…``): Django tries
    patterns one by one, and a request for the last of some 160 paths cost a millisecond before its
    view began. A path only matches within its own first word, so the order between groups does
    not matter; within one it stays as declared."""
    out, groups = [], {}
    for pattern in patterns:
        route = str(pattern.pattern)
        head, slash, rest = route.partition("/")
        if not slash or "<" in head:
            out.append(pattern)
            continue
        if head not in groups:
            groups[head] = []
            out.append(path(f"{head}/", include(groups[head])))
        groups[head].append(path(rest, pattern.callback, kwargs=pattern.default_args, name=pattern.name))
    return out


# Requirement IDs (CAS-5, ORG-7 …) name the spec behind the code in docstrings; the published
# schema is read by users of the API, who never see them.
REQUIREMENT_ID = re.compile(
    r"\s*[（(]?\b(?:ANA|ARC|ASM|CAS|CAT|CMP|DUT|EVA|HRS|INQ|LAD|ORG|PAR|QUE|REF|SEC|SUP|TRN)-\d+\b"
    r"(?:\s*(?:,|/|、|and|…)\s*(?:[A-Z]{2,4}-)?\d+\b)*[）)]?[:：]?"
)


def without_requirement_ids(value):
    if isinstance(value, dict):
        return {k: without_requirement_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_requirement_ids(v) for v in value]
    if isinstance(value, str) and REQUIREMENT_ID.search(value):
        return REQUIREMENT_ID.sub("", value).strip()
    return value


api = ServiceHallAPI(
    title="ServiceHall API",
    version="1",
    description="便民服务中心综合管理平台 API. Errors are JSON {code, message}.",
    urls_namespace="api",
    auth=AUTH,
    parser=JsonParser(),
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    problems = []
    for e in exc.errors:
        where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload", "query", "path"))
        problems.append(f"{where or gettext('请求')}: {e.get('msg', '')}")
    if any(e.get("loc", ("",))[0] == "path" for e in exc.errors):
        # A path that does not validate (an id beyond 2^63 - 1, a word for a number) names nothing.
        return error(request, 404, "not_found", gettext("未找到：%(problems)s") % {"problems": "; ".join(problems)})
    errors = [{k: e[k] for k in ("type", "loc", "msg") if k in e} for e in exc.errors]
    message = gettext("输入有误：%(problems)s") % {"problems": "; ".join(problems)}
    return error(request, 400, "invalid_input", message, errors=errors)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    return on_domain_error(request, too_large_error())


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(request, 401, "not_authenticated", gettext("请先登录或提供有效的令牌（Authorization: Bearer …）。"))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", gettext("未找到。"))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    """Input the database cannot store (a NUL byte, an out-of-range number) is bad input, not a crash."""
    return error(request, 400, "invalid_input", gettext("输入包含无法处理的字符或数值。"))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    code = {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        429: "too_many_requests",
    }.get(exc.status_code, "error")
    if isinstance(exc.__cause__, DomainError):  # the body parser's own refusal (api_contract)
        return on_domain_error(request, exc.__cause__)
    if isinstance(exc.__cause__, RequestDataTooBig):
        return on_domain_error(request, too_large_error())
    return error(request, exc.status_code, code, str(exc))


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class ErrorOut(Schema):
    code: str
    message: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut}, tags=["auth"])
def token_create(request, payload: TokenIn):
    """Exchange a user name and password for a bearer token (5 failures lock the user name 30 minutes;
    the web and admin logins count with it). Issuing is audited."""
    user = auth.check_credentials(request, payload.username, payload.password)
    key, expires = auth.token_issue(user)
    return {"token": key, "expires_at": expires}


class TokenInfoOut(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    current: bool


class RevokedOut(Schema):
    revoked: int


BIGINT_MAX = 2**63 - 1


@api.get("/auth/tokens", response={200: list[TokenInfoOut], 401: ErrorOut}, tags=["auth"])
def token_list(request):
    """The caller's own tokens still in force (``current``: the one this request came with)."""
    current = auth.digest_of_request(request)
    return [auth.token_out(t, current) for t in auth.tokens_of(request.user)]


@api.post(
    "/auth/tokens/{token_id}/revoke", response={200: RevokedOut, 401: ErrorOut, 404: ErrorOut}, tags=["auth"]
)
def token_revoke(request, token_id: Id):
    """End one of the caller's own tokens."""
    if not 0 < token_id <= BIGINT_MAX or not auth.tokens_revoke(
        request.user, actor=request.user, reason="owner", token_ids=[token_id]
    ):
        return error(request, 404, "not_found", gettext("没有这个有效的令牌。"))
    return {"revoked": 1}


@api.post("/auth/logout", response={200: RevokedOut, 401: ErrorOut}, tags=["auth"])
def token_logout(request):
    """Sign out of the API: every token of the caller ends (the other devices' too)."""
    with transaction.atomic():
        count = auth.tokens_revoke(request.user, actor=request.user, reason="logout")
        audit.record(actor=request.user, action="auth.logout", obj=request.user, after={"channel": "api"})
    return {"revoked": count}
