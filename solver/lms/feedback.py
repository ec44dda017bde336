"""A solution as HTML for a learning platform: maths as ``\\( … \\)`` and ``\\[ … \\]``
for the platform's MathJax, figures as SVG files named through the target's hook.

:class:`FeedbackPrinter` is the shared page frame (``solver.render.printer.Printer``) with
HTML step printers; unlike the answer sheet's HTML it typesets no maths itself. Every
string is HTML-escaped; ``$…$`` in prose becomes inline maths. A figure becomes a file
(``files``: name -> SVG bytes) that the page refers to by ``reference(name)``: Moodle's
``@@PLUGINFILE@@/fig1.svg``, a package's relative path, …
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from html import escape
from typing import Any

from solver.model import Ask, Check, Code, Figure, Math, Meta, Reading, Rubric, Solution, Table
from solver.model import Text as TextStep
from solver.render.printer import Printer, part_name, points_text

_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def text(value: str) -> str:
    return escape(value, quote=False)


def inline(value: str) -> str:
    """Escape prose; ``$...$`` spans become MathJax inline maths ``\\( ... \\)``."""
    parts = _INLINE_MATH.split(value)
    return "".join(rf"\({text(part)}\)" if index % 2 else text(part)
                   for index, part in enumerate(parts))


def paragraphs(value: str) -> str:
    """Prose with hard line breaks (the exam file's) as paragraphs split at blank lines."""
    blocks = [" ".join(line.strip() for line in block.splitlines())
              for block in re.split(r"\n\s*\n", value.strip())]
    return "".join(f"<p>{inline(block)}</p>" for block in blocks if block)


def statement(meta: Meta) -> str:
    return paragraphs(meta.question)


def ask_html(ask: Ask, extra: str = "") -> str:
    """One sub-question: label, points and what it asks (and ``extra`` HTML after it)."""
    lead = "" if not ask.label else f"<strong>{text(part_name(ask.label))}</strong> "
    return f"<p>{lead}({points_text(ask.points)}) {inline(ask.text)}{extra}</p>"


class FeedbackPrinter(Printer):
    """Steps, answers and checks as HTML; figures collected as files (name -> SVG bytes),
    each referred to by ``reference(name)``."""

    separator = "\n"

    def __init__(self, reference: Callable[[str], str]) -> None:
        self.files: dict[str, bytes] = {}
        self.reference = reference

    def print_text(self, step: TextStep) -> str:
        return f"<p>{inline(step.text)}</p>"

    def print_math(self, step: Math) -> str:
        label = f"{inline(step.label)} " if step.label else ""
        return f"<p>{label}\\[{text(step.latex)}\\]</p>"

    def print_code(self, step: Code) -> str:
        lines = step.code.rstrip("\n").split("\n")
        shown = "\n".join(f"<strong>{text(line)}</strong>" if number in step.highlight
                          else text(line) for number, line in enumerate(lines, start=1))
        caption = f"<p><em>{text(step.caption)}</em></p>" if step.caption else ""
        return f"{caption}<pre><code>{shown}</code></pre>"

    def print_table(self, step: Table) -> str:
        head = "".join(f"<th>{text(cell)}</th>" for cell in step.headers)
        rows = "".join("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in row) + "</tr>"
                       for row in step.rows)
        caption = f"<caption>{inline(step.caption)}</caption>" if step.caption else ""
        return (f'<table border="1" cellpadding="3">{caption}<thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>")

    def print_figure(self, step: Figure) -> str:
        from solver.render.unimath import plain

        name = f"fig{len(self.files) + 1}.svg"
        self.files[name] = figure_svg(step)
        return (f'<p><img src="{escape(self.reference(name))}" alt="{escape(plain(step.caption))}" '
                f'style="max-width: 100%"><br><em>{inline(step.caption)}</em></p>')

    def print_reading(self, step: Reading) -> str:
        return f"<p><em>Reading of the question.</em> {inline(step.text)}</p>"

    def answers(self, solution: Solution) -> str:
        items = []
        for part in solution.parts:
            lead = f"<strong>{text(part_name(part.label))}</strong> ({points_text(part.points)})"
            body = (f"<pre>{text(part.text)}</pre>" if "\n" in part.text
                    else " " + inline(part.text))
            items.append(f"<li>{lead}{body}</li>")
        return "<h4>Answer</h4><ul>" + "".join(items) + "</ul>"

    def checks(self, checks: list[Check]) -> str:
        lines = [f"<li>{text(self.check_line(check))}</li>" for check in checks]
        body = "".join(lines) or "<li>(no computation to check)</li>"
        return f"<h4>Checks</h4><ul>{body}</ul>"

    def rubric(self, rubric: list[Rubric]) -> str:
        lines = "".join(
            f"<li><strong>{text(part_name(line.part))}</strong> "
            f"({points_text(line.points)}): {inline(line.text)}</li>" for line in rubric)
        return f"<h4>Rubric</h4><ul>{lines}</ul>"

    def render(self, solution: Solution) -> str:
        """The general feedback: the worked steps, the answer per part, the checks and the
        variant's parameters (what ``solver solve ID --param …`` reproduces it from)."""
        pieces = ["<h4>Worked solution</h4>"]
        pieces += [str(self.step(step)) for step in solution.steps]
        pieces += [self.answers(solution), self.checks(solution.checks), params(solution)]
        return self.separator.join(pieces)

    def grader_info(self, solution: Solution) -> str:
        """An essay's information for graders: the worked answer per part and the rubric."""
        return self.separator.join([self.answers(solution), self.rubric(solution.rubric)])


@lru_cache(maxsize=256)
def figure_svg(figure: Figure) -> bytes:
    """A figure for a platform, drawn once per distinct figure (a question that does not
    vary has the same figure in every variant) by the direct SVG writer: text stays text
    for the browser, and drawing costs well under a millisecond, not matplotlib's 0.1 s."""
    from solver.render.svgfigure import svg

    return svg(figure).encode("utf-8")


PARAMS_LEAD = "Parameters of this variant (JSON): "


def params(solution: Solution) -> str:
    data = json.dumps(solution.params, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return f"<p>{text(PARAMS_LEAD)}<code>{text(data)}</code></p>"


def read_params(html_text: str) -> Any:
    """The parameters written by :func:`params` (for checks and tests)."""
    from html import unescape

    match = re.search(re.escape(text(PARAMS_LEAD)) + r"<code>(.*?)</code>", html_text, re.S)
    if match is None:
        raise ValueError("no parameters in the feedback")
    return json.loads(unescape(match.group(1)))
