"""Hardening: every input, output path, stream, environment and signal ends
cleanly (exit 0, 1 or 2 with one line on stderr, never a traceback, no half-written
file), resources are bounded, and no other local user can get in.

Per-question work bounds and the property test over every parameter are in
``test_hardening_params.py``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from solver import cli, output
from solver.model import BuildError, InputError
from solver.params import MAX_INT_DIGITS, MAX_NESTING, MAX_VALUE_CHARS, parse_value
from solver.render import diskcache, mathsvg
from solver.sheet import build as sheet
from solver.sheet import solving
from solver.sheet import typeset as ts
from tests.conftest import ROOT

# --- helpers -------------------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it (a new interpreter), with extra environment."""
    full = {**os.environ, "PYTHONHASHSEED": "0", **(env or {})}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "solver", *args], text=True,
        cwd=cwd or ROOT, env=full, timeout=timeout, **kwargs,
    )


def assert_one_line(stderr: str, *needles: str) -> str:
    """stderr holds no traceback and its last line names the failure; return that line."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert lines, "nothing on stderr"
    errors = [line for line in lines if not line.startswith("solver: [")
              and not line.startswith(("solver: rendering", "solver: typesetting"))]
    assert len(errors) == 1, stderr
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]


def main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process: (status, stdout, stderr)."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (PID 1 here may never reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate: Any, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def temporaries(folder: Path, name: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


def root_with_chattr(path: Path) -> bool:
    """True if this machine lets the test set the immutable flag on ``path``."""
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


@pytest.fixture
def fake_typeset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip WeasyPrint (seconds) where only the file handling around it is tested."""
    monkeypatch.setattr(sheet, "typeset", lambda html: b"%PDF-1.7 fake\n%%EOF\n")


# --- parameters: overflow, nesting, length -------------------------------------------------

HUGE = "1" + "0" * 309  # 10**309: an integer no float can hold


@pytest.mark.parametrize(("qid", "param"), [
    ("lecture.5", f"rho={HUGE}"),
    ("lecture.5", f"value=-{HUGE}"),
    ("lecture.8", f"gen_sd={HUGE}"),
    ("lecture.2", f"x={HUGE}"),
    ("lecture.3", f"image=[[[{HUGE}]]]"),
    ("lecture.3", f"image=[[[1, 2], [3, {HUGE}]]]"),
])
def test_integer_too_large_for_a_float_is_bad_input(
    capsys: pytest.CaptureFixture[str], qid: str, param: str
) -> None:
    status, out, err = main(capsys, "solve", qid, "--param", param)
    assert status == 2 and out == ""
    assert_one_line(err, "1.8e308")


def test_deep_json_is_bad_input_naming_the_limit(capsys: pytest.CaptureFixture[str]) -> None:
    for qid, name in (("lecture.5", "rho"), ("lecture.3", "image"), ("lecture.1", "bias")):
        for deep in ("[" * 1000 + "]" * 1000, '{"a":' * 1000 + "1" + "}" * 1000, "[" * 100_000):
            status, out, err = main(capsys, "solve", qid, "--param", f"{name}={deep}")
            assert status == 2 and out == ""
            assert_one_line(err, f"at most {MAX_NESTING} levels")
    # Brackets inside JSON strings do not count; the real image depth (3) is fine.
    assert parse_value('["' + "[" * 100 + '"]') == ["[" * 100]
    assert parse_value("[[[1]]]") == [[[1]]]


def test_value_length_and_integer_digits_are_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = main(capsys, "solve", "lecture.3", "--param",
                          "image=[" + "1," * (MAX_VALUE_CHARS // 2) + "1]")
    assert status == 2
    assert_one_line(err, f"at most {MAX_VALUE_CHARS}")
    status, _, err = main(capsys, "solve", "lecture.1", "--param",
                          "height=" + "9" * (MAX_INT_DIGITS + 1))
    assert status == 2
    assert_one_line(err, f"at most {MAX_INT_DIGITS} digits")


def test_bad_values_are_shown_short_and_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("x" * 100_000, "a\nb\x1b[31m" * 50, "\udcff\udcfe"):
        status, out, err = main(capsys, "solve", "lecture.1", "--param", f"in_channels={value}")
        assert status == 2 and out == ""
        line = assert_one_line(err, "must be an integer")
        assert len(line) < 300 and "\x1b" not in line
    # A deeply nested Python value (as the exam file may give) is refused, not recursed.
    from solver.params import build
    from solver.questions.lecture3 import Params

    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InputError, match=f"at most {MAX_NESTING} levels"):
        build(Params, {"image": deep})


def test_names_with_control_characters_stay_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = main(capsys, "solve", "lecture.1", "--param", "a\nb\x1b[2J=1")
    assert status == 2
    assert "\x1b" not in assert_one_line(err, "unknown parameter")
    status, _, err = main(capsys, "solve", "lecture.1\n\x1b[2J")
    assert status == 2
    assert "\x1b" not in assert_one_line(err, "unknown question id")


# --- --output ------------------------------------------------------------------------------


def test_output_name_of_242_bytes_is_refused_before_the_build(tmp_path: Path) -> None:
    for name in ("a" * 238 + ".pdf", "é" * 119 + ".pdf"):  # 242 bytes, ASCII and UTF-8
        assert len(os.fsencode(name)) == 242
        result = run("pdf", "--only", "lecture.1", "--output", str(tmp_path / name))
        assert result.returncode == 2
        assert_one_line(result.stderr, f"at most {output.MAX_OUTPUT_NAME} bytes")
        assert "solving" not in result.stderr  # refused before any work
    long_folder = tmp_path / ("d" * 256) / "x.pdf"
    result = run("pdf", "--output", str(long_folder))
    assert result.returncode == 2
    assert_one_line(result.stderr, "longer than 255 bytes")
    deep = tmp_path.joinpath(*["d" * 200] * 21, "x.pdf")
    result = run("pdf", "--output", str(deep))
    assert result.returncode == 2
    assert_one_line(result.stderr, "full path")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.sheet
def test_output_of_241_bytes_builds_and_repeated_ids_count_once(tmp_path: Path) -> None:
    from pypdf import PdfReader

    target = tmp_path / ("a" * 237 + ".pdf")
    result = run("pdf", "--only", "lecture.1", "lecture.1", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("solving lecture.1") == 1
    assert "1 questions)" in result.stderr
    text = "".join(page.extract_text() or "" for page in PdfReader(target).pages)
    assert text.count("Lecture 1: ") == 2  # contents line and heading, not twice each
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_dedupe_keeps_first_occurrence_order(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_typeset: None
) -> None:
    seen: list[list[str]] = []
    real = sheet.solve_and_render

    def spy(ids: list[str]) -> Any:
        seen.append(list(ids))
        return real(ids)

    monkeypatch.setattr(sheet, "solve_and_render", spy)
    sheet.build_pdf(str(tmp_path / "x.pdf"), ["paper.2", "paper.1", "paper.2", "paper.1"])
    assert seen == [["paper.2", "paper.1"]]


def test_paths_with_newlines_and_escape_codes_are_shown_with_repr(tmp_path: Path) -> None:
    for bad in ("x\n\x1b[31mred.txt", "dir\n/a\rb.txt"):
        result = run("pdf", "--output", str(tmp_path / bad))
        assert result.returncode == 2
        line = assert_one_line(result.stderr)
        assert "\x1b" not in line and "\r" not in line
        assert repr(str(tmp_path / bad))[1:-1] in line


def test_output_under_a_file_or_a_directory_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    result = run("pdf", "--output", str(tmp_path / "file.txt" / "x.pdf"))
    assert result.returncode == 2
    assert_one_line(result.stderr, "is not a folder")
    (tmp_path / "d.pdf").mkdir()
    result = run("pdf", "--output", str(tmp_path / "d.pdf"))
    assert result.returncode == 2
    assert_one_line(result.stderr, "is a directory")


def test_immutable_target_or_folder_is_bad_input_before_the_build(tmp_path: Path) -> None:
    target = tmp_path / "answers.pdf"
    target.write_bytes(b"%PDF-old")
    if not root_with_chattr(target):
        pytest.skip("needs root and chattr to set the immutable flag")
    try:
        result = run("pdf", "--only", "lecture.1", "--output", str(target))
        assert result.returncode == 2
        assert_one_line(result.stderr, "immutable")
        assert "solving" not in result.stderr
    finally:
        subprocess.run(["chattr", "-i", str(target)], check=True)
    folder = tmp_path / "locked"
    folder.mkdir()
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        result = run("pdf", "--output", str(folder / "x.pdf"))
        assert result.returncode == 2
        assert_one_line(result.stderr, "cannot write in")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert target.read_bytes() == b"%PDF-old"


def test_another_users_file_in_a_sticky_folder_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to create a file owned by another user")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "answers.pdf"
    theirs.write_bytes(b"%PDF-theirs")
    os.chown(theirs, 65534, 65534)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # as an ordinary user would run it
    with pytest.raises(InputError, match="belongs to another user"):
        output.check_output(str(theirs))
    assert output.check_output(str(shared / "mine.pdf")) == shared / "mine.pdf"


def test_disk_full_while_writing_is_one_line_exit_1(tmp_path: Path) -> None:
    """A real write failure: a file-size limit makes the PDF's write fail (EFBIG)."""
    target = tmp_path / "answers.pdf"
    target.write_bytes(b"%PDF-previous")

    def small_files() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = run("pdf", "--only", "lecture.1", "--output", str(target),
                 env={"SOLVER_MATH_CACHE": str(tmp_path / "cache")}, preexec_fn=small_files)
    assert result.returncode == 1
    assert_one_line(result.stderr, "build failed: cannot write", "File too large")
    assert target.read_bytes() == b"%PDF-previous"
    assert temporaries(tmp_path, target.name) == []


def test_no_space_left_keeps_the_old_pdf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "answers.pdf"
    target.write_bytes(b"%PDF-previous")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(BuildError, match="No space left on device"):
        output.write_atomically(target, b"%PDF-new")
    assert target.read_bytes() == b"%PDF-previous"
    assert [p.name for p in tmp_path.iterdir()] == ["answers.pdf"]


def test_no_writable_temporary_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build needs no temporary directory: its private files live beside the output."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmp"))
    target = tmp_path / "out" / "x.pdf"
    assert cli.main(["pdf", "--only", "lecture.1", "--output", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]
    # Typesetting without an output needs one: a clear BuildError, not a traceback.
    with pytest.raises(BuildError, match="no private folder for fontconfig"):
        ts.typeset("<p>x</p>")


def test_failed_build_removes_the_folders_it_created(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def explode(html: str) -> bytes:
        raise BuildError("typesetting failed")

    monkeypatch.setattr(sheet, "typeset", explode)
    with pytest.raises(BuildError):
        sheet.build_pdf(str(tmp_path / "a" / "b" / "x.pdf"), ["paper.1"])
    assert list(tmp_path.iterdir()) == []


# --- stale temporaries ---------------------------------------------------------------------


def test_sweep_removes_only_abandoned_temporaries_of_the_same_output(tmp_path: Path) -> None:
    target = tmp_path / "answers.pdf"
    abandoned_file = tmp_path / ".answers.pdf.abcd1234.tmp"
    abandoned_file.write_bytes(b"half a pdf")
    abandoned_dir = tmp_path / ".answers.pdf.dir_5678.tmp"
    abandoned_dir.mkdir()
    (abandoned_dir / output.LOCK_NAME).write_text("")
    (abandoned_dir / "fonts.conf").write_text("")
    busy = tmp_path / ".answers.pdf.busy0000.tmp"
    busy.write_bytes(b"a running build")
    keep = [tmp_path / ".answers.pdf.backup.tmp", tmp_path / ".other.pdf.abcd1234.tmp",
            tmp_path / "answers.pdf.abcd1234.tmp"]
    for path in keep:
        path.write_bytes(b"not ours")
    victim = tmp_path / "victim"
    victim.write_text("precious")
    link = tmp_path / ".answers.pdf.link0000.tmp"
    link.symlink_to(victim)
    fd = os.open(busy, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        swept = output.sweep_stale(target)
    finally:
        os.close(fd)
    assert sorted(swept) == sorted([abandoned_dir.name, abandoned_file.name])
    assert busy.exists() and link.is_symlink() and victim.read_text() == "precious"
    assert all(path.exists() for path in keep)


def test_sweep_leaves_other_users_files(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to create a file owned by another user")
    other = tmp_path / ".answers.pdf.abcd1234.tmp"
    other.write_bytes(b"someone else's")
    os.chown(other, 65534, 65534)
    assert output.sweep_stale(tmp_path / "answers.pdf") == []
    assert other.exists()


# --- the private fontconfig ----------------------------------------------------------------


def test_preplanted_fontconfig_symlink_is_never_written_through(tmp_path: Path) -> None:
    """The old fixed folder $TMPDIR/solver-fontconfig-cache, pre-planted by another user."""
    tmpdir = tmp_path / "tmp"
    planted = tmpdir / "solver-fontconfig-cache"
    planted.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's file\n")
    (planted / "fonts.conf").symlink_to(victim)
    os.symlink(victim, planted / "fonts.conf.tmp")
    target = tmp_path / "out" / "answers.pdf"
    result = run("pdf", "--only", "lecture.1", "--output", str(target),
                 env={"TMPDIR": str(tmpdir)})
    assert result.returncode == 0, result.stderr
    assert victim.read_text() == "the victim's file\n"
    assert sorted(p.name for p in planted.iterdir()) == ["fonts.conf", "fonts.conf.tmp"]
    assert [p.name for p in target.parent.iterdir()] == ["answers.pdf"]


def test_fontconfig_folders_are_private_and_fresh(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with ts.private_fontconfig() as conf:
        folder = conf.parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert folder.parent == tmp_path and folder.name.startswith("solver-fontconfig-")
        assert os.environ["FONTCONFIG_FILE"] == str(conf)
        assert not conf.is_symlink()
    assert not folder.exists()
    target = tmp_path / "answers.pdf"
    with ts.workspace(target) as conf:
        assert conf.parent.parent == tmp_path
        assert output._temporary_name(target, conf.parent.name)
        assert stat.S_IMODE(conf.parent.stat().st_mode) == 0o700
        # a running build's folder is locked: a concurrent build does not sweep it
        assert output.sweep_stale(target) == []
    assert list(tmp_path.iterdir()) == []


# --- the URL fetcher -----------------------------------------------------------------------


def test_data_uris_are_capped() -> None:
    fetcher = ts.fetcher_class()()
    small = "data:text/plain;base64," + base64.b64encode(b"hello").decode()
    response = fetcher.fetch(small)
    assert response is not None
    big = "data:image/svg+xml;base64," + "A" * ts.MAX_DATA_URI
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError, match=f"at most {ts.MAX_DATA_URI} are allowed"):
        fetcher.fetch(big)


def test_oversized_data_uri_fails_the_build_in_one_line() -> None:
    html = '<p>x</p><img src="data:image/svg+xml;base64,' + "A" * (ts.MAX_DATA_URI + 4) + '">'
    with pytest.raises(BuildError, match=f"at most {ts.MAX_DATA_URI} are allowed"):
        ts.typeset(html)


# --- the math cache ------------------------------------------------------------------------


@pytest.fixture
def math_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "mathcache"
    monkeypatch.setenv("SOLVER_MATH_CACHE", str(folder))
    mathsvg.svg.cache_clear()
    yield folder
    mathsvg.svg.cache_clear()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "not utf-8", "empty", "swap"])
def test_corrupt_math_cache_entry_is_rebuilt(math_cache: Path, damage: str) -> None:
    first = mathsvg.svg(r"\frac{a}{b}", True)
    other = mathsvg.svg(r"x^2", True)
    entries = {p.read_bytes(): p for p in math_cache.glob("*.svg")}
    assert len(entries) == 2
    entry = next(p for p in math_cache.glob("*.svg") if first.encode() in p.read_bytes())
    data = entry.read_bytes()
    damaged = {
        "truncate": data[: len(data) // 2],
        "garbage": b"<svg><<<",
        "not utf-8": b"\xff\xfe" + data,
        "empty": b"",
        "swap": next(p for p in math_cache.glob("*.svg") if p != entry).read_bytes(),
    }[damage]
    entry.write_bytes(damaged)
    mathsvg.svg.cache_clear()
    assert mathsvg.svg(r"\frac{a}{b}", True) == first
    assert entry.read_bytes() == data  # rewritten intact
    assert mathsvg.svg(r"x^2", True) == other
    assert not list(math_cache.glob("*.tmp")) and not list(math_cache.glob(".*"))


@pytest.mark.slow  # a whole build: end to end, not a unit
def test_unwritable_math_cache_still_renders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("SOLVER_MATH_CACHE", str(blocker / "cache"))
    mathsvg.svg.cache_clear()
    try:
        assert "viewBox" in mathsvg.svg("y_1", False)
    finally:
        mathsvg.svg.cache_clear()
    result = run("solve", "lecture.3", "--format", "html",
                 env={"SOLVER_MATH_CACHE": str(blocker / "cache")})
    assert result.returncode == 0 and result.stderr == ""
    assert "data:image/svg+xml;base64," in result.stdout


def test_empty_math_cache_variable_means_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOLVER_MATH_CACHE", "")
    assert diskcache.cache_dir() == ROOT / "build" / ".mathcache"
    result = run("solve", "lecture.3", "--format", "html", cwd=tmp_path,
                 env={"SOLVER_MATH_CACHE": ""})
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_math_cache_location_outside_a_checkout(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SOLVER_MATH_CACHE", raising=False)
    assert diskcache.cache_dir() == ROOT / "build" / ".mathcache"  # this checkout
    monkeypatch.setattr(diskcache, "_checkout_root", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert diskcache.cache_dir() == tmp_path / "xdg" / "solver"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert diskcache.cache_dir() == tmp_path / "home" / ".cache" / "solver"
    monkeypatch.setenv("SOLVER_MATH_CACHE", str(tmp_path / "override"))
    assert diskcache.cache_dir() == tmp_path / "override"


# --- standard streams and encodings --------------------------------------------------------


def test_stdout_on_dev_full_is_one_line_exit_1() -> None:
    with open("/dev/full", "w") as full:
        for args in (["solve", "lecture.3"], ["list"], ["--help"]):
            result = run(*args, stdout=full, stderr=subprocess.PIPE)
            assert result.returncode == 1, (args, result.stderr)
            assert_one_line(result.stderr, "cannot write to standard output",
                            "No space left on device")


def test_closed_stdout_is_one_line_exit_1() -> None:
    result = run("solve", "lecture.3", stdout=None, stderr=subprocess.PIPE,
                 preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert_one_line(result.stderr, "cannot write to standard output: it is closed")


def test_closed_pipe_exits_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "solver", "solve", "lecture.3", "--format", "html"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0
    assert stderr == ""


def test_full_or_closed_stderr_keeps_the_exit_status() -> None:
    with open("/dev/full", "w") as full:
        assert run("solve", "lecture.9", stderr=full, stdout=subprocess.PIPE).returncode == 2
        ok = run("solve", "lecture.1", stderr=full, stdout=subprocess.PIPE)
        assert ok.returncode == 0 and "4" in ok.stdout
        both = run("solve", "lecture.1", stderr=full, stdout=full)
        assert both.returncode == 1
    closed = run("solve", "lecture.9", stdout=subprocess.PIPE, stderr=None,
                 preexec_fn=lambda: os.close(2))
    assert closed.returncode == 2 and closed.stdout == ""


def test_ascii_output_encoding_keeps_every_format_valid() -> None:
    utf8 = run("solve", "lecture.2", "--format", "json")
    ascii_ = run("solve", "lecture.2", "--format", "json", env={"PYTHONIOENCODING": "ascii"})
    assert ascii_.returncode == 0, ascii_.stderr
    assert json.loads(ascii_.stdout) == json.loads(utf8.stdout)
    html = run("solve", "lecture.2", "--format", "html", env={"PYTHONIOENCODING": "ascii"})
    assert html.returncode == 0 and "&#963;" in html.stdout
    for fmt in ("text", "markdown"):
        result = run("solve", "lecture.2", "--format", fmt, env={"PYTHONIOENCODING": "ascii"})
        assert result.returncode == 0 and result.stderr == "", result.stderr
        assert "\\u03c3" in result.stdout or "\\u2032" in result.stdout


# --- signals and unexpected errors ---------------------------------------------------------


@pytest.mark.parametrize(("raised", "status", "needle"), [
    (KeyboardInterrupt(), 130, "interrupted"),
    (RecursionError("maximum recursion depth exceeded"), 1, "internal error: recursion"),
    (MemoryError(), 1, "out of memory"),
    (OSError(5, "Input/output error", "/some\nwhere"), 1, "Input/output error"),
    (ZeroDivisionError("division by zero"), 1, "internal error: ZeroDivisionError"),
])
def test_unexpected_errors_are_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    raised: BaseException, status: int, needle: str,
) -> None:
    def boom(args: Any) -> int:
        raise raised

    monkeypatch.setattr(cli, "_solve", boom)
    code, _, err = main(capsys, "solve", "lecture.1")
    assert code == status
    assert_one_line(err, needle)


def test_sigterm_in_process_exits_143_and_restores_the_handler(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = signal.getsignal(signal.SIGTERM)

    def terminated(args: Any) -> int:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
        raise AssertionError("SIGTERM did not interrupt")

    monkeypatch.setattr(cli, "_solve", terminated)
    code, _, err = main(capsys, "solve", "lecture.1")
    assert code == 143
    assert_one_line(err, "terminated")
    assert signal.getsignal(signal.SIGTERM) == before


def _start_build(target: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """A build whose lab worker has seconds of work left; return it once the worker runs.

    Its output goes to ``log``, not to a pipe: a pipe would make this test wait for every
    holder of its write end, the worker included, and so hide a worker that lives on.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "solver", "pdf", "--only", "lecture.1", "lab.1", "lab.2",
             "lab.3", "lab.4", "lab.5", "lab.6", "lab.7", "lab.8", "--output", str(target)],
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        )
    assert wait_for(lambda: children(process.pid), 60), "no lab worker appeared"
    [worker] = children(process.pid)
    time.sleep(0.5)  # the worker is importing torch or solving: far from done
    return process, worker


@pytest.mark.slow  # a whole build: end to end, not a unit
def test_sigterm_of_a_build_stops_the_worker_and_cleans_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    process, worker = _start_build(out / "answers.pdf", tmp_path / "log")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 143
    assert wait_for(lambda: not alive(worker), 2), "the lab worker outlived its parent"
    assert_one_line((tmp_path / "log").read_text(), "terminated")
    assert list(out.iterdir()) == []


@pytest.mark.slow  # a whole build: end to end, not a unit
def test_sigkill_of_a_build_kills_the_worker_and_the_next_run_sweeps(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "answers.pdf"
    process, worker = _start_build(target, tmp_path / "log")
    process.kill()
    process.wait(timeout=60)
    assert wait_for(lambda: not alive(worker), 2), "the lab worker outlived its parent"
    left = temporaries(out, target.name)
    assert left, "the killed build left nothing to sweep (it should hold its workspace)"
    # A kill during the final rename leaves a hidden .NAME.XXXXXXXX.tmp file as well.
    (out / ".answers.pdf.k1ll3d00.tmp").write_bytes(b"%PDF-half")
    result = run("pdf", "--only", "paper.1", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == ["answers.pdf"]


# --- the lab worker's failures reach the parent -------------------------------------------


def _failing_lab(how: str) -> Any:
    """Stands in for solving lab.1 inside the forked worker."""

    def solve(question: Any, raw: Any = None) -> Any:
        if how == "dies":
            os._exit(3)
        from solver.model import SelfCheckError

        raise SelfCheckError("self-check failed for lab.1: a broken oracle")

    return solve


@pytest.mark.parametrize(("how", "error", "message"), [
    ("fails", "SelfCheckError", "self-check failed for lab.1: a broken oracle"),
    ("dies", "BuildError", "the lab worker stopped before sending its results (exit status 3)"),
])
def test_worker_failures_reach_the_parent_and_leave_no_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_typeset: None,
    how: str, error: str, message: str,
) -> None:
    real = solving.solve
    monkeypatch.setattr(solving, "solve", lambda question, raw=None: _failing_lab(how)(question)
                        if question.id == "lab.1" else real(question, raw))
    target = tmp_path / "x.pdf"
    with pytest.raises(Exception) as caught:
        sheet.build_pdf(str(target), ["lab.1", "paper.1"])
    assert type(caught.value).__name__ == error and str(caught.value) == message
    assert children(os.getpid()) == []
    assert list(tmp_path.iterdir()) == []


# The dropped exception is the event under test: Python reports it as unraisable.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_stop_signal_dropped_inside_a_finalizer_still_stops_the_command(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Python drops an exception raised in __del__; the recorded signal is raised again."""
    import gc

    from solver.sheet import typeset

    class Finalized:
        def __del__(self) -> None:
            os.kill(os.getpid(), signal.SIGTERM)  # handled while __del__ runs: dropped
            time.sleep(0.2)

    def solve_with_a_finalizer(args: Any) -> int:
        Finalized()
        gc.collect()
        typeset.progress("a later step")  # the next step stops
        raise AssertionError("the dropped SIGTERM did not stop the command")

    monkeypatch.setattr(cli, "_solve", solve_with_a_finalizer)
    code, _, err = main(capsys, "solve", "lecture.1")
    assert code == 143
    assert err.strip().splitlines()[-1] == "solver: terminated"
