"""Run one submission in its own sandboxed subprocess (``isolation``) and collect what
it sends: the result pipe and the captured output, both bounded, under a wall-clock limit
that starts once the runner is ready; the whole process group is killed at the end."""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from solver.grading.isolation import INSIDE, WORK, Sandbox, environment
from solver.grading.protocol import starts_ready

MEMORY_BYTES = 2 << 30  # torch needs about 600 MiB of address space with one thread
FILE_BYTES = 16 << 20
RESULT_CAP = 32 << 20
OUTPUT_CAP = 32 << 10
STARTUP_SECONDS = 120.0  # interpreter and torch, before the submission's time starts
PROBES = Path(__file__).resolve().parent / "probes"

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


@dataclass
class RunResult:
    records: bytes = b""
    output: str = ""
    returncode: int | None = None
    timed_out: bool = False
    overflow: bool = False
    seconds: float = 0.0
    failure: str = ""  # the sandbox could not be started: the grader's failure
    ready_at: float | None = field(default=None, repr=False)


def _prepare(folder: Path, probe: str, submission: bytes) -> None:
    (folder / "probes").mkdir()
    for name in ("__init__.py", "kit.py", "harness.py", "seccomp.py", f"{probe}.py"):
        shutil.copyfile(PROBES / name, folder / "probes" / name)
    (folder / "submission.py").write_bytes(submission)
    (folder / "work").mkdir()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def run(sandbox: Sandbox, probe: str, source: bytes, display: str, original: Path,
        seed: int, timeout: float) -> RunResult:
    """Run ``probes/<probe>.py`` on one submission's ``source``; never raises for what the
    submission does."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="solver-grade-") as name:
        folder = Path(name)
        _prepare(folder, probe, source)
        inside = INSIDE if sandbox.bwrap else name
        read, write = os.pipe()
        config = {"fd": write, "probe": probe, "seed": seed, "timeout": timeout,
                  "submission": f"{inside}/submission.py", "display": display,
                  "file": str(original),
                  "site": list(sandbox.site), "memory_bytes": MEMORY_BYTES,
                  "file_bytes": FILE_BYTES}
        argv = [sandbox.python, "-I", "-S", "-B", f"{inside}/probes/harness.py",
                json.dumps(config)]
        home = WORK if sandbox.bwrap else str(folder / "work")
        try:
            process = subprocess.Popen(
                sandbox.command(name, str(original.parent), argv), stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, pass_fds=(write,),
                env=environment(home), cwd=str(folder / "work"), start_new_session=True)
        except OSError as error:
            os.close(read)
            os.close(write)
            return RunResult(failure=f"cannot start the sandbox: {error}")
        os.close(write)
        with _live_lock:
            _live.add(process)
        try:
            result = _pump(process, read, timeout)
        finally:
            os.close(read)
            _kill(process)
            if process.stdout is not None:
                process.stdout.close()
            with _live_lock:
                _live.discard(process)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _pump(process: subprocess.Popen[bytes], read: int, timeout: float) -> RunResult:
    """Read the result pipe and the output until both close or time runs out."""
    assert process.stdout is not None
    result = RunResult()
    records, head, tail = bytearray(), bytearray(), bytearray()
    deadline = time.monotonic() + STARTUP_SECONDS + timeout
    selector = selectors.DefaultSelector()
    selector.register(read, selectors.EVENT_READ, "records")
    selector.register(process.stdout, selectors.EVENT_READ, "output")
    open_streams = 2
    while open_streams:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            result.timed_out = True
            break
        for key, _ in selector.select(min(remaining, 1.0)):
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                selector.unregister(key.fileobj)
                open_streams -= 1
            elif key.data == "output":
                room = OUTPUT_CAP - len(head)
                head += chunk[:max(room, 0)]
                tail = (tail + chunk[max(room, 0):])[-OUTPUT_CAP:]
            elif len(records) + len(chunk) > RESULT_CAP:
                result.overflow = True
                open_streams = 0
                break
            else:
                records += chunk
                if result.ready_at is None and starts_ready(bytes(records[:1 << 16])):
                    result.ready_at = time.monotonic()
                    deadline = result.ready_at + timeout
    selector.close()
    if not (result.timed_out or result.overflow):
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            result.timed_out = True
    _kill(process)
    result.returncode = process.wait()
    result.records = bytes(records)
    text = bytes(head) + (b"\n[...]\n" if tail else b"") + bytes(tail)
    result.output = text.decode("utf-8", "replace")
    return result


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group unless the leader has already been reaped."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def kill_all() -> None:
    """Kill every sandbox still running (the grader is stopping)."""
    with _live_lock:
        running = list(_live)
    for process in running:
        _kill(process)


def describe_exit(result: RunResult, timeout: float) -> str:
    """How the submission's process ended, as a phrase: 'was stopped at ...'."""
    if result.overflow:
        return f"sent more than {RESULT_CAP >> 20} MiB of results (the rest was discarded)"
    if result.timed_out:
        return f"was stopped at the {timeout:g} s time limit"
    code = result.returncode
    if code is not None and code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number == signal.SIGXCPU:
            return f"was stopped at the CPU-time limit ({timeout:g} s)"
        return f"was killed by {name}" + (" (memory?)" if number == signal.SIGKILL else "")
    return f"ended the process early (exit status {code}: sys.exit or os._exit?)"

