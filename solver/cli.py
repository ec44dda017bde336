"""Command line: ``solver list`` and ``solve`` here; ``pdf``, ``variants``, ``stress``,
``export`` and ``grade`` from the command-line module of their output's folder
(``COMMANDS``; ``solver export TARGET`` through ``solver.lms.TARGETS``).

Exit status: 0 success, 1 a failed self-check (named on stderr), 2 bad input (one line on
stderr). Heavy libraries are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any, NoReturn

from solver import interrupt
from solver.interrupt import Signalled as _Signalled
from solver.model import BuildError, InputError, SelfCheckError
from solver.render import FORMATS
from solver.stdio import (
    SIGNAL_WORDS,
    UNENCODABLE,
    StdoutFailed,
    StdoutGone,
    flush_quietly,
    flush_stdout,
    one_line,
    report,
    report_raw,
    reserve_std_fds,
    restore_signals,
    signals_as_exceptions,
    tolerant_stdout,
    write,
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: the message and where to look."""
        self.exit(2, f"solver: error: {one_line(message)} (see 'solver --help')\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        """--help and usage text: a failure to write stdout is reported, not swallowed."""
        if not message:
            return
        if file is None or file is sys.stderr:
            report_raw(message)
        else:
            write(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="solver",
        description="Worked, verified solutions for the deep-learning exam.",
    )
    parser.add_argument(
        "--exam", metavar="PATH",
        help="an exam file, or a folder holding exam.toml (default: the bundled exam)",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("list", help="list every implemented question with id, title, points")
    solve = commands.add_parser("solve", help="solve one question and show every step")
    solve.add_argument("id", help="question id, e.g. lecture.3 (see 'solver list')")
    solve.add_argument(
        "--param", action="append", default=[], metavar="NAME=VALUE",
        help="override a parameter; VALUE is JSON where it parses, else a string",
    )
    solve.add_argument("--format", choices=list(FORMATS), default="text")
    for command, (module, words) in COMMANDS.items():
        if command == "export":
            _configure_export(commands.add_parser(command, help=words))
        else:
            import_module(module).configure(commands.add_parser(command, help=words))
    return parser


def _configure_export(export: argparse.ArgumentParser) -> None:
    from solver.lms import TARGETS

    targets = export.add_subparsers(dest="target", required=True, parser_class=_Parser)
    for target, (module, words) in TARGETS.items():  # argparse refuses any other target
        import_module(module).configure(targets.add_parser(target, help=words))


# Each command beyond list and solve: the module whose configure(parser) and run(args)
# serve it (the export's from the target's module), and its help.
COMMANDS: dict[str, tuple[str, str]] = {
    "pdf": ("solver.sheet.cli", "build the answer-sheet PDF"),
    "variants": ("solver.variants.cli",
                 "seeded class variants: key.json (and --pdf papers and keys)"),
    "stress": ("solver.variants.stress_cli",
               "one question over many seeded draws, every draw verified"),
    "export": ("", "export the variants to a learning platform"),
    "grade": ("solver.grading.cli", "grade students' lab submissions in a sandbox"),
    "site": ("solver.site.cli",
             "a practice site: variants to answer in the browser, worked steps on request"),
    "booklets": ("solver.paper.cli",
                 "paper answer booklets a scanner reads back, one per student"),
    "scan": ("solver.paper.scan.cli",
             "read scanned booklets: marks from each variant's key, review, grading pages"),
    "autograder": ("solver.autograder.cli",
                   "a lab's autograder for Gradescope or PrairieLearn, and its run there"),
}


def _run_command(args: argparse.Namespace) -> int:
    if args.command == "export":
        from solver.lms import TARGETS

        module = TARGETS[args.target][0]
    else:
        module = COMMANDS[args.command][0]
    run: Callable[[argparse.Namespace], int] = import_module(module).run
    return run(args)


def _list() -> int:
    from solver.registry import entries
    from solver.render.printer import points_text

    rows = [(e.meta.id, e.meta.printed_title, points_text(e.meta.total))
            for e in entries().values()]
    width = max(len(row[0]) for row in rows)
    for qid, title, points in rows:
        write(f"{qid:<{width}}  {points:>6}  {title}\n")
    return 0


def _solve(args: argparse.Namespace) -> int:
    from solver.engine import solve
    from solver.model import failed_check_message
    from solver.params import parse_assignments
    from solver.registry import lookup
    from solver.render import render

    question = lookup(args.id).meta
    solution = solve(question, parse_assignments(args.param))
    write(render(solution, args.format), UNENCODABLE.get(args.format, "backslashreplace"))
    if solution.failed_checks:
        raise SelfCheckError(failed_check_message(args.id, solution.failed_checks))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every outcome is an exit status and at most one line on stderr."""
    reserve_std_fds()
    tolerant_stdout()
    saved = signals_as_exceptions()
    try:
        try:
            args = _parser().parse_args(argv)
            if args.exam is not None:
                from solver.registry import use_exam

                use_exam(args.exam)
            if args.command == "list":
                status = _list()
            elif args.command == "solve":
                status = _solve(args)
            else:
                # solver.runtime's fast exit: only when this process is the command
                entry = sys.modules.get("__main__")
                args.process_ends = (getattr(entry, "main", None) is main
                                     and getattr(entry, "__name__", "") == "__main__")
                status = _run_command(args)
            interrupt.check()
            flush_stdout()
            return status
        except InputError as error:
            return report(2, f"error: {error}")
        except SelfCheckError as error:
            return report(1, str(error))
        except BuildError as error:
            return report(1, f"build failed: {error}")
        except StdoutGone:
            return 0  # the reader went away (`solver list | head -1`): nothing to say
        except StdoutFailed as error:
            return report(1, f"error: cannot write to standard output: {error}")
        except SystemExit:  # argparse: --help, or a usage error already reported
            flush_stdout()
            raise
        except _Signalled as caught:
            return report(128 + caught.signum, SIGNAL_WORDS.get(caught.signum, "stopped"))
        except KeyboardInterrupt:
            return report(128 + signal.SIGINT, "interrupted")
        except RecursionError as error:
            return report(1, f"internal error: recursion too deep ({error})")
        except MemoryError:
            return report(1, "error: out of memory")
        except OSError as error:
            where = f": {error.filename!r}" if error.filename is not None else ""
            return report(1, f"error: {error.strerror or error}{where}")
        except Exception as error:
            return report(1, f"internal error: {type(error).__name__}: {error}")
    except StdoutGone:  # from the flush after --help
        return 0
    except StdoutFailed as error:
        return report(1, f"error: cannot write to standard output: {error}")
    finally:
        restore_signals(saved)
        flush_quietly()
