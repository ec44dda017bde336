"""Known wrong paths: each question module's ``wrong_paths`` gives records that carry their
own credit, so the Moodle bank's partial credit follows the mistake, never its wording.

The credits asserted here are the README's ("Export to Moodle"): forgot the bias terms
50 %, flattened the input 25 %, left out the regulariser 50 %, Ŝ_t without bias correction
25 %, started the EWMA at y 25 %. Each mistake is recognised by the value it gives
(recomputed here from the parameters), not by its name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from fractions import Fraction
from types import ModuleType
from typing import Any

import pytest

from solver.engine import solve
from solver.kinds import COMPUTED, kind_of
from solver.lms import tolerance
from solver.lms.gaps import GapPlan
from solver.lms.plan import planned
from solver.marking import WrongPath
from solver.model import Solution
from solver.questions import lecture1, lecture2, lecture5
from solver.record import Question
from solver.registry import exam, lookup
from solver.variants.seeded import draw


def wrong_paths(question: Question, solution: Solution) -> tuple[WrongPath, ...]:
    return kind_of(question).wrong_paths(question, solution)


def gaps(question: Question, solution: Solution) -> list[GapPlan]:
    return planned(question, solution, 1).gaps

WITH_PATHS = ("lecture.1", "lecture.2", "lecture.5")
MODULES = {"lecture.1": lecture1, "lecture.2": lecture2, "lecture.5": lecture5}


def _solutions(question: Question) -> list[Solution]:
    """The default parameters and a few class variants of two seeds."""
    return [solve(question, {})] + [solve(question, draw(seed, number, question))
                                    for seed in (1, 2026) for number in range(1, 9)]


def _documented(question: Question, solution: Solution) -> list[tuple[str, Any, str]]:
    """(answer key, value, credit) of each documented mistake, the value recomputed."""
    p, answer = solution.params, solution.answer
    if question.id == "lecture.1":
        total, w = answer["total"], solution.words
        flat = (total - p["hidden_channels"] * w["out_h"] * w["out_w"] * p["out_features"]
                + p["in_channels"] * p["height"] * p["width"] * p["out_features"])
        found = [("total", flat, "25")]  # flattened the input
        if p["bias"]:
            found.append(("total", total - p["hidden_channels"] - p["out_features"],
                          "50"))  # forgot the bias terms
        return found
    if question.id == "lecture.2":
        if "value" not in answer:
            return []
        return [("value", answer["value"] - 2 * p["lam"] * p["w1"], "50")]  # the regulariser
    assert question.id == "lecture.5"
    if "values" in p:  # a sequence: starting at S_0 = y_1 adds ρ^t·y_1 to S_t
        rho, ys = Fraction(str(p["rho"])), [Fraction(str(y)) for y in p["values"]]
        s = Fraction(0)
        for y in ys:
            s = rho * s + (1 - rho) * y
        return [("S_hat", answer["S"], "25"), ("S", float(s + rho ** len(ys) * ys[0]), "25")]
    return [("S_hat", answer["S"], "25"),  # Ŝ_t without the bias correction
            ("S", p["value"], "25")]  # started the average at S_0 = y


def test_every_questions_wrong_paths_are_records_with_a_credit_from_moodles_list() -> None:
    questions = [q for q in exam().questions.values()
                 if kind_of(q) is COMPUTED and hasattr(COMPUTED.module(q), "wrong_paths")]
    assert {q.id for q in questions} >= set(WITH_PATHS)
    for question in questions:
        for solution in _solutions(question):
            for path in wrong_paths(question, solution):
                assert isinstance(path, WrongPath)
                assert path.credit in tolerance.MOODLE_FRACTIONS and path.credit != "100"
                assert path.credit in tolerance.ALLOWED
                assert path.answer in solution.answer, (question.id, path)
                assert path.name and path.name == path.name.strip()
                tolerance.number(path.value)  # a JSON number the bank can write


@pytest.mark.parametrize("qid", WITH_PATHS)
def test_the_credits_are_the_documented_ones(qid: str) -> None:
    question = lookup(qid).meta
    for solution in _solutions(question):
        found = [(path.answer, path.value, path.credit)
                 for path in wrong_paths(question, solution)]
        assert sorted(found, key=repr) == sorted(_documented(question, solution), key=repr)


def _renamed(module: ModuleType, rename: Callable[[list[str]], list[str]]
             ) -> Callable[[Solution], list[WrongPath]]:
    original = module.wrong_paths

    def wrapped(solution: Solution) -> list[WrongPath]:
        paths: list[WrongPath] = list(original(solution))
        names = rename([path.name for path in paths])
        return [dataclasses.replace(path, name=name)
                for path, name in zip(paths, names, strict=True)]

    return wrapped


RENAMES: dict[str, Callable[[list[str]], list[str]]] = {
    # The reviewer's rename that once dropped the bias path's credit from 50 % to 25 %.
    "reviewer": lambda names: ["left out the biases" if n == "forgot the bias terms" else n
                               for n in names],
    # Each path takes another's name: a credit found by name would move with it.
    "rotated": lambda names: names[1:] + names[:1],
    "anonymous": lambda names: [f"mistake {i}" for i, _ in enumerate(names)],
    "shouted": lambda names: [n.upper() + "!" for n in names],
}


def _marks(question: Question, solution: Solution) -> list[tuple[Any, ...]]:
    return [(g.key, g.index, [(w.value, w.tolerance, w.percent) for w in g.wrong],
             len(g.left_out)) for g in gaps(question, solution)]


def _names(question: Question, solution: Solution) -> list[list[str]]:
    return [[w.name for w in g.wrong] + list(g.left_out) for g in gaps(question, solution)]


@pytest.mark.parametrize("how", RENAMES)
def test_renaming_a_wrong_path_changes_no_credit_in_the_planned_bank(
        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    cases = [(lookup(qid).meta, MODULES[qid]) for qid in WITH_PATHS]
    solved = [(q, module, _solutions(q)) for q, module in cases]
    before = [[(_marks(q, s), _names(q, s)) for s in solutions] for q, _, solutions in solved]
    for _, module, _ in solved:
        monkeypatch.setattr(module, "wrong_paths", _renamed(module, RENAMES[how]))
    renamed = 0
    for (question, _, solutions), old in zip(solved, before, strict=True):
        for solution, (marks, names) in zip(solutions, old, strict=True):
            assert _marks(question, solution) == marks, (question.id, solution.params)
            renamed += _names(question, solution) != names
    assert renamed > 0  # the renaming reached the plan


def test_the_reviewers_rename_keeps_the_bias_paths_50_percent(
        monkeypatch: pytest.MonkeyPatch) -> None:
    question = lookup("lecture.1").meta
    solution = solve(question, {"bias": True})
    monkeypatch.setattr(lecture1, "wrong_paths", _renamed(lecture1, RENAMES["reviewer"]))
    (plan,) = gaps(question, solution)
    assert {w.name: w.percent for w in plan.wrong} == {
        "flattened the input, not the conv output": "25", "left out the biases": "50"}
