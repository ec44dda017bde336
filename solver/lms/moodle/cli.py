"""``solver export moodle --seed S --count N --out FILE.xml [--only ID …]``.

Imported whenever the CLI parser is built, so it imports the standard library only at
module level; the bank is built, checked and written by :func:`run`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from typing import Any

# Items solved, rendered and checked at once: what the bank holds in memory (the file is
# written as it is made).
BLOCK = 100


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, required=True,
                        help="the class's seed (as for 'solver variants')")
    parser.add_argument("--count", type=int, required=True, help="how many variants")
    parser.add_argument("--out", required=True, metavar="FILE.xml",
                        help="the Moodle XML file to write")
    parser.add_argument("--only", nargs="+", action="extend", metavar="ID",
                        help="only these questions (--only may be repeated)")
    parser.add_argument("--max-count", type=int, metavar="N",
                        help="raise the cap on --count (1000) to N")


def document(exam: Any, seed: int, count: int, chosen: list[Any], progress: bool,
             made: Callable[[list[Any]], None]) -> Iterator[bytes]:
    """The bank file's bytes as they are made: the declaration and ``<quiz>``, each
    block of :func:`pieces` (its plan handed to ``made``), then ``</quiz>``."""
    from solver.lms.moodle.export import DECLARATION, END, START

    yield (DECLARATION + START).encode()
    for piece, block in pieces(exam, seed, count, chosen, progress):
        made(block)
        yield piece
    yield END.encode()


def pieces(exam: Any, seed: int, count: int, chosen: list[Any],
           progress: bool = False) -> Iterator[tuple[bytes, list[Any]]]:
    """The bank as it is made: per question, its variants solved, then in blocks of
    BLOCK items planned, rendered and checked (SelfCheckError if a check fails), each
    block's XML (the questions between ``<quiz>`` and ``</quiz>``) with its plan."""
    from solver.estimate import Remaining
    from solver.lms.moodle.check import verify
    from solver.lms.moodle.export import inner, render
    from solver.lms.plan import planned
    from solver.sheet.typeset import progress as say
    from solver.variants.seeded import CEILING, check_seed_and_count, each_solution

    check_seed_and_count(seed, count, CEILING)
    remaining = Remaining(len(chosen))
    for question in chosen:
        solutions = each_solution(seed, question)  # drawn as the blocks need them
        for start in range(0, count, BLOCK):
            block = [planned(question, next(solutions), number)
                     for number in range(start + 1, min(start + BLOCK, count) + 1)]
            data = render(exam.title, block)  # checked as a bank of its own
            verify(data, block)
            yield inner(data, category=start == 0), block
        if progress:
            say(f"{question.id}: {count} variant{'s' if count != 1 else ''} solved, "
                f"verified and written {remaining.step()}")


def bank(exam: Any, seed: int, count: int, chosen: list[Any],
         progress: bool = False) -> tuple[bytes, Any]:
    """The whole checked bank's bytes and its plan (SelfCheckError if a check fails)."""
    plan: list[Any] = []
    return b"".join(document(exam, seed, count, chosen, progress, plan.extend)), plan


def run(args: argparse.Namespace) -> int:
    from solver.lms.moodle.export import TYPE
    from solver.output import check_output, write_atomically
    from solver.registry import chosen as named
    from solver.registry import exam
    from solver.render.diskcache import building
    from solver.variants.seeded import MAX_COUNT, check_seed_and_count, count_cap

    cap = count_cap(MAX_COUNT, getattr(args, "max_count", None))
    check_seed_and_count(args.seed, args.count, cap)
    path = check_output(args.out, "--out", ".xml", new_folders=False)
    chosen = named(args.only)
    forms: list[str] = []  # the plans are not kept: memory does not grow with --count

    def made(block: list[Any]) -> None:
        forms.extend(planned.form for planned in block)

    with building(path):
        write_atomically(path, document(exam(), args.seed, args.count, chosen, True, made))
    types = {TYPE[form] for form in forms}
    print(f"solver: wrote {path} ({len(forms)} questions: {args.count} variants of "
          f"{len(chosen)} questions as {', '.join(sorted(types))}; the bank passed its "
          "offline checks)", file=sys.stderr)
    return 0
