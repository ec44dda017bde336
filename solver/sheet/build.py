"""The answer-sheet PDF: solve, render HTML through Jinja2, typeset (``solver.sheet.typeset``).

Safe and reproducible: the URL fetcher serves only files under ``templates/`` (and
bounded inline data: URIs), fonts come only from matplotlib's bundled TTFs through a
private fontconfig, the PDF has no dates and no identifier, and it is written to a
temporary file that replaces the target only when complete. The questions are solved and
rendered by :mod:`solver.sheet.solving`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.kinds import KINDS, named
from solver.model import BuildError
from solver.output import (
    check_output,
    make_parents,
    remove_empty,
    sweep_stale,
    write_atomically,
)
from solver.record import Exam
from solver.registry import entries, exam, lookup
from solver.render.diskcache import building
from solver.render.html import environment
from solver.seed import SEED
from solver.sheet.answer_key import answer_key
from solver.sheet.solving import Rendered, solve_and_render
from solver.sheet.typeset import progress, typeset, workspace

__all__ = ["build_pdf", "sheet_html"]


@dataclass
class Section:
    name: str
    first: str = ""  # the first question's heading and title: the running header
    points: int = 0
    count: int = 0
    fragments: list[Any] = field(default_factory=list)


def sheet_html(exam: Exam, rendered: list[Rendered], header: str = "") -> str:
    """The whole sheet of ``exam`` as one HTML document, from the questions' fragments;
    ``header`` (a variant's seed and number) stands at the top of every page.

    The sections are presentation: each question is grouped under the section it is filed
    under (its id's prefix names it), which gives the headings, running headers and
    section points; how a question is rendered and keyed is its kind's
    (``solver.kinds``), and the cover claims the methods of the kinds the sheet holds.
    """
    from solver.render.html import anchor, code_css, hanging, inline
    from solver.render.printer import points_text

    sections: dict[str, Section] = {}
    toc, readings = [], []
    solutions = [solution for solution, _ in rendered]
    for solution, html in rendered:
        meta = solution.meta
        section = sections.setdefault(meta.section, Section(
            exam.section(meta.section).name, f"{meta.heading} – {meta.title}"))
        section.points += meta.total
        section.count += 1
        section.fragments.append(html)
        toc.append({"anchor": anchor(solution), "heading": meta.heading,
                    "title": meta.title, "points": meta.total})
        if solution.readings:
            readings.append({
                "heading": f"{meta.heading}: {meta.title}", "short": meta.heading,
                "anchor": anchor(solution),
                "notes": [{"text": text, "name": f"{anchor(solution)}-{number}"}
                          for number, text in enumerate(solution.readings, start=1)],
            })
    held = {named(solution.meta.kind).name for solution in solutions}
    kinds = [kind for name, kind in KINDS.items() if name in held]  # the registry's order
    template = environment().get_template("sheet.html.j2")
    return str(template.render(
        title=exam.title,
        exam_line=" · ".join(part for part in (exam.course, exam.year, exam.date,
                                               f"version {exam.version}" if exam.version
                                               else "") if part),
        author="solver (worked-solutions generator)",
        subject=f"Worked and verified answers to {exam.title}",
        keywords=[exam.course, "answer sheet", "answer key", "worked solutions",
                  *(section.name for section in sections.values())],
        sections=list(sections.values()),
        question_count=len(solutions),
        total_points=sum(s.points for s in sections.values()),
        check_count=sum(len(s.checks) for s in solutions),
        toc=toc,
        key=answer_key(solutions, exam),
        readings=readings,
        # The cover claims only what the sheet holds: its kinds' methods and references.
        methods=[kind.method for kind in kinds if kind.method],
        references=[kind.reference for kind in kinds if kind.reference],
        source_note=exam.source_note,
        seed=SEED,
        code_css=code_css(),
        header=header,
        inline=inline,
        hanging=hanging,
        points_text=points_text,
    ))


def build_pdf(output: str, ids: list[str] | None = None) -> Path:
    """Build the sheet of ``ids`` (every question if None or empty) into ``output``.

    The output path is checked before any work (InputError); repeated ids count once;
    temporaries left beside the output by a killed build are swept first.
    """
    import jinja2

    path = check_output(output)
    chosen = list(dict.fromkeys(ids)) if ids else list(entries())
    for qid in chosen:
        lookup(qid)
    sweep_stale(path)
    created = make_parents(path)
    try:
        with workspace(path), building(path):
            try:
                rendered = solve_and_render(chosen)
                html = sheet_html(exam(), rendered)
            except jinja2.TemplateError as error:
                raise BuildError(f"template error: {error}") from None
            pdf = typeset(html)
            write_atomically(path, pdf)
    except BaseException:
        remove_empty(created)
        raise
    shown = str(path) if str(path).isprintable() else repr(str(path))
    progress(f"wrote {shown} ({len(pdf) // 1024} KiB, {len(rendered)} questions)")
    return path
