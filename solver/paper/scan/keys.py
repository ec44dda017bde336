"""The verified key of every variant the scanned booklets use, solved again from the seed
(the same solving and checks as ``solver variants``): a choice question's right letter, a
computed question's gap plans (exact value, tolerance, wrong paths), every part's rubric
lines for the grading pages. Kept in the output folder (``.keys/``, one file a variant,
under the exam's fingerprint and the seed): a later run into the same folder reuses them
instead of solving again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from fractions import Fraction
from pathlib import Path
from typing import Any

from solver.lms.gaps import GapPlan, WrongAnswer
from solver.lms.plan import planned
from solver.record import Question

Keys = dict[tuple[int, str], dict[str, Any]]


def fingerprint(questions: list[Question]) -> str:
    """What the keys depend on besides the seed: the questions as the exam file has them."""
    return hashlib.sha256(repr(questions).encode()).hexdigest()


def _encoded(entry: dict[str, Any]) -> dict[str, Any]:
    gaps = {key: {**asdict(gap), "exact": str(gap.exact), "tolerance": str(gap.tolerance),
                  "wrong": [{**asdict(w), "value": str(w.value), "tolerance": str(w.tolerance)}
                            for w in gap.wrong]}
            for key, gap in entry["gaps"].items()}
    return {"key": entry["key"], "gaps": gaps, "rubric": entry["rubric"]}


def _decoded(entry: dict[str, Any]) -> dict[str, Any]:
    gaps = {}
    for key, gap in entry["gaps"].items():
        wrong = tuple(WrongAnswer(w["name"], Fraction(w["value"]), Fraction(w["tolerance"]),
                                  w["percent"]) for w in gap["wrong"])
        gaps[key] = GapPlan(gap["key"], tuple(gap["index"]), gap["label"], gap["part"],
                            Fraction(gap["exact"]), gap["places"], Fraction(gap["tolerance"]),
                            gap["weight"], wrong, tuple(gap["left_out"]))
    return {"key": entry["key"], "gaps": gaps, "rubric": entry["rubric"]}


def _solved(seed: int, variants: set[int], questions: list[Question], jobs: int,
            progress: Callable[[str], None] | None) -> Keys:
    from solver.render.unimath import plain
    from solver.variants.seeded import solve_variants

    keys: Keys = {}
    for variant in solve_variants(seed, max(variants), questions, jobs, progress):
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


def variant_keys(seed: int, variants: set[int], questions: list[Question], jobs: int,
                 folder: Path | None = None,
                 progress: Callable[[str], None] | None = None) -> Keys:
    """The keys of ``variants``: those kept in ``folder`` for this exam and seed, the
    others solved (and kept there)."""
    from solver.output import write_atomically

    stamp = {"seed": seed, "exam": fingerprint(questions)}
    keys: Keys = {}
    missing = set()
    for variant in variants:
        path = folder / f"variant-{variant}.json" if folder else None
        data = json.loads(path.read_text()) if path and path.is_file() else None
        if data is None or data.get("stamp") != stamp:
            missing.add(variant)
            continue
        keys.update({(variant, qid): _decoded(entry) for qid, entry in data["keys"].items()})
    if missing:
        solved = _solved(seed, missing, questions, jobs, progress)
        keys.update(solved)
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            for variant in sorted(missing):
                entries = {qid: _encoded(entry) for (v, qid), entry in solved.items()
                           if v == variant}
                write_atomically(folder / f"variant-{variant}.json", json.dumps(
                    {"stamp": stamp, "keys": entries}, sort_keys=True).encode())
    return keys
