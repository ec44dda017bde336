"""The sandboxed runner: ``python -I -S -B harness.py CONFIG_JSON``.

Runs as the child process, before and around the student's code:

1. resource limits (address space, file size, open files, processes, no core dumps) and
   the seccomp filter (no new processes, exec, sockets or signals to others);
2. imports torch and builds the seeded inputs (``probes.labN.inputs``), then sends
   ``ready``: nothing the student wrote has run yet, so a child that dies before ``ready``
   is the grader's failure, not the student's;
3. caps the CPU time at what is used so far plus the time limit, loads the submission
   as a module named ``submission`` (so a main-guarded block stays quiet; the names the
   templates use without importing, torch, nn and math, are given) and runs the probes,
   also when loading raised (what was defined by then is graded); each probe step is
   framed by ``begin`` and its result or its exception's last line, so the parent knows
   where a submission stopped.

Results go to a dedicated pipe (file descriptor ``fd`` of the config), never stdout, as
records: 8 bytes (header length, payload length, big-endian), a JSON header, and for a
tensor its raw little-endian bytes with dtype and shape in the header. The parent checks
every number against its own reference, so nothing written here, or forged by the
student, can raise a score.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import resource
import signal
import struct
import sys
import time
import types
from collections.abc import Callable
from typing import Any

_write = os.write
_dumps = json.dumps
_DTYPES = ("float32", "float64", "int64", "bool")
MAX_TENSOR_BYTES = 4 << 20


def last_line(error: BaseException) -> str:
    """``Type: message`` on one line (the last line of a traceback)."""
    text = str(error).strip().splitlines()
    detail = text[-1] if text else ""
    return f"{type(error).__name__}: {detail}"[:500] if detail else type(error).__name__


class Channel:
    """The framed result stream to the parent."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def record(self, header: dict[str, Any], payload: bytes = b"") -> None:
        head = _dumps(header).encode()
        view = memoryview(struct.pack(">II", len(head), len(payload)) + head + payload)
        while view:
            view = view[_write(self.fd, view):]

    def value(self, key: str, name: str, value: Any) -> None:
        import torch

        if isinstance(value, torch.Tensor):
            tensor = value.detach().cpu()
            if tensor.dtype in (torch.float16, torch.bfloat16):
                tensor = tensor.float()
            elif tensor.dtype in (torch.int8, torch.int16, torch.int32, torch.uint8):
                tensor = tensor.long()
            dtype = str(tensor.dtype).removeprefix("torch.")
            if dtype not in _DTYPES:
                self.record({"key": key, "name": name, "json": f"<tensor of dtype {dtype}>"})
                return
            if tensor.numel() * tensor.element_size() > MAX_TENSOR_BYTES:
                self.record({"key": key, "name": name,
                             "json": f"<tensor of shape {list(tensor.shape)}: too large>"})
                return
            data = tensor.contiguous().numpy().tobytes()
            self.record({"key": key, "name": name, "dtype": dtype,
                         "shape": list(tensor.shape)}, data)
        else:
            self.record({"key": key, "name": name, "json": _jsonable(value)})

    def step(self, key: str, compute: Callable[[], dict[str, Any]]) -> bool:
        """Run one probe step; send its values, or its exception's last line."""
        self.record({"begin": key})
        try:
            values = compute()
            for name, value in values.items():
                self.value(key, name, value)
        except BaseException as error:  # the student's code may raise anything, even exit
            self.record({"key": key, "error": last_line(error)})
            return False
        self.record({"key": key, "done": True})
        return True


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value if not isinstance(value, str) else value[:2000]
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value[:256]]
    if isinstance(value, dict):
        return {str(k)[:200]: _jsonable(v) for k, v in list(value.items())[:256]}
    return f"<{type(value).__name__}>"


def _limit(name: str, soft: int, hard: int | None = None) -> None:
    which = getattr(resource, name)
    _, current_hard = resource.getrlimit(which)
    top = hard if hard is not None else soft
    if current_hard != resource.RLIM_INFINITY:
        top = min(top, current_hard)
    resource.setrlimit(which, (min(soft, top), top))


def _tasks_of_user() -> int:
    """Processes and threads of this user now (RLIMIT_NPROC counts both)."""
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
            except OSError:
                continue
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                count += int(fields.get("Threads", "1").strip() or 1)
    return count


def apply_limits(config: dict[str, Any]) -> None:
    """Address space, file size, open files, core dumps, and processes: what this user runs
    now plus 32 (root is exempt from RLIMIT_NPROC: the seccomp filter still stops forks)."""
    _limit("RLIMIT_AS", int(config["memory_bytes"]))
    _limit("RLIMIT_FSIZE", int(config["file_bytes"]))
    _limit("RLIMIT_NOFILE", 256)
    _limit("RLIMIT_CORE", 0)
    _limit("RLIMIT_NPROC", _tasks_of_user() + 32)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead


def cap_cpu(seconds: float) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime + seconds)
    _limit("RLIMIT_CPU", soft, soft + 2)


def load(module: types.ModuleType, path: str, display: str, original: str,
         preset: dict[str, Any]) -> None:
    """Execute the submission in ``module`` (``__file__`` the original path; tracebacks
    show ``display``)."""
    module.__file__ = original
    sys.modules["submission"] = module
    module.__dict__.update(preset)
    with open(path, "rb") as handle:
        code = compile(handle.read(), display, "exec", dont_inherit=True)
    exec(code, module.__dict__)


def main() -> None:
    config: dict[str, Any] = json.loads(sys.argv[1])
    channel = Channel(int(config["fd"]))
    apply_limits(config)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:0] = [package]
    sys.path.extend(config["site"])
    seccomp = importlib.import_module("probes.seccomp")
    refused = seccomp.install()
    import torch

    torch.set_num_threads(1)
    probe = importlib.import_module(f"probes.{config['probe']}")
    data = probe.inputs(int(config["seed"]))
    preset = probe.preset() if hasattr(probe, "preset") else {}
    cap_cpu(float(config["timeout"]))
    channel.record({"ready": True, "seccomp": refused})
    module = types.ModuleType("submission")
    channel.record({"begin": "load"})
    started = time.monotonic()
    try:
        load(module, config["submission"], config["display"], config["file"], preset)
        channel.record({"key": "load", "done": True})
    except BaseException as error:  # a submission that fails to load is graded as far as it got
        channel.record({"key": "load", "error": last_line(error)})
    probe.run(module.__dict__, data, channel.step)
    channel.record({"end": True, "seconds": round(time.monotonic() - started, 3)})
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    os._exit(0)  # no atexit handlers or finalizers of the student's code


if __name__ == "__main__":
    main()
