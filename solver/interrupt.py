"""A stop signal (SIGINT, SIGTERM, SIGHUP) as an exception, and a record that it came.

The CLI's handler raises :class:`Signalled` wherever the main thread is, so cleanup runs;
inside :func:`held_back` it only records the signal, raised when that step is over.
Raised inside a finalizer (``__del__``, a weakref callback), Python prints it and drops
it; the record lets the next :func:`check` (each progress line, the final write) raise it
again, so a dropped signal still stops the build.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

received: list[int] = []
held: list[bool] = []  # non-empty while a step runs that must finish once begun


class Signalled(BaseException):
    """SIGINT, SIGTERM or SIGHUP, raised where the program is, so cleanup runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def check() -> None:
    """Raise the stop signal that came, if its first exception was dropped."""
    if received:
        raise Signalled(received[0])


@contextlib.contextmanager
def held_back() -> Iterator[None]:
    """A step that must finish once begun (swapping a folder into place): a stop signal
    that comes meanwhile is recorded, not raised, and raised when the step is over.
    (Blocking the signal would not do: a process-directed signal reaches any thread that
    does not block it, such as a BLAS worker's, and Python runs the handler in the main
    thread all the same.)"""
    held.append(True)
    try:
        yield
    finally:
        held.pop()
    check()
