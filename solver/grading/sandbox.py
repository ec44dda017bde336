"""Run one submission in its own sandboxed subprocess (``isolation``) and collect what
it sends: the result pipe and the captured output, both bounded, under a wall-clock limit
that starts once the runner is ready; the whole process group is killed at the end.

Each run has a folder of its own in the system's temporary folder: a locked
``.solver-grade.XXXXXXXX.tmp`` (the grader's, traversable only) holding ``run/`` (the
runner, the probes and a copy of the one submission file), private to the submission's
user. A grader killed outright leaves its folder behind; the next ``solver grade``
sweeps it (its lock is gone with its process)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.grading.isolation import (
    INSIDE,
    WORK,
    Sandbox,
    environment,
    processes_of,
    tasks_of,
)
from solver.grading.protocol import starts_ready
from solver.output import locked_temporary, sweep_stale

MEMORY_BYTES = 2 << 30  # torch needs about 600 MiB of address space with one thread
FILE_BYTES = 16 << 20
RESULT_CAP = 32 << 20
OUTPUT_CAP = 32 << 10
STARTUP_SECONDS = 120.0  # interpreter and torch, before the submission's time starts
TASKS = 32  # threads a submission may start (it may not start processes)
PROBES = Path(__file__).resolve().parent / "probes"
RUNS = Path(tempfile.gettempdir()) / "solver-grade"  # beside it: each run's folder
SLOTS = Path("/run/solver-grade")  # root's: one lock file per sandbox user in use

_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()
_slots: set[int] = set()  # the submissions running now, each with a user of its own


@dataclass
class RunResult:
    records: bytes = b""
    output: str = ""
    returncode: int | None = None
    timed_out: bool = False
    overflow: bool = False
    seconds: float = 0.0
    failure: str = ""  # the sandbox could not be started: the grader's failure
    bwrapped: bool = False  # run under bwrap (which reports a signal as 128 + N)
    ready_at: float | None = field(default=None, repr=False)


def _prepare(folder: Path, probe: str, submission: bytes, uid: int | None) -> None:
    """The run folder: the runner, its probe and the submission, readable by the runner
    alone: this process's user, and the group ``uid`` (the sandbox's user, which the
    runner becomes when it starts as root)."""
    folder.mkdir(mode=0o700)
    (folder / "probes").mkdir(mode=0o700)
    for name in ("__init__.py", "kit.py", "harness.py", "seccomp.py", "landlock.py",
                 f"{probe}.py"):
        shutil.copyfile(PROBES / name, folder / "probes" / name)
    (folder / "submission.py").write_bytes(submission)
    (folder / "work").mkdir(mode=0o700)
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o750 if path.is_dir() else 0o440) if uid is not None else
                   (0o700 if path.is_dir() else 0o400))
        if uid is not None:
            os.chown(path, -1, uid)


@contextlib.contextmanager
def _slot(owned: bool) -> Iterator[int]:
    """The lowest slot no running submission holds, on the whole machine when the grader
    is root (``owned``: a lock file per slot in a folder only root may write, so two
    graders never give two submissions one user); then the slot's user has no process
    left (one of a grader killed outright)."""
    if not owned:
        with _live_lock:
            number = next(n for n in range(len(_slots) + 1) if n not in _slots)
            _slots.add(number)
        try:
            yield number
        finally:
            with _live_lock:
                _slots.discard(number)
        return
    SLOTS.mkdir(mode=0o700, parents=True, exist_ok=True)  # a container may lack /run
    if SLOTS.is_symlink() or SLOTS.stat().st_uid != 0:
        raise OSError(f"{SLOTS} is not root's own folder")
    number = 0
    while True:
        fd = os.open(SLOTS / f"slot-{number}.lock",
                     os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            os.close(fd)
            number += 1
    try:
        yield number
    finally:
        os.close(fd)


def kill_user(uid: int) -> None:
    """SIGKILL every process of ``uid`` (a sandbox user: nothing else runs as it)."""
    for pid in processes_of(uid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def sweep() -> None:
    """Remove the run folders of graders that were killed (their lock is free)."""
    sweep_stale(RUNS)


def run(sandbox: Sandbox, probe: str, source: bytes, display: str, original: Path,
        seed: int, timeout: float, params: dict[str, Any] | None = None) -> RunResult:
    """Run ``probes/<probe>.py`` on one submission's ``source`` for the lab version
    ``params`` (JSON; None or {} for the exam's own); never raises for what the
    submission does."""
    started = time.monotonic()
    try:
        lock, outer = locked_temporary(RUNS, directory=True)
    except OSError as error:
        return RunResult(failure=f"cannot create the run folder: {error}")
    try:
        with _slot(sandbox.drop_to is not None) as slot:
            if sandbox.drop_to is not None:
                kill_user(sandbox.drop_to + slot)
            outer.chmod(0o711)  # the submission's user passes through to its own folder
            result = _run_in(sandbox, outer / "run", slot, probe, source, display, original,
                             seed, timeout, params or {})
    finally:
        shutil.rmtree(outer, ignore_errors=True)
        os.close(lock)
    result.seconds = round(time.monotonic() - started, 2)
    return result


def _run_in(sandbox: Sandbox, folder: Path, slot: int, probe: str, source: bytes,
            display: str, original: Path, seed: int, timeout: float,
            params: dict[str, Any]) -> RunResult:
    uid = None if sandbox.drop_to is None else sandbox.drop_to + slot
    _prepare(folder, probe, source, uid)
    inside = INSIDE if sandbox.mode == "bwrap" else str(folder)
    read, write = os.pipe()
    config = {"fd": write, "probe": probe, "seed": seed, "timeout": timeout,
              "params": params,
              "submission": f"{inside}/submission.py", "display": display,
              "site": list(sandbox.site),
              "memory_bytes": MEMORY_BYTES, "file_bytes": FILE_BYTES,
              # A sandbox user has no process left (killed before its slot is used): its
              # own count is the limit; the grader's own user counts what it runs now.
              "tasks": TASKS if uid is not None else tasks_of(os.getuid()) + TASKS,
              "parent": None if sandbox.mode == "bwrap" else os.getpid(),
              "uid": uid,
              "landlock": ([*sandbox.readable, str(folder)] if sandbox.mode == "landlock"
                           else None),
              "secrets": list(sandbox.secrets)}
    argv = [sandbox.python, "-I", "-S", "-B", f"{inside}/probes/harness.py",
            json.dumps(config)]
    home = WORK if sandbox.mode == "bwrap" else str(folder / "work")
    try:
        process = subprocess.Popen(
            sandbox.command(str(folder), argv, hide=(str(original.parent),)),
            stdin=subprocess.DEVNULL,
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
        result.bwrapped = sandbox.mode == "bwrap"
        return result
    finally:
        os.close(read)
        _kill(process)
        if process.stdout is not None:
            process.stdout.close()
        with _live_lock:
            _live.discard(process)


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
    if code is not None and 128 < code < 128 + 65 and result.bwrapped:
        code = 128 - code  # bwrap passes a child killed by signal N on as 128 + N
    if code is not None and code < 0:
        number = -code
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        if number == signal.SIGXCPU:
            return f"was stopped at the CPU-time limit ({timeout:g} s)"
        return f"was killed by {name}" + (" (memory?)" if number == signal.SIGKILL else "")
    return f"ended the process early (exit status {code}: sys.exit or os._exit?)"

