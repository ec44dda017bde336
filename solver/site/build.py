"""The whole practice site: every chosen question's variants as pages, each checked by
the leak guard and bounded in size (:mod:`.place` puts them in place of ``--out``).

Layout of the site (every link relative, so it opens from the file system or any static
host): ``index.html``; ``site.css`` and ``site.js``; per question a folder named by its
id with ``N.html`` and ``N.key.js`` for each variant N; ``media/`` the formulas and
figures as SVG files; ``.solver-site``, the mark listing them (:mod:`.place`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from solver import guard, interrupt
from solver.kinds import kind_of
from solver.model import SelfCheckError
from solver.record import Exam, Question
from solver.site.content import variant_page
from solver.site.draws import practice_variants
from solver.site.pages import ASSETS, MEDIA, Media, asset, index_html, key_script, page_html

MAX_COUNT = 100  # variants per question: a site of 100 is 6,000 pages for this exam
# A page or key script over this is refused (exit 1, naming it): the largest of this exam
# at 30 variants is far below it (see the README), so only an exam file with a statement
# or a worked solution out of all proportion reaches it.
MAX_PAGE_BYTES = 262_144
# What every page shows besides a question's own words: the guard allows these.
FRAME = ("All questions", "Previous variant", "New variant", "Your answer", "Worked solution",
         "Next step", "Show every step", "Hide the solution")


def store_name(exam: Exam, seed: int) -> str:
    """The localStorage prefix of a site: its progress kept apart from another site's."""
    digest = hashlib.sha256(f"{exam.title}\0{seed}".encode()).hexdigest()[:12]
    return f"solver-practice/{digest}"


def _bounded(name: str, data: bytes) -> bytes:
    if len(data) > MAX_PAGE_BYTES:
        raise SelfCheckError(f"page size: {name} is {len(data):,} bytes, over the site's "
                             f"bound of {MAX_PAGE_BYTES:,}")
    return data


def site_files(exam: Exam, seed: int, count: int, questions: list[Question],
               progress: Callable[[str, int], None] | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the site as (relative path, bytes), each page guarded and bounded."""
    media = Media()
    store = store_name(exam, seed)
    sections: dict[str, dict[str, Any]] = {}
    for question in questions:
        if kind_of(question).heavy_imports:
            from solver.runtime import eager_torch

            eager_torch()
        solutions = practice_variants(seed, count, question)
        section = exam.section(question.section)
        frame = [exam.title, section.name, section.statement, *FRAME]
        for number, solution in enumerate(solutions, start=1):
            interrupt.check()
            page, key = variant_page(question, solution, number)
            html = media.externalise(page_html(exam.title, store, section.name, question.id,
                                               number, len(solutions), page), "../")
            name = f"{question.id}/{number}.html"
            guard.check(f"practice page {name}", [(question, solution, html)],
                        [*frame, f"Variant {number} of {len(solutions)}"])
            yield name, _bounded(name, html.encode("utf-8"))
            script = key_script(media.externalise_all(key, "../"))
            name = f"{question.id}/{number}.key.js"
            yield name, _bounded(name, script.encode("utf-8"))
        first = solutions[0].meta
        sections.setdefault(question.section, {"name": section.name, "questions": []})
        sections[question.section]["questions"].append({
            "folder": question.id, "heading": first.heading, "title": first.title,
            "points": first.total, "variants": len(solutions)})
        if progress:
            progress(question.id, len(solutions))
    yield "index.html", index_html(exam.title, store, count, list(sections.values())).encode()
    for name in ASSETS:
        yield name, asset(name)
    for name, data in sorted(media.files.items()):
        yield f"{MEDIA}/{name}", data
