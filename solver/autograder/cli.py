"""``solver autograder PLATFORM LAB --out PATH`` writes what an instructor uploads;
``solver autograder PLATFORM LAB --grade ROOT`` is what the platform runs for each
submission (``ROOT/results/results.json``).

Imported whenever the CLI's parser is built (``solver list`` too): the standard library
only at import time.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from typing import Any

from solver.autograder import PLATFORMS
from solver.grading.cli import DEFAULT_TIMEOUT

DEFAULT_IMAGE = "solver-grader"


def configure(parser: argparse.ArgumentParser) -> None:
    platforms = parser.add_subparsers(dest="platform", required=True,
                                      parser_class=type(parser))
    for name, (_, words) in PLATFORMS.items():
        sub = platforms.add_parser(name, help=words)
        sub.add_argument("lab", metavar="LAB", help="a gradable lab (lab.1 ... lab.8)")
        action = sub.add_mutually_exclusive_group(required=True)
        action.add_argument("--out", metavar="PATH",
                            help="write the bundle: autograder.zip (gradescope) or a folder "
                                 "(prairielearn)")
        action.add_argument("--grade", metavar="ROOT",
                            help="grade the upload under ROOT and write ROOT/results/"
                                 "results.json (what the platform's container runs)")
        sub.add_argument("--timeout", default=f"{DEFAULT_TIMEOUT:g}", metavar="S",
                         help="seconds the submission's code may run (default "
                              f"{DEFAULT_TIMEOUT:g})")
        if name == "gradescope":
            sub.add_argument("--seed", type=int, metavar="S",
                             help="the class seed: with --roster, each student is graded "
                                  "against their own variant of the lab")
            sub.add_argument("--roster", metavar="CSV",
                             help="rows of two cells: one student id (email, SID or "
                                  "Gradescope user id) and the variant; a header row "
                                  "'…,variant' allowed; bundled with --out, read with --grade")
        if name == "prairielearn":
            sub.add_argument("--image", default=DEFAULT_IMAGE, metavar="NAME",
                             help="the grading image's name on Docker Hub, for info.json "
                                  f"(default {DEFAULT_IMAGE})")


def _classes(args: argparse.Namespace) -> Any:
    """The class's seed and roster (platform.Classes) when given, else None; one without
    the other is an InputError."""
    from solver.model import InputError

    seed, roster = getattr(args, "seed", None), getattr(args, "roster", None)
    if (seed is None) != (roster is None):
        raise InputError("--seed S and --roster CSV go together: each student's variant is "
                         "drawn from the class's seed")
    if seed is None or roster is None:
        return None
    from solver.autograder.platform import Classes
    from solver.grading.versions import read_roster
    from solver.variants.seeded import check_seed

    check_seed(seed)
    return Classes(seed, roster, read_roster(roster))


def run(args: argparse.Namespace) -> int:
    from solver.grading.cli import parse_timeout
    from solver.grading.grader import gradable
    from solver.registry import exam

    platform: Any = import_module(PLATFORMS[args.platform][0]).PLATFORM
    question = gradable(args.lab)
    timeout = parse_timeout(args.timeout)
    if args.grade is not None:
        from solver.autograder.platform import grade_root
        from solver.model import InputError

        try:
            classes = _classes(args)
        except InputError as error:  # every submission is told, in its results.json
            if getattr(args, "roster", None) is None or getattr(args, "seed", None) is None:
                raise
            return grade_root(platform, question, args.grade, timeout,
                              roster_problem=str(error))
        return grade_root(platform, question, args.grade, timeout, classes)
    classes = _classes(args)
    from solver.autograder.platform import Bundle
    from solver.exam import BUNDLED
    from solver.record import EXAM_FILE

    active = exam()
    external = active.file.resolve() != (BUNDLED / EXAM_FILE).resolve()
    options = Bundle(args.out, timeout, active.title, active.file if external else None,
                     getattr(args, "image", DEFAULT_IMAGE), classes)
    print(platform.bundle(question, options), file=sys.stderr)
    return 0
