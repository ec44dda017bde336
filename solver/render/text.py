"""Plain text for a person at a terminal: maths in Unicode (the PDF's search layer, one
line per row of an aligned block), never LaTeX source (Markdown keeps that)."""

from __future__ import annotations

import textwrap

from solver.model import Check, Code, Figure, Math, Meta, Reading, Rubric, Solution, Table
from solver.model import Text as TextStep
from solver.render.printer import Printer, part_name, points_text
from solver.render.unimath import math_lines, plain

WIDTH = 88


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def table_lines(headers: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]


class TextPrinter(Printer):
    def print_text(self, step: TextStep) -> str:
        return _wrap(plain(step.text))

    def print_math(self, step: Math) -> str:
        lead = f"{plain(step.label)} " if step.label else ""
        lines = math_lines(step.latex)
        return "\n".join(f"    {lead if index == 0 else ' ' * len(lead)}{line}"
                         for index, line in enumerate(lines))

    def print_code(self, step: Code) -> str:
        width = len(str(step.code.count("\n") + 1))
        lines = []
        for number, line in enumerate(step.code.splitlines(), start=1):
            mark = ">" if number in step.highlight else " "
            lines.append(f"{mark}{number:>{width}} | {line}")
        head = f"[{step.caption}]\n" if step.caption else ""
        return head + "\n".join(lines)

    def print_table(self, step: Table) -> str:
        head = [plain(step.caption)] if step.caption else []
        headers = tuple(plain(str(cell)) for cell in step.headers)
        rows = tuple(tuple(plain(str(cell)) for cell in row) for row in step.rows)
        return "\n".join(head + ["    " + row for row in table_lines(headers, rows)])

    def print_figure(self, step: Figure) -> str:
        """A figure at the terminal: its caption and the numbers it plots."""
        lines = [f"[figure: {plain(step.caption)}]"]
        for series in step.series:
            pairs = ", ".join(f"{x:g}: {y:.4g}" for x, y in zip(series.x, series.y, strict=True))
            lines.append(_wrap(plain(f"{series.label} ({step.xlabel}: {step.ylabel}) {pairs}"),
                               "    "))
        return "\n".join(lines)

    def print_reading(self, step: Reading) -> str:
        return _wrap(f"Reading of the question: {plain(step.text)}")

    def heading(self, meta: Meta) -> str:
        title = super().heading(meta)
        return f"{title}\n{'=' * min(WIDTH, len(title))}"

    def statement(self, meta: Meta) -> str:
        lines = [_wrap(plain(meta.question))]
        lines += [_wrap(plain(self.ask(ask)), "  ") for ask in meta.asks if ask.text]
        return "\n".join(lines)

    def answers(self, solution: Solution) -> str:
        lines = ["Answer:"]
        for part in solution.parts:
            lead = f"{part_name(part.label)} ({points_text(part.points)}) "
            text = plain(part.text)
            if "\n" in text:
                lines.append("    " + lead + "\n" + textwrap.indent(text, " " * 8))
            else:
                lines.append(_wrap(lead + text, "    "))
        return "\n".join(lines)

    def checks(self, checks: list[Check]) -> str:
        lines = [_wrap(plain(self.check_line(check)), "    ") for check in checks]
        return "\n".join(["Checks:", *(lines or ["    (no computation to check)"])])

    def rubric(self, rubric: list[Rubric]) -> str:
        lines = [_wrap(f"{part_name(line.part)} ({points_text(line.points)}): "
                       f"{plain(line.text)}", "    ") for line in rubric]
        return "\n".join(["Rubric (the sheet's suggestion):", *lines])


def render(solution: Solution) -> str:
    return TextPrinter().render(solution)
