"""The answer key at a glance: every sub-question's final answer in short, one row each,
and the multiple-choice letters in one table (the sheet's key page)."""

from __future__ import annotations

import re
from typing import Any

from solver.model import Solution

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


def _one_line(code: str) -> str:
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
        return _cut(_one_line(strip_noqa(text)), KEY_CODE_CHARS)
    prose = " ".join(plain(text).split())
    first = _SENTENCE_END.split(prose, maxsplit=1)[0]
    return _cut(first, KEY_PROSE_CHARS)


def answer_key(solutions: list[Solution]) -> dict[str, Any]:
    """Every question's final answers for the key page: a row per sub-question, and the
    multiple-choice letters in one table."""
    from solver.render.html import anchor
    from solver.render.printer import part_name, points_text

    rows: list[dict[str, Any]] = []
    letters: list[dict[str, Any]] = []
    for solution in solutions:
        meta = solution.meta
        if meta.kind == "paper":
            choice = str(solution.answer.get("choice", "")) or solution.parts[0].text[:1]
            letters.append({"number": meta.number, "letter": choice, "anchor": anchor(solution)})
            continue
        for index, part in enumerate(solution.parts):
            rows.append({
                "first": index == 0, "span": len(solution.parts), "heading": meta.heading,
                "anchor": anchor(solution),
                "part": part_name(part.label) if part.label else "",
                "points": points_text(part.points),
                "code": meta.kind == "lab",
                "text": short_answer(part.text, meta.kind == "lab"),
            })
    numbers = [int(item["number"]) for item in letters]
    heading = "Papers" if len(numbers) > 1 else f"Paper {numbers[0]}" if numbers else ""
    points = {part.points for s in solutions if s.meta.kind == "paper" for part in s.parts}
    each = f"{points_text(points.pop())} each" if len(points) == 1 and len(letters) > 1 else ""
    return {"rows": rows, "letters": letters, "letters_heading": heading,
            "letters_points": each}


__all__ = ["KEY_CODE_CHARS", "KEY_PROSE_CHARS", "answer_key", "short_answer"]
