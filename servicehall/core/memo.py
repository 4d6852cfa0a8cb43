"""Values a process keeps for a few seconds.

Configuration that the hottest requests read and that changes a few times a year (a kiosk's
line, a window with its center and policy, a hall device, a display's version) is kept per
process for a short time. The age is monotonic time, a memo's age, never the hall's clock.
A change made in the same process calls ``forget``; the other processes see it when their
memo runs out.
"""

import time


class Kept:
    """What ``load()`` returned for each key, kept for ``seconds`` (None included; a ``load``
    that raises keeps nothing)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._values: dict = {}

    def get(self, key, load):
        now = time.monotonic()
        memo = self._values.get(key)
        if memo is not None and memo[0] > now:
            return memo[1]
        value = load()
        self._values[key] = (now + self.seconds, value)
        return value

    def forget(self, **_signal) -> None:
        self._values.clear()
