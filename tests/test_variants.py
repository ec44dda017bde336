"""Class variants: samplers, key.json, shuffled options whose key follows, PDFs, stress."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from solver.marking import WrongPath
from solver.model import SelfCheckError, Solution
from solver.questions import lecture1
from solver.registry import entries, exam, lookup
from solver.variants.seeded import draw, question_draws, solve_variant, varies
from solver.variants.stress import stress
from tests.conftest import run_cli, solve

COMPUTED = ["lecture.1", "lecture.2", "lecture.3", "lecture.5"]
def draws(seed: int, question: Any, count: int) -> list[dict[str, Any]]:
    """Variants 1..count's parameters, drawn once (each variant's draw follows the ones
    before it)."""
    return [solution.params for solution in question_draws(seed, question, count)]


PAPERS = [qid for qid in entries() if qid.startswith("paper.")]


@pytest.mark.parametrize("qid", [*COMPUTED, "lecture.4", "lecture.6", "lecture.7",
                                 "lecture.8", "paper.1"])
def test_draws_are_deterministic_and_independent_of_other_questions(qid: str) -> None:
    question = lookup(qid).meta
    first = [draw(7, n, question) for n in range(1, 6)]
    assert first == [draw(7, n, question) for n in range(1, 6)]
    assert len({json.dumps(d, sort_keys=True) for d in first}) > 1  # variants differ
    assert first != [draw(8, n, question) for n in range(1, 6)]  # another seed: others


def test_every_lab_varies_and_a_draw_gives_a_value_of_each_axis() -> None:
    from solver.kinds import kind_of

    for n in range(1, 9):
        question = lookup(f"lab.{n}").meta
        assert varies(question)
        axes = kind_of(question).axes(question)
        drawn = draw(1, 3, question)
        assert set(drawn) == set(axes) and all(drawn[k] in axes[k] for k in axes), drawn


def test_lecture5_draws_rho_from_the_short_list_and_a_few_steps() -> None:
    question = lookup("lecture.5").meta
    drawn = draws(1, question, 100)
    assert {d["rho"] for d in drawn} <= {0.5, 0.8, 0.9, 0.95, 0.99}
    assert all(2 <= d["t"] <= 4 for d in drawn)


def test_lecture3_draws_small_integer_images_with_no_zero_output() -> None:
    question = lookup("lecture.3").meta
    for params in draws(3, question, 60):
        cells = [v for c in params["image"] for row in c for v in row]
        assert all(isinstance(v, int) and -9 <= v <= 9 for v in cells)
        assert len(params["image"][0]) <= 6 and params["kernel_size"] <= 3
        output = solve("lecture.3", **params).answer["output"]
        assert all(cell != 0 for row in output for cell in row), params


def test_lecture1_and_2_draws_are_readable_and_not_degenerate() -> None:
    for p1, p2 in zip(draws(5, lookup("lecture.1").meta, 60),
                      draws(5, lookup("lecture.2").meta, 60), strict=True):
        assert p1["kernel_size"] <= p1["height"] + 2 * p1["padding"]
        assert all(p1[k] <= 32 for k in ("in_channels", "hidden_channels", "height"))
        numbers = [p2[k] for k in ("x", "y", "w1", "b1", "w2", "b2", "lam")]
        assert all(Fraction(str(v)).denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)
                   for v in numbers)
        assert p2["w1"] != 0 and p2["w2"] != 0 and p2["x"] != 0
        assert p2["activation"] in ("sigmoid", "tanh")


def test_shuffled_options_keep_the_right_statement_as_the_key() -> None:
    for qid in PAPERS:
        question = lookup(qid).meta
        right = question.data["options"][question.data["key"]]
        for params in draws(11, question, 8):
            solution = solve(qid, **params)
            letter = solution.answer["choice"]
            shown = {row[0]: row[1] for row in solution.steps[0].rows}
            assert shown[letter] == right
            assert sorted(shown.values()) == sorted(question.data["options"].values())


def test_key_letters_fall_evenly_across_variants_and_questions() -> None:
    per_question: dict[str, Counter[str]] = {}
    per_variant: list[Counter[str]] = []
    orders = {qid: [p["order"] for p in draws(2, lookup(qid).meta, 40)] for qid in PAPERS}
    for n in range(1, 41):
        letters: Counter[str] = Counter()
        for qid in PAPERS:
            question = lookup(qid).meta
            order = orders[qid][n - 1]
            letter = "ABCD"[order.index(question.data["key"])]
            letters[letter] += 1
            per_question.setdefault(qid, Counter())[letter] += 1
        per_variant.append(letters)
    for counts in per_question.values():  # one question across 40 variants: 10 each
        assert sorted(counts.values()) == [10, 10, 10, 10]
    # One variant's 14 questions: each question's key is drawn on its own (so that no
    # variant's key string follows from another's), so a letter may lead a variant, but
    # never by much: answering one letter throughout earns at most 8 of 14.
    assert max(max(counts.values()) for counts in per_variant) <= 8
    assert sum(max(counts.values()) for counts in per_variant) / len(per_variant) < 6


def test_a_variant_that_fails_its_check_names_variant_question_and_check(
        broken_lecture5: None) -> None:
    from solver.model import SelfCheckError

    # Variant 2 is drawn after variant 1 (it must not repeat it): the first to fail is 1.
    with pytest.raises(SelfCheckError, match=r"variant 1: self-check failed for lecture\.5: "
                                             r"deliberately broken oracle"):
        solve_variant(1, 2, [lookup("lecture.5").meta])


@pytest.mark.slow
def test_variants_key_json(tmp_path: Path) -> None:
    only = ["lecture.1", "lecture.5", "paper.3", "lab.1"]
    result = run_cli("variants", "--seed", "4", "--count", "3", "--out", str(tmp_path / "a"),
                     "--only", *only)
    assert result.returncode == 0, result.stderr
    assert "lecture.5: 3 variants solved and verified" in result.stderr
    key = json.loads((tmp_path / "a" / "key.json").read_text())
    assert key["seed"] == 4 and key["count"] == 3
    assert [v["variant"] for v in key["variants"]] == [1, 2, 3]
    for variant in key["variants"]:
        questions = variant["questions"]
        assert list(questions) == only
        assert "options" in questions["paper.3"] and "options" not in questions["lecture.1"]
        # The same keys as `solver solve ID --format json`, for the variant's params.
        params = {k: v for k, v in questions["lecture.5"]["params"].items()}
        alone = solve("lecture.5", **params)
        assert questions["lecture.5"]["answer"] == alone.answer
        # An independent oracle: S_t = (1 - rho) sum_i rho^(t - i) y_i for the variant's
        # gradients y_1 .. y_t.
        p = questions["lecture.5"]["params"]
        rho = Fraction(str(p["rho"]))
        expected = (1 - rho) * sum(rho ** (p["t"] - i) * Fraction(str(y))
                                   for i, y in enumerate(p["values"], start=1))
        assert questions["lecture.5"]["answer"]["S"] == pytest.approx(float(expected))
        assert [part["label"] for part in questions["lecture.5"]["parts"]] == ["1", "2", "3",
                                                                                "4"]
        options = questions["paper.3"]["options"]
        assert options[questions["paper.3"]["answer"]["choice"]].startswith("Yes, although")
    again = run_cli("variants", "--seed", "4", "--count", "3", "--out", str(tmp_path / "b"),
                    "--only", *only)
    assert again.returncode == 0
    assert (tmp_path / "a" / "key.json").read_bytes() == (tmp_path / "b" / "key.json").read_bytes()
    other = run_cli("variants", "--seed", "5", "--count", "3", "--out", str(tmp_path / "c"),
                    "--only", *only)
    assert other.returncode == 0
    assert (tmp_path / "c" / "key.json").read_bytes() != (tmp_path / "a" / "key.json").read_bytes()


@pytest.mark.parametrize(("args", "expected"), [
    (["--seed", "1", "--count", "0"], "--count must be in 1..1000"),
    (["--seed", "-1", "--count", "2"], "--seed must be a whole number"),
    (["--seed", "1", "--count", "2", "--jobs", "99"], "--jobs must be in 1..8"),
    (["--seed", "1", "--count", "2", "--only", "lecture.99"], "unknown question id"),
])
def test_variants_bad_input_is_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run_cli("variants", "--out", str(tmp_path / "out"), *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and expected in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.sheet
def test_variant_pdfs_paper_has_no_answers_and_the_key_does(tmp_path: Path) -> None:
    from pypdf import PdfReader

    result = run_cli("variants", "--seed", "9", "--count", "2", "--out", str(tmp_path),
                     "--only", "lecture.5", "paper.1", "--pdf")
    assert result.returncode == 0, result.stderr
    key = json.loads((tmp_path / "key.json").read_text())
    for variant in key["variants"]:
        number = variant["variant"]
        lecture5 = variant["questions"]["lecture.5"]
        paper = PdfReader(tmp_path / f"variant-{number:03d}-questions.pdf")
        worked = PdfReader(tmp_path / f"variant-{number:03d}-key.pdf")
        paper_pages = [page.extract_text() for page in paper.pages]
        key_pages = [page.extract_text() for page in worked.pages]
        for page in key_pages:  # the TA's key: the seed and the variant
            assert f"graders’ key · class seed 9 · variant {number}" in page
        for page in paper_pages:  # the student's paper: the variant alone
            assert f"variant {number}" in page and "seed" not in page
        paper_text, key_text = "\n".join(paper_pages), "\n".join(key_pages)
        assert "For graders" in key_pages[0] and "For graders" not in paper_text
        rho = lecture5["params"]["rho"]
        assert f"ρ = {rho}" in re.sub(r"\s+", " ", paper_text)
        s_text = lecture5["parts"][0]["text"]  # "S_t = 39/400 = 0.0975"
        exact = s_text.split(" = ")[1].replace("-", "−")  # the PDF sets a minus sign
        assert exact not in re.sub(r"\s+", " ", paper_text).replace("-", "−")
        assert "Final answer" not in paper_text and "FINAL ANSWER" not in paper_text
        assert exact in key_text
        options = variant["questions"]["paper.1"]["options"]
        for letter, text in options.items():
            assert f"{letter}) {text[:30]}" in re.sub(r"\s+", " ", paper_text)


def test_stress_report_names_what_a_variant_does_not_test() -> None:
    result = run_cli("stress", "lecture.5", "--count", "30", "--seed", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["failures"] == [] and report["count"] == 30
    assert report["equals_a_parameter"] == {} and report["equals_a_printed_number"] == {}
    assert report["answers"]["S"]["distinct"] > 5
    assert report["seconds"]["worst"] >= report["seconds"]["median"] > 0
    choice = json.loads(run_cli("stress", "paper.2", "--count", "40", "--format",
                                "json").stdout)
    assert sorted(choice["key_letters"].values()) == [10, 10, 10, 10]
    text = run_cli("stress", "lecture.1", "--count", "20").stdout
    assert "failures: 0" in text and "coincide with a typical wrong path" in text


def test_a_draw_where_a_wrong_path_gives_the_answer_is_drawn_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistake that gives the right total for even totals: no variant has an even total;
    one that always gives it: no fair draw, named with the mistake as its record names it."""
    question = lookup("lecture.1").meta
    original = lecture1.wrong_paths

    def even(solution: Solution) -> list[WrongPath]:
        total = solution.answer["total"]
        return [*original(solution), WrongPath("total", "halved twice", total if total % 2 == 0
                                               else total + 1, "50")]

    monkeypatch.setattr(lecture1, "wrong_paths", even)
    report = stress(question, 20, 1)
    assert report["coincides_with_wrong_path"] == {} and report["near_a_wrong_path"] == {}
    assert all(solve("lecture.1", **p).answer["total"] % 2 == 1
               for p in [draw(1, n, question) for n in (1, 5, 20)])

    def always(solution: Solution) -> list[WrongPath]:
        return [dataclasses.replace(path, name=f"mistake {i}", value=solution.answer["total"])
                for i, path in enumerate(original(solution))]

    monkeypatch.setattr(lecture1, "wrong_paths", always)
    with pytest.raises(SelfCheckError, match=r"variant 1: no fair draw of lecture\.1 in 50 "
                                             r"tries \(the last: .*total: mistake 0"):
        stress(question, 3, 1)


def test_a_lab_question_paper_shows_the_template_without_the_answer_lines() -> None:
    from solver.variants.papers import paper_html

    question = lookup("lab.3").meta
    variant = solve_variant(1, 1, [question])
    html = paper_html(exam(), 1, 1, [question], variant)
    # The exam's own template: its markers as the exam prints them.
    assert "# C) Forward pass." in html and "# B) Make window." in html
    assert html.count("# Your code goes here.") == 2 and "# END OF YOUR CODE" in html
    answers = variant.solutions["lab.3"].answer
    for part in ("A", "B", "C"):
        for line in answers[part].splitlines():
            assert line.strip() not in html, line


@pytest.mark.slow
def test_parallel_runs_are_quiet(tmp_path: Path) -> None:
    """`variants --jobs 2`: the pool's workers never run the CLI's signal handlers (the
    review saw a traceback on 2 of 6 successful runs, from Pool.terminate's SIGTERM)."""
    for run in range(20):
        result = run_cli("variants", "--seed", str(run), "--count", "3", "--jobs", "2",
                         "--only", "lecture.1", "lecture.5", "paper.1", "--out",
                         str(tmp_path / "out"), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr and "Error" not in result.stderr, run


@pytest.mark.slow
def test_a_stopped_parallel_run_is_one_line_and_leaves_no_worker(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    with subprocess.Popen(
            [sys.executable, "-m", "solver", "variants", "--seed", "4", "--count", "1000",
             "--jobs", "2", "--out", str(tmp_path / "out")],
            cwd=tmp_path, stderr=subprocess.PIPE, text=True,
            start_new_session=True) as process:
        assert process.stderr is not None
        for line in process.stderr:  # stop it once the pool is at work
            if "variants solved" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest = process.stderr.read()
        assert process.wait(timeout=60) == 128 + signal.SIGTERM
    lines = rest.strip().splitlines()  # progress lines already on their way, then one
    assert lines[-1] == "solver: terminated", rest
    assert all("variants solved and verified (" in line for line in lines[:-1]), rest
    assert subprocess.run(["pgrep", "-s", str(process.pid)],
                          capture_output=True).stdout == b""  # no worker left behind
    assert not (tmp_path / "out" / "key.json").exists()


@pytest.mark.slow
@pytest.mark.sheet
def test_variant_pdfs_written_in_parallel_are_the_same_bytes(tmp_path: Path) -> None:
    """--jobs 2 writes two variants' PDFs at once in forked workers: the files are those
    of a run one at a time, and the progress lines count every variant with an estimate."""
    runs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        result = run_cli("variants", "--seed", "6", "--count", "3", "--pdf", "--jobs", jobs,
                         "--only", "lecture.5", "lab.1", "paper.2", "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert "(3 of 3)" in result.stderr and "left)" in result.stderr
        runs[jobs] = {p.name: p.read_bytes() for p in sorted(out.glob("*.pdf"))}
    assert len(runs["1"]) == 6 and runs["1"] == runs["2"]


@pytest.mark.slow
@pytest.mark.sheet
def test_a_paper_with_three_wide_matrices_keeps_them_on_the_page(tmp_path: Path) -> None:
    """Variant 2 of seed 2026 draws a 6×6×3 image for lecture 3: its three matrices are
    formulas in a row, and each must wrap onto a line of its own rather than run off the
    page (the spaces between them stay places to break)."""
    from pypdf import PdfReader

    result = run_cli("variants", "--seed", "2026", "--count", "2", "--out", str(tmp_path),
                     "--only", "lecture.3", "--pdf")
    assert result.returncode == 0, result.stderr
    image = json.loads((tmp_path / "key.json").read_text())["variants"][1]["questions"][
        "lecture.3"]["params"]["image"]
    assert len(image) == 3 and len(image[0][0]) == 6  # the case this test is about
    for name in ("variant-002-questions.pdf", "variant-002-key.pdf"):
        for page in PdfReader(tmp_path / name).pages:
            right = float(page.mediabox.right)
            assert max(_text_starts(page)) < right - 40, name


def _text_starts(page: Any) -> list[float]:
    """Where each piece of a PDF page's text starts, in points from the page's left."""
    starts: list[float] = []

    def visit(text: str, cm: Any, tm: Any, *_: Any) -> None:
        if text.strip():
            starts.append(cm[0] * tm[4] + cm[2] * tm[5] + cm[4])

    page.extract_text(visitor_text=visit)
    return starts
