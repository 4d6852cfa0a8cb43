"""URL converters for pages. ``<id:...>`` is ``<int:...>`` bounded to what every database can
hold (1 … 2^63 − 1): a longer number names no record and answers the product's 404 page,
never an overflow in the database driver."""

from django.urls import register_converter
from django.urls.converters import get_converters

ID_MAX = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError(value)  # the resolver tries the next pattern, then answers 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    if "id" not in get_converters():
        register_converter(IdConverter, "id")
