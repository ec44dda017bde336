"""Markdown with $...$ maths, for notes and issue threads."""

from __future__ import annotations

from solver.model import Ask, Check, Code, Figure, Math, Meta, Reading, Rubric, Solution, Table
from solver.model import Text as TextStep
from solver.render.printer import Printer, part_name, points_text


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


class MarkdownPrinter(Printer):
    def print_text(self, step: TextStep) -> str:
        return step.text

    def print_math(self, step: Math) -> str:
        return (f"{step.label}\n\n" if step.label else "") + f"$$\n{step.latex}\n$$"

    def print_code(self, step: Code) -> str:
        note = ""
        if step.highlight:
            note = f"\n\nAnswer lines: {', '.join(map(str, step.highlight))}."
        head = f"*{step.caption}*\n\n" if step.caption else ""
        return f"{head}```{step.language}\n{step.code.rstrip()}\n```{note}"

    def print_table(self, step: Table) -> str:
        lines = [f"*{step.caption}*", ""] if step.caption else []
        lines.append("| " + " | ".join(map(_cell, step.headers)) + " |")
        lines.append("|" + "---|" * len(step.headers))
        lines += ["| " + " | ".join(map(_cell, row)) + " |" for row in step.rows]
        return "\n".join(lines)

    def print_figure(self, step: Figure) -> str:
        return f"*Figure: {step.caption}*"

    def print_reading(self, step: Reading) -> str:
        return f"> **Reading of the question.** {step.text}"

    def heading(self, meta: Meta) -> str:
        return f"## {meta.heading}: {meta.title} ({points_text(meta.total)})"

    def statement(self, meta: Meta) -> str:
        return "\n".join([f"*{meta.question}*", "", *(f"- {self.ask(a)}" for a in meta.asks
                                                         if a.text)]).strip()

    def ask(self, ask: Ask) -> str:
        return f"**{part_name(ask.label)}** ({points_text(ask.points)}) {ask.text}"

    def answers(self, solution: Solution) -> str:
        lines = ["### Answer", ""]
        for part in solution.parts:
            lead = f"- **{part_name(part.label)}** ({points_text(part.points)})"
            if "\n" in part.text:
                lines.append(f"{lead}\n\n  ```\n  " + part.text.replace("\n", "\n  ") + "\n  ```")
            else:
                lines.append(f"{lead} {part.text}")
        return "\n".join(lines)

    def check_line(self, check: Check) -> str:
        mark = "✅" if check.passed else "❌"
        error = "" if check.max_abs_error is None else f" (max abs error {check.max_abs_error:.3g})"
        return f"- {mark} {check.name}{error}: {check.detail}"

    def checks(self, checks: list[Check]) -> str:
        lines = [self.check_line(check) for check in checks] or ["- no computation to check"]
        return "\n".join(["### Checks", "", *lines])

    def rubric(self, rubric: list[Rubric]) -> str:
        lines = [f"- **{part_name(line.part)}** ({points_text(line.points)}): {line.text}"
                 for line in rubric]
        return "\n".join(["### Rubric (the sheet's suggestion)", "", *lines])


def render(solution: Solution) -> str:
    return MarkdownPrinter().render(solution)
