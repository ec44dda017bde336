"""What is left of a long run, for its progress lines: "about 4 min left".

The estimate is the mean time of the steps done so far times the steps still to do; a
class command prints it with each step, so a lecturer who asked for 200 variants knows
early whether to wait or to come back later.
"""

from __future__ import annotations

import time


class Remaining:
    """Steps done of ``total``, and the time the rest will take at the pace so far."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.began = time.monotonic()

    def step(self) -> str:
        """Count one more step done; "(3 of 200; about 9 min left)"."""
        left = self.left()
        return f"({self.done} of {self.total}{'; ' + left if left else ''})"

    def left(self) -> str:
        """Count one more step done; "about 9 min left" ("" after the last)."""
        self.done += 1
        steps = self.total - self.done
        if steps <= 0:
            return ""
        seconds = (time.monotonic() - self.began) / self.done * steps
        return f"about {_duration(seconds)} left"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(round(seconds), 1)} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"
