"""Seeded class variants: each question's parameters drawn per (seed, variant, question),
every variant solved and checked by the question's independent checks.

A question's kind samples its parameters (``Kind.sample``: a computed question's module
draws them, a multiple-choice question shuffles its options); a question whose kind does
not vary keeps the exam's text in every variant and is solved once. A draw that is unfair
(``fairness``) or repeats an earlier variant's parameters is drawn again from the same
generator. Draws depend only on the seed, the question and the variant numbers up to
theirs, so adding a question or a larger count leaves the other draws as they were.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from solver.engine import solve
from solver.kinds import kind_of
from solver.model import InputError, SelfCheckError, Solution, failed_check_message
from solver.record import Question
from solver.variants.fairness import unfair

MAX_COUNT = 1000  # --count's cap unless --max-count raises it (see count_cap)
CEILING = 5000  # the most --max-count allows: memory grows with the count
MAX_DRAWS = 50  # tries for a fair draw of one question in one variant
MAX_SEED = 2**63


def check_seed(seed: int) -> None:
    """A class's seed, as every class command takes it."""
    if not 0 <= seed < MAX_SEED:
        raise InputError(f"--seed must be a whole number in 0..{MAX_SEED - 1}, got {seed}")


def check_variant(variant: int) -> None:
    """One variant's number, as grading names it (at most the largest class)."""
    if not 1 <= variant <= CEILING:
        raise InputError(f"--variant must be in 1..{CEILING}, got {variant}")


def check_seed_and_count(seed: int, count: int, cap: int = MAX_COUNT) -> None:
    """The seed, and a count within the command's cap (``count_cap``)."""
    check_seed(seed)
    if not 1 <= count <= cap:
        more = (f" (--max-count raises the cap, up to {CEILING})"
                if count > cap and cap < CEILING else "")
        raise InputError(f"--count must be in 1..{cap}, got {count}{more}")


def count_cap(default: int, max_count: int | None) -> int:
    """A class command's cap on --count: its documented default, or ``--max-count``
    (from the default up to CEILING) for a class that is larger and can wait."""
    if max_count is None:
        return default
    if not default <= max_count <= CEILING:
        raise InputError(f"--max-count must be in {default}..{CEILING}, got {max_count}")
    return max_count


def _rng(*parts: object) -> random.Random:
    # Seeding with a str hashes it with SHA-512: stable across runs and PYTHONHASHSEED.
    return random.Random(":".join(map(str, parts)))


def varies(question: Question) -> bool:
    """Whether the question's variants differ."""
    return kind_of(question).varies(question)


def draw(seed: int, variant: int, question: Question) -> dict[str, Any]:
    """The parameters of ``question`` in variant ``variant`` (numbered from 1)."""
    return question_draws(seed, question, variant)[-1].params if varies(question) else {}


def question_draws(seed: int, question: Question, count: int,
                   seconds: list[float] | None = None,
                   keep_failed: bool = False) -> list[Solution]:
    """Variants 1..count of one question, solved (:func:`draws`)."""
    return list(itertools.islice(draws(seed, question, seconds, keep_failed), count))


def draws(seed: int, question: Question, seconds: list[float] | None = None,
          keep_failed: bool = False) -> Iterator[Solution]:
    """Variants 1, 2, … of one question, solved, as they are drawn: each the first draw of
    its variant's generator that is fair (``fairness``: no known wrong path on or near a
    right answer, no answer equal to a printed number) and, while the question's
    parameters allow it, unlike every earlier variant's (a shuffle of options may repeat:
    its keys are balanced by block instead). Each variant's draws depend only on (seed,
    variant, question) and the earlier variants', so a larger count keeps the first ones.
    A failed check names variant, question and check (``keep_failed``: the failed draw is
    that variant's, for ``stress`` to report); ``seconds`` receives each variant's time.
    Only the earlier variants' parameters are kept, so memory does not grow with the
    variants taken."""
    kind = kind_of(question)
    distinct = not kind.letters(question)
    stable = ("solver-question", seed, question.id)
    seen: set[str] = set()
    for number in itertools.count(1):
        began = time.perf_counter()
        rng = _rng("solver-variant", seed, number, question.id)
        why: list[str] = []
        repeat: Solution | None = None
        chosen: Solution | None = None
        for _ in range(MAX_DRAWS):
            solution = solve(question, kind.sample(question, rng, number, _rng(*stable)))
            if solution.failed_checks and keep_failed:
                chosen = solution
                break
            if solution.failed_checks:
                raise SelfCheckError(f"variant {number}: " + failed_check_message(
                    question.id, solution.failed_checks))
            why = unfair(kind, question, solution)
            if why:
                continue
            if distinct and _text(solution.params) in seen:
                repeat = repeat or solution
                continue
            chosen = solution
            break
        if chosen is None and repeat is None:
            raise SelfCheckError(f"variant {number}: no fair draw of {question.id} in "
                                 f"{MAX_DRAWS} tries (the last: {'; '.join(why)})")
        if chosen is None:  # every draw repeats: the question has fewer variants than asked
            assert repeat is not None
            chosen, distinct = repeat, False
        seen.add(_text(chosen.params))
        if seconds is not None:
            seconds.append(time.perf_counter() - began)
        yield chosen


def _text(params: dict[str, Any]) -> str:
    return json.dumps(params, sort_keys=True)


@dataclass
class Variant:
    number: int
    solutions: dict[str, Solution] = field(default_factory=dict)


def solve_variant(seed: int, number: int, questions: Iterable[Question]) -> Variant:
    """One variant of every question (the earlier variants are drawn to reach it)."""
    return Variant(number, {q.id: _one_question((seed, number, q))[-1] for q in questions})


def _one_question(job: tuple[int, int, Question]) -> list[Solution]:
    if kind_of(job[2]).heavy_imports and varies(job[2]):
        from solver.runtime import eager_torch

        # Torch as the sheet's lab worker has it: one thread (the other job shares the
        # cores; a lab's small tensors gain nothing from more) and torch.optim without
        # torch._dynamo (a second of import for a check's few optimiser steps).
        eager_torch()
    return question_solutions(*job)  # a pool's task takes one argument


def question_solutions(seed: int, count: int, question: Question) -> list[Solution]:
    """Variants 1..count of one question, solved and checked (one shared solution when
    the question does not vary)."""
    if not varies(question):
        return [exam_version(question)] * count
    return question_draws(seed, question, count)


def each_solution(seed: int, question: Question) -> Iterator[Solution]:
    """Variants 1, 2, … of one question as :func:`question_solutions` gives them, one at
    a time (a bank streamed variant by variant keeps none of the earlier ones)."""
    if not varies(question):
        return itertools.repeat(exam_version(question))
    return draws(seed, question)


def exam_version(question: Question) -> Solution:
    """The question as the exam prints it, solved and checked (SelfCheckError naming the
    failed check)."""
    solution = solve(question, {})
    if solution.failed_checks:
        raise SelfCheckError(failed_check_message(question.id, solution.failed_checks))
    return solution


def solve_variants(seed: int, count: int, questions: list[Question], jobs: int = 1,
                   progress: Callable[[str], None] | None = None) -> list[Variant]:
    """Variants 1..count of every question, one question at a time (``jobs`` at once);
    a question that does not vary is solved once and shared."""
    check_seed_and_count(seed, count, CEILING)
    work = [(seed, count, question) for question in questions]
    found: dict[str, list[Solution]] = {}
    with contextlib.ExitStack() as stack:
        if jobs <= 1:
            results: Iterable[list[Solution]] = map(_one_question, work)
        else:
            from solver.workers import quiet_pool

            results = stack.enter_context(quiet_pool(jobs)).imap(_one_question, work)
        for question, solutions in zip(questions, results, strict=True):
            found[question.id] = solutions
            if progress:
                progress(question.id)
    return [Variant(number, {q.id: found[q.id][number - 1] for q in questions})
            for number in range(1, count + 1)]


def key_json(seed: int, count: int, questions: list[Question], variants: list[Variant]) -> str:
    data = {
        "seed": seed,
        "count": count,
        "variants": [
            {"variant": v.number,
             "questions": {q.id: _with_gaps(kind_of(q).key_entry(q, v.solutions[q.id]),
                                            q, v.solutions[q.id], v.number)
                           for q in questions}}
            for v in variants
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _with_gaps(entry: dict[str, Any], question: Question, solution: Solution,
               number: int) -> dict[str, Any]:
    """A question's key entry with, when a platform marks it by numbers, its ``gaps``: each
    asked value exactly, the decimals asked, its tolerance and its named wrong paths with
    their credit (what every export marks; a platform's own scoring is checked against
    it)."""
    from solver.lms.plan import planned

    plans = planned(question, solution, number).gaps
    if not plans:
        return entry
    labels = [part.label for part in question.parts]
    entry["gaps"] = [
        {"answer": plan.key, "index": list(plan.index), "value": str(plan.exact),
         "part": labels.index(plan.part), "places": plan.places,
         "tolerance": str(plan.tolerance),
         "wrong": [{"name": w.name, "value": str(w.value),
                    "credit": str(Fraction(w.percent) / 100)} for w in plan.wrong]}
        for plan in plans]
    return entry


def progress_line(count: int, questions: int = 0) -> Callable[[str], None]:
    """A line per question solved, with what is left of ``questions`` when given."""
    from solver.estimate import Remaining

    remaining = Remaining(questions)

    def report(question_id: str) -> None:
        left = f" {remaining.step()}" if questions else ""
        print(f"solver: {question_id}: {count} variant{'s' if count != 1 else ''} solved "
              f"and verified{left}", file=sys.stderr, flush=True)

    return report
