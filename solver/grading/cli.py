"""``solver grade LAB PATH ... [--seed S (--variant N | --roster CSV)] [--format
text|json|gradescope] [--jobs J] [--timeout S] [--out DIR] [--unprotected]``: the
arguments and the command.

Imported whenever the CLI's parser is built (``solver list`` too): the standard library
only at import time; ``run`` imports the grader.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from solver.grading.grader import Versions

FORMATS = ("text", "json", "gradescope")
MAX_JOBS = 32
TIMEOUT_RANGE = (1.0, 3600.0)
DEFAULT_TIMEOUT = 30.0


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lab", metavar="LAB",
                        help="a lab whose exam record names a grader (lab.1 ... lab.8 in the "
                             "bundled exam)")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="a submission .py file (the completed exam template) or a "
                             "folder of them")
    parser.add_argument("--seed", type=int, metavar="S",
                        help="the class seed of the variants (with --variant or --roster)")
    parser.add_argument("--variant", type=int, metavar="N",
                        help="grade against variant N's version of the lab (default: the "
                             "exam's own)")
    parser.add_argument("--roster", metavar="CSV",
                        help="grade each submission against its own variant: rows of two "
                             "cells, submission file name (or student id) and variant; a "
                             "header row '…,variant' allowed")
    parser.add_argument("--format", choices=FORMATS, default="text",
                        help="text (default), json, or gradescope (results.json)")
    parser.add_argument("--jobs", default="1", metavar="J",
                        help=f"submissions graded at once, 1 to {MAX_JOBS} (default 1)")
    parser.add_argument("--timeout", default=f"{DEFAULT_TIMEOUT:g}", metavar="S",
                        help="seconds each submission's code may run, after the sandbox "
                             f"has started (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--out", metavar="DIR",
                        help="also write one JSON file per submission and grades.csv here")
    parser.add_argument("--reveal", action="store_true",
                        help="messages quote the worked code of a failed part (for the "
                             "instructor: never in what students see)")
    parser.add_argument("--max-count", type=int, metavar="N",
                        help="grade up to N submissions in one run (default 1000)")
    parser.add_argument("--unprotected", action="store_true",
                        help="grade even where neither bwrap nor Landlock can keep a "
                             "submission away from the reference and this machine's files "
                             "(every report says so)")


def _jobs(text: str) -> int:
    from solver.model import InputError

    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be a whole number from 1 to {MAX_JOBS}, got {text!r}")
    return jobs


def _max_count(given: int | None) -> int:
    from solver.grading.grader import MAX_SUBMISSIONS, SUBMISSIONS_CEILING
    from solver.model import InputError

    if given is None:
        return MAX_SUBMISSIONS
    if not MAX_SUBMISSIONS <= given <= SUBMISSIONS_CEILING:
        raise InputError(f"--max-count must be in {MAX_SUBMISSIONS}..{SUBMISSIONS_CEILING}, "
                         f"got {given}")
    return given


def parse_timeout(text: str) -> float:
    from solver.model import InputError

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    low, high = TIMEOUT_RANGE
    if not low <= seconds <= high:
        raise InputError(f"--timeout must be a number of seconds from {low:g} to {high:g}, "
                         f"got {text!r}")
    return seconds


def versions_of(args: argparse.Namespace) -> Versions:
    """The lab versions the arguments ask for (grader.Versions); a seed without a variant
    or roster, or a variant or roster without a seed, is an InputError."""
    from solver.grading.grader import Versions
    from solver.grading.versions import read_roster
    from solver.model import InputError

    seed, variant, roster = (getattr(args, name, None) for name in ("seed", "variant",
                                                                      "roster"))
    if variant is not None and roster is not None:
        raise InputError("give --variant N (every submission) or --roster CSV (each its "
                         "own), not both")
    if (variant is not None or roster is not None) != (seed is not None):
        given = "--variant N" if variant is not None else "--roster CSV"
        raise InputError(f"{given} needs the class's --seed S: a variant is drawn from "
                         "its class's seed" if seed is None else
                         "--seed S needs --variant N or --roster CSV (without them the "
                         "exam's own version is graded)")
    from solver.variants.seeded import check_seed, check_variant

    # Checked here too, before the grader imports torch: a bad number is one line at once.
    if seed is not None:
        check_seed(seed)
    if variant is not None:
        check_variant(variant)
    return Versions(seed, variant, read_roster(roster) if roster is not None else None)


def run(args: argparse.Namespace) -> int:
    """Grade; 0 when grading ran (whatever the scores), 1 when the grader itself failed."""
    import os

    from solver.folders import check_folder, open_owned
    from solver.grading.grader import gradable, grade

    gradable(args.lab)
    jobs, timeout = _jobs(args.jobs), parse_timeout(args.timeout)
    max_count = _max_count(getattr(args, "max_count", None))
    versions = versions_of(args)
    # Opened before grading: what is written is written into this folder, whatever
    # becomes of its path meanwhile.
    out = open_owned(check_folder(args.out)) if args.out is not None else None

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        report = grade(args.lab, list(args.paths), jobs, timeout, progress,
                       args.unprotected, getattr(args, "reveal", False), max_count=max_count,
                       versions=versions)
        from solver.grading.report import render, write_out

        sys.stdout.write(render(report, args.format))
        if out is not None:
            write_out(report, out, args.format)
    finally:
        if out is not None:
            os.close(out)
    for failure in report.failures:
        print(f"solver: grader failure: {failure}", file=sys.stderr)
    return 1 if report.failures else 0
