"""``solver variants`` and ``solver stress``: argument parsing and output files.

Imported when the CLI parser is built, so it imports nothing heavy at module level.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from solver.model import InputError, SelfCheckError

MAX_JOBS = 8


def configure_variants(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True, help="the class's seed")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for key.json")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these questions")
    parser.add_argument("--pdf", action="store_true",
                        help="also write each variant's question paper and worked key")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default: 1)")


def configure_stress(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="question id, e.g. lecture.5")
    parser.add_argument("--count", type=int, default=100, help="draws (default: 100)")
    parser.add_argument("--seed", type=int, default=1, help="seed (default: 1)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def _out_dir(out: str) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"--out {out!r} exists and is not a folder; give a folder")
    return folder


def run_variants(args: argparse.Namespace) -> int:
    from solver.output import write_atomically
    from solver.variants import check_seed_and_count, key_json, progress_line, solve_variants

    check_seed_and_count(args.seed, args.count)
    if not 1 <= args.jobs <= MAX_JOBS:
        raise InputError(f"--jobs must be in 1..{MAX_JOBS}, got {args.jobs}")
    folder = _out_dir(args.out)
    from solver.registry import chosen

    questions = chosen(args.only)
    variants = solve_variants(args.seed, args.count, questions, args.jobs,
                              progress_line(args.count))
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(folder / "key.json",
                     key_json(args.seed, args.count, questions, variants).encode("utf-8"))
    print(f"solver: wrote {folder / 'key.json'} ({args.count} variants, "
          f"{len(questions)} questions, every answer verified)", file=sys.stderr)
    if args.pdf:
        from solver.render.diskcache import building
        from solver.variant_pdf import write_variant_pdfs

        with building(folder):
            write_variant_pdfs(folder, args.seed, questions, variants)
    return 0


def run_stress(args: argparse.Namespace) -> int:
    from solver.registry import lookup
    from solver.stress import as_text, stress

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
