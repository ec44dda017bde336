"""``solver site --seed S --count N --out DIR [--only ID …]``: the practice site.

Imported when the CLI parser is built, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True,
                        help="the site's seed (its variants are never a class's variants)")
    parser.add_argument("--count", type=int, required=True,
                        help="variants per question, the exam's own version first")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="the site's folder (new, empty, or an earlier site: replaced)")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID",
                        help="only these questions (in the exam's order)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from solver.folders import check_folder
    from solver.model import InputError
    from solver.registry import chosen, exam
    from solver.render.diskcache import building
    from solver.sheet.typeset import progress as say
    from solver.site.build import MAX_COUNT, site_files
    from solver.site.place import check_destination, write_site
    from solver.variants.seeded import check_seed

    check_seed(args.seed)
    if not 1 <= args.count <= MAX_COUNT:
        raise InputError(f"--count must be in 1..{MAX_COUNT}, got {args.count}")
    folder = Path(check_folder(args.out))
    check_destination(folder)
    order = list(exam().questions)
    questions = sorted(chosen(args.only), key=lambda question: order.index(question.id))

    def progress(question_id: str, variants: int) -> None:
        say(f"{question_id}: {variants} variant{'s' if variants != 1 else ''} solved, "
            "verified and written as pages")

    with building(folder):
        written = write_site(folder, site_files(exam(), args.seed, args.count, questions,
                                                progress))
    print(f"solver: wrote {folder / 'index.html'} ({len(questions)} question"
          f"{'s' if len(questions) != 1 else ''}, {written} files; every page passed the leak "
          "guard)", file=sys.stderr)
    return 0
