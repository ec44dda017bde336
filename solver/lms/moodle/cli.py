"""``solver export moodle --seed S --count N --out FILE.xml [--only ID …]``.

Imported whenever the CLI parser is built, so it imports the standard library only at
module level; the bank is built, checked and written by :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True,
                        help="the class's seed (as for 'solver variants')")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="FILE.xml",
                        help="the Moodle XML file to write")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these questions")


def bank(exam: Any, seed: int, count: int, chosen: list[Any],
         progress: bool = False) -> tuple[bytes, Any]:
    """The checked bank's bytes and its plan (SelfCheckError if a check fails)."""
    from solver.lms.moodle.check import verify
    from solver.lms.moodle.export import render
    from solver.lms.plan import plan_bank
    from solver.variants.seeded import progress_line, solve_variants

    variants = solve_variants(seed, count, chosen,
                              progress=progress_line(count) if progress else None)
    planned = plan_bank(chosen, variants)
    data = render(exam.title, planned)
    verify(data, planned)
    return data, planned


def run(args: argparse.Namespace) -> int:
    from solver.lms.moodle.export import TYPE
    from solver.output import check_output, write_atomically
    from solver.registry import chosen as named
    from solver.registry import exam
    from solver.render.diskcache import building
    from solver.variants.seeded import check_seed_and_count

    check_seed_and_count(args.seed, args.count)
    path = check_output(args.out, "--out", ".xml", new_folders=False)
    chosen = named(args.only)
    with building(path):
        data, planned = bank(exam(), args.seed, args.count, chosen, progress=True)
    write_atomically(path, data)
    types = sorted({TYPE[p.form] for p in planned})
    print(f"solver: wrote {path} ({len(planned)} questions: {args.count} variants of "
          f"{len(chosen)} questions as {', '.join(types)}; the bank passed its offline "
          "checks)", file=sys.stderr)
    return 0
