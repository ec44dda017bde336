"""``solver pdf [--output FILE.pdf] [--only ID …]``: the answer sheet.

Imported when the CLI parser is built, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", default="build/answers.pdf", help="default: %(default)s")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID",
                        help="only these questions (--only may be repeated)")


def run(args: argparse.Namespace) -> int:
    from solver import runtime
    from solver.registry import lookup
    from solver.sheet.build import build_pdf

    ids = args.only
    for qid in ids or ():
        lookup(qid)
    # When this process is the solver command itself, it ends when the PDF is written
    # (solver.runtime: fast-exit). Called as a function, as the tests do, it returns.
    ending = bool(getattr(args, "process_ends", False))
    if ending:
        runtime.ending_soon()
    build_pdf(args.output, ids)
    if ending:
        runtime.exit_now(0)
    return 0
