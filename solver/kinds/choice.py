"""A multiple-choice question: all data in its record (options, key, justification,
distractor, citation); a variant prints the options in another order
(``solver.questions.choice``)."""

from __future__ import annotations

import random
from typing import Any, ClassVar

from solver.kinds.base import Kind, LmsItem, PaperView
from solver.model import InputError, Meta, Solution
from solver.paper.fields import ChoiceField, Field
from solver.record import Question

LETTERS = ("A", "B", "C", "D", "E", "F")


class Choice(Kind):
    name: ClassVar[str] = "choice"
    # The class the sheet's stylesheet gives its questions (named after the papers
    # section that held them before kinds decided; kept so the sheet's HTML is unchanged).
    css_class: ClassVar[str] = "kind-paper"
    condensed: ClassVar[bool] = True

    def check_record(self, where: str, question: Question) -> Question:
        question = super().check_record(where, question)
        options = question.data.get("options")
        if not isinstance(options, dict):
            raise InputError(f"{where}: 'options' must be a dict")
        letters = tuple(options)
        if not 2 <= len(letters) <= len(LETTERS) or letters != LETTERS[: len(letters)]:
            raise InputError(f"{where}: options must be lettered A, B, C, … in order")
        if not all(isinstance(text, str) and text for text in options.values()):
            raise InputError(f"{where}: every option must be a non-empty string")
        for name in ("key", "justification", "distractor", "citation"):
            if not isinstance(question.data.get(name), str):
                raise InputError(f"{where}: '{name}' must be a str")
        if question.data["key"] not in options:
            raise InputError(f"{where}: key must be one of the options {', '.join(letters)}")
        return question

    def params_class(self, question: Question) -> type[Any] | None:
        from solver.questions.choice import Params

        return Params

    def solve(self, question: Question, params: Any, meta: Meta,
              words: dict[str, Any]) -> Solution:
        from solver.questions import choice

        return choice.solve(question, meta, params)

    def varies(self, question: Question) -> bool:
        return True

    def sample(self, question: Question, rng: random.Random, variant: int,
               stable: random.Random) -> dict[str, Any]:
        from solver.questions.choice import sample

        return sample(rng, question, variant, stable)

    def printed(self, question: Question, solution: Solution) -> dict[str, str]:
        """The options as this variant prints them."""
        from solver.questions.choice import options

        return options(question, solution.params.get("order", ""))

    def key_entry(self, question: Question, solution: Solution) -> dict[str, Any]:
        return {**super().key_entry(question, solution),
                "options": self.printed(question, solution)}

    def letters(self, question: Question) -> tuple[str, ...]:
        return tuple(question.data["options"])

    def key_letter(self, solution: Solution) -> str | None:
        return str(solution.answer.get("choice", "")) or solution.parts[0].text[:1]

    def paper_view(self, question: Question, solution: Solution) -> PaperView:
        return PaperView(options=self.printed(question, solution))

    def lms_item(self, question: Question, solution: Solution) -> LmsItem:
        from solver.questions.choice import key

        return LmsItem("choice", options=tuple(self.printed(question, solution).items()),
                       right=key(question, solution.params.get("order", "")),
                       why=question.data["justification"])

    def booklet_fields(self, question: Question, solution: Solution) -> tuple[Field, ...]:
        return (ChoiceField(question.id, tuple(self.printed(question, solution)),
                            question.total),)
