"""The CLI as a user meets it: formats, exit codes, and one clear line for bad input."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import run_cli

BAD_INPUT = [
    (["booklets", "--seed", "1", "--count", "0", "--out", "b"],
     "--count must be in 1..1000, got 0"),
    (["booklets", "--seed", "1", "--count", "1", "--out", "b", "--id-digits", "13"],
     "--id-digits must be in 1..12, got 13"),
    (["booklets", "--seed", "1", "--count", "1", "--out", "b", "--roster", "r.csv"],
     "--roster r.csv: No such file or directory"),
    (["scan", "a.png", "--booklets", "b", "--seed", "1", "--out", "o"],
     "a.png: No such file or directory"),
    (["scan", "notes.txt", "--booklets", "b", "--seed", "1", "--out", "o"],
     "notes.txt: not a scan (give PDF, PNG, JPEG or TIFF files)"),
    (["scan", "a.png", "--booklets", "b", "--seed", "1", "--out", "o", "--jobs", "0"],
     "--jobs must be in 1..8, got 0"),
    (["export", "blackboard", "--seed", "1", "--count", "1", "--out", "x.xml"],
     "invalid choice: 'blackboard' (choose from 'moodle', 'qti21', 'canvas')"),
    (["export", "canvas", "--seed", "1", "--count", "1", "--out", "x.xml"],
     "must end in .zip"),
    (["export", "qti21", "--seed", "1", "--count", "0", "--out", "x.zip"],
     "--count must be in 1..1000, got 0"),
    (["export", "canvas", "--seed", "1", "--count", "2", "--out", "x.zip", "--only",
      "lecture.42"], "unknown question id"),
    (["export", "qti21", "--seed", "1", "--count", "2", "--out", "no/such/x.zip"],
     "the folder 'no/such' does not exist"),
    (["solve", "lecture.9"], "unknown question id"),
    (["solve", "lectur.1"], "did you mean lecture.1"),
    (["solve", "lecture.1", "--param"], "expected one argument"),
    (["solve", "lecture.1", "--param", "in_channels"], "NAME=VALUE"),
    (["solve", "lecture.1", "--param", "in_channels="], "has no value"),
    (["solve", "lecture.1", "--param", "=3"], "NAME=VALUE"),
    (["solve", "lecture.1", "--param", "channels=3"], "unknown parameter 'channels'"),
    (["solve", "lecture.1", "--param", "in_channels=abc"], "must be an integer"),
    (["solve", "lecture.1", "--param", "in_channels=2.5"], "must be an integer"),
    (["solve", "lecture.1", "--param", "bias=1"], "true or false"),
    (["solve", "lecture.1", "--param", "kernel_size=19"], "larger than the padded"),
    (["solve", "lecture.1", "--param", "stride=0"], "stride must be at least 1"),
    (["solve", "lecture.1", "--param", "kernel_size=0"], "kernel_size must be at least 1"),
    (["solve", "lecture.1", "--param", "height=-4"], "height must be at least 1"),
    (["solve", "lecture.1", "--param", "padding=-1"], "padding must be 0 or more"),
    (["solve", "lecture.1", "--param", "height=1e9"], "at most 100000"),
    (["solve", "lecture.5", "--param", "rho=1"], "rho must be in [0, 1)"),
    (["solve", "lecture.5", "--param", "rho=-0.1"], "rho must be in [0, 1)"),
    (["solve", "lecture.5", "--param", "t=0"], "t must be an integer in 1.."),
    (["solve", "lecture.5", "--param", "t=100000000"], "t must be an integer in 1.."),
    (["solve", "lecture.5", "--param", "rho=NaN"], "finite number"),
    (["solve", "lecture.5", "--param", "value=Infinity"], "finite number"),
    (["solve", "lecture.5", "--param", "value=-Infinity"], "finite number"),
    (["solve", "lecture.5", "--param", "rho=0.1234567"], "at most 6 decimal places"),
    (["solve", "lecture.5", "--param", "rho=fast"], "must be a number"),
    (["solve", "lecture.3", "--param", "image=[[[1, 2], [3]]]"], "ragged"),
    (["solve", "lecture.3", "--param", "image=[[[1, 2]], [[1, 2, 3]]]"], "ragged"),
    (["solve", "lecture.3", "--param", 'image=[[["a", 2], [3, 4]]]'], "numbers only"),
    (["solve", "lecture.3", "--param", "image=[[[1, 2], [3, 4"], "nested list"),
    (["solve", "lecture.3", "--param", "image=[]"], "nested list"),
    (["solve", "lecture.3", "--param", "image=[[[1, NaN]]]"], "finite"),
    (["solve", "lecture.3", "--param", "mode=diagonal"], "mode must be one of"),
    (["solve", "lecture.3", "--param", "kernel_size=6"], "larger than the padded"),
    (["solve", "lecture.2", "--param", "x=1"], "go together"),
    (["solve", "lecture.2", "--param", "activation=relu"], "activation must be one of"),
    (["solve", "lecture.1", "--format", "xml"], "invalid choice"),
    (["solve", "lecture.1", "--param", "stride=1", "--param", "stride=2"], "given twice"),
    (["frobnicate"], "invalid choice"),
    (["site", "--seed", "1", "--count", "0", "--out", "x"], "--count must be in 1..100, got 0"),
    (["site", "--seed", "1", "--count", "101", "--out", "x"], "--count must be in 1..100"),
    (["site", "--seed", "-1", "--count", "2", "--out", "x"], "--seed must be a whole number"),
    (["site", "--seed", "1", "--count", "2", "--out", "x", "--only", "lecture.99"],
     "unknown question id"),
    # a repeated --only adds to the first (it used to replace it, dropping lecture.42)
    (["site", "--seed", "1", "--count", "2", "--out", "x", "--only", "lecture.42", "--only",
      "paper.1"], "unknown question id"),
    (["variants", "--seed", "1", "--count", "1", "--out", "x", "--only", "lecture.42",
      "--only", "lecture.1"], "unknown question id"),
    (["site", "--seed", "1", "--count", "1", "--out", "x/..", "--only", "paper.1"],
     "has a '..' in it"),
    (["pdf", "--only", "lecture.42"], "unknown question id"),
]


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory,
             ) -> dict[int, tuple[subprocess.CompletedProcess[str], Path]]:
    """Every bad input, each run as a new process in an empty folder of its own; two run at
    once (each is mostly start-up and imports, so the two cores halve the wait)."""
    folders = [tmp_path_factory.mktemp("bad") for _ in BAD_INPUT]

    def one(index: int) -> subprocess.CompletedProcess[str]:
        return run_cli(*BAD_INPUT[index][0], cwd=folders[index])

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(one, range(len(BAD_INPUT))))
    return {i: (result, folders[i]) for i, result in enumerate(results)}


@pytest.mark.parametrize("case", range(len(BAD_INPUT)),
                         ids=[" ".join(args) for args, _ in BAD_INPUT])
def test_bad_input_is_one_clear_line(
        case: int, bad_runs: dict[int, tuple[subprocess.CompletedProcess[str], Path]]) -> None:
    expected = BAD_INPUT[case][1]
    result, folder = bad_runs[case]
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert list(folder.iterdir()) == []  # nothing written


def test_list_shows_ids_titles_points() -> None:
    result = run_cli("list")
    assert result.returncode == 0
    assert "lecture.1" in result.stdout and "4 pts" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_every_format(fmt: str) -> None:
    result = run_cli("solve", "lecture.3", "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "1/2" in result.stdout


def test_json_contract() -> None:
    result = run_cli("solve", "lecture.5", "--param", "rho=0.9", "--param", "t=3",
                     "--format", "json")
    data = json.loads(result.stdout)
    assert {"id", "section", "kind", "title", "points", "answer", "steps",
            "checks"} <= set(data)
    # Filed under the lectures; computed by a solver module (its kind, solver.kinds).
    assert (data["section"], data["kind"]) == ("lecture", "computed")
    # 0.9 -> S_3 = 1 - 0.9^3 = 0.271 for a constant 1.
    assert data["answer"]["S"] == pytest.approx(0.271, abs=1e-15)
    assert all(check["passed"] for check in data["checks"])


def test_module_entry_and_help() -> None:
    result = run_cli("--help")
    assert result.returncode == 0 and "solve" in result.stdout


def test_failed_self_check_exits_1(broken_lecture5: None, capsys) -> None:
    from solver import cli

    assert cli.main(["solve", "lecture.5"]) == 1
    assert "deliberately broken oracle" in capsys.readouterr().err
