"""The gaps of a question marked by a platform: their exact answers, tolerances, weights
and wrong-path answers, derived from the solved variant (no platform format here).

A question's kind declares which answers are asked (:class:`solver.marking.AnswerGap`, in
its ``LmsItem``: a computed question's module gives ``GAPS``, or ``gaps(solution)`` when
they depend on the variant, as lecture 2's exist only when its variant has numbers); this
module turns each into one gap per value, with the tolerance policy of
:mod:`solver.lms.tolerance`. A platform's checker replays its written bank against the
same plan, and compares each plan value with the solver's JSON answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver.lms import tolerance as policy
from solver.marking import AnswerGap, WrongPath
from solver.model import Solution
from solver.record import Question


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


# key, index, label, the sub-question's position (0: the first; another exam may label the
# parts differently, the engine matches them in order), exact value
Spec = tuple[str, tuple[int, ...], str, int, Fraction]


def _specs(gap: AnswerGap, solution: Solution) -> list[Spec]:
    text, value = solution.answer_text[gap.answer], solution.answer[gap.answer]
    if not gap.cells:
        return [(gap.answer, (), gap.label, gap.part, policy.exact(text, value))]
    cells = _exact_cells(text, value)
    entries = {exact for _, exact in cells}
    if gap.uniform and len(entries) == 1:
        return [(gap.answer, (), gap.uniform, gap.part, entries.pop())]
    return [(gap.answer, index, gap.label + _index_label(index, gap.channels_last), gap.part,
             exact) for index, exact in cells]


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


def _index_label(index: tuple[int, ...], channels_last: bool) -> str:
    """[i,j]; with ``channels_last``, the channel-first cell [c][i][j] as [i,j,c]."""
    shown = (*index[1:], index[0]) if channels_last and len(index) >= 3 else index
    return "[" + ",".join(map(str, shown)) + "]"


def gap_plans(question: Question, solution: Solution, declared: tuple[AnswerGap, ...],
              wrong: tuple[WrongPath, ...]) -> list[GapPlan]:
    """The gaps of a question's variant, from the answers its kind declares asked and its
    known wrong paths; [] when none is asked."""
    specs = [spec for gap in declared for spec in _specs(gap, solution)]
    if not specs:
        return []
    specs.sort(key=lambda spec: spec[3])  # stable: the question's part order
    labels = [part.label for part in question.parts]
    places = policy.decimals([spec[4] for spec in specs])
    weights = _weights(question, [labels[spec[3]] for spec in specs])
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


def _weights(question: Question, parts: list[str]) -> list[int]:
    """Each part's points split evenly over its gaps, as whole numbers: scaled by the least
    common denominator when a split is not whole (Moodle marks by the weights' ratio)."""
    points = question.points
    shares = [Fraction(points[part], parts.count(part)) for part in parts]
    scale = math.lcm(*(share.denominator for share in shares))
    return [int(share * scale) for share in shares]
