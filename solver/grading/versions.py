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
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
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
    from solver.variants.seeded import check_seed, check_variant, question_draws, varies

    numbers = sorted({n for n in variants if n is not None})
    drawn: list[dict[str, Any]] = []
    if numbers:
        if seed is None:
            raise InputError("a variant needs its class's --seed")
        check_seed(seed)
        check_variant(numbers[0])
        check_variant(numbers[-1])
        if varies(question):  # solved and checked as for the papers
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


def _roster_bytes(path: str) -> bytes:
    """The roster file's bytes: a regular file (never a pipe or a device, which could
    block), at most MAX_ROSTER_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise InputError(f"--roster {path!r}: {error.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputError(f"--roster {path!r} is not a regular file")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_ROSTER_BYTES + 1)
    except OSError as error:
        raise InputError(f"--roster {path!r}: {error.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_ROSTER_BYTES:
        raise InputError(f"--roster {path!r} is larger than {MAX_ROSTER_BYTES >> 20} MiB")
    return data


def roster_key(name: str) -> str:
    """How a roster names a student or a submission: without case, a file name without
    its ``.py`` (so ``alice.py`` and ``alice`` are one key)."""
    key = name.strip().casefold()
    return key[:-3] if key.endswith(".py") and len(key) > 3 else key


def read_roster(path: str) -> dict[str, int]:
    """A roster: CSV rows of exactly two cells (a submission's file name, or one student
    id: email, SID or platform user id; and the variant), a header row allowed first
    (its second cell "variant"); every problem is an InputError naming the file and the
    row."""
    try:
        text = _roster_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"--roster {path!r} is not UTF-8 text") from None
    found: dict[str, tuple[int, int]] = {}  # key -> (variant, row)
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) > MAX_ROSTER_ROWS:
        raise InputError(f"--roster {path!r} has {len(rows)} rows; at most "
                         f"{MAX_ROSTER_ROWS}")
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        where = f"--roster {path!r}, row {number}"
        if len(cells) != 2 or not cells[0]:
            raise InputError(f"{where}: expected two cells, 'submission or student id, "
                             f"variant', got {len(cells)}")
        if number == 1 and cells[1].casefold() == "variant":  # the header
            continue
        if not (cells[1].isascii() and cells[1].isdigit()):
            raise InputError(f"{where}: variant {cells[1][:40]!r} is not a whole number")
        variant = int(cells[1])
        if not 1 <= variant <= 5000:
            raise InputError(f"{where}: variant {variant} is not in 1..5000")
        key = roster_key(cells[0])
        if key in found and found[key][0] != variant:
            raise InputError(f"{where}: {cells[0][:60]!r} is given variant {variant}, and "
                             f"variant {found[key][0]} on row {found[key][1]}")
        found[key] = (variant, number)
    if not found:
        raise InputError(f"--roster {path!r} lists no one")
    return {key: variant for key, (variant, _) in found.items()}


def roster_variant(roster: dict[str, int], *names: str) -> int | None:
    """The variant of the first of ``names`` (a file name, a student id or an email) that
    the roster lists, matched as :func:`roster_key` reads them; None when none is."""
    for name in names:
        if name:
            found = roster.get(roster_key(name))
            if found is not None:
                return found
    return None
