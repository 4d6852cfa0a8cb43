"""The password rule (SEC-1), on top of Django's length, similarity and common-password checks.

``AUTH_PASSWORD_VALIDATORS`` (settings) lists the whole rule: at least 8 characters, not like
the user's name, not one of Django's 20,000 common passwords, no space at either end, and at
least three character classes.
"""

from django.contrib.auth.password_validation import CommonPasswordValidator, UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicehall.core.rules import password_classes

__all__ = [
    "CharacterClassValidator",
    "CommonPasswordValidator",
    "SurroundingSpaceValidator",
    "UserAttributeSimilarityValidator",
]


class CharacterClassValidator:
    """At least three of: lower case, upper case, digits, other characters."""

    def validate(self, password, user=None):
        if password_classes(password) < 3:
            raise ValidationError(
                _("密码须至少包含小写字母、大写字母、数字、符号中的三类。"),
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("至少使用小写字母、大写字母、数字、符号中的三类。")


class SurroundingSpaceValidator:
    """No space (or other blank) at the start or end: it is invisible, and easily lost when typed."""

    def validate(self, password, user=None):
        if password != password.strip():
            raise ValidationError(_("密码的开头和结尾不能是空格。"), code="password_surrounding_space")

    def get_help_text(self):
        return _("开头和结尾不能是空格。")
