"""``solver grade``: students' completed lab templates run in a sandbox and scored per
sub-question against the reference solutions in ``solver.labs``.

- ``cli``: the command's arguments (standard library only) and ``run``;
- ``grader``: finds the submissions, runs them ``--jobs`` at a time, scores them;
- ``isolation`` and ``sandbox``: the sandbox (bwrap where it works, limits, seccomp)
  and one run in it; ``protocol``: the result stream, parsed defensively;
- ``probes``: what runs inside the sandbox (standalone: stdlib and torch, never
  ``solver``), and the seeded inputs both sides share;
- ``checks``: per grader, the reference and the rule that turns results into verdicts;
- ``compare``: tolerances and first-wrong-element messages; ``report``: the formats.

A lab of the exam file is gradable when its record names a grader (``grader = "lab3"``):
the pair ``checks/lab3.py`` and ``probes/lab3.py``. :func:`graders` lists the pairs
that exist; importing this package imports nothing else (the exam file's validation
calls it).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
_SHARED = {"__init__", "base", "kit", "harness", "seccomp"}


def _natural(name: str) -> list[int | str]:
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]


@cache  # asked once per lab record each time an exam file is read: list the folders once
def graders() -> tuple[str, ...]:
    """The names a lab record's ``grader`` may take: every NAME with both
    ``checks/NAME.py`` and ``probes/NAME.py`` (lab1, lab2, …, lab10 in that order)."""
    probes = {path.stem for path in (HERE / "probes").glob("*.py")}
    found = {path.stem for path in (HERE / "checks").glob("*.py")} & probes
    return tuple(sorted(found - _SHARED, key=_natural))
