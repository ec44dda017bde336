"""The active exam's questions, by id, without importing any solver.

The registry reads the exam file (``tomllib`` only), so ``solver list`` knows ids, titles
and points without sympy or torch. ``solver --exam PATH`` selects another exam folder.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from solver.exam import BUNDLED, exam_file, read_exam
from solver.model import InputError
from solver.record import EXAM_FILE, Exam, Question

_active: list[Path] = [BUNDLED / EXAM_FILE]


@cache
def _read(path: Path) -> Exam:
    return read_exam(path)


def use_exam(path: str | Path) -> Exam:
    """Make the exam file ``path`` names (a folder's exam.toml, or the file itself) the
    active one, validated now, not on first use."""
    file = exam_file(path).resolve()
    chosen = _read(file)
    _active[0] = file
    return chosen


def exam() -> Exam:
    return _read(_active[0])


@dataclass(frozen=True)
class Entry:
    module: str
    meta: Question


def entries() -> dict[str, Entry]:
    """The active exam's questions by id, in exam order."""
    return {qid: Entry(q.solver, q) for qid, q in exam().questions.items()}


def chosen(only: list[str] | None) -> list[Question]:
    """The questions an ``--only ID ...`` names, each once in the order given (every
    question of the active exam when none are named); an unknown id is an InputError."""
    if not only:
        return [entry.meta for entry in entries().values()]
    return [lookup(qid).meta for qid in dict.fromkeys(only)]


def lookup(question_id: str) -> Entry:
    known = exam().questions
    if question_id in known:
        return Entry(known[question_id].solver, known[question_id])
    near = difflib.get_close_matches(question_id, list(known), n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise InputError(
        f"unknown question id {question_id!r}{hint} (see 'solver list' for all ids)"
    )
