"""What makes a class variant unfair, so that the sampler redraws it and ``stress``
reports it: a known wrong path that lands on or near the right answer (a mistake would
earn the marks, or a Moodle tolerance band would overlap), an answer that equals a number
printed in the question (typing it back scores), a multiple-choice key that follows the
variant number, and two variants with the same parameters.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from solver.kinds import Kind
from solver.marking import WrongPath
from solver.model import Solution
from solver.record import Question

# A wrong path closer than this to a right answer that is not a whole number (relative)
# makes the draw unfair: a platform accepts answers within a tolerance of each (0.5 % in
# the Moodle bank), so an answer off by less would earn the mistake's partial credit. A
# whole-number answer is asked exactly: only a wrong path that gives it is unfair.
MARGIN = 0.15


def _numbers(value: Any) -> list[float]:
    if isinstance(value, list | tuple):
        return [x for item in value for x in _numbers(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [float(value)]
    return []


def _scalar(value: Any) -> float | None:
    found = _numbers(value)
    return found[0] if len(found) == 1 and not isinstance(value, list | tuple) else None


def near_wrong_paths(paths: Iterable[WrongPath], solution: Solution) -> list[str]:
    """The known wrong ``paths`` of ``solution`` that give the right answer, or (not a
    whole number) land within MARGIN of it (every element, for a list answer)."""
    near = []
    for path in paths:
        right, wrong = _numbers(solution.answer.get(path.answer)), _numbers(path.value)
        if right and len(right) == len(wrong) and all(
                _close(r, w) for r, w in zip(right, wrong, strict=True)):
            near.append(f"{path.answer}: {path.name}")
    return near


def _close(right: float, wrong: float) -> bool:
    if right.is_integer() and wrong.is_integer():
        return right == wrong
    return abs(wrong - right) <= MARGIN * abs(right) + 1e-12


def equals_printed(solution: Solution) -> list[str]:
    """The single-number answers equal to a number printed in the question (a parameter)."""
    printed = _numbers(list(solution.params.values()))
    found = []
    for key, value in solution.answer.items():
        number = _scalar(value)
        if number is not None and any(math.isclose(number, p, rel_tol=1e-12, abs_tol=1e-12)
                                      for p in printed):
            found.append(key)
    return found


def unfair(kind: Kind, question: Question, solution: Solution) -> list[str]:
    """Why this drawn variant is unfair (empty: it is fair)."""
    return ([f"a wrong path lands within {MARGIN:.0%}: {name}"
             for name in near_wrong_paths(kind.wrong_paths(question, solution), solution)]
            + [f"{key} equals a printed number" for key in equals_printed(solution)])


def key_period(letters: list[str]) -> int | None:
    """The smallest p (below half the draws) with letter v == letter v + p for every v: a
    key that follows the variant number; None when there is none."""
    for period in range(1, len(letters) // 2):
        if all(letters[i] == letters[i + period] for i in range(len(letters) - period)):
            return period
    return None


def same_parameters(params: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Pairs of variants (numbered from 1) drawn with identical parameters."""
    seen: dict[str, int] = {}
    pairs = []
    for number, drawn in enumerate(params, start=1):
        text = json.dumps(drawn, sort_keys=True)
        if text in seen:
            pairs.append((seen[text], number))
        else:
            seen[text] = number
    return pairs
