"""Robust standard streams and signals for the command line: every outcome is an exit
status and at most one line on stderr, a reader that goes away (``| head``) is not an
error, and a stop signal becomes an exception the command can clean up after.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import threading
from typing import Any

from solver import interrupt

SIGNAL_WORDS: dict[int, str] = {
    signal.SIGINT: "interrupted", signal.SIGTERM: "terminated", signal.SIGHUP: "hangup",
}
MAX_MESSAGE = 2000


class StdoutGone(Exception):
    """Standard output is a pipe whose reader has gone."""


class StdoutFailed(Exception):
    """Standard output cannot be written (closed, disk full, I/O error)."""


def one_line(text: str) -> str:
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


def report_raw(text: str) -> None:
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


def report(status: int, message: str) -> int:
    """Write one line ``solver: MESSAGE`` to stderr (if it can be written) and return status."""
    report_raw(f"solver: {one_line(message)}\n")
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
UNENCODABLE = {"text": "backslashreplace", "markdown": "backslashreplace",
                "json": "solver-json-escape", "html": "xmlcharrefreplace"}


def write(text: str, errors: str = "backslashreplace") -> None:
    """Write to stdout, turning its failures into StdoutGone / StdoutFailed."""
    stream = sys.stdout
    if stream is None:
        raise StdoutFailed("it is closed")
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


def flush_stdout() -> None:
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
        raise StdoutGone from None
    except (OSError, ValueError) as error:
        _drop_stdout(stream)
        raise StdoutFailed(getattr(error, "strerror", None) or str(error)) from None


def _drop_stdout(stream: Any) -> None:
    fd = _fileno(stream)
    if fd is not None:
        _silence(fd)


def flush_quietly() -> None:
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


def reserve_std_fds() -> None:
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


def tolerant_stdout() -> None:
    """Text that the output encoding cannot hold (PYTHONIOENCODING=ascii) is escaped."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
        with contextlib.suppress(OSError, ValueError):
            stream.reconfigure(errors="backslashreplace")


def _on_signal(signum: int, frame: Any) -> None:
    for other in SIGNAL_WORDS:  # a second signal must not interrupt the cleanup
        if signal.getsignal(other) is _on_signal:
            signal.signal(other, signal.SIG_IGN)
    interrupt.received.append(signum)
    if interrupt.held:  # a step that must finish: raised when it is over
        return
    raise interrupt.Signalled(signum)


def signals_as_exceptions() -> dict[int, Any]:
    """SIGINT, SIGTERM and SIGHUP raise interrupt.Signalled (main thread; not if ignored)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    interrupt.received.clear()
    saved: dict[int, Any] = {}
    for signum in SIGNAL_WORDS:
        current = signal.getsignal(signum)
        if current in (signal.SIG_DFL, signal.default_int_handler):
            saved[signum] = signal.signal(signum, _on_signal)
    return saved


def restore_signals(saved: dict[int, Any]) -> None:
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    interrupt.received.clear()
