"""Per variant: a question paper (the exam with the variant's numbers and options, no
answers) and its worked key (the full sheet for that variant). The seed and variant number
stand in the header of every page of both."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from solver.record import Exam, Question
from solver.variants.seeded import Variant


def header(seed: int, number: int) -> str:
    """The worked key's header: what it is, the seed and the variant (the key is the TA's:
    a loose page says so)."""
    return f"graders’ key · class seed {seed} · variant {number}"


def paper_header(number: int) -> str:
    """The question paper's header: the variant alone (with the seed, anyone holding the
    solver could rebuild the key)."""
    return f"variant {number}"


def emphasis(text: str) -> Any:
    """Text with its ``**…**`` spans in bold (the exam's instructions stress one)."""
    from markupsafe import Markup, escape

    pieces = text.split("**")
    return Markup("").join(Markup("<strong>{}</strong>").format(piece) if index % 2
                           else escape(piece) for index, piece in enumerate(pieces))


def paper_html(exam: Exam, seed: int, number: int, questions: list[Question],
               variant: Variant) -> str:
    """The variant's question paper: each question's words and what its kind shows a
    student (``Kind.paper_view``: a lab's own template, the options as printed),
    grouped by the section each is filed under."""
    from solver.kinds import kind_of
    from solver.render.html import environment, inline, running
    from solver.render.printer import part_name, points_text

    sections: dict[str, dict[str, Any]] = {}
    for question in questions:
        solution = variant.solutions[question.id]
        section = exam.section(question.section)
        entry = sections.setdefault(question.section, {
            "name": section.name, "statement": section.statement, "points": 0, "questions": []})
        entry["points"] += question.total
        view = kind_of(question).paper_view(question, solution)
        entry["questions"].append({"meta": solution.meta, "template": view.template,
                                   "options": view.options, "figure": view.figure})
    template = environment().get_template("paper.html.j2")
    return str(template.render(
        title=exam.title, instructions=emphasis(exam.instructions), header=paper_header(number),
        sections=list(sections.values()), total_points=sum(q.total for q in questions),
        inline=inline, part_name=part_name, points_text=points_text, running=running,
    ))


def write_variant_pdfs(exam: Exam, folder: Path, seed: int, questions: list[Question],
                       variants: list[Variant], jobs: int = 1) -> None:
    """Each variant's question paper and worked key, ``jobs`` variants at once (forked
    workers that share the solved variants), a progress line with what is left per
    variant. A question that does not vary (a lab) is one solution shared by every
    variant, so its HTML is rendered once per process and reused."""
    from solver.estimate import Remaining
    from solver.sheet.typeset import progress

    remaining = Remaining(len(variants))
    job = _Job(exam, folder, seed, questions, variants)
    if jobs <= 1 or len(variants) < 2:
        for index in range(len(variants)):
            number = job.write(index)
            progress(f"variant {number}: wrote its question paper and worked key "
                     f"{remaining.step()}")
        return
    from solver.workers import quiet_pool

    _JOBS.append(job)  # the workers are forked: they find it here, nothing is pickled
    try:
        with quiet_pool(jobs) as pool:
            for number in pool.imap_unordered(_write_in_worker, range(len(variants))):
                progress(f"variant {number}: wrote its question paper and worked key "
                         f"{remaining.step()}")
    finally:
        _JOBS.clear()


_JOBS: list[_Job] = []


def _write_in_worker(index: int) -> int:
    return _JOBS[-1].write(index)


class _Job:
    """What every variant's PDFs are made from, and the fragments rendered so far."""

    def __init__(self, exam: Exam, folder: Path, seed: int, questions: list[Question],
                 variants: list[Variant]) -> None:
        self.exam, self.folder, self.seed = exam, folder, seed
        self.questions, self.variants = questions, variants
        # The solutions every variant shares (a question that does not vary), by id():
        # only theirs are kept once rendered, so memory does not grow with the count.
        counts = Counter(id(v.solutions[q.id]) for v in variants for q in questions)
        self.shared = {key for key, count in counts.items() if count > 1}
        self.fragments: dict[int, Any] = {}
        # The paper's own words besides the questions', which the leak guard allows.
        self.frame = [exam.title, exam.instructions,
                      *(section.statement for section in exam.sections)]

    def fragment(self, solution: Any) -> Any:
        from solver.render.html import fragment

        key = id(solution)
        if key not in self.shared:
            return fragment(solution)
        if key not in self.fragments:
            self.fragments[key] = fragment(solution)
        return self.fragments[key]

    def write(self, index: int) -> int:
        """Variant ``index``'s paper (checked for leaks) and key, each written atomically."""
        from solver.guard import check, paper_sections
        from solver.output import write_atomically
        from solver.sheet.build import sheet_html
        from solver.sheet.typeset import typeset

        exam, variant, questions = self.exam, self.variants[index], self.questions
        number = variant.number
        html = paper_html(exam, self.seed, number, questions, variant)
        shown = paper_sections(html)
        check(f"the question paper of variant {number}",
              [(q, variant.solutions[q.id], shown[q.id]) for q in questions], self.frame)
        paper = typeset(html, announce=False)
        write_atomically(self.folder / f"variant-{number:03d}-questions.pdf", paper)
        rendered = [(variant.solutions[q.id], self.fragment(variant.solutions[q.id]))
                    for q in questions]
        key = typeset(sheet_html(exam, rendered, header=header(self.seed, number)),
                      announce=False)
        write_atomically(self.folder / f"variant-{number:03d}-key.pdf", key)
        return number
