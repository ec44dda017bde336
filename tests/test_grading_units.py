"""The grader's parts on their own: the result stream parser against hostile bytes, the
comparison messages, the output formats, and a sandbox that cannot start."""

from __future__ import annotations

import argparse
import csv
import json
import os
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from solver.grading import isolation
from solver.grading.compare import first_wrong
from solver.grading.grader import Graded, Part, Report
from solver.grading.protocol import parse, starts_ready
from solver.grading.report import as_gradescope, as_text, render, write_out
from tests.conftest import ROOT


def record(header: dict[str, Any], payload: bytes = b"") -> bytes:
    head = json.dumps(header).encode()
    return struct.pack(">II", len(head), len(payload)) + head + payload


def tensor(key: str, name: str, array: np.ndarray) -> bytes:
    dtype = str(array.dtype)
    return record({"key": key, "name": name, "dtype": dtype, "shape": list(array.shape)},
                  array.astype(f"<{array.dtype.str[1:]}").tobytes())


def test_parse_reads_steps_values_and_errors() -> None:
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    stream = (record({"ready": True, "seccomp": ""}) + record({"begin": "A.0"})
              + tensor("A.0", "y", values) + record({"key": "A.0", "name": "n", "json": [1, 2]})
              + record({"key": "A.0", "done": True}) + record({"begin": "B.0"})
              + record({"key": "B.0", "error": "ValueError: no"}) + record({"end": True}))
    found = parse(stream)
    assert found.ready and found.end and not found.corrupt
    assert found.begun == ["A.0", "B.0"]
    np.testing.assert_array_equal(found.steps["A.0"].values["y"], values)
    assert found.steps["A.0"].values["n"] == [1, 2] and found.steps["A.0"].done
    assert found.steps["B.0"].error == "ValueError: no"
    assert starts_ready(stream) and not starts_ready(stream[8:])


def test_parse_ignores_forged_records_outside_a_step() -> None:
    forged = tensor("A.0", "y", np.zeros(3, np.float32)) + record({"key": "A.0", "done": True})
    real = np.ones(3, np.float32)
    stream = (record({"ready": True}) + forged + record({"begin": "A.0"}) + tensor("A.0", "y", real)
              + record({"key": "A.0", "done": True}) + forged + record({"ready": True}))
    found = parse(stream)
    np.testing.assert_array_equal(found.steps["A.0"].values["y"], real)
    assert not found.corrupt


@pytest.mark.parametrize(("tail", "problem"), [
    (b"\xff" * 8, "too large"),
    (struct.pack(">II", 5, 0) + b"nope!", "Expecting value"),
    (struct.pack(">II", 2, 0) + b"[]", "not a JSON object"),
    (struct.pack(">II", 100, 0) + b"{}", "ends inside a record"),
])
def test_parse_stops_at_a_broken_frame_and_keeps_what_came_before(tail: bytes,
                                                                  problem: str) -> None:
    found = parse(record({"ready": True}) + record({"begin": "A.0"}) + tail)
    assert found.ready and found.begun == ["A.0"]
    assert problem in found.corrupt


@pytest.mark.parametrize(("header", "payload", "problem"), [
    ({"dtype": "object", "shape": [1]}, b"x", "dtype 'object' is not accepted"),
    ({"dtype": "float32", "shape": [2, 2]}, b"\0" * 12, "do not hold a float32 tensor"),
    ({"dtype": "float32", "shape": [-1]}, b"", "bad shape"),
    ({"dtype": "float32", "shape": "3"}, b"", "bad shape"),
])
def test_a_bad_tensor_becomes_a_message(header: dict[str, Any], payload: bytes,
                                        problem: str) -> None:
    stream = (record({"ready": True}) + record({"begin": "A.0"})
              + record({"key": "A.0", "name": "y", **header}, payload))
    value = parse(stream).steps["A.0"].values["y"]
    assert isinstance(value, str) and problem in value


def test_first_wrong_names_index_expected_and_got() -> None:
    import torch

    expected = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    got = np.array([[1.0, 2.0], [3.5, 4.0]], dtype=np.float32)
    assert first_wrong("y", got, expected) == (
        "y[1, 0]: expected 3, got 3.5 (difference 0.5, tolerance 1e-05 + 0.0001·|expected|; "
        "1 of 4 elements wrong)")
    assert first_wrong("y", got + 1e-6, expected.masked_fill(expected == 3, 3.5)) is None
    assert first_wrong("y", got[0], expected) == "y has shape (2,), expected (2, 2)"
    assert first_wrong("y", "<no gradient>", expected) == "y is no gradient, not a tensor"
    nan = got.copy()
    nan[0, 1] = np.nan
    assert (first_wrong("y", nan, expected) or "").startswith("y[0, 1]: expected 2, got nan")


def _report() -> Report:
    parts = (Part("A", 1, 1, True, "ok"), Part("B", 0, 2, False, "window[0]: expected 1, got 2"))
    return Report("lab.9", "Test lab", 3, (
        Graded("a/x.py", 1, 3, parts, None, 1.25),
        Graded("b/x.py", 1, 3, parts, "the submission was stopped", 2.5),
        Graded("=evil.py", 1, 3, parts, None, 0.5)), ())


def test_text_and_gradescope_formats() -> None:
    report = _report()
    text = as_text(report)
    assert "a/x.py: 1/3" in text and "B       0/2  FAIL  window[0]: expected 1, got 2" in text
    assert "error: the submission was stopped" in text
    scope = as_gradescope(Report(report.lab, report.title, 3, report.submissions[:1], ()))
    assert scope["score"] == 1 and scope["tests"][1] == {
        "name": "lab.9 B)", "score": 0, "max_score": 2, "status": "failed",
        "output": "window[0]: expected 1, got 2"}
    assert isinstance(as_gradescope(report), list)
    assert json.loads(render(report, "json"))["submissions"][1]["error"] == \
        "the submission was stopped"


def test_out_writes_distinct_files_and_a_safe_csv(tmp_path: Path) -> None:
    from solver.folders import open_owned

    folder = open_owned(tmp_path / "out")
    try:
        write_out(_report(), folder, "gradescope")
    finally:
        os.close(folder)
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["_evil.json", "grades.csv", "x-2.json", "x.json"]
    assert json.loads((tmp_path / "out" / "x.json").read_text())["tests"][0]["score"] == 1
    rows = list(csv.reader((tmp_path / "out" / "grades.csv").read_text().splitlines()))
    assert rows[0] == ["path", "score", "max_score", "lab.9 A", "lab.9 B", "error", "seconds"]
    assert rows[3][0] == "'=evil.py"  # not a spreadsheet formula


def test_a_sandbox_that_cannot_start_is_the_graders_failure(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from solver.grading.cli import run

    monkeypatch.setattr(isolation, "detect",
                        lambda unprotected=False, hidden=(): isolation.Sandbox(
                            "landlock", "/bin/false", ()))
    args = argparse.Namespace(lab="lab.1", paths=[str(ROOT / "tests/submissions/lab1/right.py")],
                              format="json", jobs="1", timeout="5", out=None, unprotected=False)
    assert run(args) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["submissions"][0]["error"].startswith("grader failure: the sandbox did not start")
    assert "solver: grader failure:" in captured.err


def test_every_bundled_grader_judges_its_records_labels() -> None:
    """Each gradable lab of the bundled exam: its grader's checks declare the record's part
    labels and compute the reference from the record's template."""
    from solver.exam import BUNDLED, read_exam
    from solver.grading.grader import checks_of

    exam = read_exam(BUNDLED)
    assert exam.gradable == tuple(f"lab.{n}" for n in range(1, 9))
    for lab in exam.gradable:
        question = exam.questions[lab]
        checks = checks_of(question, exam)
        assert checks.__name__ == f"solver.grading.checks.{question.grader}"
        assert tuple(checks.LABELS) == tuple(question.points)
        assert question.data["template"] == checks.MODULE


def test_a_record_whose_labels_differ_from_its_grader_is_refused() -> None:
    import dataclasses

    from solver.exam import BUNDLED, Part, read_exam
    from solver.grading.grader import checks_of
    from solver.model import InputError

    exam = read_exam(BUNDLED)
    question = exam.questions["lab.3"]
    relabelled = dataclasses.replace(question, parts=(Part("1", 1), Part("2", 2), Part("3", 3)))
    with pytest.raises(InputError, match=r"exam.toml, lab.3: grader 'lab3' judges the parts "
                                         r"'A', 'B', 'C' but the record's parts are '1', '2', "
                                         r"'3'$"):
        checks_of(relabelled, exam)
    other = dataclasses.replace(question, grader="lab1")  # the Linear grader for a Conv2d lab
    with pytest.raises(InputError, match=r"grader 'lab1' judges the parts 'A', 'B' but"):
        checks_of(other, exam)


def test_landlock_grants_no_folder_that_holds_the_package(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """In a virtual environment the standard library's platform folder holds
    site-packages: granted whole, it would let the runner read solver installed there."""
    import sysconfig

    lib = tmp_path / "venv" / "lib" / "python3.11"
    site = lib / "site-packages"
    (site / "solver" / "labs").mkdir(parents=True)
    (site / "solver" / "labs" / "conv.py").write_text("reference\n")
    (site / "torch").mkdir()
    (lib / "os.py").write_text("")
    monkeypatch.setattr(isolation, "package", lambda: str(site / "solver"))
    monkeypatch.setattr(isolation, "site_dirs", lambda: [str(site)])
    monkeypatch.setattr(sysconfig, "get_paths",
                        lambda: {"stdlib": str(lib), "platstdlib": str(lib)})
    readable = isolation._landlock_readable()
    assert {str(site / "torch"), str(lib / "os.py")} <= set(readable)
    package = str(site / "solver")
    assert not [p for p in readable if isolation._inside(package, p)
                or isolation._inside(p, package)]
