"""Command line: ``solver list``, ``solve``, ``pdf``, ``variants``, ``stress``, ``export``
and ``grade`` (the last four from their own modules).

Exit status: 0 success, 1 a failed self-check (named on stderr), 2 bad input (one line on
stderr). Heavy libraries are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import os
import signal
import sys
import threading
from collections.abc import Callable
from importlib import import_module
from typing import Any, NoReturn

from solver import interrupt
from solver.interrupt import Signalled as _Signalled
from solver.model import BuildError, InputError, SelfCheckError
from solver.render import FORMATS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line, not argparse's usage block: the message and where to look."""
        self.exit(2, f"solver: error: {_one_line(message)} (see 'solver --help')\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        """--help and usage text: a failure to write stdout is reported, not swallowed."""
        if not message:
            return
        if file is None or file is sys.stderr:
            _report_raw(message)
        else:
            _write(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="solver",
        description="Worked, verified solutions for the deep-learning exam.",
    )
    parser.add_argument(
        "--exam", metavar="PATH",
        help="an exam folder holding exam.toml (default: the bundled exam)",
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
    pdf = commands.add_parser("pdf", help="build the answer-sheet PDF")
    pdf.add_argument("--output", default="build/answers.pdf", help="default: %(default)s")
    pdf.add_argument("--only", nargs="+", metavar="ID", help="only these questions")
    from solver.grading.cli import configure as configure_grade
    from solver.variants_cli import configure_stress, configure_variants

    configure_variants(commands.add_parser(
        "variants", help="seeded class variants: key.json (and --pdf papers and keys)"))
    configure_stress(commands.add_parser(
        "stress", help="one question over many seeded draws, every draw verified"))
    export = commands.add_parser("export", help="export the variants to a learning platform")
    targets = export.add_subparsers(dest="target", required=True, parser_class=_Parser)
    for target, (module, words) in EXPORT_TARGETS.items():
        import_module(module).configure(targets.add_parser(target, help=words))
    configure_grade(commands.add_parser(
        "grade", help="grade students' lab submissions in a sandbox"))
    return parser


# solver export TARGET: the module whose configure(parser) and run(args) serve it, and what
# it writes. argparse refuses any other target (exit 2, one line).
EXPORT_TARGETS: dict[str, tuple[str, str]] = {
    "moodle": ("solver.moodle.cli", "a Moodle XML question bank"),
}


def _run_command(args: argparse.Namespace) -> int:
    """The commands beyond list, solve and pdf live in their own modules."""
    if args.command == "grade":
        from solver.grading.cli import run as run_grade

        return run_grade(args)
    if args.command == "export":
        run: Callable[[argparse.Namespace], int] = import_module(
            EXPORT_TARGETS[args.target][0]).run
        return run(args)
    from solver.variants_cli import run_stress, run_variants

    return run_variants(args) if args.command == "variants" else run_stress(args)


def _list() -> int:
    from solver.registry import entries
    from solver.render.printer import points_text

    rows = [(e.meta.id, e.meta.title, points_text(e.meta.total)) for e in entries().values()]
    width = max(len(row[0]) for row in rows)
    for qid, title, points in rows:
        _write(f"{qid:<{width}}  {points:>6}  {title}\n")
    return 0


def _solve(args: argparse.Namespace) -> int:
    from solver.engine import solve
    from solver.model import failed_check_message
    from solver.params import parse_assignments
    from solver.registry import lookup
    from solver.render import render

    question = lookup(args.id).meta
    solution = solve(question, parse_assignments(args.param))
    _write(render(solution, args.format), _UNENCODABLE.get(args.format, "backslashreplace"))
    if solution.failed_checks:
        raise SelfCheckError(failed_check_message(args.id, solution.failed_checks))
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from solver import runtime
    from solver.registry import lookup
    from solver.sheet import build_pdf

    ids = args.only
    if ids:
        for qid in ids:
            lookup(qid)
    entry = sys.modules.get("__main__")
    # When this process is the solver command itself, it ends when the PDF is written
    # (solver.runtime: fast-exit). Called as a function, as the tests do, it returns.
    ending = getattr(entry, "main", None) is main and getattr(entry, "__name__", "") == "__main__"
    if ending:
        runtime.ending_soon()
    build_pdf(args.output, ids)
    if ending:
        runtime.exit_now(0)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every outcome is an exit status and at most one line on stderr."""
    _reserve_std_fds()
    _tolerant_stdout()
    saved = _signals_as_exceptions()
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
            elif args.command == "pdf":
                status = _pdf(args)
            else:
                status = _run_command(args)
            interrupt.check()
            _flush_stdout()
            return status
        except InputError as error:
            return _report(2, f"error: {error}")
        except SelfCheckError as error:
            return _report(1, str(error))
        except BuildError as error:
            return _report(1, f"build failed: {error}")
        except _StdoutGone:
            return 0  # the reader went away (`solver list | head -1`): nothing to say
        except _StdoutFailed as error:
            return _report(1, f"error: cannot write to standard output: {error}")
        except SystemExit:  # argparse: --help, or a usage error already reported
            _flush_stdout()
            raise
        except _Signalled as caught:
            return _report(128 + caught.signum, _SIGNAL_WORDS.get(caught.signum, "stopped"))
        except KeyboardInterrupt:
            return _report(128 + signal.SIGINT, "interrupted")
        except RecursionError as error:
            return _report(1, f"internal error: recursion too deep ({error})")
        except MemoryError:
            return _report(1, "error: out of memory")
        except OSError as error:
            where = f": {error.filename!r}" if error.filename is not None else ""
            return _report(1, f"error: {error.strerror or error}{where}")
        except Exception as error:
            return _report(1, f"internal error: {type(error).__name__}: {error}")
    except _StdoutGone:  # from the flush after --help
        return 0
    except _StdoutFailed as error:
        return _report(1, f"error: cannot write to standard output: {error}")
    finally:
        _restore_signals(saved)
        _flush_quietly()


# --- robust output, one-line errors, signals ----------------------------------------------

_SIGNAL_WORDS: dict[int, str] = {
    signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hangup",
}
MAX_MESSAGE = 2000


class _StdoutGone(Exception):
    """Standard output is a pipe whose reader has gone."""


class _StdoutFailed(Exception):
    """Standard output cannot be written (closed, disk full, I/O error)."""


def _one_line(text: str) -> str:
    """``text`` on one line: control characters shown escaped, length bounded."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


def _silence(fd: int) -> None:
    """Point ``fd`` at /dev/null so a failed stream's final flush cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.dup2(null, fd)
    os.close(null)


def _fileno(stream: Any) -> int | None:
    try:
        fd: int = stream.fileno()
    except (AttributeError, OSError, ValueError):  # pytest's capture, a closed stream
        return None
    return fd


def _report_raw(text: str) -> None:
    """Write ``text`` to stderr if it can be written; a failing stderr is silenced."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        fd = _fileno(stream)
        if fd is not None:
            _silence(fd)


def _report(status: int, message: str) -> int:
    """Write one line ``solver: MESSAGE`` to stderr (if it can be written) and return status."""
    _report_raw(f"solver: {_one_line(message)}\n")
    return status


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: characters the encoding lacks as JSON \\uXXXX escapes."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start:error.end]:
        code = ord(char)
        if code > 0xFFFF:  # a UTF-16 surrogate pair, as JSON spells it
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


# What replaces a character that stdout's encoding (PYTHONIOENCODING=ascii) cannot hold:
# an escape that keeps each format valid and the text recoverable.
_UNENCODABLE = {"text": "backslashreplace", "markdown": "backslashreplace",
                "json": "solver-json-escape", "html": "xmlcharrefreplace"}


def _write(text: str, errors: str = "backslashreplace") -> None:
    """Write to stdout, turning its failures into _StdoutGone / _StdoutFailed."""
    stream = sys.stdout
    if stream is None:
        raise _StdoutFailed("it is closed")
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        if errors == "solver-json-escape":
            codecs.register_error(errors, _json_escape)
        text = text.encode(encoding, errors).decode(encoding)
    except LookupError:
        pass
    with _stdout_errors(stream):
        stream.write(text)


def _flush_stdout() -> None:
    stream = sys.stdout
    if stream is None:
        return
    with _stdout_errors(stream):
        stream.flush()


@contextlib.contextmanager
def _stdout_errors(stream: Any) -> Any:
    """A reader that went away ends quietly; any other write failure is one line."""
    try:
        yield
    except BrokenPipeError:
        _drop_stdout(stream)
        raise _StdoutGone from None
    except (OSError, ValueError) as error:
        _drop_stdout(stream)
        raise _StdoutFailed(getattr(error, "strerror", None) or str(error)) from None


def _drop_stdout(stream: Any) -> None:
    fd = _fileno(stream)
    if fd is not None:
        _silence(fd)


def _flush_quietly() -> None:
    """Flush both streams; one that fails is silenced (else Python exits 120 at shutdown)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            fd = _fileno(stream)
            if fd is not None:
                _silence(fd)
                with contextlib.suppress(OSError, ValueError):
                    stream.flush()  # the buffered rest goes to /dev/null


def _reserve_std_fds() -> None:
    """Open /dev/null on a closed fd 0, 1 or 2, so no file we open lands there."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _tolerant_stdout() -> None:
    """Text that the output encoding cannot hold (PYTHONIOENCODING=ascii) is escaped."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        with contextlib.suppress(OSError, ValueError):
            stream.reconfigure(errors="backslashreplace")


def _on_signal(signum: int, frame: Any) -> None:
    for other in _SIGNAL_WORDS:  # a second signal must not interrupt the cleanup
        if signal.getsignal(other) is _on_signal:
            signal.signal(other, signal.SIG_IGN)
    interrupt.received.append(signum)
    raise _Signalled(signum)


def _signals_as_exceptions() -> dict[int, Any]:
    """Turn SIGINT/SIGTERM/SIGHUP into _Signalled (main thread; not if they are ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    interrupt.received.clear()
    saved: dict[int, Any] = {}
    for signum in _SIGNAL_WORDS:
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            saved[signum] = signal.signal(signum, _on_signal)
    return saved


def _restore_signals(saved: dict[int, Any]) -> None:
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    interrupt.received.clear()
