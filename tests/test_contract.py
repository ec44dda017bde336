"""Every question of the exam file: solves with its defaults, parts, rubric, every renderer."""

from __future__ import annotations

import json

import pytest

from solver.exam import read_exam
from solver.registry import entries, exam
from solver.render import FORMATS, render
from tests.conftest import ROOT, solve

IDS = list(entries())


@pytest.mark.parametrize("question_id", IDS)
def test_question_contract(question_id: str) -> None:
    solution = solve(question_id)
    question = entries()[question_id].meta
    assert solution.steps and solution.answer
    assert set(solution.answer) == set(solution.answer_text)
    assert not solution.failed_checks
    if question.solver != "choice":
        assert solution.checks, "a computed question must verify itself"
    # Parts and rubric: one per exam sub-question, in the exam's order, with its points.
    labels = [part.label for part in question.parts]
    assert [part.label for part in solution.parts] == labels
    assert [line.part for line in solution.rubric] == labels
    assert sum(part.points for part in solution.parts) == question.total
    assert all(part.text.strip() for part in solution.parts)
    assert all(line.text.strip() for line in solution.rubric)
    data = json.loads(render(solution, "json"))
    assert data["id"] == question_id
    assert [p["label"] for p in data["parts"]] == labels
    for fmt in FORMATS:
        assert render(solution, fmt).strip()


def test_exam_points() -> None:
    """The bundled exam file holds every question with the exam's points: 38 + 38 + 14."""
    questions = read_exam(ROOT / "solver" / "exams" / "deep_learning").questions
    totals: dict[str, int] = {}
    counts: dict[str, int] = {}
    for question in questions.values():
        totals[question.section] = totals.get(question.section, 0) + question.total
        counts[question.section] = counts.get(question.section, 0) + 1
    assert counts == {"lab": 8, "lecture": 8, "paper": 14}
    assert totals == {"lab": 38, "lecture": 38, "paper": 14}
    assert exam().total == 90
