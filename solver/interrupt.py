"""A stop signal (SIGINT, SIGTERM, SIGHUP) as an exception, and a record that it came.

The CLI's handler raises :class:`Signalled` wherever the main thread is, so cleanup runs.
Raised inside a finalizer (``__del__``, a weakref callback), Python prints it and drops
it; the record lets the next :func:`check` (each progress line, the final write) raise it
again, so a dropped signal still stops the build.
"""

from __future__ import annotations

received: list[int] = []


class Signalled(BaseException):
    """SIGINT, SIGTERM or SIGHUP, raised where the program is, so cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def check() -> None:
    """Raise the stop signal that came, if its first exception was dropped."""
    if received:
        raise Signalled(received[0])
