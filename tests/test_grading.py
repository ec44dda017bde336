"""`solver grade`: right, subtly wrong and hostile submissions, graded end to end.

Each lab's folder under tests/submissions/ is graded once (module-scoped fixture, two
CLI runs at a time, `--jobs 2`); the tests read those results. Every wrong submission's
docstring names the part it must lose.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli

SUBMISSIONS = ROOT / "tests" / "submissions"
LABS = [f"lab.{n}" for n in range(1, 9)]
# --timeout: the wall-clock seconds a submission's code may run once the sandbox is ready
# (torch is imported and the inputs are built before that); the sandbox also caps its CPU
# time at the same budget. The code of every submission here that ends runs for under 0.1 s
# after the ready signal, also with both cores busy and four sandboxes at once: a hundred
# times less, so load never cuts one short. Only the endless loop reaches the limit.
TIMEOUT = "10"

# (lab, file) -> (labels that must fail, a pattern every failed message matches)
WRONG = {
    ("lab.1", "wrong_missing_bias.py"): ({"B"}, r"y\[0, 0\]: expected [-\d.]+, got [-\d.]+"),
    ("lab.1", "wrong_transposed_weight.py"): ({"A"}, r"weight has shape \(5, 3\), expected "
                                                     r"\(3, 5\)"),
    ("lab.2", "wrong_relu_kink.py"): ({"A"}, r"dx\[\d+, \d+\]: expected 0, got [-\d.]+"),
    ("lab.2", "wrong_sigmoid_derivative.py"): ({"B"}, r"dx\[0, 0\]: expected [-\d.]+, got"),
    ("lab.3", "wrong_missing_bias.py"): ({"C"}, r"y\[0, 0, 0, 0\]: expected [-\d.]+, got"),
    ("lab.3", "wrong_kernel_transposed.py"): ({"C"}, r"y\[0, 0, 0, 0\]: expected [-\d.]+, got"),
    ("lab.3", "wrong_window_no_stride.py"): ({"B"}, r"at output position \(i, j\) = \(0, 1\), "
                                                    r"window\[[\d, ]+\]: expected [-\d.]+, got"),
    ("lab.3", "wrong_invented_window.py"): ({"B", "C"}, r"(window|y)\[0, 0, 0, 0\]: expected "
                                                      r"[-\d.]+, got"),
    ("lab.3", "wrong_weight_transposed.py"): ({"A"}, r"weight has shape \(3, 4, 3, 3\), "
                                                     r"expected \(4, 3, 3, 3\)"),
    ("lab.4", "wrong_no_dampening.py"): ({"*"}, r"returned v\[0\]: expected [-\d.]+, got"),
    ("lab.4", "wrong_returns_x_only.py"): ({"*"}, r"returned a Tensor"),
    ("lab.5", "wrong_dropout_no_scale.py"): ({"A"}, r"survivors\[0\]: expected 2, got 1 "),
    ("lab.5", "wrong_no_residual.py"): ({"B"}, r"v\[0, 0\]: expected [-\d.]+, got"),
    ("lab.6", "wrong_ignores_h0.py"): ({"B"}, r"y\[0, 0, \d+\]: expected [-\d.]+, got"),
    ("lab.6", "wrong_not_parameter.py"): ({"A"}, r"weight_hh is a Tensor, not an nn.Parameter"),
    ("lab.7", "wrong_softmax_axis.py"): ({"B"}, r"closest is local `w`: w\[[\d, ]+\]: "
                                                r"expected [-\d.]+, got"),
    ("lab.7", "wrong_no_scale.py"): ({"B"}, r"local `w`: w\[[\d, ]+\]: expected [-\d.]+, got"),
    ("lab.7", "wrong_output_uses_x.py"): ({"C"}, r"y\[0, 0, 0\]: expected [-\d.]+, got"),
    ("lab.7", "wrong_zero_weights.py"): ({"B", "C"}, r"y\[0, 0, 0\]: expected [-\d.]+, got 0 "),
    ("lab.8", "wrong_relu_on_latent.py"): ({"B"}, r"output\[0, \d\]: expected [-\d.]+, got 0 "),
    ("lab.8", "wrong_decoder_no_sigmoid.py"): ({"C"}, r"output\[[\d, ]+\]: expected [-\d.]+, "
                                                      r"got"),
    ("lab.8", "wrong_autoencoder_returns_input.py"): ({"D"}, r"output\[[\d, ]+\]: expected"),
}

# lab.3 file -> (points of A, B, C, a pattern in the submission's messages or error)
HOSTILE = {
    "hostile_sys_exit.py": ((1, 0, 0), r"raised SystemExit: 0"),
    "hostile_os_exit.py": ((1, 0, 0), r"ended the process early \(exit status 0"),
    # Never ends: it runs past both limits (the same budget), and either may stop it first.
    "hostile_infinite_loop.py": ((1, 0, 0), rf"stopped at the ({TIMEOUT} s time|CPU-time) limit"),
    "hostile_fork_bomb.py": ((1, 0, 0), r"raised PermissionError: \[Errno 1\] Operation not "
                                        r"permitted"),
    "hostile_memory_bomb.py": ((1, 0, 0), r"raised MemoryError"),
    "hostile_fake_score.py": ((1, 0, 0), r"y\[0, 0, 0, 0\]: expected [-\d.]+, got 0 "),
    "hostile_monkeypatch.py": ((1, 0, 0), r"y\[0, 0, 0, 0\]: expected [-\d.]+, got 0 "),
    "hostile_forge_results.py": ((0, 0, 0), r"weight has shape \(1,\), expected"),
    # bwrap: a read-only view with our code hidden; Landlock: nothing readable or writable
    # beyond what the runner needs.
    "hostile_write_outside.py": ((0, 0, 0), r"Read-only file system|Permission denied"),
    # It finds the reference (a plain process does: test_autograder) only where nothing
    # hides it: it scores what its own code computes.
    "hostile_search_reference.py": ((1, 0, 0), r"y\[0, 0, 0, 0\]: expected [-\d.]+, got 0 "),
    # Review of the autograder: a record nested past the recursion limit ended the whole
    # run; an output with no columns, or one window then a raise, earned B or C.
    "hostile_deep_record.py": ((0, 0, 0), r"corrupted the result stream \(RecursionError"),
    "hostile_empty_output.py": ((1, 0, 0), r"y has shape \(2, 4, 5, 0\), expected"),
    "hostile_one_window.py": ((1, 0, 0), r"no window was seen at output position \(i, j\) = "
                                         r"\(0, 1\) \(the forward pass stopped before it\)"),
    "hostile_read_reference.py": ((0, 0, 0), r"(No such file or directory|Permission "
                                             r"denied): '[^']*solver/labs/conv.py'"),
    "hostile_tcp.py": ((0, 0, 0), r"raised PermissionError|Network is unreachable"),
}

TCP_SUBMISSION = '''\
"""Hostile: connects to a TCP listener of the grading machine at import."""
import socket

socket.create_connection(("127.0.0.1", {port}), timeout=3).sendall(b"escaped")
'''


@pytest.fixture(scope="module")
def listener() -> Any:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    server.setblocking(False)
    yield server
    server.close()


@pytest.fixture(scope="module")
def graded(listener: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every lab's folder graded (lab.3 also a generated TCP submission, with --out)."""
    extra = tmp_path_factory.mktemp("tcp")
    (extra / "hostile_tcp.py").write_text(TCP_SUBMISSION.format(port=listener.getsockname()[1]))
    out = tmp_path_factory.mktemp("out")

    def grade(lab: str) -> Any:
        more = [str(extra / "hostile_tcp.py"), "--out", str(out)] if lab == "lab.3" else []
        return run_cli("grade", lab, str(SUBMISSIONS / lab.replace(".", "")), *more,
                       "--format", "json", "--jobs", "2", "--timeout", TIMEOUT)

    order = ["lab.3", *(lab for lab in LABS if lab != "lab.3")]  # the longest first
    with ThreadPoolExecutor(2) as pool:
        runs = dict(zip(order, pool.map(grade, order), strict=True))
    return {"runs": runs, "out": out}


def _submission(graded: dict[str, Any], lab: str, name: str) -> dict[str, Any]:
    run = graded["runs"][lab]
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    return next(s for s in data["submissions"] if Path(s["path"]).name == name)


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_right_submission_scores_full_marks(graded: dict[str, Any], lab: str) -> None:
    run = graded["runs"][lab]
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"lab", "max_score", "sandbox", "submissions"}
    assert data["sandbox"] in ("bwrap, as a user of its own", "Landlock, as a user of its own",
                               "bwrap, as the grader's user", "Landlock, as the grader's user")
    assert data["lab"] == lab
    right = _submission(graded, lab, "right.py")
    assert right["score"] == right["max_score"] == data["max_score"], right
    assert all(part["passed"] for part in right["parts"]) and right["error"] is None
    from solver.registry import lookup

    points = lookup(lab).meta.points
    assert [(p["label"], p["max_points"]) for p in right["parts"]] == list(points.items())
    assert set(right) == {"path", "score", "max_score", "parts", "error", "seconds"}
    assert set(right["parts"][0]) == {"label", "points", "max_points", "passed", "message"}


@pytest.mark.slow
@pytest.mark.parametrize(("lab", "name"), sorted(WRONG))
def test_wrong_submission_loses_exactly_its_part(graded: dict[str, Any], lab: str,
                                                 name: str) -> None:
    failing, pattern = WRONG[(lab, name)]
    found = _submission(graded, lab, name)
    failed = {p["label"] for p in found["parts"] if not p["passed"]}
    assert failed == ({p["label"] for p in found["parts"]} if failing == {"*"} else failing)
    assert found["score"] == sum(p["max_points"] for p in found["parts"] if p["passed"])
    for part in found["parts"]:
        if not part["passed"]:
            assert part["points"] == 0
            assert re.search(pattern, part["message"]), part["message"]
            # What a student sees names the step in the exam's words, never its code.
            assert f"the step {lab}" in part["message"] or f"template of {lab}" in \
                part["message"], part["message"]
            assert "worked solution" not in part["message"] and "worked" not in part


@pytest.mark.slow
def test_a_file_that_fails_late_is_graded_as_far_as_it_loaded(graded: dict[str, Any]) -> None:
    found = _submission(graded, "lab.1", "loads_partly.py")
    assert found["score"] == 4
    assert found["error"] == "loading the file raised NameError: name 'x' is not defined"


@pytest.mark.slow
def test_worked_solution_quotes_the_reference_line_only_when_revealed(
        graded: dict[str, Any]) -> None:
    part = _submission(graded, "lab.3", "wrong_missing_bias.py")["parts"][2]
    assert part["message"].endswith("the step lab.3 C) asks for: Forward pass for batch, in "
                                    "for loop")
    assert "input x 2x3x7x7" in part["message"] and "seed 20240611" in part["message"]
    worked = ("worked solution, lab.3 C): y[k, :, i, j] = (window[k] * self.weight)"
              ".sum(dim=(1, 2, 3)) + self.bias")
    submission = str(SUBMISSIONS / "lab3" / "wrong_missing_bias.py")
    revealed = json.loads(run_cli("grade", "lab.3", submission, "--format", "json",
                                  "--reveal").stdout)["submissions"][0]["parts"][2]
    assert revealed["message"].endswith(worked) and revealed["worked"] == worked
    scope = json.loads(run_cli("grade", "lab.3", submission, "--format", "gradescope").stdout)
    shown = [test for test in scope["tests"] if test.get("visibility") != "after_published"]
    later = [test for test in scope["tests"] if test.get("visibility") == "after_published"]
    assert not any("worked solution" in test["output"] for test in shown)
    assert [(t["name"], t["output"], t["max_score"]) for t in later] == [
        ("lab.3 C): worked solution", worked, 0)]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_submission_scores_only_what_it_computed(graded: dict[str, Any],
                                                         name: str) -> None:
    points, pattern = HOSTILE[name]
    found = _submission(graded, "lab.3", name)
    assert tuple(p["points"] for p in found["parts"]) == points, found
    text = " ".join([found["error"] or "", *(p["message"] for p in found["parts"])])
    assert re.search(pattern, text), text


@pytest.mark.slow
def test_hostile_side_effects_stay_inside(graded: dict[str, Any], listener: Any) -> None:
    assert not Path("/tmp/solver-grade-escape.txt").exists()
    assert not (SUBMISSIONS / "lab3" / "escaped.txt").exists()
    with pytest.raises(BlockingIOError):
        listener.accept()  # nobody connected
    run = graded["runs"]["lab.3"]
    assert "Score: 6/6" not in run.stdout  # what the submission printed stays out
    assert json.loads(run.stdout)["lab"] == "lab.3"
    assert "[20/21]" in run.stderr and "[21/21]" in run.stderr  # progress on stderr


@pytest.mark.slow
def test_out_folder_has_one_json_per_submission_and_a_csv(graded: dict[str, Any]) -> None:
    out: Path = graded["out"]
    rows = (out / "grades.csv").read_text().splitlines()
    assert rows[0] == "path,score,max_score,lab.3 A,lab.3 B,lab.3 C,error,seconds"
    assert len(rows) == 22
    right = json.loads((out / "right.json").read_text())
    assert right["score"] == 6 and right["path"].endswith("lab3/right.py")
    assert len(list(out.glob("*.json"))) == 21


@pytest.mark.slow
def test_same_result_in_the_other_sandbox(graded: dict[str, Any],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic (seeded inputs): the same submission, graded again in-process in the
    other sandbox (Landlock when the run above had bwrap, and the other way round), gets
    the same parts; and a fork still fails."""
    from solver.grading.grader import grade
    from solver.grading.report import submission_json

    first_mode = json.loads(graded["runs"]["lab.3"].stdout)["sandbox"].split(",")[0]
    monkeypatch.setenv("SOLVER_SANDBOX", "landlock" if first_mode == "bwrap" else "bwrap")
    names = ["wrong_missing_bias.py", "hostile_fork_bomb.py"]
    report = grade("lab.3", [str(SUBMISSIONS / "lab3" / n) for n in names], 2, float(TIMEOUT),
                   lambda line: None)
    for name, again in zip(names, report.submissions, strict=True):
        first = _submission(graded, "lab.3", name)
        second = submission_json(again)
        assert {**first, "seconds": 0, "path": ""} == {**second, "seconds": 0, "path": ""}
    assert "raised PermissionError" in report.submissions[1].parts[2].message
    assert report.sandbox.split(",")[0].lower() != first_mode.lower()


@pytest.mark.parametrize(("args", "message"), [
    (["lab.9", "x.py"], "unknown lab 'lab.9': LAB is one of lab.1, lab.2"),
    (["lecture.3", "x.py"], "unknown lab 'lecture.3'"),
    (["lab.3", "no/such/file.py"], "no such submission file or folder: 'no/such/file.py'"),
    (["lab.3", "tests", "--jobs", "0"], "--jobs must be a whole number from 1 to 32, got '0'"),
    (["lab.3", "tests", "--jobs", "two"], "--jobs must be a whole number from 1 to 32"),
    (["lab.3", "tests", "--timeout", "0"], "--timeout must be a number of seconds from 1 to "
                                           "3600, got '0'"),
    (["lab.3", "tests", "--timeout", "nan"], "--timeout must be a number of seconds"),
    (["lab.3", "tests/submissions"], "folder 'tests/submissions' holds no .py submission"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run_cli("grade", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


# Another exam: its lab.1 is graded by the momentum grader, its lab.2 names no grader.
TWO_LABS = """
title = "Two labs"
[[sections]]
kind = "lab"
name = "Labs"

[[questions]]
id = "lab.1"
title = "Momentum, graded"
solver = "lab"
checks = "lab4"
grader = "lab4"
template = "momentum"
paper_template = "def momentum(X, rho, learning_rate, prev_value): ..."
statement = "Complete momentum."
parts = [{ label = "", points = 4 }]

[[questions]]
id = "lab.2"
title = "Conv, not graded"
solver = "lab"
checks = "lab3"
template = "conv"
paper_template = "class Conv2d(object): ..."
statement = "Complete Conv2d."
parts = [{ label = "A", points = 1 }, { label = "B", points = 2 }, { label = "C", points = 3 }]
"""


def _exam(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "exam.toml").write_text(text, encoding="utf-8")
    return folder


def _one_error_line(result: Any) -> str:
    """The one line of a bad-input exit (a sandbox note, when bwrap is missing, aside)."""
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("solver: note:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_the_fixture_exam_has_no_gradable_lab() -> None:
    line = _one_error_line(run_cli("--exam", str(ROOT / "tests" / "fixture_exam"), "grade",
                                   "lab.3", "x.py"))
    assert "unknown lab 'lab.3': no lab record of " in line
    assert "fixture_exam/exam.toml names a grader" in line


def test_only_labs_whose_record_names_a_grader_are_gradable(tmp_path: Path) -> None:
    """The gradable labs are the active exam file's: a lab without a grader, or one the
    exam does not have (lab.3, gradable in the bundled exam), is a bad input."""
    exam = str(_exam(tmp_path / "exam", TWO_LABS))
    line = _one_error_line(run_cli("--exam", exam, "grade", "lab.2", "x.py"))
    assert "lab 'lab.2' names no grader in " in line and line.endswith("LAB is one of lab.1")
    line = _one_error_line(run_cli("--exam", exam, "grade", "lab.3", "x.py"))
    assert line.endswith("unknown lab 'lab.3': LAB is one of lab.1")


@pytest.mark.slow
def test_another_exams_lab_is_graded_by_its_records_grader(tmp_path: Path) -> None:
    """That exam's lab.1 is the momentum lab: its record's grader, labels and points, not
    the bundled lab.1 (Linear)."""
    exam = str(_exam(tmp_path / "exam", TWO_LABS))
    result = run_cli("--exam", exam, "grade", "lab.1",
                     str(SUBMISSIONS / "lab4" / "wrong_no_dampening.py"), "--format", "json",
                     "--timeout", TIMEOUT)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["lab"] == "lab.1" and data["max_score"] == 4
    [part] = data["submissions"][0]["parts"]
    assert (part["label"], part["max_points"], part["points"]) == ("", 4, 0)
    assert re.search(r"returned v\[0\]: expected [-\d.]+, got", part["message"])
    assert "the step the template of lab.1 asks for" in part["message"]  # its own label


@pytest.mark.slow
@pytest.mark.parametrize(("change", "message"), [
    (('label = "A"', 'label = "a"'), "grader 'lab1' judges the parts 'A', 'B' but the "
                                     "record's parts are 'a', 'B'"),
    (('label = "B", points = 3', 'label = "B", points = 2 }, { label = "C", points = 1'),
     "grader 'lab1' judges the parts 'A', 'B' but the record's parts are 'A', 'B', 'C'"),
    (('template = "linear"', 'template = "conv"'),
     "grader 'lab1' computes the reference with linear but the record's template is conv"),
])
def test_the_grader_and_the_exam_record_must_agree(tmp_path: Path, change: tuple[str, str],
                                                    message: str) -> None:
    """A record whose parts (or template) are not the ones its grader judges is a clear
    bad-input error, before any submission is scored."""
    import tomllib

    bundled = (ROOT / "solver" / "exams" / "deep_learning" / "exam.toml").read_text()
    start = bundled.index('[[questions]]\nid = "lab.1"')
    record = bundled[start:bundled.index("[[questions]]", start + 1)]
    assert record.count(change[0]) == 1
    text = ('title = "One lab"\n[[sections]]\nkind = "lab"\nname = "Labs"\n\n'
            + record.replace(*change))
    assert tomllib.loads(text)["questions"][0]["grader"] == "lab1"
    result = run_cli("--exam", str(_exam(tmp_path / "exam", text)), "grade", "lab.1",
                     str(SUBMISSIONS / "lab1" / "right.py"), "--timeout", TIMEOUT)
    line = _one_error_line(result)
    assert "exam.toml, lab.1: " in line and message in line, line


def test_grade_command_imports_nothing_heavy_to_build_the_parser() -> None:
    import subprocess

    code = textwrap.dedent("""
        import sys
        from solver.cli import _parser
        _parser().parse_args(["grade", "lab.1", "x.py"])
        heavy = [m for m in sys.modules if m.split(".")[0] in ("torch", "numpy", "sympy")]
        assert not heavy, heavy
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=60)
