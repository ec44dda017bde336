"""``solver booklets --seed S --count N [--roster CSV] --out DIR [--jobs J]``: a paper
answer booklet per student of the roster (per variant without one), the merged PDF to
print, and ``booklets.json`` for ``solver scan``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from solver.model import InputError

MAX_JOBS = 8
MAX_BOOKLETS = 5000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True, help="the class's seed")
    parser.add_argument("--count", type=int, required=True,
                        help="variants (a roster's students take them in turn)")
    parser.add_argument("--roster", metavar="CSV",
                        help="the class: a CSV with the columns number and name "
                             "(email, section optional)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the booklets' folder")
    parser.add_argument("--id-digits", type=int, metavar="N",
                        help="student-number columns (default: the roster's longest, else 8)")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default: 1)")


def run(args: argparse.Namespace) -> int:
    from solver.folders import check_folder
    from solver.output import write_atomically
    from solver.paper.booklets import write_booklets
    from solver.paper.plan import Booklet, exam_id, fields, variant_of
    from solver.paper.roster import MAX_DIGITS, read_roster
    from solver.registry import exam
    from solver.variants.seeded import (
        MAX_COUNT,
        check_seed_and_count,
        progress_line,
        solve_variants,
    )

    check_seed_and_count(args.seed, args.count, MAX_COUNT)
    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be in 1..{MAX_JOBS}, got {args.jobs}")
    students = read_roster(args.roster) if args.roster else None
    longest = max((len(s.number) for s in students), default=0) if students else 0
    id_digits = args.id_digits if args.id_digits is not None else (longest or 8)
    if not max(longest, 1) <= id_digits <= MAX_DIGITS:
        because = f" (the roster's longest number has {longest})" if longest else ""
        raise InputError(f"--id-digits must be in {max(longest, 1)}..{MAX_DIGITS}{because}, "
                         f"got {id_digits}")
    if students and len(students) > MAX_BOOKLETS:
        raise InputError(f"the roster has more than {MAX_BOOKLETS} students")
    folder = check_folder(args.out)
    the_exam = exam()
    questions = list(the_exam.questions.values())
    variants = solve_variants(args.seed, args.count, questions, args.jobs,
                              progress_line(args.count, len(questions)))
    people = students if students else [None] * args.count
    booklets = []
    for index, student in enumerate(people):
        variant = variants[variant_of(index, args.count) - 1]
        booklets.append(Booklet(index + 1, variant.number, student,
                                fields(questions, variant.solutions, variant.number)))
    _guard(the_exam, booklets, variants, id_digits)
    folder.mkdir(parents=True, exist_ok=True)
    pages = write_booklets(booklets, the_exam.title, the_exam.instructions, id_digits,
                           exam_id(the_exam), args.seed, args.jobs,
                           lambda name, data: write_atomically(folder / name, data))
    print(f"solver: wrote {len(booklets)} booklets ({pages} pages) to {folder}: "
          "booklets.pdf to print, booklets.json for 'solver scan'", file=sys.stderr)
    return 0


def _guard(exam: Any, booklets: list[Any], variants: list[Any], id_digits: int) -> None:
    """The leak guard over what each variant's booklet prints of each question (a booklet
    is what a student sees): the exam's words only, nothing of the worked answers."""
    from solver import guard
    from solver.paper.booklets import pages_of
    from solver.paper.layout import MARKING, question_texts

    seen: set[int] = set()
    for booklet in booklets:
        if booklet.variant in seen:
            continue
        seen.add(booklet.variant)
        solutions = variants[booklet.variant - 1].solutions
        texts = question_texts(pages_of(booklet, exam.title, exam.instructions, id_digits))
        guard.check(f"answer booklet of variant {booklet.variant}",
                    [(exam.questions[qid], solutions[qid], text) for qid, text in texts.items()],
                    frame=[exam.title, exam.instructions, MARKING])
