"""Solving one question of the active exam: parameters, words, solver, parts, rubric.

The exam file holds the words and points; a question's kind (``solver.kinds``) holds the
code that solves it. This module joins them: it builds the validated parameters (the exam
file's ``params`` over the kind's defaults, then the user's), fills the statement and
sub-question templates, has the kind solve it, and attaches the parts and rubric in the
exam's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from solver.kinds import kind_of
from solver.model import Ask, BuildError, InputError, Meta, PartAnswer, Rubric, Solution
from solver.params import build
from solver.record import Question
from solver.wording import fill


def make_params(question: Question, raw: Mapping[str, Any] | None = None) -> Any:
    """The question's validated parameters: exam-file values over defaults, then ``raw``."""
    cls = kind_of(question).params_class(question)
    merged = {**question.params, **(raw or {})}
    if cls is None:
        if merged:
            raise InputError(f"question {question.id} takes no parameters")
        return None
    return build(cls, merged)


def context(question: Question, params: Any, exam_print: bool = True) -> dict[str, Any]:
    """What the templates may name: the parameters, the solver's derived values, and
    ``exam_print``: whether the question is as the exam printed it (no parameter
    changed), so a reading of the exam's own misprint can be left out of a variant,
    whose paper we print."""
    return {**kind_of(question).context(question, params), "exam_print": exam_print}


def meta(question: Question, words: Mapping[str, Any]) -> Meta:
    return Meta(
        id=question.id, title=fill(question.title, words, f"{question.id}, title"),
        question=fill(question.statement, words, question.id),
        asks=tuple(Ask(part.label, part.points, fill(part.ask, words, question.id))
                   for part in question.parts),
        readings=readings(question, words),
        kind=kind_of(question).name,
    )


def readings(question: Question, words: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The record's reading notes filled in with the question's words, by name. A name
    its solver does not place (``READINGS``), or a template that does not fill in, is the
    exam file's error: one line naming the file, the question and the reading."""
    if not question.readings:
        return ()
    placed = kind_of(question).placed_readings(question)
    where = question.origin or question.id
    filled = []
    for name, template in question.readings.items():
        if name not in placed:
            raise InputError(
                f"{where}: reading {name!r} is not one that solver {question.solver!r} "
                f"places (it places: {', '.join(placed) or 'none'})")
        text = fill(template, words, f"{where}, reading {name!r}")
        if text:  # a reading may apply to the exam's own print only (``exam_print``)
            filled.append((name, text))
    return tuple(filled)


def solve_question(question: Question, params: Any, exam_print: bool = True) -> Solution:
    """Solve with validated ``params`` (from :func:`make_params`); ``exam_print`` as
    for :func:`context`."""
    words = context(question, params, exam_print)
    solution = kind_of(question).solve(question, params, meta(question, words), words)
    return _finish(question, solution, words)


def solve(question: Question, raw: Mapping[str, Any] | None = None) -> Solution:
    return solve_question(question, make_params(question, raw), exam_print=not raw)


def _finish(question: Question, solution: Solution, words: dict[str, Any]) -> Solution:
    """Parts and rubric from the exam's sub-questions; a missing part is a solver defect.

    A solver names its parts with the bundled exam's labels; another exam may label the
    same sub-questions differently ("a", "b"), so they are matched in order.
    """
    labels = [part.label for part in question.parts]
    given = list(solution.part_text)
    if set(given) != set(labels):
        if len(given) != len(labels):
            raise BuildError(
                f"{question.id}: the solver answers {len(given)} sub-questions "
                f"({', '.join(given) or 'none'}), the exam asks {len(labels)}"
            )
        solution.part_text = dict(zip(labels, solution.part_text.values(), strict=True))
    filled = {**words, **solution.answer_text, **solution.words}
    solution.parts = [PartAnswer(p.label, p.points, solution.part_text[p.label],
                                 fill(p.key, filled, question.id) if p.key else "")
                      for p in question.parts]
    solution.rubric = [Rubric(p.label, p.points, fill(p.rubric, filled, question.id))
                       for p in question.parts]
    return solution
