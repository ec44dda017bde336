"""The grading sandbox holds in both of its modes (bwrap, Landlock): each reproduction of
the hostile review (sections 1-4, 7 and 8), run against `solver grade` with the mode forced
by SOLVER_SANDBOX. A submission reports what it managed through the one channel it has,
its last line in the report; the side effects are also looked for where they would land.
"""

from __future__ import annotations

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
raise RuntimeError("PROBE " + json.dumps(found, sort_keys=True))
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

# Runs a classmate's file from the same folder (review, section 8).
COPY = 'exec(open(__file__.rsplit("/", 1)[0] + "/alice.py").read())\n'


def grade(mode: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOLVER_SANDBOX": mode}
    return subprocess.run([sys.executable, "-m", "solver", "grade", "lab.1", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module", params=MODES)
def attacked(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One folder of attacks graded in each mode (the checks file hashed around it)."""
    folder = tmp_path_factory.mktemp(f"attacks-{request.param}")
    # A file in the grader's home (/root when it is root), which the review read.
    home_secret = Path.home() / f".solver-test-secret-{os.getpid()}"
    home_secret.write_text("the grader's own file")
    request.addfinalizer(home_secret.unlink)
    fill = {"project": str(ROOT), "site": SITE, "home_secret": str(home_secret)}
    for name, text in (("prober.py", PROBER.format(**fill)), ("steal.py", STEAL.format(**fill)),
                       ("threads.py", THREADS), ("fill.py", FILL), ("alice.py", RIGHT),
                       ("zz_bob.py", COPY)):
        (folder / name).write_text(text)
    (folder / "secret.txt").write_text("a classmate's secret")
    checks = (ROOT / "solver" / "grading" / "checks" / "lab1.py").read_bytes()
    result = grade(request.param, str(folder), "--format", "json", "--jobs", "2",
                   "--timeout", "20")
    assert result.returncode == 0, result.stderr
    assert (ROOT / "solver" / "grading" / "checks" / "lab1.py").read_bytes() == checks
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
    assert len(found) == 15 and not [name for name, what in found.items() if what == "DONE"]
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
    bob = attacked["by_name"]["zz_bob.py"]
    assert bob["score"] == 0 and re.search(r"(FileNotFound|Permission)Error", bob["error"])


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
    while not [pid for pid in _marked(marker) if pid != grader.pid]:
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

    monkeypatch.setattr(isolation, "_bwrap", lambda: (None, "bwrap is not installed"))
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

    monkeypatch.setattr(isolation, "_bwrap", lambda: (None, "bwrap is not installed"))
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
