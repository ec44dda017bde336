"""The verified key of every variant the scanned booklets use, solved again from the seed
(the same solving and checks as ``solver variants``): a choice question's right letter, a
computed question's gap plans (exact value, tolerance, wrong paths), every part's rubric
lines for the grading pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solver.lms.plan import planned
from solver.record import Question


def variant_keys(seed: int, variants: set[int], questions: list[Question], jobs: int,
                 progress: Callable[[str], None] | None = None
                 ) -> dict[tuple[int, str], dict[str, Any]]:
    from solver.render.unimath import plain
    from solver.variants.seeded import solve_variants

    if not variants:
        return {}
    solved = solve_variants(seed, max(variants), questions, jobs, progress)
    keys: dict[tuple[int, str], dict[str, Any]] = {}
    for variant in solved:
        if variant.number not in variants:
            continue
        for question in questions:
            solution = variant.solutions[question.id]
            plan = planned(question, solution, variant.number)
            rubric: dict[str, list[str]] = {}
            for line in solution.rubric:  # the formulas in Unicode: a page shows no TeX
                rubric.setdefault(line.part, []).append(plain(line.text))
            keys[(variant.number, question.id)] = {
                "key": plan.item.right,
                "gaps": {gap.key: gap for gap in plan.gaps if not gap.index},
                "rubric": rubric,
            }
    return keys
