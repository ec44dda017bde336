"""Per variant: a question paper (the exam with the variant's numbers and options, no
answers) and its worked key (the full sheet for that variant). The seed and variant number
stand in the header of every page of both."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from solver.exam import Question
from solver.variants import Variant


def header(seed: int, number: int) -> str:
    return f"seed {seed} · variant {number}"


def paper_html(seed: int, number: int, questions: list[Question],
               variant: Variant) -> str:
    from solver.questions.choice import options
    from solver.questions.labkit import blank_template, source
    from solver.registry import exam
    from solver.render.html import environment, inline
    from solver.render.kinds import CHOICE, LAB, question_kind
    from solver.render.printer import part_name, points_text

    sections: dict[str, dict[str, Any]] = {}
    for question in questions:  # grouped by the section each is filed under
        solution = variant.solutions[question.id]
        kind = question_kind(question)
        section = exam().section(question.kind)
        entry = sections.setdefault(question.kind, {
            "name": section.name, "statement": section.statement, "points": 0, "questions": []})
        entry["points"] += question.total
        entry["questions"].append({
            "meta": solution.meta,
            "template": (blank_template(source(question.data["template"]))
                         if kind == LAB else ""),
            "options": (options(question, solution.params.get("order", ""))
                        if kind == CHOICE else {}),
        })
    template = environment().get_template("paper.html.j2")
    return str(template.render(
        title=exam().title, instructions=exam().instructions, header=header(seed, number),
        sections=list(sections.values()), total_points=sum(q.total for q in questions),
        inline=inline, part_name=part_name, points_text=points_text,
    ))


def write_variant_pdfs(folder: Path, seed: int, questions: list[Question],
                       variants: list[Variant]) -> None:
    from solver.output import write_atomically
    from solver.render.html import fragment
    from solver.sheet import sheet_html
    from solver.typeset import progress, typeset

    for variant in variants:
        number = variant.number
        paper = typeset(paper_html(seed, number, questions, variant))
        write_atomically(folder / f"variant-{number:03d}-questions.pdf", paper)
        rendered = [(variant.solutions[q.id], fragment(variant.solutions[q.id]))
                    for q in questions]
        key = typeset(sheet_html(rendered, header=header(seed, number)))
        write_atomically(folder / f"variant-{number:03d}-key.pdf", key)
        progress(f"variant {number}: wrote its question paper and worked key")
