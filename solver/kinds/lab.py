"""A lab: the exam's code template, completed by a module of ``solver.labs``
(``template = "linear"``), verified by a checks module of ``solver.questions``
(``checks = "lab1"``; both names are looked up in the package's lists, never imported
as the exam file gives them), varied when that module draws versions (``Params``,
``AXES``, ``edits``: see :mod:`solver.questions.labkit`; the record's statement,
``paper_template``, readings and rubric are templates over its words), and
gradable when its record names a grader (``grader = "lab3"``: the pair
``solver/grading/checks/lab3.py`` and ``solver/grading/probes/lab3.py``).
"""

from __future__ import annotations

import random
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from solver.kinds.base import LmsItem, ModuleKind, PaperView
from solver.model import InputError, Meta, Solution
from solver.record import Question

# The graders are files of the grading package, listed here by name without importing it
# (the exam file's reader is part of the core, which imports no output).
GRADING = Path(__file__).resolve().parent.parent / "grading"
_SHARED = {"__init__", "base", "kit", "harness", "seccomp"}


def _natural(name: str) -> list[int | str]:
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", name)]


@cache  # asked once per lab record each time an exam file is read: list the folders once
def graders() -> tuple[str, ...]:
    """The names a lab record's ``grader`` may take: every NAME with both
    ``checks/NAME.py`` and ``probes/NAME.py`` (lab1, lab2, …, lab10 in that order)."""
    probes = {path.stem for path in (GRADING / "probes").glob("*.py")}
    found = {path.stem for path in (GRADING / "checks").glob("*.py")} & probes
    return tuple(sorted(found - _SHARED, key=_natural))


def _one_of(where: str, key: str, given: str, allowed: tuple[str, ...], what: str) -> None:
    """A name from the exam file is looked up in the package's list, never imported as
    given: an exam file is data."""
    if given not in allowed:
        raise InputError(f"{where}: {key} {given!r} is not {what} (one of "
                         f"{', '.join(allowed)})")


def _need_text(where: str, data: dict[str, Any], key: str) -> None:
    if not isinstance(data.get(key), str):
        raise InputError(f"{where}: '{key}' must be a str")


class Lab(ModuleKind):
    name: ClassVar[str] = "lab"
    css_class: ClassVar[str] = "kind-lab"
    gradable: ClassVar[bool] = True
    code_answers: ClassVar[bool] = True
    heavy_imports: ClassVar[bool] = True
    method: ClassVar[str] = "the completed lab templates run in PyTorch"
    reference: ClassVar[str] = "torch modules and autograd"

    def check_record(self, where: str, question: Question) -> Question:
        """A template and a checks module; readings, a list, stand before the template."""
        self.check_grids(where, question)
        if question.grader and question.grader not in graders():
            raise InputError(
                f"{where}: grader {question.grader!r} does not exist (one of "
                f"{', '.join(graders())}: solver/grading/checks/NAME.py with "
                "solver/grading/probes/NAME.py)")
        given = question.data.get("readings", [])
        if not isinstance(given, list) or not all(isinstance(t, str) and t for t in given):
            raise InputError(f"{where}: a lab's 'readings' must be a list of strings")
        for key in ("template", "checks", "paper_template"):
            _need_text(where, question.data, key)
        from solver.questions import LAB_CHECKS, lab_templates

        _one_of(where, "template", question.data["template"], lab_templates(),
                "a completed template of solver/labs")
        _one_of(where, "checks", question.data["checks"], LAB_CHECKS,
                "a lab checks module of solver/questions")
        versions = question.data.get("versions", False)
        if not isinstance(versions, bool):
            raise InputError(f"{where}: 'versions' must be true or false")
        if versions and not hasattr(self.module(question), "AXES"):
            raise InputError(f"{where}: versions = true, but checks "
                             f"{question.data['checks']!r} draws no versions (no AXES)")
        return question

    def module(self, question: Question) -> ModuleType:
        from solver.questions import labkit

        found: ModuleType = labkit.module_of(question)
        return found

    def solve(self, question: Question, params: Any, meta: Meta,
              words: dict[str, Any]) -> Solution:
        from solver.questions import labkit

        return labkit.solve(question, params, meta, words)

    def varies(self, question: Question) -> bool:
        """Only a record that asks for versions (``versions = true``: its words are
        templates over the version's) varies; another exam's record that reuses the
        module keeps its own version in every variant, as its words say."""
        return question.data.get("versions") is True and self.params_class(
            question) is not None and hasattr(self.module(question), "AXES")

    def sample(self, question: Question, rng: random.Random, variant: int,
               stable: random.Random) -> dict[str, Any]:
        from solver.questions import labkit

        return labkit.sample(self.module(question).AXES, rng)

    def axes(self, question: Question) -> dict[str, tuple[Any, ...]]:
        if not self.varies(question):
            return {}
        found: dict[str, tuple[Any, ...]] = self.module(question).AXES
        return found

    def key_entry(self, question: Question, solution: Solution) -> dict[str, Any]:
        """Its parameters (the version) and, per sub-question, the answer's code lines."""
        return {"params": solution.params,
                "parts": [{"label": p.label, "points": p.points, "lines": p.text.splitlines()}
                          for p in solution.parts]}

    def paper_view(self, question: Question, solution: Solution) -> PaperView:
        """The exam's own template (``paper_template``: its comments, hints and markers,
        never our completed one), as the version's words fill it in, and its figure in
        words, if any."""
        from solver.wording import fill_code

        # The solution keeps the words it was solved with (labkit.solve).
        template = fill_code(question.data["paper_template"], solution.words,
                             f"{question.id}, paper_template")
        figure = fill_code(question.data.get("figure", ""), solution.words,
                           f"{question.id}, figure")
        return replace(super().paper_view(question, solution), template=template,
                       figure=figure)

    def lms_item(self, question: Question, solution: Solution) -> LmsItem:
        view = self.paper_view(question, solution)
        return LmsItem("essay", template=view.template, figure=view.figure, code=True)
