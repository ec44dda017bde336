"""The variants of a practice site: per question, the exam's own version first, then
fresh draws from a stream of the site's own.

A class's variants come from ``solver variants --seed S``; a site built with the same
number must not hand students those variants' answers, so the site's draws use another
seed, derived from its own (:func:`practice_seed`), through the same drawing code (fair,
distinct, verified: :func:`solver.variants.seeded.question_draws`). A question whose
variants do not differ has one page.
"""

from __future__ import annotations

import hashlib
import json

from solver.kinds import kind_of
from solver.model import Solution
from solver.record import Question
from solver.variants.seeded import MAX_SEED, exam_version, question_draws, varies


def practice_seed(seed: int) -> int:
    """The seed a site with ``--seed seed`` draws from: never the class seed itself."""
    digest = hashlib.sha256(f"solver-practice:{seed}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % MAX_SEED


def _seen_as(question: Question, solution: Solution) -> str:
    """What a student is given of a version: two versions alike in this are one page (a
    lab of six versions, drawn 30 times, is six pages; an explain question whose words
    never change is one, however its worked example varies)."""
    view = kind_of(question).paper_view(question, solution)
    meta = solution.meta
    return json.dumps([meta.title, meta.question, [ask.text for ask in meta.asks],
                       view.template, view.options, view.figure], sort_keys=True)


def practice_variants(seed: int, count: int, question: Question) -> list[Solution]:
    """Up to ``count`` distinct versions of ``question``: the exam's own, then draws
    unlike it and each other (one version when the question does not vary)."""
    own = exam_version(question)
    if not varies(question) or count == 1:
        return [own]
    chosen = {_seen_as(question, own): own}
    mine = json.dumps(own.params, sort_keys=True)  # the exam's words may differ, its version not
    for solution in question_draws(practice_seed(seed), question, count):
        if json.dumps(solution.params, sort_keys=True) != mine:
            chosen.setdefault(_seen_as(question, solution), solution)
    return list(chosen.values())[:count]
