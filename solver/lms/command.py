"""The options and the run of a target that writes a zipped package (``solver export
qti21|canvas``): the class's seed and count, the package file, the questions.

Imported whenever the CLI parser is built, so it imports the standard library only at
module level.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from typing import Any

# A package: (exam, seed, count, chosen questions, progress) -> its bytes as they are made
Package = Callable[[Any, int, int, list[Any], Callable[[str], None]], Iterator[bytes]]


def configure(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--seed", type=int, required=True,
                        help="the class's seed (as for 'solver variants')")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="FILE.zip", help=what)
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID",
                        help="only these questions (--only may be repeated)")
    parser.add_argument("--max-count", type=int, metavar="N",
                        help="raise the cap on --count (1000) to N")


def run(args: argparse.Namespace, package: Package, what: str) -> int:
    """Check the options, then write the package atomically (nothing on a failed check)."""
    from solver.output import check_output, write_atomically
    from solver.registry import chosen as named
    from solver.registry import exam
    from solver.render.diskcache import building
    from solver.sheet.typeset import progress as say
    from solver.variants.seeded import MAX_COUNT, check_seed_and_count, count_cap

    cap = count_cap(MAX_COUNT, getattr(args, "max_count", None))
    check_seed_and_count(args.seed, args.count, cap)
    path = check_output(args.out, "--out", ".zip", new_folders=False)
    chosen = named(args.only)
    with building(path):
        write_atomically(path, package(exam(), args.seed, args.count, chosen, say))
    print(f"solver: wrote {path} ({what}: {args.count} variant{'s' * (args.count != 1)} of "
          f"{len(chosen)} question{'s' * (len(chosen) != 1)}; every item passed its "
          "read-back check)", file=sys.stderr)
    return 0
