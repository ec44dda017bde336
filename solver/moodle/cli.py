"""``solver export moodle --seed S --count N --out FILE.xml [--only ID …]``.

Imported whenever the CLI parser is built, so it imports the standard library only at
module level; the bank is built, checked and written by :func:`run`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True,
                        help="the class's seed (as for 'solver variants')")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="FILE.xml",
                        help="the Moodle XML file to write")
    parser.add_argument("--only", nargs="+", metavar="ID", help="only these questions")


def check_out(out: str) -> Path:
    """The --out path, or an InputError before any work if it cannot be written."""
    from solver.model import InputError
    from solver.output import MAX_OUTPUT_NAME, shown

    name = shown(out)
    if not out or "\0" in out:
        raise InputError(f"--out {name} is not a file path; give a path ending in .xml")
    path = Path(out)
    if path.suffix.lower() != ".xml":
        raise InputError(f"--out {name} must end in .xml")
    if len(os.fsencode(path.name)) > MAX_OUTPUT_NAME:
        raise InputError(f"--out {name}: the file name is longer than {MAX_OUTPUT_NAME} bytes")
    try:
        if path.is_dir():
            raise InputError(f"--out {name} is a directory; give a file path ending in .xml")
        parent = path.parent
        if not parent.is_dir():
            raise InputError(f"--out {name}: the folder {shown(parent)} does not exist")
    except OSError as error:
        raise InputError(f"--out {name}: {error.strerror or error}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"--out {name}: cannot write in {shown(parent)}")
    return path


def bank(seed: int, count: int, chosen: list[Any], progress: bool = False) -> tuple[bytes, Any]:
    """The checked bank's bytes and its plan (SelfCheckError if a check fails)."""
    from solver.moodle.check import verify
    from solver.moodle.export import plan_bank, render
    from solver.registry import exam
    from solver.variants import progress_line, solve_variants

    variants = solve_variants(seed, count, chosen,
                              progress=progress_line(count) if progress else None)
    planned = plan_bank(chosen, variants)
    data = render(exam().title, planned)
    verify(data, planned)
    return data, planned


def run(args: argparse.Namespace) -> int:
    from solver.output import write_atomically
    from solver.variants import check_seed_and_count

    check_seed_and_count(args.seed, args.count)
    path = check_out(args.out)
    from solver.registry import chosen as named

    chosen = named(args.only)
    from solver.render.diskcache import building

    with building(path):
        data, planned = bank(args.seed, args.count, chosen, progress=True)
    write_atomically(path, data)
    kinds = sorted({p.kind for p in planned})
    print(f"solver: wrote {path} ({len(planned)} questions: {args.count} variants of "
          f"{len(chosen)} questions as {', '.join(kinds)}; the bank passed its offline "
          "checks)", file=sys.stderr)
    return 0
