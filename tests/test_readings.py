"""Readings belong to the exam, not to a solver.

A reading note says how the sheet reads a misprint or a lost figure of one exam's text. A
computed question's notes are named templates on its exam record; its solver places each
name at its step. So the bundled sheet keeps its notes where they were, another exam that
reuses a solver cites none of the bundled exam's misprints, and the cover claims only what
the sheet holds (labs in PyTorch, a text extracted from a PDF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from solver.engine import context, make_params, solve
from solver.exam import BUNDLED
from solver.model import Reading
from solver.registry import exam, use_exam
from solver.wording import fill
from tests.conftest import ROOT, run_cli

FIXTURE = ROOT / "tests" / "fixture_exam"
# Where each bundled lecture's notes stand among its steps, by name (-1: the last step).
PLACES = {
    "lecture.1": {"figure": 0},
    "lecture.2": {"figure": 0},
    "lecture.3": {"average": 0},
    "lecture.5": {"bias_formula": 0},
    "lecture.7": {"length": -1},
}
BUNDLED_ONLY = ("prints 1 − aᵗ", "figure is lost", "extracted from a PDF")


def _solve(qid: str, raw: dict[str, Any] | None = None) -> Any:
    return solve(exam().questions[qid], raw)


@pytest.mark.parametrize("qid", sorted(PLACES))
def test_the_bundled_lectures_place_the_records_readings_at_their_steps(qid: str) -> None:
    question = exam().questions[qid]
    assert list(question.readings) == list(PLACES[qid])
    solution = _solve(qid)
    words = context(question, make_params(question))
    found = {index: step.text for index, step in enumerate(solution.steps)
             if isinstance(step, Reading)}
    expected = {place % len(solution.steps): fill(question.readings[name], words)
                for name, place in PLACES[qid].items()}
    assert found == expected


def test_a_reading_follows_the_questions_words() -> None:
    solution = _solve("lecture.1", {"in_channels": 7, "hidden_channels": 11})
    assert "maps 7 → 11 channels" in solution.readings[0]
    solution = _solve("lecture.3", {"kernel_size": 2})
    assert "one 2×2×2 filter whose 8 entries are all 1/8" in solution.readings[0]
    assert "entries 1/4 per channel" in solution.readings[0]


def test_another_exam_that_reuses_a_solver_cites_none_of_the_bundled_readings() -> None:
    use_exam(FIXTURE)
    try:
        fixture = exam()
        assert fixture.questions["lecture.2"].solver == "lecture5"
        for qid in ("lecture.2", "lecture.1", "paper.3"):
            solution = _solve(qid)
            assert solution.readings == []
            text = str(solution.to_dict())
            assert not any(phrase in text for phrase in BUNDLED_ONLY)
    finally:
        use_exam(BUNDLED)


def _cover(folder: Path, ids: list[str] | None = None) -> str:
    from solver.sheet.build import sheet_html
    from solver.sheet.solving import solve_and_render

    use_exam(folder)
    try:
        html = sheet_html(exam(), solve_and_render(ids or list(exam().questions)))
    finally:
        use_exam(BUNDLED)
    return html[html.index('<section class="cover">'):html.index("</section>")]


def test_the_cover_claims_only_what_the_sheet_holds() -> None:
    fixture = _cover(FIXTURE)
    for claim in ("PyTorch", "lab templates", "torch", "extracted from a PDF",
                  "lost its figures"):
        assert claim not in fixture
    assert "sympy rationals" in fixture  # it has computed questions
    bundled = _cover(BUNDLED, ["lab.1", "lecture.5"])
    for claim in ("the completed lab templates run in PyTorch", "torch modules and autograd",
                  "The exam text was extracted from a PDF and lost its figures;",
                  "where it is ambiguous the sheet states the reading it answers"):
        assert claim in bundled


LECTURE5 = '''title = "x"
[[sections]]
kind = "lecture"
name = "L"
[[questions]]
id = "lecture.1"
title = "t"
solver = "lecture5"
statement = "s"
parts = [{ label = "a", points = 1 }, { label = "b", points = 1 },
         { label = "c", points = 1 }, { label = "d", points = 1 }]
[questions.readings]
'''


@pytest.mark.parametrize(("reading", "expected"), [
    ('bias_formula = "ρ = <<nosuch>>"', "reading 'bias_formula': template error"),
    ('bias_formula = "<% if rho %>ρ"', "reading 'bias_formula': template error"),
    ('figure = "a note"', "reading 'figure' is not one that solver 'lecture5' places"),
])
def test_a_broken_reading_is_one_line_naming_the_exam_file(tmp_path: Path, reading: str,
                                                           expected: str) -> None:
    (tmp_path / "exam.toml").write_text(LECTURE5 + reading + "\n", encoding="utf-8")
    result = run_cli("--exam", str(tmp_path), "solve", "lecture.1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert str(tmp_path / "exam.toml") in result.stderr


def test_a_good_reading_template_is_placed(tmp_path: Path) -> None:
    (tmp_path / "exam.toml").write_text(
        LECTURE5 + 'bias_formula = "ρ is <<rho>> here"\n', encoding="utf-8")
    result = run_cli("--exam", str(tmp_path), "solve", "lecture.1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ρ is 0.95 here" in result.stdout


def test_a_reading_of_the_exams_own_misprint_is_left_out_of_a_variant() -> None:
    """The exam printed 1 − aᵗ; a variant's paper is ours and prints 1 − ρᵗ, so its key
    does not cite the misprint (the TA read it as a stale note); the rest of the reading
    stays."""
    own = [step.text for step in _solve("lecture.5").steps if isinstance(step, Reading)]
    drawn = [step.text for step in _solve("lecture.5", {"rho": 0.8, "t": 3}).steps
             if isinstance(step, Reading)]
    assert any("prints 1 − aᵗ" in text for text in own)
    assert drawn and not any("aᵗ" in text for text in drawn)
    assert any("starts at S₀ = 0" in text for text in drawn)
