"""Command line: ``solver list``, ``solver solve ID``, ``solver pdf``.

Exit status: 0 success, 1 a failed self-check (named on stderr), 2 bad input (one line on
stderr). Heavy libraries are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from solver.model import BuildError, InputError, SelfCheckError

FORMAT_NAMES = ("text", "markdown", "json", "html")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: the message and where to look."""
        self.exit(2, f"solver: error: {message} (see 'solver --help')\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="solver",
        description="Worked, verified solutions for the deep-learning exam.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="list every implemented question with id, title, points")
    solve = commands.add_parser("solve", help="solve one question and show every step")
    solve.add_argument("id", help="question id, e.g. lecture.3 (see 'solver list')")
    solve.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="override a parameter; VALUE is JSON where it parses, else a string",
    )
    solve.add_argument("--format", choices=FORMAT_NAMES, default="text")
    pdf = commands.add_parser("pdf", help="build the answer-sheet PDF")
    pdf.add_argument("--output", default="build/answers.pdf", help="default: %(default)s")
    pdf.add_argument("--only", nargs="+", metavar="ID", help="only these questions")
    return parser


def _list() -> int:
    from solver.registry import entries

    rows = [(e.meta.id, e.meta.title, str(e.meta.total)) for e in entries().values()]
    width = max(len(row[0]) for row in rows)
    for qid, title, points in rows:
        print(f"{qid:<{width}}  {points:>2} pts  {title}")
    return 0


def _solve(args: argparse.Namespace) -> int:
    from solver.params import build, parse_assignments
    from solver.registry import load
    from solver.render import render

    module = load(args.id)
    params = build(module.Params, parse_assignments(args.param))
    solution = module.solve(params)
    sys.stdout.write(render(solution, args.format))
    failed = solution.failed_checks
    if failed:
        names = "; ".join(check.name for check in failed)
        raise SelfCheckError(f"self-check failed for {args.id}: {names}")
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from solver.registry import lookup
    from solver.sheet import build_pdf

    ids = args.only
    if ids:
        for qid in ids:
            lookup(qid)
    build_pdf(args.output, ids)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list()
        if args.command == "solve":
            return _solve(args)
        return _pdf(args)
    except InputError as error:
        print(f"solver: error: {error}", file=sys.stderr)
        return 2
    except SelfCheckError as error:
        print(f"solver: {error}", file=sys.stderr)
        return 1
    except BuildError as error:
        print(f"solver: build failed: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
