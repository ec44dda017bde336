"""The exam as data: words that follow the parameters, a second exam, exam-file errors,
and a wheel that carries the templates and the exam."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, solve

FIXTURE = ROOT / "tests" / "fixture_exam"


def _words(solution) -> str:  # type: ignore[no-untyped-def]
    asks = " ".join(ask.text for ask in solution.meta.asks)
    return " ".join([solution.meta.question, asks, *(line.text for line in solution.rubric)])


def test_lecture5_words_follow_rho_and_t() -> None:
    words = _words(solve("lecture.5", rho=0.9, t=10))
    # The words typeset S_t as $S_{10}$; the parts are plain Unicode (S₁₀).
    assert r"\rho = 0.9" in words and "S_{10}" in words and r"\hat{S}_{10}" in words
    assert r"\rho^{10}" in words
    assert "0.95" not in words and "S_{2}" not in words and r"\rho^{2}" not in words
    parts = solve("lecture.5", rho=0.9, t=10).parts
    assert parts[0].text.startswith("S₁₀ = ")


def test_lecture1_words_follow_the_kernel_and_bias() -> None:
    solution = solve("lecture.1", kernel_size=5, padding=2, bias=False)
    words = _words(solution)
    assert "5×5" in words and "padding = 2" in words and "does not use bias" in words
    assert "3×3" not in words and "padding = 1" not in words and "biases" not in words
    prose = " ".join(step.text for step in solution.steps if step.type == "text")
    assert "bias per output" not in prose


def test_lecture3_words_follow_the_image_and_kernel() -> None:
    image = [[[1, 2, 3, 4], [5, 6, 7, 8], [9, 1, 2, 3], [4, 5, 6, 7]]]
    solution = solve("lecture.3", image=image, kernel_size=2, stride=2)
    words = _words(solution)
    assert "4×4×1" in words and "spatial size 2" in words and "stride of 2" in words
    assert "5×5×2" not in words and "1/18" not in words and "3×3" not in words
    assert "2×2×1 kernel with every entry 1/4" in words


def test_lecture2_statement_gives_the_numbers_when_numeric() -> None:
    values = dict(x=0.5, y=1.0, w1=0.3, b1=-0.1, w2=0.7, b2=0.2, lam=0.01, activation="tanh")
    words = _words(solve("lecture.2", **values))
    assert "tanh" in words and "x = 0.5" in words and r"\lambda = 0.01" in words
    assert "x = 0.5" not in _words(solve("lecture.2"))


def test_points_live_once_in_the_exam_file() -> None:
    """The rubric, the parts and the points come from the same exam-file entry."""
    solution = solve("lecture.5")
    assert [p.points for p in solution.parts] == [2, 2, 1, 1]
    assert [r.points for r in solution.rubric] == [2, 2, 1, 1]
    assert solution.meta.total == 6


def test_the_fixture_exam_lists_and_solves() -> None:
    listed = run_cli("--exam", str(FIXTURE), "list")
    assert listed.returncode == 0, listed.stderr
    assert "A moving average warms up" in listed.stdout and "lab.1" not in listed.stdout
    result = run_cli("--exam", str(FIXTURE), "solve", "lecture.2", "--format", "json")
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["params"] == {"rho": 0.5, "value": 2.0, "t": 3}
    assert data["answer"]["S"] == 1.75  # 2 (1 - 0.5^3), exactly representable
    assert [p["label"] for p in data["parts"]] == ["a", "b", "c", "d"]
    mc = json.loads(run_cli("--exam", str(FIXTURE), "solve", "paper.1", "--format",
                            "json").stdout)
    assert mc["answer"]["choice"] == "B"


@pytest.mark.slow
@pytest.mark.sheet
def test_the_fixture_exam_builds_its_pdf(tmp_path: Path) -> None:
    output = tmp_path / "quiz.pdf"
    result = run_cli("--exam", str(FIXTURE), "pdf", "--output", str(output))
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    assert "Neural Networks: practice quiz" in text
    assert "A moving average warms up" in text and "Dropout at test time" in text
    assert "Lab assignments" not in text


LAB_RECORD = (
    'title = "x"\n[[sections]]\nkind = "lab"\nname = "L"\n[[questions]]\nid = "lab.1"\n'
    'title = "t"\nsolver = "lab"\nchecks = "lab1"\ntemplate = "linear"\n'
    'paper_template = "class Linear(object):\\n    pass\\n"\n'
    '{grader}\nstatement = "s"\nparts = [{{ label = "A", points = 1 }}]\n')


def test_a_lab_record_names_its_grader() -> None:
    """The gradable labs are the exam file's: the bundled exam names a grader in each lab
    record, the fixture exam has no lab."""
    from solver.exam import BUNDLED, read_exam

    bundled = read_exam(BUNDLED)
    assert bundled.gradable == tuple(f"lab.{n}" for n in range(1, 9))
    assert bundled.questions["lab.3"].grader == "lab3"
    assert "grader" not in bundled.questions["lab.3"].data
    assert bundled.questions["lecture.1"].grader == ""
    assert read_exam(FIXTURE).gradable == ()


@pytest.mark.parametrize(("content", "expected"), [
    ("title = ", "not valid TOML"),
    ('title = "x"\n', "'sections' must be a list"),
    ('title = "x"\n[[sections]]\nkind = "lecture"\nname = "L"\n[[questions]]\nid = "q1"\n',
     "must look like lab.1"),
    ('title = "x"\n[[sections]]\nkind = "lecture"\nname = "L"\n[[questions]]\n'
     'id = "lecture.1"\ntitle = "t"\nsolver = "nosuch"\nstatement = "s"\n'
     'parts = [{ label = "", points = 1 }]\n', "solver 'nosuch' does not exist"),
    ('title = "x"\n[[sections]]\nkind = "paper"\nname = "P"\n[[questions]]\n'
     'id = "paper.1"\ntitle = "t"\nsolver = "choice"\nstatement = "s"\nkey = "E"\n'
     'justification = "j"\ndistractor = "d"\ncitation = "c"\n'
     'parts = [{ label = "", points = 1 }]\noptions = { A = "a", B = "b" }\n',
     "key must be one of the options"),
    (LAB_RECORD.format(grader='grader = "nosuch"'),
     "lab.1: grader 'nosuch' does not exist (one of lab1, lab2, lab3"),
    (LAB_RECORD.format(grader='grader = "kit"'), "grader 'kit' does not exist"),
    (LAB_RECORD.format(grader="grader = 3"), "lab.1: 'grader' must be a str"),
    ('title = "x"\n[[sections]]\nkind = "paper"\nname = "P"\n[[questions]]\n'
     'id = "paper.1"\ntitle = "t"\nsolver = "choice"\nstatement = "s"\nkey = "A"\n'
     'justification = "j"\ndistractor = "d"\ncitation = "c"\ngrader = "lab1"\n'
     'parts = [{ label = "", points = 1 }]\noptions = { A = "a", B = "b" }\n',
     'paper.1: only a lab record (solver = "lab") names a grader'),
])
def test_a_broken_exam_file_is_one_clear_line(tmp_path: Path, content: str,
                                              expected: str) -> None:
    (tmp_path / "exam.toml").write_text(content, encoding="utf-8")
    result = run_cli("--exam", str(tmp_path), "solve", "lecture.1", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_wheel_carries_templates_and_exam_and_builds_from_any_folder(
        tmp_path: Path) -> None:
    """Built with pip wheel, installed without -e, run from an empty folder."""
    wheels, target, work = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    work.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    # From a clean copy: setuptools keeps a build/lib beside the sources, and a stale one
    # there (or in the checkout) must not decide what the wheel holds.
    source = tmp_path / "source"
    for name in ("solver", "templates"):
        shutil.copytree(ROOT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, timeout=300, capture_output=True)
    wheel = next(wheels.glob("solver-*.whl"))
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"solver/templates/sheet.html.j2", "solver/templates/style.css",
            "solver/exams/deep_learning/exam.toml"} <= names
    site = {f"solver/{p.relative_to(ROOT)}" for p in (ROOT / "templates" / "site").iterdir()}
    assert site and site <= names, sorted(site - names)
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "solver").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, timeout=300, capture_output=True)
    # -S: no site-packages processing, so the checkout's editable install is not seen;
    # the dependencies come from this environment's site-packages, after the wheel.
    env = {"PYTHONPATH": f"{target}:{sysconfig.get_paths()['purelib']}",
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import solver, sys; print(solver.__file__); "
         "from solver.cli import main; sys.exit(main(['pdf', '--output', 'x.pdf', "
         "'--only', 'lecture.5', 'paper.3']))"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(target))
    assert (work / "x.pdf").stat().st_size > 10_000
    assert not (work / "build").exists()  # the math cache is not put in the cwd
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import sys; from solver.cli import main; sys.exit(main(["
         "'site', '--seed', '1', '--count', '2', '--out', 'practice', '--only', 'paper.3']))"],
        cwd=work, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert {"site.js", "site.css", "favicon.svg", "index.html"} <= {
        p.name for p in (work / "practice").iterdir()}


@pytest.mark.slow
@pytest.mark.sheet
def test_a_relative_output_path_keeps_the_private_fonts(tmp_path: Path) -> None:
    """`make pdf` writes build/answers.pdf: a relative path, whose fontconfig must still load
    (fontconfig reads a relative FONTCONFIG_FILE against /etc/fonts, not the cwd)."""
    (tmp_path / "out").mkdir()
    result = run_cli("pdf", "--output", "out/sheet.pdf", "--only", "lecture.1", "lab.4",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Fontconfig" not in result.stderr and "rror" not in result.stderr
    from pypdf import PdfReader

    fonts = set()
    for page in PdfReader(tmp_path / "out" / "sheet.pdf").pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(name.startswith("DejaVu") for name in fonts), fonts
    assert any("Mono" in name for name in fonts)
