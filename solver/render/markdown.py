"""Markdown with $...$ maths, for notes and issue threads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from solver.model import Code, Figure, Math, Reading, Solution, Step, Table, Text


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def _table(step: Table) -> str:
    lines = [f"*{step.caption}*", ""] if step.caption else []
    lines.append("| " + " | ".join(map(_cell, step.headers)) + " |")
    lines.append("|" + "---|" * len(step.headers))
    lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in step.rows]
    return "\n".join(lines)


def _code(step: Code) -> str:
    note = ""
    if step.highlight:
        note = f"\n\nAnswer lines: {', '.join(map(str, step.highlight))}."
    head = f"*{step.caption}*\n\n" if step.caption else ""
    return f"{head}```{step.language}\n{step.code.rstrip()}\n```{note}"


STEP_RENDERERS: dict[type[Any], Callable[[Any], str]] = {
    Text: lambda step: step.text,
    Math: lambda step: (f"{step.label}\n\n" if step.label else "") + f"$$\n{step.latex}\n$$",
    Code: _code,
    Table: _table,
    Figure: lambda step: f"*Figure: {step.caption}*",
    Reading: lambda step: f"> **Reading of the question.** {step.text}",
}


def render_step(step: Step) -> str:
    return STEP_RENDERERS[type(step)](step)


def render(solution: Solution) -> str:
    meta = solution.meta
    out = [f"## {meta.heading}: {meta.title} ({meta.total} pts)", "", f"*{meta.question}*", ""]
    for step in solution.steps:
        out += [render_step(step), ""]
    out += ["### Answer", ""]
    out += [f"- **{key}** = `{text}`" for key, text in solution.answer_text.items()]
    out += ["", "### Checks", ""]
    for check in solution.checks:
        mark = "✅" if check.passed else "❌"
        error = "" if check.max_abs_error is None else f" (max abs error {check.max_abs_error:.3g})"
        out.append(f"- {mark} {check.name}{error}: {check.detail}")
    if not solution.checks:
        out.append("- no computation to check")
    out += ["", "### Rubric", ""]
    out += [f"- **{line.part}** ({line.points} pts): {line.text}" for line in solution.rubric]
    return "\n".join(out) + "\n"
