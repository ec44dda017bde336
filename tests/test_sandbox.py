"""The grading sandbox holds in both of its modes (bwrap, Landlock): each reproduction of
the hostile review (sections 1-4, 7 and 8), run against `solver grade` with the mode forced
by SOLVER_SANDBOX. A submission reports what it managed through the one channel it has,
its last line in the report; the side effects are also looked for where they would land.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

MODES = ("bwrap", "landlock")
RIGHT = (ROOT / "tests" / "submissions" / "lab1" / "right.py").read_text()
SITE = next(p for p in sys.path if p.endswith("site-packages"))

# Everything it tries is reported as what happened: DONE, or the exception's name.
PROBER = '''\
import json, os, socket, stat, sys
found = {{}}
def attempt(name, action):
    try:
        action()
        found[name] = "DONE"
    except BaseException as error:
        found[name] = type(error).__name__
project = {project!r}
attempt("reference", lambda: open(project + "/solver/labs/linear.py").read())
attempt("shadow", lambda: open("/etc/shadow").read())
attempt("checks", lambda: open(project + "/solver/grading/checks/lab1.py", "a").write("#"))
attempt("pth", lambda: open({site!r} + "/solver-escape.pth", "w").write("import os"))
attempt("vartmp", lambda: open("/var/tmp/solver-escape.txt", "w").write("x"))
attempt("project", lambda: open(project + "/solver-escape.txt", "w").write("x"))
attempt("ppidmem", lambda: open("/proc/%d/mem" % os.getppid(), "rb").read(1))
attempt("mknod", lambda: os.mknod("/tmp/blk", 0o600 | stat.S_IFBLK, os.makedev(254, 0)))
attempt("nice", lambda: os.nice(-20))
attempt("hostname", lambda: socket.sethostname(socket.gethostname()))
attempt("sibling", lambda: open(os.path.join(os.path.dirname(__file__), "secret.txt")).read())
attempt("home", lambda: open({home_secret!r}).read())
attempt("dev", lambda: open("/dev/solver-escape", "wb").write(b"1" * (1 << 20)))
attempt("shm", lambda: open("/dev/shm/solver-escape", "wb").write(b"1"))
attempt("uid0", lambda: None if os.getuid() == 0 else 1 / 0)
import ctypes, resource
libc = ctypes.CDLL(None, use_errno=True)
def zero(result):
    assert result == 0
attempt("pdeathsig", lambda: zero(libc.prctl(1, 0, 0, 0, 0)))
attempt("prlimit", lambda: resource.prlimit(1, resource.RLIMIT_NOFILE))
attempt("memfd", lambda: os.memfd_create("x"))
attempt("shm", lambda: zero(min(0, libc.shmget(0x5E5E, 4096, 0o1600))))
attempt("utime", lambda: os.utime({shared!r}, None))
attempt("xattr", lambda: os.setxattr({shared!r}, "user.solver", b"1"))
# (One line of at most 500 characters comes back: the attempts that worked, and a count.)
done = sorted(name for name, what in found.items() if what == "DONE")
raise RuntimeError("PROBE " + json.dumps({{"tried": len(found), "done": done}}))
'''

# Imports the reference from the checkout beside the interpreter (review, section 1).
STEAL = '''\
import os, sys
sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(sys.executable))))
sys.path.append({project!r})
from solver.labs.linear import Linear
'''

# 3000 threads (review, section 7): how many it could start.
THREADS = '''\
import threading
threading.stack_size(65536)
event, started = threading.Event(), 0
try:
    for _ in range(3000):
        threading.Thread(target=event.wait, daemon=True).start()
        started += 1
except BaseException:
    pass
event.set()
raise RuntimeError("THREADS %d" % started)
'''

# Fills every writable place with 16 MiB files (review, section 7): how much it wrote.
FILL = '''\
import os
written = 0
for folder in ("/tmp", "/dev", "/dev/shm", os.getcwd(), os.environ.get("HOME", "/tmp")):
    for number in range(16):
        try:
            with open(os.path.join(folder, "fill-%d" % number), "wb") as handle:
                handle.write(b"1" * (16 << 20))
            written += 16
        except BaseException:
            break
raise RuntimeError("WROTE %d MiB" % written)
'''

# Runs a classmate's file from the same folder (review, section 8); the second form
# found the folder through the runner's command line.
COPY = 'exec(open(__file__.rsplit("/", 1)[0] + "/alice.py").read())\n'
COPY_BY_CONFIG = """\
import json, os, sys
config = json.loads(sys.argv[1])
folder = os.path.dirname(config.get("file") or config["display"])
exec(open(os.path.join(folder, "alice.py")).read())
"""

# Sends values of types no honest run gives: the checks cannot take them (review 2).
WRONG_TYPES = RIGHT + """
import sys as _sys
_probe = _sys.modules["probes.lab1"]
_real = _probe.run


def _run(names, data, step):
    return _real(names, data, lambda key, compute: step(key, lambda: {
        name: torch.zeros(0) for name in compute()}))


_probe.run = _run
"""


def grade(mode: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOLVER_SANDBOX": mode}
    return subprocess.run([sys.executable, "-m", "solver", "grade", "lab.1", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module", params=MODES)
def attacked(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One folder of attacks graded in each mode (the checks file hashed around it)."""
    # Outside /tmp (which bwrap hides anyway): where a class's folder may well lie.
    folder = Path(tempfile.mkdtemp(prefix=f"solver-attacks-{request.param}-", dir="/var/tmp"))
    folder.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    # A file in the grader's home (/root when it is root), which the review read; and a
    # file anyone may write, whose times and attributes Landlock alone would not guard.
    home_secret = Path.home() / f".solver-test-secret-{os.getpid()}"
    home_secret.write_text("the grader's own file")
    request.addfinalizer(home_secret.unlink)
    shared = folder / "shared.txt"
    shared.write_text("anyone's")
    shared.chmod(0o666)
    fill = {"project": str(ROOT), "site": SITE, "home_secret": str(home_secret),
            "shared": str(shared)}
    for name, text in (("prober.py", PROBER.format(**fill)), ("steal.py", STEAL.format(**fill)),
                       ("threads.py", THREADS), ("fill.py", FILL), ("alice.py", RIGHT),
                       ("zz_bob.py", COPY), ("zz_carol.py", COPY_BY_CONFIG),
                       ("wrong_types.py", WRONG_TYPES)):
        (folder / name).write_text(text)
    stamp = shared.stat().st_mtime_ns
    (folder / "secret.txt").write_text("a classmate's secret")
    checks = (ROOT / "solver" / "grading" / "checks" / "lab1.py").read_bytes()
    result = grade(request.param, str(folder), "--format", "json", "--jobs", "2",
                   "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert (ROOT / "solver" / "grading" / "checks" / "lab1.py").read_bytes() == checks
    assert shared.stat().st_mtime_ns == stamp and not os.listxattr(shared)
    data = json.loads(result.stdout)
    return {"mode": request.param, "data": data,
            "by_name": {Path(s["path"]).name: s for s in data["submissions"]}}


def _said(submission: dict[str, Any], word: str) -> str:
    found = re.search(word + r" (.*)$", submission["error"] or "")
    assert found, submission
    return found.group(1)


@pytest.mark.slow
def test_the_mode_asked_for_is_the_mode_used(attacked: dict[str, Any]) -> None:
    assert attacked["data"]["sandbox"].lower().startswith(attacked["mode"])
    assert attacked["data"]["sandbox"].endswith("as a user of its own") == (os.geteuid() == 0)


@pytest.mark.slow
def test_no_attack_of_the_prober_succeeds(attacked: dict[str, Any]) -> None:
    found = json.loads(_said(attacked["by_name"]["prober.py"], "PROBE"))
    assert found == {"tried": 20, "done": []}
    for place in (Path(SITE) / "solver-escape.pth", Path("/var/tmp/solver-escape.txt"),
                  ROOT / "solver-escape.txt", Path("/dev/shm/solver-escape")):
        assert not place.exists(), place


@pytest.mark.slow
def test_the_reference_cannot_be_imported(attacked: dict[str, Any]) -> None:
    steal = attacked["by_name"]["steal.py"]
    assert steal["score"] == 0 and "ModuleNotFoundError" in (steal["error"] or ""), steal


@pytest.mark.slow
def test_threads_are_bounded(attacked: dict[str, Any]) -> None:
    started = int(_said(attacked["by_name"]["threads.py"], "THREADS"))
    assert started <= 32


@pytest.mark.slow
def test_writes_are_bounded(attacked: dict[str, Any]) -> None:
    """bwrap: the private /tmp (64 MiB) alone; Landlock: nothing."""
    written = int(_said(attacked["by_name"]["fill.py"], "WROTE").split()[0])
    assert written <= 64 and (written == 0) == (attacked["mode"] == "landlock")


@pytest.mark.slow
def test_a_classmates_file_is_out_of_reach(attacked: dict[str, Any]) -> None:
    assert attacked["by_name"]["alice.py"]["score"] == 4
    for name in ("zz_bob.py", "zz_carol.py"):
        copier = attacked["by_name"][name]
        assert copier["score"] == 0 and re.search(r"(FileNotFound|Permission)Error",
                                                  copier["error"]), copier


@pytest.mark.slow
def test_values_the_checks_cannot_take_are_the_submissions_zero(
        attacked: dict[str, Any]) -> None:
    """Review 2, B9: a submission that sends values of the wrong type scores 0; it does not
    make the grading run fail (the run's exit status was 0: the fixture checks it)."""
    found = attacked["by_name"]["wrong_types.py"]
    assert found["score"] == 0 and "could not be checked" in found["error"], found


def test_a_link_on_the_command_line_is_refused(tmp_path: Path) -> None:
    """Review, section 2: a link to the reference would score full marks."""
    (tmp_path / "evil.py").symlink_to(ROOT / "solver" / "labs" / "linear.py")
    (tmp_path / "subs").symlink_to(ROOT / "solver" / "labs", target_is_directory=True)
    (tmp_path / "etc").symlink_to("/etc", target_is_directory=True)
    for given in ("evil.py", "subs", "subs/linear.py", "etc/hostname"):
        result = grade("landlock", str(tmp_path / given))
        assert result.returncode == 2 and "is a symbolic link" in result.stderr, result.stderr
        assert len(result.stderr.splitlines()) == 1
    result = grade("landlock", str(ROOT / "solver" / "labs" / "linear.py"))
    assert result.returncode == 2 and "lies in solver's own code" in result.stderr


@pytest.mark.slow
def test_out_is_never_written_through_a_link(tmp_path: Path) -> None:
    """Review, section 3: a grades.csv planted as a link, and an --out folder that is a
    link or belongs to another user."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "grades.csv").symlink_to(victim)
    submission = tmp_path / "right.py"
    submission.write_text(RIGHT)
    result = grade("landlock", str(submission), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "precious"
    assert not (out / "grades.csv").is_symlink() and "right.py" in (out / "grades.csv").read_text()
    (tmp_path / "linked").symlink_to(out, target_is_directory=True)
    linked = grade("landlock", str(submission), "--out", str(tmp_path / "linked"))
    assert linked.returncode == 2 and "is a symbolic link" in linked.stderr
    if os.geteuid() == 0:
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        os.chown(theirs, 65534, 65534)
        refused = grade("landlock", str(submission), "--out", str(theirs))
        assert refused.returncode == 2 and "belongs to another user" in refused.stderr


def _runs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob(".solver-grade.*.tmp")}


def _sleeping(pid: int) -> bool:
    """The process waits in the kernel's sleep (the submission's time.sleep)."""
    try:
        return "nanosleep" in Path(f"/proc/{pid}/wchan").read_text()
    except OSError:
        return False


def _marked(marker: str) -> list[int]:
    """The processes whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_the_sandbox_dies_with_the_grader_and_its_folder_is_swept(mode: str,
                                                                  tmp_path: Path) -> None:
    """Review, section 1: a sleeping submission outlived a killed grader, and its folder
    stayed. Now it dies with it, and the next grading sweeps the folder."""
    marker = f"sleeper-{mode}-{os.getpid()}"
    sleeper = tmp_path / f"{marker}.py"
    sleeper.write_text("import time\ntime.sleep(120)\n")
    before = _runs()
    env = {**os.environ, "SOLVER_SANDBOX": mode}
    grader = subprocess.Popen([sys.executable, "-m", "solver", "grade", "lab.1", str(sleeper),
                               "--timeout", "120"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Until the submission itself sleeps: killed earlier, the runner would die anyway
    # when it reports to the dead grader, whatever its death signal.
    while not any(_sleeping(pid) for pid in _marked(marker) if pid != grader.pid):
        assert time.monotonic() < deadline and grader.poll() is None
        time.sleep(0.2)
    left = _runs() - before
    assert len(left) == 1
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    deadline = time.monotonic() + 10
    while _marked(marker):
        assert time.monotonic() < deadline, f"left running: {_marked(marker)}"
        time.sleep(0.2)
    assert left <= _runs()  # killed outright: its folder is still there…
    quick = tmp_path / "quick.py"
    quick.write_text(RIGHT)
    assert grade(mode, str(quick)).returncode == 0
    assert not left & _runs()  # …until the next grading sweeps it


DEATH_SIGNAL = """\
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
signal = ctypes.c_int(-1)
libc.prctl(2, ctypes.byref(signal), 0, 0, 0)
cleared = libc.prctl(1, 0, 0, 0, 0)
raise SystemExit(f"death signal {signal.value}; clearing it: {cleared} errno {ctypes.get_errno()}")
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_the_death_signal_is_sigkill_and_the_submission_cannot_clear_it(
        mode: str, tmp_path: Path) -> None:
    """Review of the autograder: under Landlock the runner's death signal was never set
    (the seccomp filter refused the runner's own prctl), so it outlived a killed grader."""
    submission = tmp_path / "death.py"
    submission.write_text(DEATH_SIGNAL)
    result = grade(mode, str(submission), "--format", "json")
    assert "death signal 9; clearing it: -1 errno 1" in result.stdout, result.stdout


def test_a_forced_mode_that_does_not_work_is_refused(tmp_path: Path) -> None:
    """A bwrap that fails, first on PATH, with SOLVER_SANDBOX=bwrap: exit 2 naming it, and
    no quiet fall-back to /usr/bin/bwrap or to Landlock."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: refused by this test' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    env = {**os.environ, "SOLVER_SANDBOX": "bwrap", "PATH": f"{fake}:{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "solver", "grade", "lab.1",
                             str(ROOT / "tests/submissions/lab1/right.py")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "SOLVER_SANDBOX=bwrap, but bwrap does not work here (bwrap: refused by this test)" \
        in result.stderr
    env["SOLVER_SANDBOX"] = "nosuch"
    wrong = subprocess.run([sys.executable, "-m", "solver", "grade", "lab.1",
                            str(ROOT / "tests/submissions/lab1/right.py")],
                           capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert wrong.returncode == 2 and "SOLVER_SANDBOX must be one of bwrap, landlock" in \
        wrong.stderr


def test_without_any_protection_grading_is_refused_unless_unprotected(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.grading import isolation
    from solver.model import InputError

    monkeypatch.setattr(isolation, "_bwrap", lambda hidden=(): (None, "bwrap is not installed"))
    monkeypatch.setattr(isolation, "_landlock", lambda: (None, "the kernel offers no Landlock"))
    with pytest.raises(InputError, match=r"bwrap is not installed; the kernel offers no "
                                         r"Landlock \(--unprotected grades anyway, unsafely\)"):
        isolation.detect()
    box = isolation.detect(unprotected=True)
    assert box.mode == "unprotected" and box.describe().startswith("UNPROTECTED")


@pytest.mark.slow
def test_unprotected_grading_says_so_in_every_report(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    from solver.grading import isolation
    from solver.grading.grader import grade as grade_in_process
    from solver.grading.report import render

    monkeypatch.setattr(isolation, "_bwrap", lambda hidden=(): (None, "bwrap is not installed"))
    monkeypatch.setattr(isolation, "_landlock", lambda: (None, "no Landlock"))
    submission = tmp_path / "right.py"
    submission.write_text(RIGHT)
    report = grade_in_process("lab.1", [str(submission)], 1, 20.0, lambda line: None,
                              unprotected=True)
    assert report.submissions[0].score == 4 and report.unprotected
    assert "sandbox: UNPROTECTED" in render(report, "text")
    assert json.loads(render(report, "json"))["sandbox"].startswith("UNPROTECTED")
    assert "graded UNPROTECTED" in json.loads(render(report, "gradescope"))["output"]


def test_the_run_folder_is_private(tmp_path: Path) -> None:
    """Review, section 8: the submission's copy was readable by every local user."""
    from solver.grading.sandbox import _prepare

    folder = tmp_path / "run"
    _prepare(folder, "lab1", b"x = 1\n", 2_000_000_000 if os.geteuid() == 0 else None)
    for path in [folder, *folder.rglob("*")]:
        assert path.stat().st_mode & 0o007 == 0, path
    shutil.rmtree(folder)


def test_a_folder_swapped_after_discovery_is_not_read(tmp_path: Path) -> None:
    """Review 2, B1: between finding a submission and reading it, a student swaps its
    folder for a link to the reference; the file read is not the file found."""
    from solver.grading.grader import _run, discover

    alice = tmp_path / "class" / "alice"
    alice.mkdir(parents=True)
    (alice / "linear.py").write_text("raise Exception('alice wrote nothing')\n")
    ((shown, path, identity),) = discover([str(alice / "linear.py")], ())
    alice.rename(alice.with_name("alice.mine"))
    alice.symlink_to(ROOT / "solver" / "labs", target_is_directory=True)
    result = _run(None, "lab1", shown, path, identity, 5.0, {})
    assert result.failure.startswith("student: the file was replaced while grading")


def test_out_through_another_users_link_is_refused(tmp_path: Path) -> None:
    """Review 2, B8: a link planted in a shared folder, in a parent of --out."""
    from solver.folders import open_owned
    from solver.model import InputError

    victim, shared = tmp_path / "victim", tmp_path / "shared"
    victim.mkdir()
    shared.mkdir()
    shared.chmod(0o1777)
    (shared / "planted").symlink_to(victim, target_is_directory=True)
    ours = open_owned(shared / "mine" / "grades")  # a folder of ours: made and opened
    os.close(ours)
    if os.geteuid() == 0:  # only root can make a link that belongs to another user
        os.lchown(shared / "planted", 65534, 65534)
        with pytest.raises(InputError, match="passes through a link of another user"):
            open_owned(shared / "planted" / "lab1")
        assert list(victim.iterdir()) == []
    else:  # a link of one's own is followed
        os.close(open_owned(shared / "planted" / "lab1"))
        assert (victim / "lab1").is_dir()


@pytest.mark.slow
def test_two_graders_never_share_a_sandbox_user(tmp_path: Path) -> None:
    """Review 2, B4: each grader counted its own slots, so two at once gave their first
    submissions one user, and one could cripple the other's. (A grader that is not root
    runs every submission as its own user: then both are that user.)"""
    graders, uids = [], set()
    root = os.geteuid() == 0
    env = {**os.environ, "SOLVER_SANDBOX": "landlock"}
    try:
        for number in (1, 2):
            sleeper = tmp_path / f"two-graders-{os.getpid()}-{number}.py"
            sleeper.write_text("import time\ntime.sleep(60)\n")
            graders.append(subprocess.Popen(
                [sys.executable, "-m", "solver", "grade", "lab.1", str(sleeper)], cwd=ROOT,
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while len(uids) < 2:
            assert time.monotonic() < deadline, uids
            for number in (1, 2):
                for pid in _marked(f"two-graders-{os.getpid()}-{number}.py"):
                    with contextlib.suppress(OSError):
                        uid = os.stat(f"/proc/{pid}").st_uid
                        if uid >= 2_000_000_000 or (not root and pid not in
                                                    [g.pid for g in graders]):
                            uids.add((number, uid))
            time.sleep(0.2)
        if root:
            assert len({uid for _, uid in uids}) == 2, uids
        else:
            assert {uid for _, uid in uids} == {os.getuid()}, uids
    finally:
        for grader in graders:
            grader.kill()
            grader.wait()
