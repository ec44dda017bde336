"""The protocol every kind of question implements, and what it hands to the outputs.

A kind (computed, lab, multiple choice, …) is one subclass of :class:`Kind` that overrides
only what differs from the defaults here. Everything that treats questions differently
asks the question's kind: the exam file's reader (what a record may hold), the engine
(parameters, words, solving), the variants (sampling, ``key.json``), the question papers,
the learning-platform plan, the sheet and its key at a glance. Nothing else branches on
kind; the exam's sections are presentation only.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar

from solver.marking import AnswerGap, WrongPath
from solver.model import InputError, Meta, Solution
from solver.paper.fields import Field, WrittenField, written_lines
from solver.record import Question


@dataclass(frozen=True)
class PaperView:
    """What a student's question paper shows of a question beyond its words, all of it
    the exam's: a lab's template to complete, the options as printed, a figure in words."""

    template: str = ""
    options: dict[str, str] = field(default_factory=dict)
    figure: str = ""


@dataclass(frozen=True)
class LmsItem:
    """What a question becomes on a learning platform, before any platform's format.

    ``form`` is "gaps" (numerical gaps, marked by the platform), "choice" (one right
    option) or "essay" (marked by hand from the worked answer).
    """

    form: str
    gaps: tuple[AnswerGap, ...] = ()
    options: tuple[tuple[str, str], ...] = ()  # choice: (letter, statement) as printed
    right: str = ""  # choice: the right letter
    why: str = ""  # choice: the right option's feedback
    template: str = ""  # essay: the code a student completes ("" for none)
    figure: str = ""  # essay: the exam's figure, in words
    code: bool = False  # essay: the response is code

    def __post_init__(self) -> None:
        if self.form not in ("gaps", "choice", "essay"):
            raise ValueError(f"an LMS item's form is gaps, choice or essay, not {self.form!r}")
        if (self.form == "gaps") != bool(self.gaps):
            raise ValueError("an item has gaps exactly when its form is gaps")
        if (self.form == "choice") != bool(self.options) or (
                self.options and self.right not in dict(self.options)):
            raise ValueError("a choice item has options, one of them right")


class Kind:
    """One kind of question. A subclass sets ``name`` and ``css_class`` and implements
    ``solve``; every other method has a default that fits a question without parameters,
    variants, wrong paths or gaps."""

    name: ClassVar[str]
    css_class: ClassVar[str]  # the stylesheet's class of its questions on the sheet
    gradable: ClassVar[bool] = False  # its record may name a grader (``solver grade``)
    code_answers: ClassVar[bool] = False  # its answers are code: listings, the key's code rows
    # Solving it imports something heavy (torch): the sheet solves such questions in a
    # second process while the first solves the rest.
    heavy_imports: ClassVar[bool] = False
    # Condensed on the sheet: its "Answer:" step is shown as its answer box, lines such as
    # "Why:" get a label, and a rubric of one line is left out (it would repeat the answer).
    condensed: ClassVar[bool] = False
    # Its parts may declare a digit grid for their final value on the answer booklet.
    grids: ClassVar[bool] = False
    # The cover's "how this sheet was produced" and "how it was verified", for a sheet
    # that holds questions of this kind ("" claims nothing).
    method: ClassVar[str] = ""
    reference: ClassVar[str] = ""

    # --- the exam record --------------------------------------------------------------

    def check_record(self, where: str, question: Question) -> Question:
        """The record, checked (an InputError naming ``where``) and with its readings
        read out of its data. By default a record may give no readings."""
        if "readings" in question.data:
            raise InputError(f"{where}: a {self.name} question has no 'readings'")
        return self.check_grids(where, question)

    def check_grids(self, where: str, question: Question) -> Question:
        """Only a kind that marks final values (``grids``) gives a part a digit grid."""
        if not self.grids and any(part.grid for part in question.parts):
            raise InputError(f"{where}: a {self.name} question's parts have no 'grid'")
        return question

    # --- solving --------------------------------------------------------------------

    def params_class(self, question: Question) -> type[Any] | None:
        """The question's parameter class; None when it takes no parameters."""
        return None

    def context(self, question: Question, params: Any) -> dict[str, Any]:
        """What the question's templates may name: its parameters (and derived values)."""
        if params is None:
            return {}
        from solver.params import as_dict

        return as_dict(params)

    def placed_readings(self, question: Question) -> tuple[str, ...]:
        """The names of the readings its solver places among the steps."""
        return ()

    def solve(self, question: Question, params: Any, meta: Meta,
              words: dict[str, Any]) -> Solution:
        raise NotImplementedError

    def wrong_paths(self, question: Question, solution: Solution) -> tuple[WrongPath, ...]:
        """The known mistakes of this solution, each with its answer key, value and credit."""
        return ()

    # --- variants and their key -------------------------------------------------------

    def varies(self, question: Question) -> bool:
        """Whether its variants differ (else it is solved once, the exam's text)."""
        return False

    def sample(self, question: Question, rng: random.Random, variant: int,
               stable: random.Random) -> dict[str, Any]:
        """One variant's raw parameters. ``rng`` is the variant's own; ``stable`` is drawn
        from once per question and class (the same in every variant)."""
        return {}

    def key_entry(self, question: Question, solution: Solution) -> dict[str, Any]:
        """The question's entry in a variant of ``key.json``."""
        return {
            "params": solution.params,
            "answer": solution.answer,
            "parts": [{"label": p.label, "points": p.points, "text": p.text}
                      for p in solution.parts],
        }

    def axes(self, question: Question) -> dict[str, tuple[Any, ...]]:
        """The parameters its versions are drawn along, each with its values ({} when its
        variants are not drawn from a few choices): ``stress`` reports which change the
        answer."""
        return {}

    def letters(self, question: Question) -> tuple[str, ...]:
        """The letters its key may take (a multiple-choice question's options), else ()."""
        return ()

    def key_letter(self, solution: Solution) -> str | None:
        """The letter the key at a glance shows in its letters table; None for an answer
        that stands in the key's rows (a row per sub-question)."""
        return None

    # --- what students and platforms see -------------------------------------------------

    def paper_view(self, question: Question, solution: Solution) -> PaperView:
        """What a student's paper shows besides the words: by default the record's figure
        in words (``figure``), if the exam file gives one."""
        return PaperView(figure=question.data.get("figure", ""))

    def lms_item(self, question: Question, solution: Solution) -> LmsItem:
        return LmsItem("essay", code=self.code_answers)

    def booklet_fields(self, question: Question, solution: Solution) -> tuple[Field, ...]:
        """What the paper answer booklet asks of it: by default a ruled area a part,
        sized by its points (code takes more room)."""
        return tuple(WrittenField(question.id, part.label, part.points,
                                  written_lines(part.points, self.code_answers))
                     for part in question.parts)


class ModuleKind(Kind):
    """A kind whose questions each have a module of ``solver.questions`` (a computed
    question's solver, a lab's checks): its ``Params`` are the question's parameters and
    its ``context(params)`` adds derived words for the exam file's templates."""

    def module(self, question: Question) -> ModuleType:
        raise NotImplementedError

    def params_class(self, question: Question) -> type[Any] | None:
        cls: type[Any] | None = getattr(self.module(question), "Params", None)
        return cls

    def context(self, question: Question, params: Any) -> dict[str, Any]:
        words = super().context(question, params)
        module = self.module(question)
        if params is not None and hasattr(module, "context"):
            words.update(module.context(params))
        return words
