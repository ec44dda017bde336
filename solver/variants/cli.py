"""``solver variants --seed S --count N --out DIR [--only ID …] [--pdf] [--jobs J]``:
``key.json`` (and each variant's question paper and worked key) in DIR.

Imported when the CLI parser is built, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import sys

from solver.model import InputError

MAX_JOBS = 8
# Variant PDFs take seconds each: --count with --pdf is capped lower (see the README).
MAX_PDF_COUNT = 250


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True, help="the class's seed")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for key.json")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID",
                        help="only these questions (--only may be repeated)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write each variant's question paper and worked key")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default: 1)")
    parser.add_argument("--max-count", type=int, metavar="N",
                        help="raise the cap on --count (1000; 250 with --pdf) to N")


def run(args: argparse.Namespace) -> int:
    from solver.folders import check_folder
    from solver.output import write_atomically
    from solver.registry import chosen, exam
    from solver.variants.seeded import (
        MAX_COUNT,
        check_seed_and_count,
        count_cap,
        key_json,
        progress_line,
        solve_variants,
    )

    default = MAX_PDF_COUNT if args.pdf else MAX_COUNT
    cap = count_cap(default, getattr(args, "max_count", None))
    check_seed_and_count(args.seed, args.count, cap)
    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be in 1..{MAX_JOBS}, got {args.jobs}")
    folder = check_folder(args.out)
    questions = chosen(args.only)
    variants = solve_variants(args.seed, args.count, questions, args.jobs,
                              progress_line(args.count, len(questions)))
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "key.json",
                     key_json(args.seed, args.count, questions, variants).encode("utf-8"))
    print(f"solver: wrote {folder / 'key.json'} ({args.count} variants, "
          f"{len(questions)} questions, every answer verified)", file=sys.stderr)
    if args.pdf:
        from solver.render.diskcache import building
        from solver.variants.papers import write_variant_pdfs

        with building(folder):
            write_variant_pdfs(exam(), folder, args.seed, questions, variants, args.jobs)
    return 0
