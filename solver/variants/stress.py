"""``solver stress ID``: one question over many seeded draws, every draw verified.

Like R/exams' stresstest_exercise: failures by variant, time per variant, each answer's
range and number of distinct values, answers that never change (what a variant does not
test), answers that coincide with a typical wrong path (its kind's
``wrong_paths``), and for a multiple-choice question how often each letter is the key.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from typing import Any

from solver.engine import solve
from solver.kinds import kind_of
from solver.record import Question
from solver.variants.seeded import check_seed_and_count, draw


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item for element in value for item in _flat(element)]
    return [value]


def _summary(values: list[Any]) -> dict[str, Any]:
    texts = [json.dumps(v, sort_keys=True) for v in values]
    summary: dict[str, Any] = {"distinct": len(set(texts)), "constant": len(set(texts)) == 1}
    numbers = [x for v in values for x in _flat(v)
               if isinstance(x, int | float) and not isinstance(x, bool)]
    if numbers:
        summary["min"], summary["max"] = min(numbers), max(numbers)
    return summary


def _same(first: Any, second: Any) -> bool:
    if isinstance(first, list) and isinstance(second, list):
        return len(first) == len(second) and all(map(_same, first, second))
    if isinstance(first, int | float) and isinstance(second, int | float):
        return abs(first - second) <= 1e-12 * max(1.0, abs(first), abs(second))
    return bool(first == second)


def stress(question: Question, count: int, seed: int) -> dict[str, Any]:
    check_seed_and_count(seed, count)
    failures: list[dict[str, Any]] = []
    seconds: list[float] = []
    answers: dict[str, list[Any]] = {}
    coincide: Counter[str] = Counter()
    letters: Counter[str] = Counter()
    params: list[dict[str, Any]] = []
    kind = kind_of(question)
    for number in range(1, count + 1):
        began = time.perf_counter()
        solution = solve(question, draw(seed, number, question))
        seconds.append(time.perf_counter() - began)
        params.append(solution.params)
        if solution.failed_checks:
            failures.append({"variant": number, "params": solution.params,
                             "checks": [c.name for c in solution.failed_checks]})
        for key, value in solution.answer.items():
            answers.setdefault(key, []).append(value)
        for path in kind.wrong_paths(question, solution):
            if _same(path.value, solution.answer[path.answer]):
                coincide[f"{path.answer}: {path.name}"] += 1
        letter = kind.key_letter(solution)
        if letter is not None:
            letters[letter] += 1
    report: dict[str, Any] = {
        "id": question.id, "seed": seed, "count": count,
        "failures": failures,
        "seconds": {"median": statistics.median(seconds), "worst": max(seconds)},
        "answers": {key: _summary(values) for key, values in answers.items()},
        "never_change": sorted(k for k, v in answers.items() if _summary(v)["constant"]),
        "coincides_with_wrong_path": dict(sorted(coincide.items())),
        "equals_a_parameter": _tracking(answers, params),
    }
    if kind.letters(question):
        report["key_letters"] = {letter: letters[letter] for letter in kind.letters(question)}
    return report


def _tracking(answers: dict[str, list[Any]], params: list[dict[str, Any]]) -> dict[str, str]:
    """Answers that equal one of the parameters in every draw (so they test nothing)."""
    found = {}
    for key, values in answers.items():
        for name in params[0] if params else {}:
            if len(values) > 1 and all(
                    isinstance(v, int | float) and isinstance(p.get(name), int | float)
                    and not isinstance(v, bool) and _same(v, p[name])
                    for v, p in zip(values, params, strict=True)):
                found[key] = name
    return found


def as_text(report: dict[str, Any]) -> str:
    lines = [f"stress test of {report['id']}: {report['count']} draws from seed {report['seed']}"]
    failures = report["failures"]
    lines.append(f"failures: {len(failures)}" + "".join(
        f"\n  variant {f['variant']}: {'; '.join(f['checks'])} (params {f['params']})"
        for f in failures))
    lines.append(f"time per variant: median {report['seconds']['median'] * 1000:.1f} ms, "
                 f"worst {report['seconds']['worst'] * 1000:.1f} ms")
    lines.append("answers:")
    for key, summary in report["answers"].items():
        span = (f", range {summary['min']:g} .. {summary['max']:g}" if "min" in summary else "")
        lines.append(f"  {key}: {summary['distinct']} distinct value(s){span}")
    never = report["never_change"]
    lines.append("never change across draws (a variant does not test them): "
                 + (", ".join(never) if never else "none"))
    coincide = report["coincides_with_wrong_path"]
    lines.append("coincide with a typical wrong path: " + (", ".join(
        f"{name} in {n} of {report['count']} draws" for name, n in coincide.items())
        if coincide else "never"))
    tracking = report["equals_a_parameter"]
    if tracking:
        lines.append("always equal to a parameter: " + ", ".join(
            f"{key} = {name}" for key, name in tracking.items()))
    if "key_letters" in report:
        lines.append("key letter: " + ", ".join(
            f"{letter} {n}" for letter, n in report["key_letters"].items()))
    return "\n".join(lines) + "\n"
