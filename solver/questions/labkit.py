"""Shared parts of the lab questions: the completed source, its answer lines, and
comparisons against torch that become checks."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

from solver.model import Check, Code, InputError, Meta, Reading, Solution, Text
from solver.record import Question
from solver.render.printer import part_name, points_text

# A code line (not a comment line) that ends in a sub-question marker such as "# B)".
_ANSWER_LINE = re.compile(r"^\s*[^#\s].*#\s*([A-D])\)\s*$")


def source(name: str) -> str:
    """The completed template ``solver/labs/NAME.py`` (a name the lab kind checked)."""
    from solver.questions import lab_source

    try:
        return lab_source(name)
    except ValueError as error:
        raise InputError(str(error)) from None


def statement_lines(lines: Iterable[str]) -> list[list[str]]:
    """Code lines grouped by statement (a statement goes on while a bracket is open),
    trailing blanks cut; blank lines are dropped."""
    found: list[list[str]] = []
    depth = 0
    for raw in lines:
        if not raw.strip():
            continue
        if found and depth > 0:
            found[-1].append(raw.rstrip())
        else:
            found.append([raw.rstrip()])
        depth += sum(raw.count(c) for c in "([{") - sum(raw.count(c) for c in ")]}")
    return found


def joined(group: list[str]) -> str:
    """A statement's lines as one line, with no space after an opening bracket; it keeps
    its first line's indentation."""
    line = group[0]
    for raw in group[1:]:
        line += ("" if line.endswith(("(", "[", "{")) else " ") + raw.strip()
    return line


def statements(lines: Iterable[str]) -> list[str]:
    """Code lines as statements: a statement split over lines (an open bracket) joined
    into one, with no space after an opening bracket; each keeps its first line's
    indentation. Blank lines are dropped."""
    return [joined(group) for group in statement_lines(lines)]


def answer_lines(code: str) -> dict[str, list[tuple[int, str]]]:
    """Marked lines by sub-question letter, as (1-based line number, code without marker)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(code.splitlines(), start=1):
        match = _ANSWER_LINE.match(line)
        if match:
            text = line[: line.rindex("#")].rstrip()
            found.setdefault(match.group(1), []).append((number, text))
    return found


def solve(question: Question, meta: Meta, context: dict[str, Any]) -> Solution:
    """A lab from its record: reading notes, the completed template, per-part explanations,
    the marked answer lines, and the checks of its ``checks`` module.

    The final answer of each sub-question is its marked lines, read from the source that
    the checks run, so the sheet shows exactly the code that was verified.
    """
    from solver.wording import fill

    solution = Solution(meta, {})
    code = source(question.data["template"])
    marked = answer_lines(code)
    solution.add(*(Reading(text) for text in question.data.get("readings", [])))
    solution.add(Code(code, caption="The completed template (highlighted: the lines that "
                      "answer a sub-question)",
                      highlight=tuple(n for lines in marked.values() for n, _ in lines)))
    for part in question.parts:
        explanation = fill(part.explain, context, question.id)
        solution.add(Text(f"{part_name(part.label)} ({points_text(part.points)}) {explanation}"))
    for letter, lines in sorted(marked.items()):
        text = "\n".join(_dedent([line for _, line in lines]))
        solution.give(letter, text, text)
    for part in question.parts:
        lines = marked.get(part.label) or [line for found in marked.values() for line in found]
        solution.answer_part(part.label, "\n".join(_dedent([line for _, line in lines])))
    from solver.questions import LAB_CHECKS

    checks = question.data["checks"]
    if checks not in LAB_CHECKS:
        raise InputError(f"{question.id}: checks {checks!r} is not a lab checks module")
    module = importlib.import_module(f"solver.questions.{checks}")
    solution.checks.extend(module.checks())
    return solution


def _dedent(lines: list[str]) -> list[str]:
    indent = min(len(line) - len(line.lstrip()) for line in lines)
    return [line[indent:] for line in lines]


def max_error(got: Any, expected: Any) -> float:
    import torch

    return float((got.detach().to(torch.float64) - expected.detach().to(torch.float64))
                 .abs().max())


def compare(name: str, got: Any, expected: Any, tolerance: float, detail: str = "") -> Check:
    """A check that two tensors agree element-wise within ``tolerance`` (never float ==)."""
    if tuple(got.shape) != tuple(expected.shape):
        return Check(name, False, f"shape {tuple(got.shape)} != {tuple(expected.shape)}")
    error = max_error(got, expected)
    shape = "×".join(map(str, got.shape))
    return Check(name, error <= tolerance, detail or f"Outputs of shape {shape} compared.",
                 max_abs_error=error, tolerance=tolerance)
