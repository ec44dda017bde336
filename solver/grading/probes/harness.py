"""The sandboxed runner: ``python -I -S -B harness.py CONFIG_JSON``.

Runs as the child process, before and around the student's code:

1. resource limits (address space, file size, open files, threads, no core dumps) and
   the seccomp filter (no new processes, exec, sockets or signals to others), while it is
   the process's only thread (a filter binds the thread that installs it and the threads
   it starts);
2. when started as root, becomes the sandbox's user (``uid``: no groups, no
   capabilities), keeping the folders of its import path reachable through descriptors
   opened before; under Landlock restricts itself, still single-threaded, to reading what
   it was given and the libraries it has loaded (never the grader's code, ``secrets``)
   and to writing nothing; dies with the grader (``PR_SET_PDEATHSIG``, set after the
   change of user, which clears it);
3. imports torch and builds the seeded inputs (``probes.labN.inputs``), then sends
   ``ready``: nothing the student wrote has run yet, so a child that dies before ``ready``
   is the grader's failure, not the student's;
4. caps the CPU time at what is used so far plus the time limit, loads the submission
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
import importlib.util
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


def apply_limits(config: dict[str, Any]) -> None:
    """Address space, file size, open files, core dumps, and tasks (threads: it may start
    no process). The grader runs it as a user of its own or its own user and counts that
    user's tasks (``tasks``), so the limit binds."""
    _limit("RLIMIT_AS", int(config["memory_bytes"]))
    _limit("RLIMIT_FSIZE", int(config["file_bytes"]))
    _limit("RLIMIT_NOFILE", 256)
    _limit("RLIMIT_CORE", 0)
    _limit("RLIMIT_NPROC", int(config["tasks"]))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead


def become(uid: int | None) -> None:
    """Root gives way to the sandbox's user for good: no supplementary groups, the user
    and group ``uid`` (all three ids; the capabilities go with uid 0). The folders on the
    import path stay reachable where only root could pass before (an interpreter under
    ``/root``): through ``/proc/self/fd`` and a descriptor opened as root."""
    if uid is None or os.geteuid() != 0:
        return
    kept = {}
    for entry in sys.path:
        with contextlib.suppress(OSError):
            kept[entry] = os.open(entry, os.O_RDONLY | os.O_DIRECTORY)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.geteuid() == 0 or os.getegid() == 0 or os.getgroups():
        raise RuntimeError("the sandbox's user could not be taken")
    moved = {}
    for index, entry in enumerate(list(sys.path)):
        fd = kept.pop(entry, None)
        if fd is not None and not os.access(entry, os.R_OK | os.X_OK):
            sys.path[index] = moved[entry] = f"/proc/self/fd/{fd}"
        elif fd is not None:
            os.close(fd)
    for fd in kept.values():
        os.close(fd)
    for module in list(sys.modules.values()):  # packages imported already: their folders
        folders = getattr(module, "__path__", None)
        if isinstance(folders, list):
            for index, folder in enumerate(folders):
                for old, new in moved.items():
                    if isinstance(folder, str) and (folder + "/").startswith(old + "/"):
                        folders[index] = new + folder[len(old):]


def list_import_folders() -> None:
    """Have the import system list every folder of ``sys.path`` now, before Landlock:
    it may read what lies beneath the entries of site-packages it is given, but not list
    site-packages itself, and the import system finds a module by a folder's listing (kept
    until the folder changes). Looking up a module that exists nowhere lists them all."""
    importlib.util.find_spec("_solver_no_such_module_")


def die_with(parent: int | None) -> None:
    """SIGKILL when the grader's thread that started this process ends (bwrap does it
    for its own children; ``parent`` is None there)."""
    import ctypes

    pr_set_pdeathsig = 1
    if ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGKILL),
                                               0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "cannot die with the grader (PR_SET_PDEATHSIG)")
    if parent is not None and os.getppid() != parent:  # the grader died before prctl
        os._exit(1)


def loaded_libraries(secrets: list[str]) -> list[str]:
    """The folders of the files this process has mapped (torch's and the system's shared
    libraries), none inside ``secrets``."""
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].startswith("/"):
                found.add(os.path.dirname(os.path.realpath(fields[5].strip())))
    return sorted(folder for folder in found if not any(
        folder == s or folder.startswith(s.rstrip("/") + "/") or s.startswith(folder + "/")
        for s in secrets))


def cap_cpu(seconds: float) -> None:
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(used.ru_utime + used.ru_stime + seconds)
    _limit("RLIMIT_CPU", soft, soft + 2)


def load(module: types.ModuleType, path: str, display: str,
         preset: dict[str, Any]) -> None:
    """Execute the submission in ``module`` (``__file__`` and tracebacks show ``display``,
    the path as the grader was given it: nothing of where it lies)."""
    module.__file__ = display
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
    rules = None
    if config["landlock"] is not None:
        landlock = importlib.import_module("probes.landlock")
        rules = landlock.ruleset([*config["landlock"], *loaded_libraries(config["secrets"])])
    become(config["uid"])
    if rules is not None:
        list_import_folders()
        landlock.enforce(rules)
    die_with(config["parent"])
    import torch

    torch.set_num_threads(1)
    probe = importlib.import_module(f"probes.{config['probe']}")
    data = probe.inputs(int(config["seed"]), config["params"])
    preset = probe.preset() if hasattr(probe, "preset") else {}
    cap_cpu(float(config["timeout"]))
    channel.record({"ready": True, "seccomp": refused,
                    "cpu": torch.backends.cpu.get_cpu_capability()})
    module = types.ModuleType("submission")
    channel.record({"begin": "load"})
    started = time.monotonic()
    try:
        load(module, config["submission"], config["display"], preset)
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
