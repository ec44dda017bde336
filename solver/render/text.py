"""Plain text for a person at a terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

from solver.model import Code, Figure, Math, Reading, Solution, Step, Table, Text

WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _text(step: Text) -> str:
    return _wrap(step.text)


def _math(step: Math) -> str:
    lead = f"{step.label} " if step.label else ""
    return f"    {lead}{step.latex}"


def _code(step: Code) -> str:
    width = len(str(step.code.count("\n") + 1))
    lines = []
    for number, line in enumerate(step.code.splitlines(), start=1):
        mark = ">" if number in step.highlight else " "
        lines.append(f"{mark}{number:>{width}} | {line}")
    head = f"[{step.caption}]\n" if step.caption else ""
    return head + "\n".join(lines)


def table_lines(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


def _table(step: Table) -> str:
    head = [step.caption] if step.caption else []
    return "\n".join(head + ["    " + row for row in table_lines(step.headers, step.rows)])


def _figure(step: Figure) -> str:
    """A figure at the terminal: its caption and the numbers it plots."""
    lines = [f"[figure: {step.caption}]"]
    for series in step.series:
        pairs = ", ".join(f"{x:g}: {y:.4g}" for x, y in zip(series.x, series.y, strict=True))
        lines.append(_wrap(f"{series.label} ({step.xlabel}: {step.ylabel}) {pairs}", "    "))
    return "\n".join(lines)


def _reading(step: Reading) -> str:
    return _wrap(f"Reading of the question: {step.text}")


STEP_RENDERERS: dict[type[Any], Callable[[Any], str]] = {
    Text: _text,
    Math: _math,
    Code: _code,
    Table: _table,
    Figure: _figure,
    Reading: _reading,
}


def render_step(step: Step) -> str:
    return STEP_RENDERERS[type(step)](step)


def render(solution: Solution) -> str:
    meta = solution.meta
    out = [
        f"{meta.heading} ({meta.id}): {meta.title} [{meta.total} pts]",
        "=" * min(WIDTH, len(meta.heading) + len(meta.id) + len(meta.title) + 16),
        _wrap(meta.question),
        "",
    ]
    for step in solution.steps:
        out += [render_step(step), ""]
    out.append("Answer:")
    for key, text in solution.answer_text.items():
        lead = f"    {key} = "
        out.append(lead + text.replace("\n", "\n" + " " * len(lead)))
    out += ["", "Checks:"]
    for check in solution.checks:
        status = "PASS" if check.passed else "FAIL"
        error = "" if check.max_abs_error is None else f" (max abs error {check.max_abs_error:.3g})"
        out.append(_wrap(f"[{status}] {check.name}{error}: {check.detail}", "    "))
    if not solution.checks:
        out.append("    (no computation to check)")
    out += ["", "Rubric:"]
    out += [_wrap(f"{line.part} ({line.points} pts): {line.text}", "    ")
            for line in solution.rubric]
    return "\n".join(out) + "\n"
