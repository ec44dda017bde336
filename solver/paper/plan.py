"""Who gets which booklet, and what each booklet asks: the variants solved and verified
once, each question's fields from its kind, a grid's decimals from the tolerance policy
(the decimals the platform exports ask), and a check that every key fits its grid."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from solver.kinds import kind_of
from solver.lms import tolerance as policy
from solver.lms.plan import planned
from solver.model import SelfCheckError, Solution
from solver.paper.fields import Field, GridField
from solver.paper.roster import Student
from solver.record import Exam, Question


@dataclass(frozen=True)
class Booklet:
    number: int  # 1, 2, …: the page code's booklet
    variant: int
    student: Student | None
    fields: tuple[Field, ...]


def exam_id(exam: Exam) -> int:
    """16 bits of the exam's fingerprint (its title, questions and points): a page of
    another exam's booklets is refused."""
    shape = [exam.title, [[q.id, [[p.label, p.points] for p in q.parts]]
                          for q in exam.questions.values()]]
    digest = hashlib.sha256(json.dumps(shape).encode()).digest()
    return int.from_bytes(digest[:2], "big")


def variant_of(index: int, count: int) -> int:
    """Booklet ``index`` (0, 1, …) takes variant index mod count + 1: every variant in
    turn, so a class of ``count`` students has one each."""
    return index % count + 1


def fields(questions: list[Question], solutions: dict[str, Solution], variant: int
           ) -> tuple[Field, ...]:
    found: list[Field] = []
    for question in questions:
        solution = solutions[question.id]
        for field in kind_of(question).booklet_fields(question, solution):
            found.append(_resolved(question, solution, variant, field)
                         if isinstance(field, GridField) else field)
    return tuple(found)


def _resolved(question: Question, solution: Solution, variant: int, grid: GridField
              ) -> GridField:
    """The grid with its decimals, checked to hold the variant's key rounded to them."""
    gaps = [gap for gap in planned(question, solution, variant).gaps
            if gap.key == grid.answer and not gap.index]
    if len(gaps) != 1:
        raise SelfCheckError(f"{question.id} variant {variant}: the grid's value "
                             f"{grid.answer!r} is not one gap of the plan")
    gap = gaps[0]
    decimals = gap.places if grid.decimals is None else grid.decimals
    shown = policy.rounded(gap.exact, decimals)
    where = f"{question.id} variant {variant}: the key {policy.decimal_text(shown)}"
    if abs(shown - gap.exact) > gap.tolerance:
        raise SelfCheckError(f"{where} at {decimals} decimals is outside its tolerance; "
                             "the exam file's grid needs more decimals")
    if abs(shown) >= 10**grid.digits:
        raise SelfCheckError(f"{where} does not fit the grid's {grid.digits} digits")
    if shown < 0 and not grid.sign:
        raise SelfCheckError(f"{where} is negative and the grid has no sign box")
    if grid.digits + decimals > 14:
        raise SelfCheckError(f"{where}: a grid of more than 14 columns is not legible")
    return replace(grid, decimals=decimals)
