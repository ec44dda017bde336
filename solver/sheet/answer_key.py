"""The answer key at a glance: every sub-question's final answer in short, one row each,
and the multiple-choice letters in a table per section (the sheet's key page).

Where an answer goes is decided by its question's kind (``solver.kinds``), not by its
section: an answer whose kind gives a key letter (multiple choice) is in a letters table
wherever it is filed, every other answer in the rows (as code when its kind's answers
are code). The letters are grouped by the
section they are filed under, which heads them ("Papers", "Lecture 3")."""

from __future__ import annotations

import re
from typing import Any

from solver.kinds import named
from solver.model import Solution
from solver.record import Exam, Question

# The answer key holds each answer in short, in at most two lines: a code answer is its
# lines joined by "; ", a prose answer its first sentence; longer ones end in "…".
KEY_PROSE_CHARS = 165
KEY_CODE_CHARS = 150
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9Ŝ∂(‖])")


def _cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut after a word, with …"""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 2)
    return text[:cut if cut > limit // 2 else limit - 2].rstrip(" ,;:") + " …"


def _code_on_one_line(code: str) -> str:
    """Code on one line: statements joined by "; ", a block's header and a bracket's
    continuation by a space."""
    out, depth = "", 0
    for raw in code.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if out:
            out += " " if depth > 0 or out.endswith(":") else "; "
        out += line
        depth += sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
    return out


def short_answer(text: str, code: bool) -> str:
    """One sub-question's final answer as the key shows it."""
    from solver.render.html import plain, strip_noqa

    if code:
        return _cut(_code_on_one_line(strip_noqa(text)), KEY_CODE_CHARS)
    prose = " ".join(plain(text).split())
    first = _SENTENCE_END.split(prose, maxsplit=1)[0]
    return _cut(first, KEY_PROSE_CHARS)


def _letters(choices: list[Solution]) -> dict[str, Any]:
    """One letters table: the multiple-choice questions filed under one section, headed
    by the section's kind ("Papers") or the one question's heading ("Paper 3")."""
    from solver.render.html import anchor
    from solver.render.printer import points_text

    first = choices[0].meta
    heading = f"{first.section.capitalize()}s" if len(choices) > 1 else first.heading
    points = {part.points for solution in choices for part in solution.parts}
    each = f"{points_text(points.pop())} each" if len(points) == 1 and len(choices) > 1 else ""
    letters = [{"number": s.meta.number, "anchor": anchor(s),
                "letter": named(s.meta.kind).key_letter(s)} for s in choices]
    return {"heading": heading, "points": each, "letters": letters}


def accept(question: Question, solution: Solution) -> dict[str, str]:
    """For hand grading, per sub-question label, what to accept of the values a platform
    asks for: the tolerance ("± 0.00049", "exact"), preceded by the value at the decimals
    the question asks, with a true minus, where the answer's own text is longer
    ("≈ −0.02937 ± 0.00015"); nothing for a sub-question answered in words or code."""
    from solver.lms.plan import planned
    from solver.lms.tolerance import decimal_text

    found: dict[str, list[str]] = {}
    gaps = planned(question, solution, 1).gaps
    for gap in gaps:
        rule = f"± {decimal_text(gap.tolerance)}" if gap.tolerance else "exact"
        text = solution.answer_text.get(gap.key, "")
        value = decimal_text(gap.exact, gap.places).replace("-", "−")
        found.setdefault(gap.part, []).append(
            rule if gap.index or len(text) <= len(value) + 1 else f"≈ {value} {rule}")
    return {part: _one_rule(rules) for part, rules in found.items()}


def _one_rule(rules: list[str]) -> str:
    """One part's rule: its gaps' when they agree, else the policy's relative tolerance."""
    from solver.lms.tolerance import RELATIVE

    if len(set(rules)) == 1:
        return ("each " if len(rules) > 1 else "") + rules[0]
    return f"each ± {float(RELATIVE) * 100:g} %"


def answer_key(solutions: list[Solution], exam: Exam | None = None) -> dict[str, Any]:
    """Every question's final answers for the key page: ``rows``, a row per sub-question
    (with what to accept where a value is asked, from ``exam``'s records), and
    ``choices``, the multiple-choice letters as a table per section (exam order)."""
    from solver.render.html import anchor
    from solver.render.printer import part_name, points_text

    rows: list[dict[str, Any]] = []
    choices: dict[str, list[Solution]] = {}
    for solution in solutions:
        meta = solution.meta
        kind = named(meta.kind)
        if kind.key_letter(solution) is not None:
            choices.setdefault(meta.section, []).append(solution)
            continue
        record = exam.questions.get(meta.id) if exam is not None else None
        marks = accept(record, solution) if record is not None else {}
        for index, part in enumerate(solution.parts):
            rows.append({
                "first": index == 0, "span": len(solution.parts), "heading": meta.heading,
                "anchor": anchor(solution),
                "part": part_name(part.label) if part.label else "",
                "points": points_text(part.points),
                "code": kind.code_answers,
                "text": short_answer(part.text, kind.code_answers),
                "accept": marks.get(part.label, ""),
            })
    return {"rows": rows, "choices": [_letters(group) for group in choices.values()]}


__all__ = ["KEY_CODE_CHARS", "KEY_PROSE_CHARS", "answer_key", "short_answer"]
