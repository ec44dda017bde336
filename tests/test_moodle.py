"""``solver export moodle``: the Moodle XML bank of the class variants and its offline check.

One bank of the whole exam (seed 1, 3 variants) is built once through the command's own
``run``; the checker must pass it and fail it once tampered with (a fraction off Moodle's
list, a broken gap, a dangling @@PLUGINFILE@@, a tolerance that misses the answer).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from solver.kinds import kind_of
from solver.lms import tolerance
from solver.lms.feedback import read_params
from solver.lms.moodle import cli, cloze, export
from solver.lms.moodle.check import check, structure, verify
from solver.lms.moodle.export import DECLARATION, render
from solver.lms.plan import Planned, plan_bank
from solver.lms.plan import planned as plan_of
from solver.marking import WrongPath
from solver.model import InputError, SelfCheckError
from solver.registry import chosen, exam, lookup
from solver.variants.seeded import key_json, solve_variants
from tests.conftest import ROOT, solve

SEED, COUNT = 1, 3


@pytest.fixture(scope="module")
def built() -> tuple[bytes, list[Planned]]:
    """The checked bank of the whole exam and its plan (as ``run`` builds them)."""
    return cli.bank(exam(), SEED, COUNT, chosen(None))


def _questions(data: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(data)
    return {q.findtext("idnumber") or "": q for q in root if q.get("type") != "category"}


@pytest.mark.slow
def test_the_bank_passes_every_check(built: tuple[bytes, list[Planned]]) -> None:
    data, planned = built
    assert check(data, planned) == []
    assert data.split(b"\n", 1)[0] == DECLARATION.strip().encode()
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    categories = [q for q in root if q.get("type") == "category"]
    assert len(categories) == len(exam().questions)
    assert categories[0].findtext("category/text") == (
        f"$course$/{exam().title}/lab.1 {lookup('lab.1').meta.title}")
    kinds = {q.findtext("idnumber"): q.get("type") for q in root if q.get("type") != "category"}
    assert len(kinds) == COUNT * len(exam().questions)
    assert {kinds[f"lecture.{n}-v2"] for n in (1, 2, 3, 5)} == {"cloze"}
    assert {kinds[f"lecture.{n}-v2"] for n in (4, 6, 7, 8)} == {"essay"}
    assert kinds["lab.3-v1"] == "essay" and kinds["paper.4-v3"] == "multichoice"


@pytest.mark.slow
def test_run_writes_the_same_bytes_for_the_same_seed(built: tuple[bytes, list[Planned]],
                                                     tmp_path: Path) -> None:
    out = tmp_path / "bank.xml"
    assert cli.run(argparse.Namespace(seed=SEED, count=COUNT, out=str(out), only=None)) == 0
    assert out.read_bytes() == built[0]


@pytest.mark.slow
def test_the_bank_holds_the_variants_of_key_json(built: tuple[bytes, list[Planned]]) -> None:
    data, planned = built
    questions = chosen(None)
    key = json.loads(key_json(SEED, COUNT, questions, solve_variants(SEED, COUNT, questions)))
    found = _questions(data)
    for variant in key["variants"]:
        for qid, entry in variant["questions"].items():
            question = found[f"{qid}-v{variant['variant']}"]
            assert read_params(question.findtext("generalfeedback/text") or "") == entry["params"]
            if "options" in entry:
                shown = [a.findtext("text") for a in question.findall("answer")]
                assert shown == [html.escape(o, quote=False) for o in entry["options"].values()]
                right = [a.get("fraction") for a in question.findall("answer")].index("100")
                assert "ABCDEF"[right] == entry["answer"]["choice"]
    plans = {p.idnumber: p for p in planned}
    ewma = plans["lecture.5-v2"].gaps
    answers = key["variants"][1]["questions"]["lecture.5"]["answer"]
    assert [float(g.exact) for g in ewma] == pytest.approx([answers["S"], answers["S_hat"]])


@pytest.mark.slow
def test_the_replay_marks_each_gap_as_planned(built: tuple[bytes, list[Planned]]) -> None:
    data, planned = built
    found = _questions(data)
    for plan in (p for p in planned if p.form == "gaps"):
        parsed, _ = cloze.parse_gaps(found[plan.idnumber].findtext("questiontext/text") or "")
        assert [g.weight for g in parsed] == [g.weight for g in plan.gaps]
        for gap, goal in zip(parsed, plan.gaps, strict=True):
            assert cloze.grade(gap, tolerance.decimal_text(goal.exact, goal.places)) == 1.0
            assert cloze.grade(gap, repr(float(goal.exact) * 1.1 or 0.1)) < 1.0
            for wrong in goal.wrong:
                assert cloze.grade(gap, repr(float(wrong.value))) == float(wrong.percent) / 100


def _tampered(data: bytes, old: str, new: str) -> bytes:
    text = data.decode("utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8")


def _gap_of(data: bytes, idnumber: str, index: int = 0) -> str:
    text = _questions(data)[idnumber].findtext("questiontext/text") or ""
    return cloze.parse_gaps(text)[0][index].source


@pytest.mark.slow
@pytest.mark.parametrize("case", ["fraction", "cloze fraction", "broken gap", "not a number",
                                  "dangling file", "undecodable file", "exact excluded",
                                  "rounded excluded", "shuffled", "two right"])
def test_tampering_fails_the_check(built: tuple[bytes, list[Planned]], case: str) -> None:
    data, planned = built
    gap = html.escape(_gap_of(data, "lecture.1-v1"), quote=False)
    cell = html.escape(_gap_of(data, "lecture.3-v1", 1), quote=False)  # 7/18
    value = re.search(r"=([-0-9.]+):", gap)
    assert value is not None
    changes = {
        "fraction": ('<answer fraction="0" format="html">',
                     '<answer fraction="35" format="html">'),
        "cloze fraction": ("%50%", "%55%"),
        "broken gap": (gap, gap.replace(":NUMERICAL:", ":NUMERIC:")),
        "not a number": (gap, gap.replace(f"={value.group(1)}:", "=7a1:")),
        "dangling file": ('<file name="fig1.svg"', '<file name="fig9.svg"'),
        "undecodable file": ('encoding="base64">PHN2', 'encoding="base64">*HN2'),
        "exact excluded": (gap, gap.replace(f"={value.group(1)}:",
                                            f"={int(value.group(1)) + 1}:")),
        "rounded excluded": (cell, re.sub(r"^(\{\d+:NUMERICAL:=[-0-9.]+:)[0-9.]+", r"\g<1>0",
                                          cell)),
        "shuffled": ("<shuffleanswers>0</shuffleanswers>", "<shuffleanswers>1</shuffleanswers>"),
        "two right": ('<answer fraction="0" format="html">',
                      '<answer fraction="100" format="html">'),
    }
    bad = _tampered(data, *changes[case])
    assert check(bad, planned)
    with pytest.raises(SelfCheckError, match="failed its offline check"):
        verify(bad, planned)


@pytest.mark.slow
def test_a_missing_declaration_or_root_fails(built: tuple[bytes, list[Planned]]) -> None:
    data, _ = built
    assert structure(data[len(DECLARATION):])[0].startswith("line 1")
    assert any("root" in p for p in structure(data.replace(b"<quiz>", b"<quizz>", 1)
                                              .replace(b"</quiz>", b"</quizz>")))


# --- the gap grammar and the tolerance policy -------------------------------------------


def test_moodle_documented_gaps_parse() -> None:
    text = ("Berlin is {1:SHORTANSWER:=Berlin#Right~*#Wrong} and 23.8 is "
            "{2:NUMERICAL:=23.8:0.1#Feedback~%50%23.8:2#Half} then {1:MC:Wrong~=Right#OK}")
    parsed, stored = cloze.parse_gaps(text)
    assert stored == "Berlin is {#1} and 23.8 is {#2} then {#3}"
    assert [(g.weight, g.kind) for g in parsed] == [(1, "shortanswer"), (2, "numerical"),
                                                    (1, "multichoice")]
    numerical = parsed[1].answers
    assert [(a.text, a.tolerance, a.fraction) for a in numerical] == [("23.8", "0.1", 1.0),
                                                                     ("23.8", "2", 0.5)]
    assert cloze.grade(parsed[1], "23.85") == 1.0 and cloze.grade(parsed[1], "25.7") == 0.5
    assert cloze.grade(parsed[1], "26") == 0.0
    assert cloze.problems(parsed[1]) == [] and cloze.problems(parsed[2]) == []
    no_right, _ = cloze.parse_gaps("{1:NUMERICAL:%50%3:0}")
    assert cloze.problems(no_right[0]) == ["has no answer at 100 %"]


def test_feedback_escaping_round_trips_through_the_importer() -> None:
    message = 'a}b#c~d/e"f\\g<h&i \\} end'
    text = cloze.gap_text(3, [("100", "1.5", "0.01", message), ("25", "-2", "0", "x~y")])
    parsed, _ = cloze.parse_gaps(f"<p>{text}</p>")
    assert len(parsed) == 1 and len(parsed[0].answers) == 2
    first, second = parsed[0].answers
    assert first.feedback == html.escape(message, quote=False)
    assert (second.text, second.percent, second.feedback) == ("-2", "25", "x~y")


def test_tolerance_policy() -> None:
    assert tolerance.tolerance(Fraction(711), 0) == 0
    assert tolerance.decimals([Fraction(7, 18), Fraction(49, 18)]) == 4
    assert tolerance.decimals([Fraction(1, 18), Fraction(2)]) == 5
    assert tolerance.decimals([Fraction(3), Fraction(-5)]) == 0
    for value in (Fraction(7, 18), Fraction(-49, 18), Fraction(1, 18), Fraction(3439, 10000),
                  Fraction(1, 1000), Fraction(123456, 7)):
        places = tolerance.decimals([value])
        tol = tolerance.tolerance(value, places)
        assert abs(tolerance.rounded(value, places) - value) <= tol  # rounded: accepted
        assert tol < abs(value) / 10  # 10 % off: rejected
        assert tol >= Fraction(1, 10**places) and tol >= abs(value) / 200
    assert tolerance.decimal_text(Fraction(-1, 8)) == "-0.125"
    assert tolerance.decimal_text(Fraction(2, 3), 4) == "0.6667"
    assert tolerance.answer_text(Fraction(1, 3)) == "0.3333333333333333"
    # A known mistake's credit is in its record (tests/test_wrong_paths.py), from Moodle's list.
    assert WrongPath("value", "a mistake", 1.5, "50").credit in tolerance.ALLOWED
    for off_the_list in ("55", "100", "-50", "50 %", ""):
        with pytest.raises(ValueError, match="Moodle's list"):
            WrongPath("value", "a mistake", 1.5, off_the_list)


def test_a_wrong_path_within_the_right_tolerance_is_left_out() -> None:
    question = lookup("lecture.2").meta
    solution = solve("lecture.2", x=0.5, y=0.2, w1=0.3, b1=0.1, w2=-0.8, b2=0.2, lam=0.0,
                     activation="tanh")
    (plan,) = plan_of(question, solution, 1).gaps
    known = kind_of(question).wrong_paths(question, solution)
    assert plan.wrong == () and plan.left_out == tuple(
        path.name for path in known if path.answer == "value")


def test_weights_split_points_over_cells_as_whole_numbers() -> None:
    question = lookup("lecture.3").meta
    plans = plan_of(question, solve("lecture.3"), 1).gaps  # the exam's 5x5x2 image: 3x3 out
    assert [p.weight for p in plans] == [18] + [4] * 9  # 2 points : 4 points over 9 cells
    assert plans[0].exact == Fraction(1, 18) and plans[0].places == 5


def test_explain_parts_are_text_and_not_gaps() -> None:
    question = lookup("lecture.5").meta
    plans = plan_of(question, solve("lecture.5"), 1).gaps
    assert [(p.part, p.weight) for p in plans] == [("1", 2), ("2", 2)]
    questions = [question]
    planned = plan_bank(questions, solve_variants(2, 1, questions))
    text = ET.fromstring(render("t", planned)).findtext("question[2]/questiontext/text") or ""
    assert text.count("not marked automatically") == 2


# --- the command ---------------------------------------------------------------------


def _run(tmp_path: Path, **given: Any) -> int:
    args = {"seed": 1, "count": 1, "out": str(tmp_path / "bank.xml"), "only": ["paper.1"]}
    return cli.run(argparse.Namespace(**{**args, **given}))


@pytest.mark.parametrize(("given", "message"), [
    ({"out": "bank.txt"}, "must end in .xml"),
    ({"out": "/no/such/folder/bank.xml"}, "does not exist"),
    ({"seed": -1}, "--seed"),
    ({"count": 0}, "--count"),
    ({"only": ["paper.99"]}, "unknown question id"),
])
def test_bad_input_is_one_line(tmp_path: Path, given: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        _run(tmp_path, **given)


def test_only_writes_the_chosen_questions(tmp_path: Path) -> None:
    assert _run(tmp_path, count=2, only=["paper.1", "lecture.5"]) == 0
    found = _questions((tmp_path / "bank.xml").read_bytes())
    assert sorted(found) == ["lecture.5-v1", "lecture.5-v2", "paper.1-v1", "paper.1-v2"]
    configured = argparse.ArgumentParser()
    cli.configure(configured)
    args = configured.parse_args(["--seed", "3", "--count", "2", "--out", "x.xml"])
    assert (args.seed, args.count, args.out, args.only) == (3, 2, "x.xml", None)


def test_another_exam_labels_its_parts_in_its_own_way() -> None:
    from solver.exam import BUNDLED
    from solver.registry import use_exam

    use_exam(ROOT / "tests" / "fixture_exam")
    try:
        data, planned = cli.bank(exam(), 5, 2, chosen(None))
        ewma = next(p for p in planned if p.question.solver == "lecture5")
        assert [(g.part, g.weight) for g in ewma.gaps] == [("a", 1), ("b", 1)]
        assert check(data, planned) == []
    finally:
        use_exam(BUNDLED)


def test_a_whole_number_among_decimals_accepts_rounded_working() -> None:
    """Lecture 5's own Ŝ_2 = 1 is reached by dividing S_2 = 0.0975 by 1 − 0.95² = 0.0975: a
    student who carries S_2 rounded gets a value near 1, not 1 itself. Whole numbers are
    asked exactly only in a question of whole numbers (lecture 1's count)."""
    question = lookup("lecture.5").meta
    _, s_hat = plan_of(question, solve("lecture.5"), 1).gaps
    assert s_hat.exact == 1 and s_hat.places == 5 and s_hat.tolerance == Fraction(5, 1000)
    gap = cloze.parse_gaps(export._gap(s_hat))[0][0]
    assert cloze.grade(gap, "1.000175") == 1.0 and cloze.grade(gap, "1.1") == 0.0
    (total,) = plan_of(lookup("lecture.1").meta, solve("lecture.1"), 1).gaps
    assert total.places == 0 and total.tolerance == 0


def test_the_rounding_example_is_never_an_answer() -> None:
    """The cloze text shows how to round with an example fraction: never one of the
    question's own answers (it would show how to type that answer)."""
    from solver.variants.seeded import question_draws

    question = lookup("lecture.3").meta
    for seed in range(1, 60):
        solution = question_draws(seed, question, 1)[0]
        item = plan_of(question, solution, 1)
        if any(gap.exact == Fraction(2, 3) for gap in item.gaps):
            text = export._cloze_text(item)
            assert "for example 2/3" not in text and "for example 5/7 as" in text
            return
    raise AssertionError("no draw of lecture 3 with an answer of 2/3 in 59 seeds")


def test_a_figure_caption_is_maths_in_its_text_and_unicode_in_its_alt_text() -> None:
    from solver.lms.feedback import FeedbackPrinter
    from solver.model import Figure, Series

    printer = FeedbackPrinter(lambda name: f"@@PLUGINFILE@@/{name}")
    markup = printer.print_figure(Figure(
        caption=r"The discriminator $D^* = p_{\mathrm{data}} / (p_{\mathrm{data}} + p_g)$.",
        series=(Series("D", (0.0, 1.0), (0.5, 0.5)),)))
    alt = re.search(r'alt="([^"]*)"', markup)
    assert alt and alt.group(1) == "The discriminator D* = p_data/(p_data + p_g)."
    assert r"<em>The discriminator \(D^* = " in markup  # MathJax in the visible caption
