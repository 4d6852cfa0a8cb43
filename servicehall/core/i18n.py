"""Translation of sentences made before the reader's language was known."""

from django.utils.translation import gettext

from servicehall.core.text import Text


def translate(message):
    """``message`` in the active language: a :class:`Text` with its values translated as well,
    a plain message id through the catalogue; anything else (data, English) as it is."""
    if isinstance(message, Text):
        if not message.values:
            return gettext(message.msgid)
        values = {k: translate(v) for k, v in message.values.items()}
        return gettext(message.msgid) % values
    if isinstance(message, str) and message:
        return gettext(message)
    return message
