"""Every registered question: metadata, solves with its defaults, JSON, every renderer."""

from __future__ import annotations

import json

import pytest

from solver.registry import MODULES, entries, load
from solver.render import FORMATS, render
from tests.conftest import solve

IDS = list(entries())


def test_registry_reads_every_module() -> None:
    assert len(IDS) == len(MODULES), "a module in MODULES has no META literal"


@pytest.mark.parametrize("question_id", IDS)
def test_question_contract(question_id: str) -> None:
    module = load(question_id)
    assert entries()[question_id].meta == module.META  # the ast reading matches the import
    solution = solve(question_id)
    assert solution.steps and solution.answer
    assert set(solution.answer) == set(solution.answer_text)
    assert not solution.failed_checks
    if solution.meta.kind != "paper":
        assert solution.checks, "a computed question must verify itself"
    assert sum(line.points for line in solution.rubric) == solution.meta.total
    assert {line.part for line in solution.rubric} == set(solution.meta.points)
    data = json.loads(render(solution, "json"))
    assert data["id"] == question_id
    assert json.loads(json.dumps(data)) == data
    for fmt in FORMATS:
        assert render(solution, fmt).strip()


def test_exam_points() -> None:
    totals: dict[str, int] = {}
    for entry in entries().values():
        totals[entry.meta.kind] = totals.get(entry.meta.kind, 0) + entry.meta.total
    expected = {"lab": 38, "lecture": 38, "paper": 14}
    for kind, total in totals.items():
        # A complete section must add up to the exam's points.
        count = sum(1 for e in entries().values() if e.meta.kind == kind)
        if count == (14 if kind == "paper" else 8):
            assert total == expected[kind]
