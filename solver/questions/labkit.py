"""Shared parts of the lab questions: the completed source, its answer lines, and
comparisons against torch that become checks."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from solver.model import Check, Code, Meta, Reading, Solution, Text

# A code line (not a comment line) that ends in a sub-question marker such as "# B)".
_ANSWER_LINE = re.compile(r"^\s*[^#\s].*#\s*([A-D])\)\s*$")


def source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).read_text(encoding="utf-8")


def answer_lines(code: str) -> dict[str, list[tuple[int, str]]]:
    """Marked lines by sub-question letter, as (1-based line number, code without marker)."""
    found: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(code.splitlines(), start=1):
        match = _ANSWER_LINE.match(line)
        if match:
            text = line[: line.rindex("#")].rstrip()
            found.setdefault(match.group(1), []).append((number, text))
    return found


def start(meta: Meta, module: str, readings: list[str], explanations: dict[str, str],
          single_part: str | None = None) -> Solution:
    """A lab solution with its reading notes, completed code and per-part explanations.

    The final answer of each sub-question is its marked lines, read from the source that
    the checks run, so the sheet shows exactly the code that was verified.
    """
    solution = Solution(meta, {})
    code = source(module)
    marked = answer_lines(code)
    solution.add(*(Reading(text) for text in readings))
    solution.add(Code(code, caption=f"solver/labs/{module.rsplit('.', 1)[1]}.py "
                      "(highlighted: the lines that answer a sub-question)",
                      highlight=tuple(n for lines in marked.values() for n, _ in lines)))
    for part, explanation in explanations.items():
        points = meta.points[single_part or part]
        solution.add(Text(f"{part}) ({points} pts) {explanation}"))
    for letter, lines in sorted(marked.items()):
        text = "\n".join(_dedent([line for _, line in lines]))
        solution.give(letter, text, text)
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
    shape = "x".join(map(str, got.shape))
    return Check(name, error <= tolerance, detail or f"{shape} outputs compared",
                 max_abs_error=error, tolerance=tolerance)


def finish(solution: Solution) -> Solution:
    """Record whether every check passed, with the largest error seen."""
    errors = [c.max_abs_error for c in solution.checks if c.max_abs_error is not None]
    verified = bool(solution.checks) and not solution.failed_checks
    solution.give("verified", verified, "yes, every check passed" if verified else "NO")
    if errors:
        solution.give("max_abs_error", max(errors), f"{max(errors):.3g}")
    return solution
