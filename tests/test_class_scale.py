"""Class-scale commands are bounded and say how long they will take: documented caps on
--count (raised by --max-count), a streamed Moodle bank, progress lines with an estimate."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from solver.model import InputError


@pytest.mark.parametrize(("args", "expected"), [
    (["variants", "--seed", "1", "--count", "251", "--pdf"],
     "--count must be in 1..250, got 251 (--max-count raises the cap, up to 5000)"),
    (["variants", "--seed", "1", "--count", "1001"], "--count must be in 1..1000, got 1001"),
    (["variants", "--seed", "1", "--count", "2", "--max-count", "9000"],
     "--max-count must be in 1000..5000, got 9000"),
    (["variants", "--seed", "1", "--count", "2", "--pdf", "--max-count", "100"],
     "--max-count must be in 250..5000, got 100"),
    (["export", "moodle", "--seed", "1", "--count", "1001"],
     "--count must be in 1..1000, got 1001 (--max-count raises the cap"),
])
def test_a_count_above_the_cap_is_refused_before_any_work(tmp_path: Path, args: list[str],
                                                          expected: str) -> None:
    out = tmp_path / ("bank.xml" if args[0] == "export" else "out")
    result = run_cli(*args, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and expected in result.stderr
    assert not out.exists()


def test_grading_more_submissions_than_the_cap_is_refused_before_any_runs(
        tmp_path: Path) -> None:
    from solver.grading.grader import grade

    right = (ROOT / "tests" / "submissions" / "lab1" / "right.py").read_text()
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text(right)
    lines: list[str] = []
    with pytest.raises(InputError, match=r"3 submissions; at most 2 are graded in one run "
                                         r"\(--max-count raises it, up to 20000\)"):
        grade("lab.1", [str(tmp_path)], 1, 30.0, lines.append, max_count=2)
    assert lines == []


def test_the_estimate_is_the_pace_so_far_times_what_is_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from solver import estimate

    clock = iter([100.0, 110.0, 120.0, 400.0, 400.0])
    monkeypatch.setattr(estimate.time, "monotonic", lambda: next(clock))
    remaining = estimate.Remaining(200)
    assert remaining.step() == "(1 of 200; about 33 min left)"  # 10 s each, 199 to go
    assert remaining.left() == "about 33 min left"
    assert remaining.step() == "(3 of 200; about 5.5 h left)"  # 100 s each now
    remaining.done = 199
    assert remaining.step() == "(200 of 200)"


@pytest.mark.slow
def test_the_streamed_bank_is_the_bank_rendered_whole(tmp_path: Path) -> None:
    """Blocks of the bank rendered and checked apart, joined, are the whole bank: the
    file `export moodle` streams is byte for byte `bank()`, which renders it at once."""
    from solver.lms.moodle import cli
    from solver.lms.moodle.export import render
    from solver.registry import exam, lookup

    questions = [lookup("lecture.1").meta, lookup("paper.2").meta]
    out = tmp_path / "bank.xml"
    result = run_cli("export", "moodle", "--seed", "3", "--count", "5", "--only",
                     "lecture.1", "paper.2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "paper.2: 5 variants solved, verified and written (2 of 2)" in result.stderr
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(cli, "BLOCK", 2)  # blocks of 2, 2 and 1 variants per question
    try:
        data, planned = cli.bank(exam(), 3, 5, questions)
    finally:
        monkeypatch.undo()
    assert out.read_bytes() == data == render(exam().title, planned)
    assert [p.idnumber for p in planned][:6] == [f"lecture.1-v{n}" for n in range(1, 6)] + [
        "paper.2-v1"]


@pytest.mark.parametrize(("out", "expected"), [
    ("a\nb", "a control character (a newline, a tab) in a path is not allowed"),
    ("x" * 256, "bytes"),  # a folder: longer than 255; a file: longer than its bound
    ("x" * 256 + "/below", "is longer than 255 bytes"),
])
@pytest.mark.parametrize("command", [["variants"], ["export", "moodle"]])
def test_an_output_path_that_cannot_be_is_refused_before_any_solving(
        tmp_path: Path, out: str, expected: str, command: list[str]) -> None:
    target = out + (".xml" if command[0] == "export" else "")
    result = run_cli(*command, "--seed", "1", "--count", "2", "--out", target, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and expected in result.stderr
    assert list(tmp_path.iterdir()) == []
