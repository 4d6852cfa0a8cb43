from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from servicehall.core.rules import password_classes


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
