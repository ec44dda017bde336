"""``solver stress ID``: one question over many seeded draws, every draw verified.

Like R/exams' stresstest_exercise: failures by variant, time per variant, each answer's
range and number of distinct values, answers that never change (what a variant does not
test), answers that coincide with a typical wrong path (its kind's
``wrong_paths``), and for a multiple-choice question how often each letter is the key.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from typing import Any

from solver.kinds import kind_of
from solver.record import Question
from solver.variants.fairness import equals_printed, key_period, near_wrong_paths, same_parameters
from solver.variants.seeded import check_seed_and_count, question_draws


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
    sequence: list[str] = []
    near: Counter[str] = Counter()
    printed: Counter[str] = Counter()
    params: list[dict[str, Any]] = []
    kind = kind_of(question)
    draws = question_draws(seed, question, count, seconds, keep_failed=True)
    for number, solution in enumerate(draws, start=1):
        params.append(solution.params)
        if solution.failed_checks:
            failures.append({"variant": number, "params": solution.params,
                             "checks": [c.name for c in solution.failed_checks]})
        for key, value in solution.answer.items():
            answers.setdefault(key, []).append(value)
        paths = kind.wrong_paths(question, solution)
        for path in paths:
            if _same(path.value, solution.answer[path.answer]):
                coincide[f"{path.answer}: {path.name}"] += 1
        near.update(near_wrong_paths(paths, solution))
        printed.update(equals_printed(solution))
        letter = kind.key_letter(solution)
        if letter is not None:
            letters[letter] += 1
            sequence.append(letter)
    report: dict[str, Any] = {
        "id": question.id, "seed": seed, "count": count,
        "failures": failures,
        "seconds": {"median": statistics.median(seconds), "worst": max(seconds)},
        "answers": {key: _summary(values) for key, values in answers.items()},
        "never_change": sorted(k for k, v in answers.items() if _summary(v)["constant"]),
        "coincides_with_wrong_path": dict(sorted(coincide.items())),
        "equals_a_parameter": _tracking(answers, params),
        # What the sampler redraws (seeded.drawn): non-zero only when it could not.
        "near_a_wrong_path": dict(sorted(near.items())),
        "equals_a_printed_number": dict(sorted(printed.items())),
        # (A shuffle of a few options repeats by nature; its key is judged by key_period.)
        "same_parameters": ([list(pair) for pair in same_parameters(params)][:20]
                            if params[0] and not kind.letters(question) else []),
        "distinct_parameters": len({json.dumps(p, sort_keys=True) for p in params}),
        "distinct_answers": len({json.dumps(s.answer, sort_keys=True) for s in draws}),
        "axes": _axes(kind.axes(question), params, [s.answer for s in draws]),
    }
    if kind.letters(question):
        report["key_letters"] = {letter: letters[letter] for letter in kind.letters(question)}
        report["key_period"] = key_period(sequence)
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


def _axes(axes: dict[str, Any], params: list[dict[str, Any]],
          answers: list[dict[str, Any]]) -> dict[str, str]:
    """Per axis of a question's versions (``Kind.axes``): "changes the answer" when two
    draws that differ in it alone have different answers, "never changes the answer"
    when such draws exist and always agree, "not compared" when no two draws differ in
    it alone."""
    found: dict[str, str] = {}
    for axis in axes:
        groups: dict[str, set[str]] = {}
        values: dict[str, set[str]] = {}
        for given, answer in zip(params, answers, strict=True):
            rest = json.dumps({k: v for k, v in given.items() if k != axis}, sort_keys=True)
            groups.setdefault(rest, set()).add(json.dumps(answer, sort_keys=True))
            values.setdefault(rest, set()).add(json.dumps(given.get(axis)))
        compared = [rest for rest in groups if len(values[rest]) > 1]
        found[axis] = ("not compared" if not compared else "changes the answer"
                       if any(len(groups[rest]) > 1 for rest in compared)
                       else "never changes the answer")
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
    lines.append(f"distinct answers: {report['distinct_answers']} in {report['count']} draws")
    if report["axes"]:
        lines.append("axes: " + "; ".join(f"{axis} {what}" for axis, what in
                                          report["axes"].items()))
        idle = [axis for axis, what in report["axes"].items() if what != "changes the answer"]
        if idle:
            lines.append("FLAG: " + ", ".join(idle) + ": no draw shows this axis changing the "
                         "answer")
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
    for name, what in (("near_a_wrong_path", "within 15 % of a typical wrong path"),
                       ("equals_a_printed_number", "equal to a number printed in the question")):
        if report[name]:
            lines.append(f"{what}: " + ", ".join(
                f"{key} in {n} of {report['count']} draws" for key, n in report[name].items()))
    if report["same_parameters"]:
        first, second = report["same_parameters"][0]
        lines.append(f"parameters: {report['distinct_parameters']} distinct in "
                     f"{report['count']} draws (variant {second} repeats variant {first}: "
                     "the question has no more variants)")
    if "key_letters" in report:
        lines.append("key letter: " + ", ".join(
            f"{letter} {n}" for letter, n in report["key_letters"].items()))
        if report["key_period"]:
            lines.append(f"the key letter repeats every {report['key_period']} variants: "
                         "one variant's key gives the others'")
    return "\n".join(lines) + "\n"
