"""A computed question: a solver module of ``solver.questions`` named by the record's
``solver`` (lecture1, …) computes its answers exactly and checks them.

The module gives ``Params`` (optional: the question's parameters), ``solve(params, meta)``,
and optionally ``context(params)`` (derived words for the templates), ``sample(rng)``
(a variant's parameters), ``wrong_paths(solution)``, ``GAPS`` or ``gaps(solution)`` (what a
platform asks for) and ``READINGS`` (the names of the readings it places).
"""

from __future__ import annotations

import importlib
import random
import re
from types import ModuleType
from typing import Any, ClassVar

from solver.kinds.base import LmsItem, ModuleKind
from solver.kinds.registry import KINDS
from solver.marking import AnswerGap, WrongPath
from solver.model import InputError, Meta, Solution
from solver.paper.fields import Field, GridField, WrittenField, written_lines
from solver.record import Question

PACKAGE = "solver.questions"
_READING = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


class Computed(ModuleKind):
    name: ClassVar[str] = "computed"
    css_class: ClassVar[str] = "kind-lecture"
    grids: ClassVar[bool] = True
    method: ClassVar[str] = "exact arithmetic with sympy rationals for the lecture computations"

    def module(self, question: Question) -> ModuleType:
        # Only a name of the package's list is imported (checked with the record too).
        return importlib.import_module(f"{PACKAGE}.{_registered(question.id, question)}")

    def check_record(self, where: str, question: Question) -> Question:
        """Its solver is one of the package's; its readings are a table of named
        templates, each placed by the solver."""
        _registered(where, question)
        self.check_grids(where, question)
        if "readings" not in question.data:
            return question
        from dataclasses import replace

        given = question.data["readings"]
        if not isinstance(given, dict):
            raise InputError(f"{where}: 'readings' must be a table of named templates "
                             "(name = \"text\"), each placed by the solver among its steps")
        for name, text in given.items():
            if not _READING.match(name):
                raise InputError(f"{where}: reading name {name!r} must be a lower-case name")
            if not isinstance(text, str) or not text.strip():
                raise InputError(f"{where}: reading {name!r} must be a non-empty string")
        data = {key: value for key, value in question.data.items() if key != "readings"}
        return replace(question, data=data,
                       readings={name: text.strip() for name, text in given.items()})

    def placed_readings(self, question: Question) -> tuple[str, ...]:
        placed: tuple[str, ...] = getattr(self.module(question), "READINGS", ())
        return placed

    def solve(self, question: Question, params: Any, meta: Meta,
              words: dict[str, Any]) -> Solution:
        solution: Solution = self.module(question).solve(params, meta)
        return solution

    def wrong_paths(self, question: Question, solution: Solution) -> tuple[WrongPath, ...]:
        module = self.module(question)
        if not hasattr(module, "wrong_paths"):
            return ()
        found = tuple(module.wrong_paths(solution))
        if not all(isinstance(path, WrongPath) for path in found):
            raise TypeError(f"{question.id}: wrong_paths must give WrongPath records")
        return found

    def varies(self, question: Question) -> bool:
        return self.params_class(question) is not None and hasattr(self.module(question),
                                                                   "sample")

    def sample(self, question: Question, rng: random.Random, variant: int,
               stable: random.Random) -> dict[str, Any]:
        return dict(self.module(question).sample(rng))

    def answer_gaps(self, question: Question, solution: Solution) -> tuple[AnswerGap, ...]:
        """The gaps its module declares for this solution: ``gaps(solution)``, else
        ``GAPS``; () when it declares neither (an explain question)."""
        module = self.module(question)
        if hasattr(module, "gaps") and hasattr(module, "GAPS"):
            raise TypeError(f"{question.id}: declare GAPS or gaps(solution), not both")
        found = tuple(module.gaps(solution) if hasattr(module, "gaps")
                      else getattr(module, "GAPS", ()))
        for gap in found:
            if not isinstance(gap, AnswerGap):
                raise TypeError(f"{question.id}: its gaps must be AnswerGap records, got {gap!r}")
            if gap.answer not in solution.answer:
                raise ValueError(f"{question.id}: gap {gap.answer!r} is not one of its answers "
                                 f"({', '.join(solution.answer)})")
            if gap.part >= len(question.parts):
                raise ValueError(f"{question.id}: gap {gap.answer!r} answers part {gap.part}; "
                                 f"the exam asks {len(question.parts)} (0 is the first)")
        return found

    def lms_item(self, question: Question, solution: Solution) -> LmsItem:
        gaps = self.answer_gaps(question, solution)
        return LmsItem("gaps", gaps=gaps) if gaps else LmsItem("essay")


    def booklet_fields(self, question: Question, solution: Solution) -> tuple[Field, ...]:
        """A part whose exam record declares a grid and that asks one value in this
        variant: the grid (its decimals, when the record leaves them out, are the policy's:
        left to the booklet, None here) and a smaller area for the working; else a ruled
        area."""
        gaps = self.answer_gaps(question, solution)
        fields: list[Field] = []
        for position, part in enumerate(question.parts):
            asked = [gap for gap in gaps if gap.part == position]
            if part.grid and len(asked) == 1 and not asked[0].cells:
                fields.append(GridField(question.id, part.label, part.points, part.grid.sign,
                                        part.grid.digits, part.grid.decimals, asked[0].answer))
                fields.append(WrittenField(question.id, part.label, part.points,
                                           written_lines(part.points), working=True))
            else:
                fields.append(WrittenField(question.id, part.label, part.points,
                                           written_lines(part.points)))
        return tuple(fields)


def _registered(where: str, question: Question) -> str:
    """The record's ``solver`` when it is a computed question's module of the package's
    list (``solver.questions.SOLVERS``), else an InputError listing the names allowed."""
    from solver.questions import SOLVERS

    if question.solver not in SOLVERS:
        named = [name for name in KINDS if name != Computed.name]
        raise InputError(
            f"{where}: solver {question.solver!r} does not exist (one of "
            f"{', '.join(SOLVERS)}, or a kind: {', '.join(named)})")
    return question.solver
