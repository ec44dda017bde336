"""``solver stress ID [--count N] [--seed S] [--format text|json]``.

Imported when the CLI parser is built, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import json
import sys

from solver.model import SelfCheckError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="question id, e.g. lecture.5")
    parser.add_argument("--count", type=int, default=100, help="draws (default: 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed (default: 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from solver.registry import lookup
    from solver.variants.stress import as_text, stress

    report = stress(lookup(args.id).meta, args.count, args.seed)
    if args.format == "json":
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(as_text(report))
    if report["failures"]:
        first = report["failures"][0]
        raise SelfCheckError(
            f"{len(report['failures'])} of {args.count} draws of {args.id} failed a check; "
            f"first: variant {first['variant']}: {'; '.join(first['checks'])}")
    return 0
