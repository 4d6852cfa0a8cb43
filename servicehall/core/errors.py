"""Domain errors: a machine code, a Chinese message, an HTTP status.

Services raise these; the API turns them into ``{"code", "message"}`` and pages show the
message. Nothing is written when one is raised inside a service's transaction.
The message is translated into the active language when the error is made (a message id
wrapped in ``gettext``/``gettext_noop``, or a ``core.text.Text`` from the rules).
"""

from django.utils.translation import gettext_noop

from servicehall.core.i18n import translate


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None, fields: dict | None = None):
        message = translate(message)
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class Invalid(DomainError):
    status = 400


class NotAuthenticated(DomainError):
    status = 401

    def __init__(self, message: str = gettext_noop("请先登录。"), code: str = "not_authenticated"):
        super().__init__(code, message)


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = gettext_noop("您没有执行此操作的权限。"), code: str = "forbidden"):
        super().__init__(code, message)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str = gettext_noop("未找到。"), code: str = "not_found"):
        super().__init__(code, message)


class Conflict(DomainError):
    status = 409
