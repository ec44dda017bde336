"""HTML fragments for the answer sheet (rendered to PDF by solver.sheet).

Step renderers dispatch on step type through ``STEP_RENDERERS``; the question's frame
(heading, answer box, checks, rubric) is the Jinja2 template ``question.html.j2``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from solver.model import Code, Figure, Math, Reading, Solution, Step, Table, Text
from solver.render.mathsvg import img

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def inline(text: str) -> Markup:
    """Escape text; ``$...$`` spans become typeset inline formulas."""
    parts = _INLINE_MATH.split(text)
    return Markup("").join(
        img(part) if index % 2 else escape(part) for index, part in enumerate(parts)
    )


def _text(step: Text) -> Markup:
    return Markup("<p>{}</p>").format(inline(step.text))


def _math(step: Math) -> Markup:
    label = Markup('<span class="label">{}</span> ').format(step.label) if step.label else ""
    return Markup('<div class="display">{}{}</div>').format(label, img(step.latex, inline=False))


def _code(step: Code) -> Markup:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_by_name

    formatter = HtmlFormatter(linenos="inline", hl_lines=list(step.highlight), wrapcode=True)
    body = highlight(step.code, get_lexer_by_name(step.language), formatter)
    caption = Markup('<div class="caption">{}</div>').format(step.caption) if step.caption else ""
    return Markup('<figure class="code">{}{}</figure>').format(caption, Markup(body))


def _table(step: Table) -> Markup:
    head = Markup("").join(Markup("<th>{}</th>").format(h) for h in step.headers)
    rows = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(Markup("<td>{}</td>").format(inline(c)) for c in row))
        for row in step.rows
    )
    caption = Markup("<caption>{}</caption>").format(step.caption) if step.caption else ""
    return Markup('<table class="steps">{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
                  ).format(caption, head, rows)


def _figure(step: Figure) -> Markup:
    from solver.render.plots import svg

    data = base64.b64encode(svg(step).encode("utf-8")).decode("ascii")
    return Markup(
        '<figure class="plot"><img alt="{}" src="data:image/svg+xml;base64,{}">'
        "<figcaption>{}</figcaption></figure>"
    ).format(step.caption, data, step.caption)


def _reading(step: Reading) -> Markup:
    return Markup('<aside class="reading"><strong>Reading of the question.</strong> {}</aside>'
                  ).format(inline(step.text))


STEP_RENDERERS: dict[type[Any], Callable[[Any], Markup]] = {
    Text: _text,
    Math: _math,
    Code: _code,
    Table: _table,
    Figure: _figure,
    Reading: _reading,
}


def render_step(step: Step) -> Markup:
    return STEP_RENDERERS[type(step)](step)


@cache
def environment() -> Any:
    """Jinja2 with autoescape and StrictUndefined: a missing variable fails the build."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def fragment(solution: Solution) -> Markup:
    template = environment().get_template("question.html.j2")
    return Markup(template.render(
        solution=solution,
        meta=solution.meta,
        steps=[render_step(step) for step in solution.steps],
    ))


def render(solution: Solution) -> str:
    return str(fragment(solution))
