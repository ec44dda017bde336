"""``solver scan SCANS… --booklets DIR --seed S --out DIR [--overrides FILE] [--jobs J]``:
read scanned answer booklets, mark what a machine may mark from each variant's verified
key, and write what a person reviews and grades."""

from __future__ import annotations

import argparse

MAX_JOBS = 8


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scans", nargs="+", metavar="SCAN",
                        help="scanned pages: PDF, PNG, JPEG or TIFF files, any order")
    parser.add_argument("--booklets", required=True, metavar="DIR",
                        help="the folder 'solver booklets' wrote (its booklets.json)")
    parser.add_argument("--seed", type=int, required=True, help="the booklets' seed")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="where the readings, results, review and grading pages go "
                             "(scan a batch in parts into the same folder)")
    parser.add_argument("--overrides", metavar="FILE",
                        help="the decisions saved from review.html and the grading pages")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default: 1)")


def run(args: argparse.Namespace) -> int:
    from solver.model import InputError
    from solver.paper.scan.session import scan

    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be in 1..{MAX_JOBS}, got {args.jobs}")
    return scan(args.scans, args.booklets, args.seed, args.out, args.overrides, args.jobs)
