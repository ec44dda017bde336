"""The sandbox a submission runs in, and how to start it. Layers, outermost first:

- a fresh ``python -I -S -B`` (isolated: no environment variables, no user site, no
  ``.pth`` hooks, so the project's editable install is not on its path) in a new session
  (its own process group, no controlling terminal), with a scrubbed environment and
  ``OMP_NUM_THREADS=1``; a wall-clock limit kills the whole process group (``sandbox``);
- bubblewrap where it works (checked by running the real command once): new network,
  pid, ipc, uts and cgroup namespaces (and a user namespace where allowed), no
  capabilities (bwrap keeps them for root unless told), a read-only view of the system, a
  private size-limited ``/tmp`` as working directory, the runner's folder and the
  submission's folder read-only, the process dying with the grader, and the places a
  reference could be read from hidden behind empty read-only tmpfs mounts: the project
  folder and the folder holding it, the ``solver`` package wherever it is installed,
  ``/root`` and ``/home`` (the interpreter, the virtualenv and site-packages are bound
  back read-only, so torch imports);
- inside, the runner's own first steps (``probes/harness.py``): resource limits and a
  seccomp filter, before any student code.

Without a working bwrap the grader says so once on stderr and runs with the process,
limit and seccomp layers only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

TMPFS_BYTES = 64 << 20
INSIDE = "/tmp/grader"
WORK = "/tmp/work"
UNSHARE_CHOICES = (("--unshare-all",), ("--unshare-net", "--unshare-pid", "--unshare-ipc"),
                   ("--unshare-net",))


@dataclass(frozen=True)
class Sandbox:
    python: str
    site: tuple[str, ...]
    bwrap: tuple[str, ...] = ()  # the bwrap command and its fixed flags; () without bwrap
    masks: tuple[str, ...] = ()
    remasks: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()  # the solver package and the project folder
    note: str = ""  # why bwrap is not used

    def command(self, folder: str, submission_dir: str, argv: list[str]) -> list[str]:
        if not self.bwrap:
            return argv
        binds = ["--ro-bind", folder, INSIDE]
        # The submission's folder, read-only: not "/" or "/tmp" (they stay private), and
        # not a folder holding the solver package or the project (the reference).
        if not _inside(INSIDE, submission_dir) and \
                not any(_inside(secret, submission_dir) for secret in self.secrets):
            binds += ["--ro-bind", submission_dir, submission_dir]
        for mask in self.remasks:
            binds += ["--tmpfs", mask]
        for mask in self.masks + self.remasks:
            binds += ["--remount-ro", mask]
        return [*self.bwrap, *binds, "--dir", WORK, "--chdir", WORK, "--", *argv]


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _topmost(paths: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(_inside(path, top) for top in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _hidden_places() -> tuple[tuple[str, ...], ...]:
    """(masks, exposes, remasks, secrets): what to hide, what to bind back inside it, the
    solver package again where it lies inside something bound back, and the folders that
    hold a reference (never bound as a submission's folder)."""
    package = os.path.realpath(Path(__file__).resolve().parent.parent)
    project = os.path.dirname(package)
    candidates = [package, "/root", "/home"]
    if os.path.exists(os.path.join(project, "pyproject.toml")):
        candidates.append(project)
        if os.path.dirname(project) != "/":
            candidates.append(os.path.dirname(project))
    masks = _topmost([os.path.realpath(p) for p in candidates if os.path.isdir(p)])
    wanted = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
              *site_dirs()]
    exposes = _topmost([os.path.realpath(p) for p in wanted
                        if os.path.exists(p) and any(_inside(os.path.realpath(p), m)
                                                     for m in masks)])
    remasks = tuple(m for m in [package] if any(_inside(m, e) for e in exposes))
    secrets = (package, project) if os.path.exists(os.path.join(project, "pyproject.toml")) \
        else (package,)
    return masks, exposes, remasks, secrets


def site_dirs() -> list[str]:
    return [p for p in dict.fromkeys(sys.path)
            if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]


def detect() -> Sandbox:
    """The sandbox this machine supports, bwrap flags checked by running them once."""
    plain = Sandbox(sys.executable, tuple(site_dirs()))
    found = shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)), None)
    if found is None:
        return Sandbox(plain.python, plain.site,
                       note="bwrap was not found (Debian package bubblewrap)")
    masks, exposes, remasks, secrets = _hidden_places()
    reason = ""
    for unshare in UNSHARE_CHOICES:
        fixed = [found, "--die-with-parent", *unshare, "--cap-drop", "ALL", "--ro-bind", "/", "/",
                 "--dev", "/dev", "--proc", "/proc",
                 "--size", str(TMPFS_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]
        for mask in masks:
            fixed += ["--size", str(1 << 20), "--tmpfs", mask]
        for path in exposes:
            fixed += ["--ro-bind", path, path]
        sandbox = Sandbox(plain.python, plain.site, tuple(fixed), masks, remasks, secrets)
        reason = _try(sandbox)
        if not reason:
            return sandbox
    return Sandbox(plain.python, plain.site, note=f"bwrap does not work here ({reason})")


def _try(sandbox: Sandbox) -> str:
    """'' when the sandbox runs the interpreter with its real flags, else why not."""
    with tempfile.TemporaryDirectory(prefix="solver-grade-") as folder:
        argv = sandbox.command(folder, folder, [sandbox.python, "-I", "-S", "-c", "pass"])
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30, env=environment(WORK))
        except (OSError, subprocess.TimeoutExpired) as error:
            return str(error)
    if done.returncode == 0:
        return ""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else f"exit status {done.returncode}")[:200]


def environment(home: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1"}


