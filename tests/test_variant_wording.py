"""A variant's words fit its numbers: across many draws of every varying question, no text a
reader meets (statement, steps, tables, captions, answers, key rows, rubric, title, a lab's
template and figure) says "1 output
channels", prints a number in e-notation ("1.14e+03"), repeats a word, or shows nan.

Both defects this guards against were found by reading variants by hand: a one-channel
lecture 3 image spoke of "1 output channels" and a per-channel "variant" equal to the
answer, and lecture 4 wrote "its validation error rises to 1.14e+03"."""

from __future__ import annotations

import dataclasses
import re

import pytest

from solver.kinds import kind_of
from solver.model import Solution
from solver.registry import entries
from solver.render.unimath import plain
from solver.variants.seeded import question_draws

COUNT = 40  # variants per seed and question: a few seconds in all
NOUNS = ("channels", "steps", "samples", "entries", "weights", "windows", "layers", "heads",
         "outputs", "values", "rows", "columns", "degrees", "points", "cells", "parameters")
DEFECTS = {
    # "1 output channels", but not a product (5·3·1·1 weights) or a fraction (1/18)
    "a plural after 1": re.compile(rf"(?<![\d.,/−·×-])\b1 (?:\w+ )?(?:{'|'.join(NOUNS)})\b"),
    "e-notation": re.compile(r"\b\d(?:\.\d+)?e[+-]\d+\b"),
    "a repeated word": re.compile(r"\b([A-Za-z]{2,}) \1\b"),
    # (but not a lab's code that masks with float("-inf"))
    "nan or inf": re.compile(r"\b(?:nan|inf)\b(?![\"'])", re.IGNORECASE),
}
REPEATS_ALLOWED = {"that that", "had had"}


def _texts(solution: Solution) -> list[str]:
    """Every text of a solution that a reader sees, in Unicode."""
    found = [solution.meta.question]
    for step in solution.steps:
        fields = dataclasses.asdict(step) if dataclasses.is_dataclass(step) else {}
        found += [fields[key] for key in ("text", "caption") if isinstance(fields.get(key), str)]
        found += [str(cell) for row in fields.get("rows", ()) for cell in row]
    found += [part.text for part in solution.parts] + [part.key for part in solution.parts]
    found += [line.text for line in solution.rubric]
    return [plain(text) if "$" in text else text for text in found]


VARYING = [qid for qid in entries() if qid.startswith(("lecture.", "paper.", "lab."))]


@pytest.mark.slow
@pytest.mark.parametrize("qid", VARYING)
def test_a_variants_words_fit_its_numbers(qid: str) -> None:
    problems = []
    for seed in (2026, 7):
        question = entries()[qid].meta
        for number, solution in enumerate(question_draws(seed, question, COUNT), start=1):
            view = kind_of(question).paper_view(question, solution)  # a lab's template
            for text in [*_texts(solution), solution.meta.title, view.template, view.figure]:
                for defect, pattern in DEFECTS.items():
                    for match in pattern.finditer(text):
                        if match.group(0).lower() in REPEATS_ALLOWED:
                            continue
                        context = text[max(0, match.start() - 40):match.end() + 40]
                        problems.append(f"seed {seed} variant {number}: {defect}: …{context}…")
    assert not problems, "\n".join(problems[:10])


def test_the_patterns_catch_what_they_name() -> None:
    """The two defects found by hand, and their look-alikes that are right."""
    def hits(text: str) -> list[str]:
        return [name for name, pattern in DEFECTS.items() if pattern.search(text)]

    assert hits("giving 1 output channels.") == ["a plural after 1"]
    assert hits("its validation error rises to 1.14e+03: 10 432 times") == ["e-notation"]
    assert hits("the the kernel") == ["a repeated word"]
    assert hits("S is nan") == ["nan or inf"] and hits('masked_fill(m, float("-inf"))') == []
    assert hits("20 (5·3·1·1 weights + 5 biases), entries 1/18, 1 output channel, 1e") == []
