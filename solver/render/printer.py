"""One page frame for every format; each format overrides only what it prints differently.

As sympy's printers do, a :class:`Printer` dispatches each step to ``print_<type>`` and
builds the page (heading, what is asked, steps, the answer per sub-question, checks,
rubric) from small overridable pieces. ``solver.render.text`` and ``.markdown`` subclass
it; the HTML printer uses it for steps and a Jinja2 template for the frame.
"""

from __future__ import annotations

from typing import Any

from solver.model import Ask, Check, Meta, Rubric, Solution, Step


def points_text(points: int) -> str:
    return f"{points} pt" if points == 1 else f"{points} pts"


def part_name(label: str) -> str:
    """How a sub-question is named: "A)", "1.", or "Answer" for an undivided question."""
    if not label:
        return "Answer"
    return f"{label}." if label.isdigit() else f"{label})"


class Printer:
    """The page frame. Subclasses implement ``print_<step type>`` and may override pieces."""

    separator = "\n\n"

    def step(self, step: Step) -> Any:
        return getattr(self, f"print_{step.type}")(step)

    def render(self, solution: Solution) -> str:
        meta = solution.meta
        pieces = [self.heading(meta), self.statement(meta)]
        pieces += [self.step(step) for step in solution.steps]
        pieces += [self.answers(solution), self.checks(solution.checks),
                   self.rubric(solution.rubric)]
        return self.separator.join(str(piece) for piece in pieces if piece) + "\n"

    def heading(self, meta: Meta) -> str:
        return f"{meta.heading} ({meta.id}): {meta.title} [{points_text(meta.total)}]"

    def statement(self, meta: Meta) -> str:
        lines = [meta.question] + [self.ask(ask) for ask in meta.asks if ask.text]
        return "\n".join(lines)

    def ask(self, ask: Ask) -> str:
        return f"{part_name(ask.label)} ({points_text(ask.points)}) {ask.text}"

    def answers(self, solution: Solution) -> str:
        lines = ["Answer:"]
        for part in solution.parts:
            lead = f"    {part_name(part.label)} ({points_text(part.points)}) "
            lines.append(lead + part.text.replace("\n", "\n" + " " * len(lead)))
        return "\n".join(lines)

    def check_line(self, check: Check) -> str:
        status = "PASS" if check.passed else "FAIL"
        error = "" if check.max_abs_error is None else f" (max abs error {check.max_abs_error:.3g})"
        return f"[{status}] {check.name}{error}: {check.detail}"

    def checks(self, checks: list[Check]) -> str:
        lines = [f"    {self.check_line(check)}" for check in checks]
        return "\n".join(["Checks:", *(lines or ["    (no computation to check)"])])

    def rubric(self, rubric: list[Rubric]) -> str:
        lines = [f"    {part_name(line.part)} ({points_text(line.points)}): {line.text}"
                 for line in rubric]
        return "\n".join(["Rubric (the sheet's suggestion):", *lines])
