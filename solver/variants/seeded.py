"""Seeded class variants: each question's parameters drawn per (seed, variant, question),
every variant solved and checked by the question's independent checks.

A question's kind samples its parameters (``Kind.sample``: a computed question's module
draws them, a multiple-choice question shuffles its options); a question whose kind does
not vary keeps the exam's text in every variant and is solved once. Draws depend only on
(seed, variant number, question id), so adding a question or changing the count leaves
the other draws as they were.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from solver.engine import solve
from solver.kinds import kind_of
from solver.model import InputError, SelfCheckError, Solution, failed_check_message
from solver.record import Question

MAX_COUNT = 1000
MAX_SEED = 2**63


def check_seed_and_count(seed: int, count: int) -> None:
    if not 0 <= seed < MAX_SEED:
        raise InputError(f"--seed must be a whole number in 0..{MAX_SEED - 1}, got {seed}")
    if not 1 <= count <= MAX_COUNT:
        raise InputError(f"--count must be in 1..{MAX_COUNT}, got {count}")


def _rng(*parts: object) -> random.Random:
    # Seeding with a str hashes it with SHA-512: stable across runs and PYTHONHASHSEED.
    return random.Random(":".join(map(str, parts)))


def varies(question: Question) -> bool:
    """Whether the question's variants differ."""
    return kind_of(question).varies(question)


def draw(seed: int, variant: int, question: Question) -> dict[str, Any]:
    """The raw parameters of ``question`` in variant ``variant`` (numbered from 1)."""
    if not varies(question):
        return {}
    return kind_of(question).sample(question, _rng("solver-variant", seed, variant, question.id),
                                    variant, _rng("solver-question", seed, question.id))


@dataclass
class Variant:
    number: int
    solutions: dict[str, Solution] = field(default_factory=dict)


def solve_variant(seed: int, number: int, questions: Iterable[Question],
                  fixed: dict[str, Solution] | None = None) -> Variant:
    """Solve every question of one variant; a failed check names variant, question, check."""
    variant = Variant(number)
    for question in questions:
        if fixed is not None and question.id in fixed:
            variant.solutions[question.id] = fixed[question.id]
            continue
        solution = solve(question, draw(seed, number, question))
        if solution.failed_checks:
            raise SelfCheckError(
                f"variant {number}: " + failed_check_message(question.id, solution.failed_checks)
            )
        variant.solutions[question.id] = solution
    return variant


def _solve_one(job: tuple[int, int, list[Question]]) -> Variant:
    seed, number, questions = job
    return solve_variant(seed, number, questions)


def _merged(variant: Variant, fixed: dict[str, Solution], order: list[Question]) -> Variant:
    """The variant's own solutions and the shared ones, in exam order."""
    own = variant.solutions
    variant.solutions = {q.id: own[q.id] if q.id in own else fixed[q.id] for q in order}
    return variant


def solve_variants(seed: int, count: int, questions: list[Question], jobs: int = 1,
                   progress: Callable[[int], None] | None = None) -> list[Variant]:
    """Variants 1..count. Questions that do not vary are solved once and shared; with
    ``jobs`` > 1 that happens in one process while the others solve variants."""
    check_seed_and_count(seed, count)
    shared = [q for q in questions if not varies(q)]
    varying = [q for q in questions if varies(q)]
    work = [(seed, number, varying) for number in range(1, count + 1)]
    done: list[Variant] = []
    if jobs <= 1:
        fixed = solve_variant(seed, 1, shared).solutions
        for job in work:
            done.append(_merged(_solve_one(job), fixed, questions))
            if progress:
                progress(job[1])
        return done
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pending = pool.apply_async(solve_variant, (seed, 1, shared))
        for variant in pool.imap(_solve_one, work):
            done.append(variant)
            if progress:
                progress(variant.number)
        fixed = pending.get().solutions
    return [_merged(variant, fixed, questions) for variant in done]


def key_json(seed: int, count: int, questions: list[Question], variants: list[Variant]) -> str:
    data = {
        "seed": seed,
        "count": count,
        "variants": [
            {"variant": v.number,
             "questions": {q.id: kind_of(q).key_entry(q, v.solutions[q.id])
                           for q in questions}}
            for v in variants
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def progress_line(count: int) -> Callable[[int], None]:
    def report(number: int) -> None:
        print(f"solver: variant {number}/{count} solved and verified", file=sys.stderr,
              flush=True)

    return report
