"""The answer key at a glance: every sub-question's final answer in short, one row each,
and the multiple-choice letters in a table per section (the sheet's key page).

Where an answer goes is decided by its question's kind (``solver.kinds``), not by its
section: an answer whose kind gives a key letter (multiple choice) is in a letters table
wherever it is filed, every other answer in the rows (as code when its kind's answers
are code). The letters are grouped by the
section they are filed under, which heads them ("Papers", "Lecture 3")."""

from __future__ import annotations

from typing import Any

from solver.kinds import named
from solver.model import PartAnswer, Solution
from solver.record import Exam, Question

KEY_CODE_WIDTH = 84  # characters of 7.2 pt DejaVu Sans Mono in the key's answer column


def key_text(part: PartAnswer, code: bool) -> str:
    """One sub-question's answer as the key gives it: the short form the exam file writes
    for the key (``key``), else the whole answer (code a statement per line), never cut:
    a row carries everything a grader awards points for."""
    from solver.render.html import strip_noqa
    from solver.render.unimath import plain

    if part.key:
        return " ".join(part.key.split())
    if code:
        import textwrap

        from solver.questions.labkit import joined, statement_lines

        lines: list[str] = []
        for group in statement_lines(textwrap.dedent(strip_noqa(part.text)).splitlines()):
            one = joined(group)  # a statement on one line where it fits the key's column
            lines += [one] if len(one) <= KEY_CODE_WIDTH else group
        return "\n".join(lines)
    return " ".join(plain(part.text).split())


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
                "text": key_text(part, kind.code_answers),
                "accept": marks.get(part.label, ""),
            })
    return {"rows": rows, "choices": [_letters(group) for group in choices.values()]}


__all__ = ["answer_key", "key_text"]
