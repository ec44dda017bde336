"""Which version of a lab a submission is graded against: the exam's own, one class
variant's (``--seed S --variant N``), or each submission's own from a roster
(``--roster FILE``: a CSV of submission file name or student id, and variant).

A variant's version is drawn exactly as ``solver variants`` draws it for the question
papers and ``key.json`` (the same function, the same seed), and verified by the lab's
checks against torch before anything is graded against it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from solver.model import InputError, SelfCheckError, failed_check_message
from solver.record import Question

MAX_ROSTER_BYTES = 4 << 20
MAX_ROSTER_ROWS = 20_000


@dataclass(frozen=True)
class LabVersion:
    """One version of a lab: its parameters (the lab module's ``Params``; None for a lab
    without variants), the same as JSON for the sandbox's probe (``raw``), and its
    completed template, loaded (``module``, our code)."""

    variant: int | None  # None: the exam's own version
    params: Any
    raw: dict[str, Any]
    source: str
    module: ModuleType = field(repr=False)

    @property
    def label(self) -> str:
        return "the exam's version" if self.variant is None else f"variant {self.variant}"


def version(question: Question, seed: int | None = None,
            variant: int | None = None) -> LabVersion:
    """The exam's version of ``question`` (no seed), or variant ``variant`` of class
    ``seed``, its checks passed (a failed one is a SelfCheckError naming variant, lab and
    check)."""
    return versions(question, seed, [variant])[variant]


def versions(question: Question, seed: int | None,
             variants: Sequence[int | None]) -> dict[int | None, LabVersion]:
    """Each of ``variants`` (None: the exam's own version) of class ``seed``, drawn in one
    pass up to the largest (a roster of thousands draws each variant once, not once per
    row), each checked."""
    from solver.variants.seeded import CEILING, MAX_SEED, question_draws, varies

    numbers = sorted({n for n in variants if n is not None})
    if numbers and (seed is None or not 0 <= seed < MAX_SEED):
        raise InputError(f"a variant needs its class's --seed (0..{MAX_SEED - 1})")
    if numbers and not 1 <= numbers[0] <= numbers[-1] <= CEILING:
        raise InputError(f"--variant must be in 1..{CEILING}, got "
                         f"{numbers[0] if numbers[0] < 1 else numbers[-1]}")
    drawn: list[dict[str, Any]] = []
    if numbers and varies(question):  # solved and checked as for the papers
        assert seed is not None
        drawn = [s.params for s in question_draws(seed, question, numbers[-1])]
    return {n: _checked(question, n, drawn[n - 1] if n is not None and drawn else {})
            for n in dict.fromkeys(variants)}


def _checked(question: Question, variant: int | None, raw: dict[str, Any]) -> LabVersion:
    from solver.engine import make_params
    from solver.params import as_dict
    from solver.questions import labkit

    params = make_params(question, raw)
    code = labkit.version_source(question, params)
    checks = labkit.verified(question.data["checks"], code, params, question.data["template"])
    failed = [check for check in checks if not check.passed]
    if failed:
        where = f"variant {variant}: " if variant is not None else ""
        raise SelfCheckError(where + failed_check_message(question.id, failed))
    return LabVersion(variant, params, as_dict(params) if params is not None else {}, code,
                      labkit.load(code, question.data["template"]))


def paper_template(question: Question, version: LabVersion) -> str:
    """The template the version's question paper shows (what a student completed)."""
    from solver.engine import solve
    from solver.kinds import kind_of

    solution = solve(question, version.raw if version.variant is not None else None)
    return kind_of(question).paper_view(question, solution).template


def read_roster(path: str) -> dict[str, int]:
    """A roster: CSV rows of (submission file name or student id, variant), an optional
    header row; every problem is an InputError naming the file and the row."""
    file = Path(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as error:
        raise InputError(f"--roster {path!r}: {error.strerror}") from None
    if len(data) > MAX_ROSTER_BYTES:
        raise InputError(f"--roster {path!r} is larger than {MAX_ROSTER_BYTES >> 20} MiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"--roster {path!r} is not UTF-8 text") from None
    found: dict[str, int] = {}
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROSTER_ROWS:
        raise InputError(f"--roster {path!r} has {len(rows)} rows; at most "
                         f"{MAX_ROSTER_ROWS}")
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0]:
            raise InputError(f"--roster {path!r}, row {number}: expected 'submission or "
                             "student id, variant'")
        if not cells[1].isdigit():
            if number == 1 and not found:  # a header row
                continue
            raise InputError(f"--roster {path!r}, row {number}: variant {cells[1][:40]!r} "
                             "is not a whole number")
        variant = int(cells[1])
        if not 1 <= variant <= 5000:
            raise InputError(f"--roster {path!r}, row {number}: variant {variant} is not in "
                             "1..5000")
        key = cells[0].casefold()
        if key in found and found[key] != variant:
            raise InputError(f"--roster {path!r}, row {number}: {cells[0][:60]!r} is given "
                             f"variant {found[key]} and {variant}")
        found[key] = variant
    if not found:
        raise InputError(f"--roster {path!r} lists no one")
    return found


def roster_variant(roster: dict[str, int], *names: str) -> int | None:
    """The variant of the first of ``names`` (a file name, its stem, a student id or an
    email) that the roster lists, matched without regard to case; None when none is."""
    for name in names:
        if not name:
            continue
        for key in (name, Path(name).stem) if name.endswith(".py") else (name,):
            found = roster.get(key.strip().casefold())
            if found is not None:
                return found
    return None
