"""One variant of one question as a practice page holds it: what the student is shown
(the exam's words for the variant, its parts, the inputs and options) and what the page
checks and reveals on request (:func:`key`: the plan's gaps with their tolerances and
wrong paths, the right option, the worked steps, the final answers, the rubric).

Everything comes through the question's kind and the LMS-neutral plan
(:func:`solver.lms.plan.planned`): gaps are checked by the Moodle bank's policy
(:mod:`solver.lms.tolerance`: the same exact values, tolerances, wrong paths and credits),
so a page marks an answer as the bank does. Nothing here branches on a question's kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from markupsafe import Markup, escape

from solver.kinds import kind_of
from solver.lms.gaps import GapPlan
from solver.lms.plan import Planned, planned
from solver.lms.tolerance import answer_text, decimal_text
from solver.model import Rubric, Solution
from solver.record import Question
from solver.render.html import hanging, inline, step_blocks
from solver.render.printer import part_name, points_text

_SUBSCRIPT = re.compile(r"(?<=[^\W\d_])_(\w+)")


def label_html(label: str) -> Markup:
    """A gap's label ("S_3", "Ŝ_2", "Y[0,1,1]") with its subscript set as one."""
    pieces = _SUBSCRIPT.split(label)
    return Markup("").join(Markup("<sub>{}</sub>").format(piece) if index % 2 else escape(piece)
                           for index, piece in enumerate(pieces))


@dataclass(frozen=True)
class Field:
    """One asked value: its input's id, its label and the sub-question it answers."""

    index: int  # its place among the key's gaps
    label: Markup

    @property
    def id(self) -> str:
        return f"g{self.index}"


@dataclass(frozen=True)
class Part:
    """One sub-question as the page asks it: checked values (``fields``), or marked by
    the student against the rubric (``self_marked``)."""

    label: str
    name: str
    points: int
    text: Markup
    fields: tuple[Field, ...] = ()

    @property
    def self_marked(self) -> bool:
        return not self.fields


@dataclass
class Shown:
    """What the page shows before anything is asked: the exam's words for the variant."""

    heading: str
    title: str
    points: int
    statement: Markup
    parts: list[Part]
    form: str  # the plan's: gaps, choice or essay
    options: list[tuple[str, Markup]] = field(default_factory=list)
    figure: str = ""
    template: str = ""
    code: bool = False
    places: int | None = None  # decimals a gap asks (0: whole numbers); None: no gaps


def _gap_key(gap: GapPlan, points: Fraction) -> dict[str, Any]:
    return {
        "part": gap.part,
        "value": answer_text(gap.exact),
        "tolerance": decimal_text(gap.tolerance),
        "points": float(points),
        "wrong": [{"name": str(label_html(wrong.name)), "value": answer_text(wrong.value),
                   "tolerance": decimal_text(wrong.tolerance), "credit": int(wrong.percent)}
                  for wrong in gap.wrong],
    }


def shown(item: Planned) -> Shown:
    question, solution = item.question, item.solution
    meta = solution.meta
    view = kind_of(question).paper_view(question, solution)
    fields: dict[str, list[Field]] = {}
    for index, gap in enumerate(item.gaps):
        fields.setdefault(gap.part, []).append(Field(index, label_html(gap.label)))
    # A choice is its options alone; otherwise every sub-question, with its values to
    # check or marked by the student.
    parts = [] if item.form == "choice" else [
        Part(ask.label, part_name(ask.label), ask.points, inline(ask.text),
             tuple(fields.get(ask.label, ()))) for ask in meta.asks]
    return Shown(
        heading=meta.heading, title=meta.title, points=meta.total,
        statement=inline(meta.question), parts=parts, form=item.form,
        options=[(letter, inline(text)) for letter, text in item.item.options],
        figure=view.figure, template=view.template, code=item.item.code,
        places=item.gaps[0].places if item.gaps else None)


def _final(question: Question, solution: Solution) -> Markup:
    code = kind_of(question).code_answers
    rows = []
    for part in solution.parts:
        body = (Markup('<pre class="answer-code">{}</pre>').format(hanging(part.text))
                if code or "\n" in part.text else inline(part.text))
        rows.append(Markup("<dt>{} <span class=\"points\">({})</span></dt><dd>{}</dd>").format(
            part_name(part.label), points_text(part.points), body))
    return Markup('<dl class="final">{}</dl>').format(Markup("").join(rows))


# A rubric line's marks: "matrix product (1), bias (1)", "factors w (1) and x (1); …".
_MARK = re.compile(r"\s*\((\d+)\)\s*(?:[,;]|\band\b)?\s*")


def rubric_items(text: str, points: int) -> list[tuple[str, int]]:
    """A rubric line as the items a student ticks: one per mark "(n)" when the marks add
    up to the line's points (text after the last mark joins the last item), else the
    whole line as one item."""
    items: list[tuple[str, int]] = []
    start = 0
    for match in _MARK.finditer(text):
        items.append((text[start:match.start()].strip(), int(match.group(1))))
        start = match.end()
    if not items or sum(n for _, n in items) != points or not all(t for t, _ in items):
        return [(text, points)]
    rest = text[start:].strip()
    if rest:
        items[-1] = (f"{items[-1][0]}; {rest}", items[-1][1])
    return items


def _rubric_html(lines: list[Rubric]) -> Markup:
    rows = Markup("").join(Markup("<li><strong>{}</strong> ({}): {}</li>").format(
        part_name(line.part), points_text(line.points), inline(line.text)) for line in lines)
    return Markup('<p class="rubric-line">How the exam’s points for the values checked '
                  "above are earned:</p><ul>{}</ul>").format(rows)


def key(item: Planned, page: Shown) -> dict[str, Any]:
    """What the page checks and reveals: JSON data for its script."""
    solution = item.solution
    self_marked = {part.label for part in page.parts if part.self_marked}
    per_part: dict[str, int] = {}  # values checked per sub-question
    for gap in item.gaps:
        per_part[gap.part] = per_part.get(gap.part, 0) + 1
    checked = [line for line in solution.rubric if line.part in per_part]
    points = {part.label: part.points for part in page.parts}
    return {
        "form": item.form,
        "gaps": [_gap_key(gap, Fraction(points[gap.part], per_part[gap.part]))
                 for gap in item.gaps],
        "parts": {part.label: f"sub-question {part.label}" if part.label else "the answer"
                  for part in page.parts},
        "right": item.item.right,
        "steps": [str(block) for block in step_blocks(solution)],
        "final": str(_final(item.question, solution) + (_rubric_html(checked)
                                                         if checked else "")),
        "rubric": [{"name": part_name(line.part), "points": line.points,
                    "items": [{"html": str(inline(text)), "points": points}
                              for text, points in rubric_items(line.text, line.points)]}
                   for line in solution.rubric if line.part in self_marked],
    }


def variant_page(question: Question, solution: Solution,
                 number: int) -> tuple[Shown, dict[str, Any]]:
    """One variant's page: what it shows and what it checks and reveals."""
    item = planned(question, solution, number)
    page = shown(item)
    return page, key(item, page)

