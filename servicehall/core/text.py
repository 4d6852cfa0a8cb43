"""Sentences written where Django is not imported (the rules modules), translated where shown.

``gettext_noop("本办件已%(state)s。", state=...)`` marks the message id for the catalogue (the
extractor knows the name) and returns a :class:`Text`: the Chinese sentence itself, which also
keeps its message id and values. ``servicehall.core.i18n.translate`` turns it into the reader's
language where it is shown (``DomainError`` does so for every refusal).
"""


class Text(str):
    """A Chinese sentence that remembers its message id and the values put into it."""

    msgid: str
    values: dict

    def __new__(cls, msgid: str, values: dict | None = None):
        values = values or {}
        text = super().__new__(cls, msgid % values if values else msgid)
        text.msgid = msgid
        text.values = values
        return text


def gettext_noop(msgid: str, /, **values) -> Text:
    """Mark ``msgid`` for translation; fill in ``values`` (``%(name)s``) now, translate later."""
    return Text(msgid, values)
