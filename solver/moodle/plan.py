"""What the bank asks of a computed question: its gaps, their exact answers, tolerances,
weights and wrong-path answers, derived from the solved variant (no XML here).

A question whose solver has a gap rule below becomes a cloze question (lecture 2 only
when its variant has numbers); every other lab and lecture question becomes an essay, and
a multiple-choice question stays one. The checker replays the written bank against the
same plan, and compares each plan value with the solver's JSON answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver.exam import Question
from solver.model import Solution, WrongPath
from solver.moodle import tolerance as policy


@dataclass(frozen=True)
class WrongAnswer:
    name: str
    value: Fraction
    tolerance: Fraction
    percent: str


@dataclass(frozen=True)
class GapPlan:
    key: str  # the answer key ("total", "S_hat", "output")
    index: tuple[int, ...]  # the position inside a list answer; () for a single value
    label: str  # what the question prints before the gap
    part: str  # the exam sub-question it answers
    exact: Fraction
    places: int  # decimals the question asks for (0: whole numbers)
    tolerance: Fraction
    weight: int
    wrong: tuple[WrongAnswer, ...]
    left_out: tuple[str, ...]  # wrong paths within an earlier answer's tolerance


# --- per solver: which values are asked, one gap each ---------------------------------

# key, index, label, the sub-question's position (0: the first; another exam may label the
# parts differently, the engine matches them in order), exact value
Spec = tuple[str, tuple[int, ...], str, int, Fraction]


def _lecture1(solution: Solution) -> list[Spec]:
    value = policy.exact(solution.answer_text["total"], solution.answer["total"])
    return [("total", (), "Total number of learnable parameters", 0, value)]


def _lecture2(solution: Solution) -> list[Spec]:
    if "value" not in solution.answer:
        return []
    value = policy.exact(solution.answer_text["value"], solution.answer["value"])
    return [("value", (), "∂L_reg/∂w_1 at the given values", 0, value)]


def _cells(value: Any, index: tuple[int, ...] = ()) -> list[tuple[tuple[int, ...], Any]]:
    if isinstance(value, list):
        return [cell for i, item in enumerate(value) for cell in _cells(item, (*index, i))]
    return [(index, value)]


def _exact_cells(text: str, value: Any) -> list[tuple[tuple[int, ...], Fraction]]:
    """The cells of a nested list answer, exactly, from its exact text."""
    cells = _cells(value)
    tokens = re.findall(r"-?[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?", text)
    if len(tokens) != len(cells):
        return [(index, policy.number(cell)) for index, cell in cells]
    return [(index, Fraction(token)) for (index, _), token in zip(cells, tokens, strict=True)]


def _lecture3(solution: Solution) -> list[Spec]:
    kernel = _exact_cells(solution.answer_text["kernel"], solution.answer["kernel"])
    entries = {value for _, value in kernel}
    specs: list[Spec] = []
    if len(entries) == 1:
        specs.append(("kernel", (), "Every entry of the kernel", 0, entries.pop()))
    else:
        specs += [("kernel", index, "K" + _index_label(index), 0, value)
                  for index, value in kernel]
    output = _exact_cells(solution.answer_text["output"], solution.answer["output"])
    specs += [("output", index, "Y" + _index_label(index), 1, value)
              for index, value in output]
    return specs


def _index_label(index: tuple[int, ...]) -> str:
    """Y[i,j] for a joint output; Y[i,j,c] (the exam's channels-last notation) per channel."""
    shown = index if len(index) < 3 else (*index[1:], index[0])
    return "[" + ",".join(map(str, shown)) + "]"


def _lecture5(solution: Solution) -> list[Spec]:
    t = solution.params["t"]
    return [(key, (), f"{name}_{t}", part,
             policy.exact(solution.answer_text[key], solution.answer[key]))
            for key, name, part in (("S", "S", 0), ("S_hat", "Ŝ", 1))]


RULES: dict[str, Callable[[Solution], list[Spec]]] = {
    "lecture1": _lecture1, "lecture2": _lecture2, "lecture3": _lecture3,
    "lecture5": _lecture5,
}


def gaps(question: Question, solution: Solution) -> list[GapPlan]:
    """The gaps of a computed question's variant; [] when it is not a cloze question."""
    rule = RULES.get(question.solver)
    specs = rule(solution) if rule else []
    if not specs:
        return []
    specs.sort(key=lambda spec: spec[3])  # stable: the question's part order
    labels = [part.label for part in question.parts]
    places = policy.decimals([spec[4] for spec in specs])
    weights = _weights(question, [labels[spec[3]] for spec in specs])
    wrong = _wrong_paths(question, solution)
    plans = []
    for (key, index, label, position, exact), weight in zip(specs, weights, strict=True):
        right = policy.tolerance(exact, places)
        kept: list[WrongAnswer] = []
        left_out: list[str] = []
        for path in ([] if index else [w for w in wrong if w.answer == key]):
            wrong_value = policy.number(path.value)
            taken = [(exact, right)] + [(w.value, w.tolerance) for w in kept]
            if any(abs(wrong_value - v) <= tol for v, tol in taken):
                left_out.append(path.name)
                continue
            kept.append(WrongAnswer(path.name, wrong_value,
                                    policy.tolerance(wrong_value, places), path.credit))
        plans.append(GapPlan(key, index, label, labels[position], exact, places, right, weight,
                             tuple(kept), tuple(left_out)))
    return plans


def _wrong_paths(question: Question, solution: Solution) -> tuple[WrongPath, ...]:
    from solver.stress import wrong_paths

    return wrong_paths(question, solution)


def _weights(question: Question, parts: list[str]) -> list[int]:
    """Each part's points split evenly over its gaps, as whole numbers: scaled by the least
    common denominator when a split is not whole (Moodle marks by the weights' ratio)."""
    points = question.points
    shares = [Fraction(points[part], parts.count(part)) for part in parts]
    scale = math.lcm(*(share.denominator for share in shares))
    return [int(share * scale) for share in shares]
