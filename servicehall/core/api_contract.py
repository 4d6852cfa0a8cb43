"""What the JSON API promises about its input, in one place, and the OpenAPI schema that says so.

- ``Id``: a record id, 1 … 2^63 − 1 (what every database can hold). A path id outside it names
  nothing: 404; one in a body is bad input: 400.
- ``Day`` / ``Moment``: a date or a date-time inside the working-day calendar (2004–2099).
- ``JsonParser``: a body is JSON only under ``application/json`` (415 otherwise), valid UTF-8
  text with no lone surrogate (a 400, never a database error later).
- ``SessionAuth``: a signed-in session, CSRF-checked only once there is one, so an anonymous
  write answers 401 ``not_authenticated`` rather than a CSRF refusal.
- ``document_errors``: every operation documents the refusals it can answer, each
  ``{"code", "message"}``.
"""

import datetime as dt
import json
import re
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja.parser import Parser
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf
from pydantic import Field, PlainValidator, WithJsonSchema

from servicehall.core import clock
from servicehall.core.errors import DomainError, Forbidden, Invalid

ID_MAX = 2**63 - 1
FIRST_DAY = dt.date(2004, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
# In a JSON body a flag is true or false and a number a number: not 0, "1" or "yes".
Flag = Annotated[bool, Field(strict=True)]
Number = Annotated[int, Field(strict=True)]

# The years of the calendar, as a pattern an integrator's client can check before sending.
YEAR = r"20(0[4-9]|[1-9][0-9])"
DAY_PATTERN = rf"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}$"
MOMENT_PATTERN = rf"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}[Tt]"
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
RANGE_TEXT = f"{FIRST_DAY} 至 {LAST_DAY}"


def _in_calendar(d: dt.date) -> None:
    if not FIRST_DAY <= d <= LAST_DAY:
        raise ValueError(
            gettext("日期 %(day)s 超出工作日历范围（%(first)s 至 %(last)s）") % {"day": d, "first": FIRST_DAY, "last": LAST_DAY}
        )


def parse_day(value) -> dt.date:
    """A YYYY-MM-DD date inside the calendar; anything else a ValueError in Chinese."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, str) and _DAY_RE.fullmatch(value):
        try:
            d = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(gettext("「%(value)s」不是有效日期") % {"value": value}) from None
    else:
        raise ValueError(gettext("应为 YYYY-MM-DD 格式的日期"))
    _in_calendar(d)
    return d


def parse_moment(value) -> dt.datetime:
    """An ISO 8601 date-time inside the calendar (an offset, or the center's local time), at the
    hall's offset."""
    if isinstance(value, dt.datetime):
        m = value
    elif isinstance(value, str) and _MOMENT_RE.fullmatch(value):
        try:
            m = dt.datetime.fromisoformat(value.upper())
        except ValueError:
            raise ValueError(gettext("「%(value)s」不是有效的日期时间") % {"value": value[:40]}) from None
    else:
        raise ValueError(gettext("应为 ISO 8601 格式的日期时间（如 2026-11-25T09:00:00+08:00）"))
    _in_calendar(m.date())
    return clock.at_hall(m)


Day = Annotated[
    dt.date,
    PlainValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
Moment = Annotated[
    dt.datetime,
    PlainValidator(parse_moment),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN}),
]


# A date carried as text that the code parses itself (a query parameter): only the schema says so.
DayText = Annotated[str, WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN})]
# A count of working days carried as text.
DaysText = Annotated[str, WithJsonSchema({"type": "string", "pattern": r"^[0-9]{1,4}$"})]


def stated(**schema) -> dict:
    """Field arguments for a constraint the service itself enforces with its own code (the same
    from a page, the API or a workbook): the schema states it, pydantic does not check it first.
    ``Field(**stated(minLength=1, pattern=r"\\S"))``."""
    return {"json_schema_extra": schema}


# --- the request body -----------------------------------------------------------------------------


class UnsupportedMediaType(DomainError):
    status = 415


class TooLarge(DomainError):
    status = 413


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _reject_constant(name):
    raise ValueError(name)


class JsonParser(Parser):
    """JSON bodies only, as UTF-8 text a database can store."""

    def parse_body(self, request: HttpRequest):
        if request.content_type != "application/json":
            raise UnsupportedMediaType(
                "unsupported_media_type", gettext("请求正文须为 JSON，Content-Type 应为 application/json。")
            )
        body = request.body
        try:
            data = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError):
            raise Invalid("invalid_input", gettext("请求正文不是有效的 JSON（UTF-8 编码）。")) from None
        # A lone surrogate can only arrive escaped (\ud800): look for one only then.
        if b"\\u" in body and _has_lone_surrogate(data):
            raise Invalid("invalid_text", gettext("输入包含无效的字符（孤立的 UTF-16 代理项）。"))
        return data


def too_large_error() -> DomainError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return TooLarge("request_too_large", gettext("请求正文过大（上限 %(value)s KB）。") % {"value": limit // 1024})


# --- authentication -----------------------------------------------------------------------------


class SessionAuth(NinjaSessionAuth):
    """A signed-in browser session. The CSRF check guards a session, so it runs only when there
    is one: an anonymous request is simply not authenticated (401), never "CSRF check Failed"."""

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(gettext("请求缺少有效的 CSRF 令牌，请刷新页面后重试。"), code="csrf_failed")
        return request.user


session_auth = SessionAuth()


# --- the schema -----------------------------------------------------------------------------------

ERROR_REF = "#/components/schemas/ErrorOut"
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "description": "A refusal: a machine code and a Chinese sentence (``fields``: per-field messages).",
    "properties": {
        "code": {"title": "Code", "type": "string"},
        "message": {"title": "Message", "type": "string"},
        "fields": {"title": "Fields", "type": "object"},
        "errors": {"title": "Errors", "type": "array"},
    },
    "required": ["code", "message"],
}
DESCRIPTIONS = {
    "400": "Bad input (invalid_input or a rule's own code)",
    "401": "Not signed in or the token is invalid (not_authenticated)",
    "403": "Signed in but not allowed (forbidden and others)",
    "404": "No such resource in the caller's reach (not_found and others)",
    "409": "The resource's state refuses the action now (conflict and others)",
    "413": "The body is larger than the server accepts (request_too_large)",
    "415": "The body is not application/json (unsupported_media_type)",
}
WRITES = {"post", "put", "patch", "delete"}


def refusals(method: str, operation: dict) -> list[str]:
    """The refusals an operation can answer, from what it takes and who may call it."""
    takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
    secured = bool(operation.get("security"))
    statuses = []
    if takes_input:
        statuses += ["400", "404"]
    if secured:
        statuses += ["401", "403"]
    if method in WRITES:
        statuses += ["400", "403", "404", "409"]
    if operation.get("requestBody"):
        statuses += ["413", "415"]
    return sorted(set(statuses))


def document_errors(schema: dict) -> dict:
    """Add each operation's refusals (with the error schema) to what it documents already."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ERROR_SCHEMA
    for path in schema.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for status in refusals(method, operation):
                if status not in responses and int(status) not in responses:
                    responses[status] = {
                        "description": DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    }
    return schema
