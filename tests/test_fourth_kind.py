"""A fourth kind of question, defined here alone: true or false.

The kind is one :class:`solver.kinds.Kind` subclass and one ``register`` call; its exam
(``tests/fourth_kind/exam.toml``) files it beside a multiple-choice question. It flows
through the exam file's reader, solving, seeded variants and ``key.json``, a student's
question paper, the answer sheet and its key at a glance, a checked Moodle bank, and the
paper answer booklet and the scanner's key, with no edit to any other file. The expected
answers come from the exam file's own ``truth``, never from what the solver printed.
"""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from solver.kinds import Kind, LmsItem, PaperView, register, unregister
from solver.model import Check, InputError, Meta, Solution, Text
from solver.paper.fields import ChoiceField, Field
from solver.record import Question
from tests.conftest import ROOT

FOLDER = ROOT / "tests" / "fourth_kind"


@dataclass(frozen=True)
class Params:
    negated: bool = False  # the variant prints the record's negation instead of its claim


class TrueFalse(Kind):
    """A statement to judge: the record's ``claim`` (or, in some variants, its
    ``negation``), whether the claim is true (``truth``) and why (``why``)."""

    name: ClassVar[str] = "truefalse"
    css_class: ClassVar[str] = "kind-paper"

    def check_record(self, where: str, question: Question) -> Question:
        question = super().check_record(where, question)
        for key in ("claim", "negation", "why"):
            if not isinstance(question.data.get(key), str) or not question.data[key]:
                raise InputError(f"{where}: '{key}' must be a non-empty string")
        if not isinstance(question.data.get("truth"), bool):
            raise InputError(f"{where}: 'truth' must be true or false")
        return question

    def params_class(self, question: Question) -> type[Any] | None:
        return Params

    def solve(self, question: Question, params: Any, meta: Meta,
              words: dict[str, Any]) -> Solution:
        data = question.data
        shown = data["negation"] if params.negated else data["claim"]
        truth = data["truth"] != params.negated
        verdict = "True" if truth else "False"
        solution = Solution(meta, {"negated": True} if params.negated else {})
        solution.add(Text(f"Statement: {shown}"), Text(f"Answer: {verdict}"),
                     Text(f"Why: {data['why']}"))
        solution.give("truth", truth, verdict)
        solution.answer_part(question.parts[0].label, verdict)
        solution.words["verdict"] = verdict
        # The printed statement is the record's claim or its negation, never both.
        solution.checks.append(Check("the statement printed is the variant's",
                                     (shown == data["claim"]) != params.negated,
                                     "claim or negation, as the parameters say"))
        return solution

    def varies(self, question: Question) -> bool:
        return True

    def sample(self, question: Question, rng: random.Random, variant: int,
               stable: random.Random) -> dict[str, Any]:
        return {"negated": rng.random() < 0.5}

    def paper_view(self, question: Question, solution: Solution) -> PaperView:
        shown = question.data["negation" if solution.params.get("negated") else "claim"]
        return PaperView(options={"A": f"True: {shown}", "B": f"False: {shown}"})

    def lms_item(self, question: Question, solution: Solution) -> LmsItem:
        return LmsItem("choice", options=(("A", "True"), ("B", "False")),
                       right="A" if solution.answer["truth"] else "B",
                       why=question.data["why"])

    def booklet_fields(self, question: Question, solution: Solution) -> tuple[Field, ...]:
        return (ChoiceField(question.id, ("A", "B"), question.total),)  # A true, B false


@pytest.fixture
def quick_checks() -> Iterator[None]:
    """The kind registered and its exam active, both gone afterwards."""
    from solver.exam import BUNDLED
    from solver.registry import use_exam

    register(TrueFalse())
    try:
        use_exam(FOLDER)
        yield
    finally:
        use_exam(BUNDLED)
        unregister("truefalse")


def _expected(question: Question, params: dict[str, Any]) -> bool:
    """The key, from the exam file: the claim's truth, flipped when the negation is shown."""
    return bool(question.data["truth"]) != bool(params.get("negated", False))


def test_the_exam_file_is_checked_by_the_kind(quick_checks: None, tmp_path: Any) -> None:
    from solver.exam import read_exam

    broken = (FOLDER / "exam.toml").read_text(encoding="utf-8").replace("truth = false",
                                                                        'truth = "no"')
    (tmp_path / "exam.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(InputError, match=r"check\.1: 'truth' must be true or false"):
        read_exam(tmp_path)


def test_it_solves_and_its_variants_have_keys(quick_checks: None) -> None:
    from solver.engine import solve
    from solver.registry import exam
    from solver.variants.seeded import key_json, solve_variants

    questions = list(exam().questions.values())
    assert solve(exam().questions["check.1"]).answer["truth"] is False
    assert solve(exam().questions["check.2"]).answer["truth"] is True
    variants = solve_variants(11, 12, questions)
    key = json.loads(key_json(11, 12, questions, variants))
    negated = set()
    for variant in key["variants"]:
        for qid in ("check.1", "check.2"):
            entry = variant["questions"][qid]
            assert entry["answer"]["truth"] is _expected(exam().questions[qid], entry["params"])
            assert entry["parts"][0]["text"] == ("True" if entry["answer"]["truth"] else "False")
            negated.add(bool(entry["params"].get("negated")))
        assert variant["questions"]["check.3"]["answer"]["choice"] in "ABC"
    assert negated == {True, False}  # the variants differ


def test_the_question_paper_and_the_sheet_show_it(quick_checks: None) -> None:
    from solver.registry import entries, exam
    from solver.sheet.build import sheet_html
    from solver.sheet.solving import solve_and_render
    from solver.variants.papers import paper_html
    from solver.variants.seeded import solve_variant

    questions = list(exam().questions.values())
    variant = solve_variant(3, 1, questions)
    paper = paper_html(exam(), 3, 1, questions, variant)
    assert "Quick checks" in paper and "ReLU" in paper
    assert "Its left derivative" not in paper  # no answer on the student's paper
    html = sheet_html(exam(), solve_and_render(list(entries())))
    section = re.search(r'<section class="question kind-paper" id="check-1">.*?</section>',
                        html, re.S)
    assert section and "ReLU is differentiable at 0." in section.group(0)
    assert section.group(0).count("Its left derivative at 0 is 0") == 1
    key = html[html.index('<section class="key"'):]
    assert re.search(r'href="#check-1">.*?False', key, re.S)  # a row of the key
    assert re.search(r'<td class="letter">B</td>', key)  # the choice's letter


def test_its_moodle_bank_passes_the_checks(quick_checks: None) -> None:
    from solver.lms.moodle import cli
    from solver.lms.moodle.check import check
    from solver.registry import chosen, exam

    data, planned = cli.bank(exam(), 5, 4, chosen(None))
    assert check(data, planned) == []
    for element in ET.fromstring(data).findall("question[@type='multichoice']"):
        idnumber = element.findtext("idnumber") or ""
        if not idnumber.startswith("check.1") and not idnumber.startswith("check.2"):
            continue
        qid, number = idnumber.split("-v")
        params = next(p.solution.params for p in planned if p.idnumber == idnumber)
        right = [a.findtext("text") for a in element.findall("answer")
                 if a.get("fraction") == "100"]
        truth = _expected(exam().questions[qid], params)
        assert right == ["True" if truth else "False"], (idnumber, number)


def test_its_answer_booklet_has_its_boxes_and_the_scanner_its_key(quick_checks: None) -> None:
    from solver.paper.booklets import pages_of
    from solver.paper.plan import Booklet, fields
    from solver.paper.scan.keys import variant_keys
    from solver.registry import exam
    from solver.variants.seeded import solve_variants

    questions = list(exam().questions.values())
    variants = solve_variants(5, 3, questions)
    keys = variant_keys(5, {1, 2, 3}, questions, 1)
    for variant in variants:
        booklet = Booklet(variant.number, variant.number, None,
                          fields(questions, variant.solutions, variant.number))
        boxes = [box.id for page in pages_of(booklet, "Quick checks", "", 8)
                 for box in page.boxes]
        for qid in ("check.1", "check.2"):
            assert [b for b in boxes if b.startswith(qid + ".")] == [f"{qid}.A", f"{qid}.B"]
            truth = _expected(exam().questions[qid], variant.solutions[qid].params)
            assert keys[(variant.number, qid)]["key"] == ("A" if truth else "B")
        assert any(b.startswith("check.3.") for b in boxes)  # the choice question beside it
