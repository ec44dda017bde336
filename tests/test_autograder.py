"""`solver autograder`: Gradescope's zip and PrairieLearn's grader, built by the CLI,
unpacked and run the way the platforms run them.

The Gradescope bundle is unpacked into a root any user may read (as ``/autograder`` is),
solver is installed from the bundle's own wheel into a virtual environment (as setup.sh
installs it, not this checkout), and ``run_autograder`` runs with a ``bwrap`` that fails
first on PATH (a container without namespaces), for a right, a wrong, a hostile, an empty
and a helper-file submission.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli, solve

LAB3 = ROOT / "tests" / "submissions" / "lab3"
HELPER = "def pad(x, amount):\n    return x\n"
# submission -> (its files: name -> source file or text, the score it must get)
UPLOADS: dict[str, tuple[dict[str, Path | str], int]] = {
    "right": ({"lab3.py": LAB3 / "right.py"}, 6),
    # C) adds no bias: A (1) and B (2) stand.
    "wrong": ({"conv.py": LAB3 / "wrong_missing_bias.py"}, 3),
    # Its own code gets A only; the reference it looks for is out of its reach.
    "hostile": ({"lab3.py": LAB3 / "hostile_search_reference.py"}, 1),
    "empty": ({}, 0),
    "helper": ({"lab3.py": LAB3 / "right.py", "helper.py": HELPER,
                "notes/README.txt": "my notes\n"}, 6),
}
FAILING_BWRAP = "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n"


def _fake_bwrap(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bwrap").write_text(FAILING_BWRAP)
    (folder / "bwrap").chmod(0o755)
    return folder


def _unzip(archive: Path, folder: Path) -> None:
    """As unzip does: each file with the mode the zip records."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            opened.extract(info, folder)
            (folder / info.filename).chmod((info.external_attr >> 16) & 0o777)


def _readable_tree(top: Path) -> None:
    """Every folder 0755 and file 0644 (0755 if executable): what any user may read."""
    for folder, _, names in os.walk(top):
        os.chmod(folder, 0o755)
        for name in names:
            path = Path(folder) / name
            path.chmod(0o755 if path.stat().st_mode & stat.S_IXUSR else 0o644)


@pytest.fixture(scope="module")
def bundle() -> Iterator[dict[str, Any]]:
    """The zip built twice by the CLI, solver installed from its wheel, and each upload
    graded by ``run_autograder`` in a root of its own (two at a time)."""
    base = Path(tempfile.mkdtemp(prefix="solver-autograder-test-", dir="/tmp"))
    try:
        zips = [base / "autograder.zip", base / "again.zip"]
        for path in zips:
            built = run_cli("autograder", "gradescope", "lab.3", "--out", str(path))
            assert built.returncode == 0, built.stderr
        names = zipfile.ZipFile(zips[0]).namelist()
        wheel = next(name for name in names if name.endswith(".whl"))
        # As setup.sh installs it: a virtual environment with solver's wheel in its
        # site-packages (not this checkout), its dependencies reached through a .pth file.
        venv = base / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                       check=True, capture_output=True, timeout=120)
        site = next(venv.glob("lib/python3.*/site-packages"))
        with zipfile.ZipFile(zips[0]) as archive:
            (base / wheel).write_bytes(archive.read(wheel))
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                        "--target", str(site), str(base / wheel)],
                       check=True, capture_output=True, timeout=300)
        (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        env = {"PATH": f"{_fake_bwrap(base / 'fakebin')}:/usr/bin:/bin", "HOME": str(base),
               "LANG": "C.UTF-8", "SOLVER_PREFIX": str(venv)}

        def run(name: str) -> dict[str, Any]:
            root = base / name
            _unzip(zips[0], root / "source")
            shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
            (root / "submission").mkdir()
            for relative, given in UPLOADS[name][0].items():
                target = root / "submission" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(given.read_text() if isinstance(given, Path) else given)
            _readable_tree(root)
            done = subprocess.run([str(root / "run_autograder")], capture_output=True,
                                  text=True, timeout=300, cwd=root,
                                  env={**env, "AUTOGRADER_ROOT": str(root)})
            results = root / "results" / "results.json"
            return {"run": done, "root": root,
                    "results": json.loads(results.read_text()) if results.exists() else None}

        with ThreadPoolExecutor(2) as pool:
            runs = dict(zip(UPLOADS, pool.map(run, UPLOADS), strict=True))
        yield {"zips": zips, "names": names, "runs": runs, "base": base, "env": env}
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_the_zip_holds_setup_run_autograder_and_the_wheel_and_is_reproducible(
        bundle: dict[str, Any]) -> None:
    first, again = bundle["zips"]
    assert first.read_bytes() == again.read_bytes()
    names = bundle["names"]
    assert names[:2] == ["setup.sh", "run_autograder"] and len(names) == 3
    with zipfile.ZipFile(first) as archive:
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        wheel = zipfile.ZipFile(io.BytesIO(archive.read(names[2])))
        scripts = {name: archive.read(name).decode() for name in names[:2]}
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    inside = set(wheel.namelist())
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "solver").rglob("*.py")}
    assert modules <= inside and "solver/exams/deep_learning/exam.toml" in inside
    assert "torch==2.13.0" in scripts["setup.sh"] and names[2] in scripts["setup.sh"]
    assert "autograder gradescope lab.3 --grade" in scripts["run_autograder"]
    for name, text in scripts.items():
        checked = subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True)
        assert checked.returncode == 0, (name, checked.stderr)


@pytest.mark.slow
def test_a_class_bundle_grades_each_student_against_the_variant_the_roster_gives(
        bundle: dict[str, Any]) -> None:
    """Built with --seed and --roster, the zip carries the roster and run_autograder finds
    the student of submission_metadata.json on it: variant 2's reference code is full
    marks for the student whose variant is 2 and not for the one whose variant is 1."""
    from solver.engine import make_params
    from solver.questions.labkit import version_source
    from solver.registry import lookup
    from solver.variants.seeded import draw

    base = bundle["base"]
    question = lookup("lab.3").meta
    firsts = [draw(2026, n, question) for n in (1, 2)]
    assert firsts[0] != firsts[1]  # two versions whose code differs (tested elsewhere)
    roster = base / "class-roster.csv"
    roster.write_text("email,variant\nana@example.edu,2\nbob@example.edu,1\n")
    zipped = base / "class.zip"
    built = run_cli("autograder", "gradescope", "lab.3", "--out", str(zipped), "--seed",
                    "2026", "--roster", str(roster))
    assert built.returncode == 0, built.stderr
    with zipfile.ZipFile(zipped) as archive:
        assert archive.read("roster.csv") == roster.read_bytes()
        assert '--seed 2026 --roster "$root/source/roster.csv"' in archive.read(
            "run_autograder").decode()
    upload = version_source(question, make_params(question, firsts[1]))
    for email, full in (("ana@example.edu", True), ("bob@example.edu", False)):
        root = base / f"class-{email}"
        _unzip(zipped, root / "source")
        shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        (root / "submission" / "conv.py").write_text(upload)
        (root / "submission_metadata.json").write_text(json.dumps(
            {"id": 1, "users": [{"email": email, "id": 7, "name": "A Student"}]}))
        _readable_tree(root)
        done = subprocess.run([str(root / "run_autograder")], capture_output=True, text=True,
                              timeout=300, cwd=root,
                              env={**bundle["env"], "AUTOGRADER_ROOT": str(root)})
        assert done.returncode == 0, done.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        variant = 2 if full else 1
        assert results["output"].startswith(f"lab.3 Convolutional layer forward pass "
                                             f"(variant {variant}: dilation ")
        assert (results["score"] == 6) is full, results["output"]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(UPLOADS))
def test_run_autograder_writes_one_results_object_with_the_expected_score(
        bundle: dict[str, Any], name: str) -> None:
    found = bundle["runs"][name]
    assert found["run"].returncode == 0, found["run"].stderr
    results = found["results"]
    assert isinstance(results, dict), results  # one object, never a list
    assert results["score"] == UPLOADS[name][1]
    parts = [t for t in results["tests"] if t.get("visibility") != "after_published"]
    assert [t["name"] for t in parts] == ["lab.3 A)", "lab.3 B)", "lab.3 C)"]
    assert [t["max_score"] for t in parts] == [1, 2, 3]
    assert sum(t["score"] for t in parts) == results["score"]
    for test in results["tests"]:
        assert {"name", "score", "max_score", "output", "visibility"} <= set(test)
        assert test["visibility"] in ("visible", "after_published")
    assert results["stdout_visibility"] == "hidden"
    if name != "empty":  # graded in the no-bwrap sandbox, said in the instructor's log
        assert "(Landlock, as " in found["run"].stderr, found["run"].stderr


@pytest.mark.slow
def test_an_empty_upload_scores_0_and_says_what_was_expected(bundle: dict[str, Any]) -> None:
    output = bundle["runs"]["empty"]["results"]["output"]
    assert output.startswith("Not graded: no Python file to grade in the upload")
    assert "one .py file that defines class Conv2d" in output


@pytest.mark.slow
def test_a_helper_file_is_not_a_second_submission(bundle: dict[str, Any]) -> None:
    output = bundle["runs"]["helper"]["results"]["output"]
    assert "Graded lab3.py." in output
    assert "Not graded (only the lab's template file is): helper.py, notes/README.txt" in output


@pytest.mark.slow
def test_the_hostile_upload_could_read_the_reference_without_the_sandbox(
        bundle: dict[str, Any]) -> None:
    """Its search, run in a plain process, finds solver's lab code in the bundle's root
    (the wheel), readable by any user: only the sandbox kept it at 1 point."""
    root = bundle["runs"]["hostile"]["root"]
    found = subprocess.run(
        [sys.executable, "-c", "import runpy, sys; sys.path.insert(0, sys.argv[1]); "
         "g = runpy.run_path(sys.argv[2]); print(g['_found'] is not None)",
         str(root), str(LAB3 / "hostile_search_reference.py")],
        capture_output=True, text=True, timeout=120, cwd=root)
    assert found.stdout.strip() == "True", found.stderr


@pytest.mark.slow
def test_students_see_no_worked_code_and_instructors_get_it_after_publishing(
        bundle: dict[str, Any]) -> None:
    from solver.guard import leaks
    from solver.registry import lookup

    question = lookup("lab.3").meta
    solution = solve("lab.3")
    for name, found in bundle["runs"].items():
        results = found["results"]
        shown = [results["output"], *(t["name"] + "\n" + t["output"] for t in results["tests"]
                                      if t["visibility"] != "after_published")]
        assert leaks("\n".join(shown), question, solution) == [], name
    later = [t for t in bundle["runs"]["wrong"]["results"]["tests"]
             if t["visibility"] == "after_published"]
    assert [t["name"] for t in later] == ["lab.3 C): worked solution"]
    assert later[0]["score"] == later[0]["max_score"] == 0
    assert leaks(later[0]["output"], question, solution)  # the guard sees the code there


@pytest.mark.slow
def test_a_file_name_that_is_not_utf8_is_graded_and_escaped(tmp_path: Path) -> None:
    """Review: such a name crashed the results' encoding (no results.json at all)."""
    root = tmp_path / "root"
    (root / "submission").mkdir(parents=True)
    name = os.fsdecode(b"lab3\xff.py")
    (root / "submission" / name).write_text((LAB3 / "right.py").read_text())
    env = {**os.environ, "PATH": f"{_fake_bwrap(tmp_path / 'bin')}:{os.environ['PATH']}"}
    done = subprocess.run([sys.executable, "-m", "solver", "autograder", "gradescope", "lab.3",
                           "--grade", str(root)], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 6 and "Graded lab3\\udcff.py." in results["output"]


# --- PrairieLearn -----------------------------------------------------------------------

# The keys PrairieLearn's question schema (infoQuestion.json) allows, and those it requires.
PL_KEYS = {"comment", "uuid", "type", "title", "topic", "tags", "clientFiles",
           "clientTemplates", "template", "gradingMethod", "singleVariant",
           "showCorrectAnswer", "partialCredit", "options", "externalGradingOptions",
           "dependencies", "workspaceOptions", "sharingSets", "sharePublicly",
           "shareSourcePublicly"}
PL_REQUIRED = {"uuid", "type", "title", "topic"}
PL_GRADING_KEYS = {"comment", "enabled", "image", "entrypoint", "serverFilesCourse",
                   "timeout", "enableNetworking", "environment"}


def _pl_grade(root: Path, fakebin: Path) -> tuple[subprocess.CompletedProcess[str], Any]:
    env = {**os.environ, "PATH": f"{fakebin}:{os.environ['PATH']}", "PYTHONHASHSEED": "0"}
    done = subprocess.run([sys.executable, "-m", "solver", "autograder", "prairielearn",
                           "lab.5", "--grade", str(root)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)
    return done, json.loads((root / "results" / "results.json").read_text())


@pytest.mark.slow
def test_prairielearn_question_image_and_grading(tmp_path: Path) -> None:
    out = tmp_path / "pl"
    built = run_cli("autograder", "prairielearn", "lab.5", "--out", str(out),
                    "--image", "course/solver-grader")
    assert built.returncode == 0, built.stderr
    info = json.loads((out / "question" / "info.json").read_text())
    assert PL_REQUIRED <= set(info) <= PL_KEYS
    assert re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", info["uuid"])
    grading = info["externalGradingOptions"]
    assert set(grading) <= PL_GRADING_KEYS and grading["image"] == "course/solver-grader"
    assert grading["entrypoint"][0].startswith("/")
    assert grading["entrypoint"][1:] == ["-m", "solver", "autograder", "prairielearn",
                                         "lab.5", "--grade", "/grade", "--timeout", "30"]
    from solver.registry import lookup

    record = lookup("lab.5").meta
    template = (out / "question" / "template.py").read_text()
    assert template.strip() == record.data["paper_template"].strip()
    page = (out / "question" / "question.html").read_text()
    assert "Implement the Dropout layers" in page and 'source-file-name="template.py"' in page
    assert "<pl-external-grader-results>" in page
    docker = (out / "image" / "Dockerfile").read_text()
    wheel = next((out / "image").glob("solver-*.whl")).name
    assert docker.startswith("#") and "FROM python:3.11" in docker and wheel in docker
    assert "torch==2.13.0" in docker and "docker build -t course/solver-grader" in docker

    fakebin = _fake_bwrap(tmp_path / "fakebin")
    root = tmp_path / "grade"
    (root / "student").mkdir(parents=True)
    (root / "student" / "lab5.py").write_text(
        (ROOT / "tests" / "submissions" / "lab5" / "wrong_no_residual.py").read_text())
    done, results = _pl_grade(root, fakebin)
    assert done.returncode == 0 and "(Landlock, as " in done.stderr, done.stderr
    # B) (3 of the 4 points) misses the residual connection: 1/4.
    assert results["gradable"] is True and results["score"] == 0.25
    assert [(t["name"], t["points"], t["max_points"]) for t in results["tests"]] == [
        ("lab.5 A)", 1, 1), ("lab.5 B)", 0, 3)]
    assert results["tests"][1]["description"] == "Implement forward pass"

    empty = tmp_path / "empty"
    (empty / "student").mkdir(parents=True)
    done, results = _pl_grade(empty, fakebin)
    assert done.returncode == 0, done.stderr
    assert results["gradable"] is False and "score" not in results
    assert "one .py file that defines class" in results["format_errors"][0]


# --- the upload's lab, the wheel, bad input ------------------------------------------------


def test_the_lab_file_is_found_by_the_exam_templates_names(tmp_path: Path) -> None:
    from solver.autograder.locate import exam_names, locate
    from solver.registry import exam, lookup

    for question in exam().questions.values():
        if question.grader:
            assert exam_names(question), question.id  # every gradable lab has its names
    question = lookup("lab.2").meta
    assert exam_names(question) == {"ReLU": "class", "Sigmoid": "class"}
    upload = tmp_path / "up"
    (upload / "deep" / "er").mkdir(parents=True)
    (upload / "deep" / "er" / "mine.py").write_text("class ReLU: pass\nclass Sigmoid: pass\n")
    (upload / "utils.py").write_text("class ReLU: pass\n")  # one name only: a helper
    (upload / "__MACOSX").mkdir()
    (upload / "__MACOSX" / "mine.py").write_text("class ReLU: pass\nclass Sigmoid: pass\n")
    (upload / "linked.py").symlink_to("/etc/passwd")
    found = locate(upload, question)
    assert found.path == upload / "deep" / "er" / "mine.py" and not found.problem
    assert found.others == ("utils.py", "linked.py (a link, not followed)")
    (upload / "copy.py").write_text("class ReLU: pass\nclass Sigmoid: pass\n")
    found = locate(upload, question)
    assert found.path is None and found.problem.startswith("2 files could be the lab (copy.py, "
                                                           "deep/er/mine.py: each defines")
    lone = tmp_path / "lone"
    lone.mkdir()
    (lone / "anything.py").write_text("x = 1\n")  # the only file: graded, to say what is wrong
    assert locate(lone, question).path == lone / "anything.py"
    assert locate(tmp_path / "missing", question).problem.startswith("nothing was uploaded")


def test_the_wheel_is_the_same_bytes_each_time_and_lists_every_file() -> None:
    from solver.autograder import wheel

    name, data = wheel.build()
    assert wheel.build() == (name, data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = f"{name.split('-py3')[0]}.dist-info"
    record = archive.read(f"{info}/RECORD").decode().splitlines()
    assert {line.split(",")[0] for line in record} == set(archive.namelist())
    metadata = archive.read(f"{info}/METADATA").decode()
    assert "Requires-Dist: torch==2.13.0" in metadata and "pytest" not in metadata
    assert "solver/autograder/files/run_autograder" in archive.namelist()


@pytest.mark.parametrize(("args", "message"), [
    (["gradescope", "lab.3", "--out", "bundle.tar"], "--out 'bundle.tar' must end in .zip"),
    (["gradescope", "lab.3"], "one of the arguments --out --grade is required"),
    (["gradescope", "lab.9", "--out", "a.zip"], "unknown lab 'lab.9'"),
    (["prairielearn", "lab.3", "--grade", "/no/such/root"], "--grade '/no/such/root' is not a "
                                                             "folder"),
    (["gradescope", "lab.3", "--grade", ".", "--timeout", "0"], "--timeout must be a number"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run_cli("autograder", *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


@pytest.mark.slow
def test_bwrap_hides_the_whole_root_of_the_autograder(bundle: dict[str, Any]) -> None:
    """A root outside /tmp (bwrap's /tmp is private anyway), readable by any user: the
    hostile upload finds the bundle's wheel there in a plain process, not in bwrap."""
    root = Path(tempfile.mkdtemp(prefix="solver-autograder-test-", dir="/var/tmp"))
    try:
        _unzip(bundle["zips"][0], root / "source")
        (root / "submission").mkdir()
        shutil.copy(LAB3 / "hostile_search_reference.py", root / "submission" / "lab3.py")
        _readable_tree(root)
        env = {**os.environ, "SOLVER_SANDBOX": "bwrap", "PYTHONHASHSEED": "0"}
        done = subprocess.run([sys.executable, "-m", "solver", "autograder", "gradescope",
                               "lab.3", "--grade", str(root)], capture_output=True, text=True,
                              timeout=300, cwd=ROOT, env=env)
        assert done.returncode == 0 and "(bwrap, as " in done.stderr, done.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        assert results["score"] == 1, results
        found = subprocess.run(
            [sys.executable, "-c", "import runpy, sys; "
             "print(runpy.run_path(sys.argv[1])['_found'] is not None)",
             str(LAB3 / "hostile_search_reference.py")],
            capture_output=True, text=True, timeout=120, cwd=root)
        assert found.stdout.strip() == "True", found.stderr
    finally:
        shutil.rmtree(root, ignore_errors=True)
