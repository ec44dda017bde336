"""Lab versions: every student their own lab.

The exam's own print of every lab is the exam's words (tests/evidence/exam_labs.toml);
every version of every lab passes its checks against torch and has code of its own, each
axis changing it; two variants of every lab are told apart by the grader (each variant's
reference code, submitted, is right for its own variant and wrong for the other's);
grading by roster refuses a folder with a submission the roster does not list, and
Gradescope's autograder tells a student missing from the roster that nothing was graded.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from solver.engine import make_params, solve
from solver.kinds import kind_of
from solver.questions import labkit
from solver.registry import lookup
from tests.conftest import ROOT, run_cli

LABS = tuple(f"lab.{n}" for n in range(1, 9))
EVIDENCE = Path(__file__).resolve().parent / "evidence" / "exam_labs.toml"
SEED = 2026


def _evidence() -> dict[str, dict[str, Any]]:
    with EVIDENCE.open("rb") as handle:
        return {lab["id"]: lab for lab in tomllib.load(handle)["labs"]}


def _versions(lab: str) -> list[dict[str, Any]]:
    axes = kind_of(lookup(lab).meta).axes(lookup(lab).meta)
    return [dict(zip(axes, values, strict=True)) for values in itertools.product(*axes.values())]


@pytest.mark.parametrize("lab", LABS)
def test_the_exams_own_print_of_a_lab_is_the_exams_words_and_its_code_unedited(lab: str) -> None:
    question = lookup(lab).meta
    words = _evidence()[lab]
    solution = solve(question)
    assert solution.meta.question == " ".join(words["statement"].split())
    assert [ask.text for ask in solution.meta.asks] == words["asks"]
    assert kind_of(question).paper_view(question, solution).template == words["paper_template"]
    completed = (ROOT / "solver" / "labs" / f"{question.data['template']}.py").read_text()
    assert labkit.version_source(question, make_params(question)) == completed


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_every_version_passes_its_torch_checks_with_code_of_its_own(lab: str) -> None:
    """At least two axes; each version's checks pass; no two versions share their answer
    code; and each axis, changed alone, changes the answer."""
    question = lookup(lab).meta
    axes = kind_of(question).axes(question)
    assert len(axes) >= 2, f"{lab} varies along {len(axes)} axes"
    answers: dict[str, str] = {}
    for raw in _versions(lab):
        solution = solve(question, raw)
        assert not solution.failed_checks, (raw, [c.name for c in solution.failed_checks])
        assert len(solution.checks) >= 1
        answers[json.dumps(raw, sort_keys=True)] = json.dumps([p.text for p in solution.parts])
    assert len(set(answers.values())) == len(answers), f"{lab}: two versions share an answer"


def _two_variants(lab: str) -> tuple[int, int]:
    """The first two variants of class SEED whose completed code differs."""
    from solver.variants.seeded import question_draws

    draws = question_draws(SEED, lookup(lab).meta, 12)
    first = draws[0].parts
    second = next(number for number, s in enumerate(draws, start=1) if s.parts != first)
    return 1, second


def _reference_file(lab: str, variant: int, path: Path) -> Path:
    from solver.variants.seeded import draw

    question = lookup(lab).meta
    path.write_text(labkit.version_source(question, make_params(
        question, draw(SEED, variant, question))), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("lab", LABS)
def test_two_variants_grade_each_others_reference_wrong(lab: str, tmp_path: Path) -> None:
    """Variant a's reference code is full marks against variant a and loses points
    against variant b, and the other way round: one run, by roster."""
    a, b = _two_variants(lab)
    folder = tmp_path / "in"
    folder.mkdir()
    _reference_file(lab, a, folder / "ref_a.py")
    _reference_file(lab, b, folder / "ref_b.py")
    (folder / "ref_a_as_b.py").write_bytes((folder / "ref_a.py").read_bytes())
    (folder / "ref_b_as_a.py").write_bytes((folder / "ref_b.py").read_bytes())
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="") as handle:
        csv.writer(handle).writerows([("submission", "variant"), ("ref_a.py", a),
                                      ("ref_b", b), ("ref_a_as_b", b), ("ref_b_as_a.py", a)])
    result = run_cli("grade", lab, str(folder), "--seed", str(SEED), "--roster", str(roster),
                     "--format", "json", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    graded = {Path(s["path"]).stem: s for s in json.loads(result.stdout)["submissions"]}
    assert {name: s["variant"] for name, s in graded.items()} == {
        "ref_a": a, "ref_b": b, "ref_a_as_b": b, "ref_b_as_a": a}
    for name in ("ref_a", "ref_b"):
        assert graded[name]["score"] == graded[name]["max_score"], graded[name]
    for name in ("ref_a_as_b", "ref_b_as_a"):
        assert graded[name]["score"] < graded[name]["max_score"], graded[name]


def test_a_roster_that_misses_a_submission_grades_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("ana.py", "bob.py"):
        (folder / name).write_text("pass\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("ana,2\n")
    out = tmp_path / "out"
    result = run_cli("grade", "lab.1", str(folder), "--seed", "7", "--roster", str(roster),
                     "--out", str(out))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if not line.startswith("solver: note:")]
    assert len(lines) == 1 and "bob.py" in lines[0] and "nothing was graded" in lines[0], lines
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize(("args", "words"), [
    (("--seed", "3"), "--seed S needs --variant N or --roster CSV"),
    (("--variant", "3"), "--variant N needs the class's --seed S"),
    (("--roster", "x.csv"), "--roster CSV needs the class's --seed S"),
    (("--seed", "3", "--variant", "0"), "--variant must be in 1..5000"),
    (("--seed", "3", "--variant", "2", "--roster", "x.csv"), "not both"),
])
def test_grade_version_arguments_are_checked(args: tuple[str, ...], words: str) -> None:
    result = run_cli("grade", "lab.1", "tests/submissions/lab1/right.py", *args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def _gradescope_root(tmp: Path, upload: Path, email: str) -> Path:
    root = tmp / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "linear.py").write_bytes(upload.read_bytes())
    (root / "submission_metadata.json").write_text(json.dumps(
        {"id": 1, "users": [{"email": email, "id": 4711, "name": "A Student"}]}))
    return root


def _not_graded(tmp: Path, roster_text: str, email: str,
                metadata: Any = None) -> dict[str, Any]:
    """The autograder's results.json for lab 1's right answer uploaded by ``email`` (or
    with ``metadata``) in a class of seed 7 with ``roster_text``: exit 1, no traceback."""
    roster = tmp / "roster.csv"
    roster.write_text(roster_text)
    root = _gradescope_root(tmp, ROOT / "tests/submissions/lab1/right.py", email)
    if metadata is not None:
        (root / "submission_metadata.json").write_text(
            metadata if isinstance(metadata, str) else json.dumps(metadata))
    result = run_cli("autograder", "gradescope", "lab.1", "--grade", str(root), "--seed", "7",
                     "--roster", str(roster))
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    data: dict[str, Any] = json.loads((root / "results" / "results.json").read_text())
    return data


def test_gradescope_tells_a_student_missing_from_the_roster_that_nothing_was_graded(
        tmp_path: Path) -> None:
    data = _not_graded(tmp_path, "email,variant\nana@example.edu,2\n", "carl@example.edu")
    assert data["output"].startswith("Not graded (this is not a grade): your email and "
                                     "student id are not on the lab's roster")
    assert all(test["status"] == "failed" and test["score"] == 0 for test in data["tests"])


@pytest.mark.slow
def test_gradescope_grades_a_student_against_their_own_variant(tmp_path: Path) -> None:
    a, b = _two_variants("lab.1")
    roster = tmp_path / "roster.csv"
    roster.write_text(f"email,variant\nAna@Example.edu,{a}\nbob@example.edu,{b}\n")
    upload = _reference_file("lab.1", a, tmp_path / "a.py")

    def draw_of(variant: int) -> dict[str, Any]:
        from solver.variants.seeded import draw

        return draw(SEED, variant, lookup("lab.1").meta)

    for email, variant, full in (("ana@example.edu", a, True), ("bob@example.edu", b, False)):
        root = _gradescope_root(tmp_path / email, upload, email)
        result = run_cli("autograder", "gradescope", "lab.1", "--grade", str(root), "--seed",
                         str(SEED), "--roster", str(roster))
        assert result.returncode == 0, result.stderr
        data = json.loads((root / "results" / "results.json").read_text())
        params = json.loads(json.dumps(draw_of(variant)))
        settings = ", ".join(f"{name} {json.dumps(value) if isinstance(value, bool) else value}"
                             for name, value in params.items())
        assert data["output"].startswith(
            f"lab.1 Linear layer forward pass (variant {variant}: {settings}): "), data["output"]
        assert (data["score"] == 4) is full, data


def test_key_json_entry_of_a_lab_holds_its_params_and_answer_lines() -> None:
    question = lookup("lab.1").meta
    solution = solve(question, {"activation": "tanh", "bias": False})
    entry = kind_of(question).key_entry(question, solution)
    assert entry["params"] == {"activation": "tanh", "bias": False}
    lines = {part["label"]: part["lines"] for part in entry["parts"]}
    assert lines["A"] == ["self.weight = torch.empty(in_feat, out_feat)"]
    assert "y = torch.tanh(y)" in lines["B"]


def test_stress_counts_distinct_code_answers_and_flags_an_axis_that_changes_nothing() -> None:
    from solver.variants.stress import _axes, stress

    report = stress(lookup("lab.1").meta, 24, 5)
    assert report["distinct_answers"] == len(_versions("lab.1"))
    assert set(report["axes"].values()) == {"changes the answer"}
    flat = _axes({"colour": ("red", "blue"), "n": (1, 2)},
                 [{"colour": "red", "n": 1}, {"colour": "blue", "n": 1},
                  {"colour": "red", "n": 2}],
                 [{"A": "x"}, {"A": "x"}, {"A": "y"}])
    assert flat == {"colour": "never changes the answer", "n": "changes the answer"}


def test_each_moodle_lab_essay_shows_its_own_variants_template_and_statement() -> None:
    """A quiz's random question from the lab's category gives each student their own lab:
    every variant's essay holds that variant's statement and template (escaped), and the
    variants' templates are not all the same."""
    from lxml import etree

    from solver.lms.moodle.cli import bank
    from solver.registry import exam
    from solver.variants.seeded import question_draws

    question = lookup("lab.1").meta
    count = 6
    data, _ = bank(exam(), SEED, count, [question])
    texts = [element.text or "" for element in etree.fromstring(data).iterfind(
        "question/questiontext/text")]
    assert len(texts) == count
    templates = []
    for text, solution in zip(texts, question_draws(SEED, question, count), strict=True):
        template = kind_of(question).paper_view(question, solution).template
        shown = etree.fromstring(f"<div>{text}</div>", etree.HTMLParser()).xpath("string()")
        assert template.strip() in shown, solution.params
        name = solution.words["activation_name"]
        assert f"followed by a {name} activation function" in " ".join(shown.split())
        templates.append(template)
    assert len(set(templates)) > 1


def test_a_version_that_fails_its_torch_check_stops_naming_variant_lab_and_check(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A defect in a version's code (its softmax over the queries, not the keys) fails
    its check against F.scaled_dot_product_attention: the class stops, naming them."""
    from solver.model import SelfCheckError
    from solver.questions import lab7
    from solver.variants.seeded import question_draws

    edits = lab7.edits
    monkeypatch.setattr(lab7, "edits", lambda params: [*edits(params), labkit.Edit(
        "w = torch.softmax(w_prime, dim=2)", "w = torch.softmax(w_prime, dim=1)")])
    with pytest.raises(SelfCheckError, match=r"^variant 1: .*lab\.7.*scaled_dot_product"):
        question_draws(SEED, lookup("lab.7").meta, 1)


LAB_RECORD = '''title = "Another exam"
instructions = "Answer all."

[[sections]]
kind = "lab"
name = "Labs"

[[questions]]
id = "lab.1"
title = "A linear layer"
solver = "lab"
checks = "lab1"
template = "linear"
{versions}statement = "Complete the linear layer with a sigmoid."
paper_template = "class Linear(object): ..."
parts = [{{ label = "A", points = 1 }}, {{ label = "B", points = 3 }}]
'''


@pytest.mark.parametrize(("versions", "varies"), [("", False), ("versions = true\n", True)])
def test_a_lab_record_varies_only_when_it_asks_for_versions(
        tmp_path: Path, versions: str, varies: bool) -> None:
    """Another exam that reuses a lab's module with its own words keeps its own version
    in every variant: its words do not say which version a variant would be."""
    from solver.exam import read_exam
    from solver.variants.seeded import draw

    path = tmp_path / "exam.toml"
    path.write_text(LAB_RECORD.format(versions=versions))
    question = read_exam(path).questions["lab.1"]
    assert kind_of(question).varies(question) is varies
    assert bool(draw(7, 2, question)) is varies


def test_versions_must_be_true_or_false(tmp_path: Path) -> None:
    path = tmp_path / "exam.toml"
    path.write_text(LAB_RECORD.format(versions='versions = "yes"\n'))
    result = run_cli("--exam", str(path), "list")
    assert result.returncode == 2
    assert "'versions' must be true or false" in result.stderr


@pytest.mark.parametrize(("text", "words"), [
    ("email,sid,variant\nana@x.edu,111,3\n", "row 1: expected two cells"),
    ("ana.py,3,\n", "row 1: expected two cells"),
    ("ana,three\nbob,4\n", "row 1: variant 'three' is not a whole number"),
    ("ana,\uff13\n", "is not a whole number"),  # a fullwidth 3
    ("ana.py,3\nAna,5\n", "row 2: 'Ana' is given variant 5, and variant 3 on row 1"),
    ("submission,variant\n", "lists no one"),
])
def test_a_roster_is_two_cells_a_row_and_names_each_student_once(
        tmp_path: Path, text: str, words: str) -> None:
    from solver.grading.versions import read_roster
    from solver.model import InputError

    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(words)):
        read_roster(str(roster))


def test_a_roster_that_is_a_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    from solver.grading.versions import read_roster
    from solver.model import InputError

    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is not a regular file"):
        read_roster(str(fifo))


@pytest.mark.parametrize(("metadata", "words"), [
    ({"users": [{"email": "ana@example.edu"}, {"email": "carl@example.edu"}]},
     "carl@example.edu is not on the lab's roster"),
    ('{"users": ' + "[" * 100_000 + "]" * 100_000 + "}", "submission_metadata.json is not JSON"),
])
def test_gradescope_grades_a_group_only_when_every_student_has_the_same_variant(
        tmp_path: Path, metadata: Any, words: str) -> None:
    output = _not_graded(tmp_path, "ana@example.edu,2\n", "x@y.z", metadata)["output"]
    assert output.startswith("Not graded (this is not a grade)") and words in output, output


def test_gradescope_tells_the_student_when_the_bundles_roster_cannot_be_read(
        tmp_path: Path) -> None:
    output = _not_graded(tmp_path, "ana@example.edu,9999\n", "ana@example.edu")["output"]
    assert "the lab's roster could not be read" in output and "9999" in output
