"""The sandbox a submission runs in, and how to start it. In every mode:

- never root: when the grader runs as root, the runner makes itself a user of its own
  (``SANDBOX_UID`` + its slot: ``setresuid``, no supplementary groups, so no
  capabilities) before any student code, so files only root may read stay unreadable,
  ``RLIMIT_NPROC`` binds and no two submissions share a user; otherwise it runs as the
  grader's user. (The interpreter may sit where only root can look, as under
  ``/root/.pyenv``: what the runner imported before is kept, and the folders on its
  import path are reached through descriptors it opened before.)
- a fresh ``python -I -S -B`` (no environment variables, no user site, no ``.pth`` hooks)
  in a new session, with a scrubbed environment and one thread for the maths libraries;
  it sees only its own run folder (a copy of its one file and the runner), private to
  its user;
- the runner's first steps (``probes/harness.py``): resource limits, a seccomp filter (no
  new processes, exec, sockets or signals to others), dying with the grader.

And one of these, the strongest the machine offers (``SOLVER_SANDBOX=bwrap`` or
``landlock`` asks for one; it is never replaced by another):

- ``bwrap`` (bubblewrap, checked by running it once): new network, pid, ipc, uts and
  cgroup namespaces (and a user namespace when the grader is not root; as root, bwrap
  keeps only the capability to change user, which the runner uses at once), a read-only
  view of the system, a private 64 MiB ``/tmp``, a
  ``/dev`` of five device nodes on a read-only 64 KiB tmpfs, and the places our code
  could be read from hidden behind empty mounts (this package wherever it is installed,
  the project folder and the folder holding it, ``/root``, ``/home``; the interpreter and
  site-packages bound back read-only so torch imports);
- ``landlock`` (Linux 5.13 and later, no privileges needed): the runner restricts itself,
  before any student code, to reading the interpreter's library, site-packages without
  this package, the shared libraries it has loaded and its run folder; it writes nowhere.

When neither works, ``solver grade`` refuses (exit 2, naming what is missing) unless it is
given ``--unprotected``; then every report says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solver.model import InputError

TMPFS_BYTES = 64 << 20
DEV_BYTES = 64 << 10
INSIDE = "/tmp/grader"
WORK = "/tmp/work"
# When the grader is root, submission N of those running at once runs as this uid + N (a
# range no account uses; one user per submission, so none can reach another's files).
SANDBOX_UID = 2_000_000_000
DEVICES = ("null", "zero", "full", "random", "urandom")
MODES = ("bwrap", "landlock")
UNSHARE = ("--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
           "--unshare-cgroup-try")


@dataclass(frozen=True)
class Sandbox:
    mode: str  # "bwrap", "landlock" or "unprotected"
    python: str
    site: tuple[str, ...]
    bwrap: tuple[str, ...] = ()  # the bwrap command and its fixed flags (mode bwrap)
    secrets: tuple[str, ...] = ()  # this package and the project folder: never readable
    readable: tuple[str, ...] = ()  # mode landlock: what the runner may read besides
    drop_to: int | None = None  # the first sandbox uid when the grader is root
    note: str = ""  # why the stronger modes are not used
    needed: tuple[str, ...] = ()  # mode bwrap: what must stay visible (interpreter, sites)
    masked: tuple[str, ...] = ()  # mode bwrap: what its fixed flags hide (and /tmp)

    def command(self, folder: str, argv: list[str], hide: tuple[str, ...] = ()) -> list[str]:
        """``argv`` run in this sandbox with ``folder`` (the run folder) as its files, and
        the folders ``hide`` (the submission's own: its classmates') behind empty mounts."""
        if self.mode != "bwrap":
            return argv
        masks: list[str] = []
        for place in hide:  # unless hidden already (/tmp, the project…) or needed inside
            real = os.path.realpath(place)
            if real != "/" and not any(_inside(real, m) for m in self.masked) and \
                    not any(_inside(need, real) for need in self.needed):
                masks += ["--tmpfs", real, "--remount-ro", real]
        return [*self.bwrap, *masks, "--ro-bind", folder, INSIDE, "--dir", WORK,
                "--chdir", WORK, "--", *argv]

    def describe(self) -> str:
        user = "a user of its own" if self.drop_to is not None else "the grader's user"
        return {"bwrap": f"bwrap, as {user}",
                "landlock": f"Landlock, as {user}",
                }.get(self.mode, "UNPROTECTED: the submission could read and change this "
                                 "machine's files, the reference solution among them")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _topmost(paths: list[str]) -> tuple[str, ...]:
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(_inside(path, top) for top in kept):
            kept.append(path)
    return tuple(sorted(kept))


def package() -> str:
    """This package's folder (the reference solutions and the grader live in it)."""
    return os.path.realpath(Path(__file__).resolve().parent.parent)


def secrets() -> tuple[str, ...]:
    """This package, and the project folder when it runs from a checkout."""
    package_folder = package()
    project = os.path.dirname(package_folder)
    if os.path.exists(os.path.join(project, "pyproject.toml")):
        return package_folder, project
    return (package_folder,)


def site_dirs() -> list[str]:
    return [p for p in dict.fromkeys(sys.path)
            if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p)]


def _masks(hidden: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What bwrap hides behind empty mounts: our code, the folder holding the project,
    /root and /home, and the folders ``hidden`` (an autograder's root: the bundle, the
    platform's files about the student) unless the private /tmp hides them already."""
    ours, project = secrets()[0], secrets()[-1]
    candidates = [ours, "/root", "/home"]
    if project != ours:
        candidates.append(project)
        if os.path.dirname(project) != "/":
            candidates.append(os.path.dirname(project))
    candidates += [p for p in hidden if not _inside(os.path.realpath(p), "/tmp")]
    return _topmost([os.path.realpath(p) for p in candidates if os.path.isdir(p)])


def _bwrap_flags(found: str, hidden: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Hide our code (and /root, /home, ``hidden``) behind empty mounts, bind the
    interpreter and site-packages back, and hide this package again where it lies inside
    them."""
    ours = secrets()[0]
    masks = _masks(hidden)
    wanted = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable)),
              *site_dirs()]
    exposes = _topmost([os.path.realpath(p) for p in wanted
                        if os.path.exists(p) and any(_inside(os.path.realpath(p), m)
                                                     for m in masks)])
    remasks = tuple(m for m in [ours] if any(_inside(m, e) for e in exposes))
    # As root: no user namespace (uid 0 would map to root), only the capability to become
    # the sandbox's user; otherwise a user namespace and no capability at all.
    users = (["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
             if os.geteuid() == 0 else ["--unshare-user", "--cap-drop", "ALL"])
    flags = [found, "--die-with-parent", "--new-session", *UNSHARE, *users,
             "--ro-bind", "/", "/", "--proc", "/proc",
             "--size", str(DEV_BYTES), "--perms", "0755", "--tmpfs", "/dev"]
    for device in DEVICES:
        flags += ["--dev-bind", f"/dev/{device}", f"/dev/{device}"]
    flags += ["--remount-ro", "/dev",
              "--size", str(TMPFS_BYTES), "--perms", "1777", "--tmpfs", "/tmp"]
    for mask in masks:
        flags += ["--size", str(1 << 16), "--tmpfs", mask]
    for path in exposes:
        flags += ["--ro-bind", path, path]
    for mask in remasks:
        flags += ["--tmpfs", mask]
    for mask in masks + remasks:  # read-only once what is bound inside them is in place
        flags += ["--remount-ro", mask]
    return tuple(flags)


def _beneath(folder: str, hidden: tuple[str, ...], sites: set[str]) -> set[str]:
    """``folder`` as Landlock rules: the folder whole (a rule grants all beneath it), or,
    when this package or a site-packages folder lies inside it, each of its entries
    likewise, so that no rule reaches our code. (In a virtual environment the standard
    library's platform folder, ``lib/python3.X``, holds site-packages and whatever is
    installed there, this package among them.)"""
    real = os.path.realpath(folder)
    if real in sites or any(_inside(real, secret) for secret in hidden):
        return set()
    if not any(_inside(inner, real) for inner in (*hidden, *sites)):
        return {real}
    found: set[str] = set()
    with os.scandir(real) as entries:
        for entry in entries:
            found |= _beneath(entry.path, hidden, sites)
    return found


def _landlock_readable() -> tuple[str, ...]:
    """What the runner may read under Landlock besides its run folder and the libraries
    it has loaded: the standard library and every entry of site-packages that is not
    this package (nor its editable-install finder), and a few device and system files.
    Only these are granted, so the project folder of a checkout is out of reach but for
    the virtual environment that may lie inside it."""
    hidden = (package(),)
    sites = {os.path.realpath(site) for site in site_dirs()}
    paths: set[str] = set()
    for name in ("stdlib", "platstdlib"):
        paths |= _beneath(sysconfig.get_paths()[name], hidden, sites)
    for site in site_dirs():
        for entry in os.scandir(site):
            real = os.path.realpath(entry.path)
            if entry.name.startswith(("solver", "__editable__")) or entry.name.endswith(".pth"):
                continue
            if any(_inside(real, secret) or _inside(secret, real) for secret in hidden):
                continue
            paths.add(real)
    paths |= {f"/dev/{device}" for device in DEVICES}
    # What torch reads to choose its kernels (AVX2, AVX-512…): without it, it would
    # compute with others and round differently from the reference.
    paths |= {"/etc/ld.so.cache", "/proc/cpuinfo", "/sys/devices/system/cpu"}
    return tuple(sorted(paths))


def _bwrap(hidden: tuple[str, ...] = ()) -> tuple[Sandbox | None, str]:
    found = shutil.which("bwrap") or next(
        (p for p in ("/usr/bin/bwrap", "/bin/bwrap") if os.access(p, os.X_OK)), None)
    if found is None:
        return None, "bwrap is not installed (Debian package bubblewrap)"
    needed = tuple(os.path.realpath(p) for p in (sys.prefix, sys.base_prefix,
                                                 os.path.dirname(sys.executable),
                                                 *site_dirs(), tempfile.gettempdir()))
    box = Sandbox("bwrap", sys.executable, tuple(site_dirs()), _bwrap_flags(found, hidden),
                  secrets(), drop_to=SANDBOX_UID if os.geteuid() == 0 else None,
                  needed=needed, masked=(*_masks(hidden), "/tmp"))
    reason = _try(box)
    return (None, f"bwrap does not work here ({reason})") if reason else (box, "")


def _landlock() -> tuple[Sandbox | None, str]:
    import platform

    from solver.grading.probes.landlock import abi

    if platform.machine() != "x86_64":  # Landlock alone leaves processes and sockets
        return None, f"no seccomp filter for {platform.machine()} to go with Landlock"
    if abi() < 1:
        return None, "the kernel offers no Landlock (Linux 5.13 or later)"
    return Sandbox("landlock", sys.executable, tuple(site_dirs()), (), secrets(),
                   _landlock_readable(),
                   drop_to=SANDBOX_UID if os.geteuid() == 0 else None), ""


def detect(unprotected: bool = False, hidden: tuple[str, ...] = ()) -> Sandbox:
    """The strongest sandbox this machine offers, or the one ``SOLVER_SANDBOX`` asks for;
    an InputError when none keeps our code out of reach (unless ``unprotected``).
    ``hidden``: folders bwrap hides besides our code (Landlock reads nothing it is not
    given, so it needs no list)."""
    asked = os.environ.get("SOLVER_SANDBOX", "")
    if asked and asked not in MODES:
        raise InputError(f"SOLVER_SANDBOX must be one of {', '.join(MODES)}, got {asked!r}")
    reasons = []
    makers: dict[str, Callable[[], tuple[Sandbox | None, str]]] = {
        "bwrap": lambda: _bwrap(hidden), "landlock": _landlock}
    for mode, make in makers.items():
        if asked and asked != mode:
            continue
        box, reason = make()
        if box is not None:
            return box
        if asked:
            raise InputError(f"SOLVER_SANDBOX={mode}, but {reason}")
        reasons.append(reason)
    if unprotected:
        return Sandbox("unprotected", sys.executable, tuple(site_dirs()), secrets=secrets(),
                       drop_to=SANDBOX_UID if os.geteuid() == 0 else None,
                       note="; ".join(reasons))
    raise InputError("cannot keep a submission away from the reference solution here: "
                     + "; ".join(reasons) + " (--unprotected grades anyway, unsafely)")


def _try(sandbox: Sandbox) -> str:
    """'' when the sandbox runs the interpreter as it will run a submission (and lets it
    become the sandbox's user), else why not."""
    user = sandbox.drop_to
    code = "pass" if user is None else (
        f"import os; os.setgroups([]); os.setresgid({user}, {user}, {user}); "
        f"os.setresuid({user}, {user}, {user})")
    with tempfile.TemporaryDirectory(prefix="solver-grade-") as folder:
        argv = sandbox.command(folder, [sandbox.python, "-I", "-S", "-c", code])
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30, env=environment(WORK))
        except (OSError, subprocess.SubprocessError) as error:
            return str(error)
    if done.returncode == 0:
        return ""
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else f"exit status {done.returncode}")[:200]


def environment(home: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1"}


def processes_of(uid: int) -> dict[int, int]:
    """The processes of ``uid`` now (its real user), each with its number of threads."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
            except OSError:
                continue
            if fields.get("Uid", "").split()[:1] == [str(uid)]:
                found[int(entry)] = int(fields.get("Threads", "1").strip() or 1)
    return found


def tasks_of(uid: int) -> int:
    """Processes and threads of ``uid`` now (``RLIMIT_NPROC`` counts both)."""
    return sum(processes_of(uid).values())
