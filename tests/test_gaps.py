"""Answer gaps are declared next to each computed question's solver (``GAPS``, or
``gaps(solution)`` when they depend on the variant), and the bank plans from them alone:
a question module given one more gap is one more gap in the bank, with no edit elsewhere.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from solver.engine import solve
from solver.kinds import COMPUTED, kind_of
from solver.lms.gaps import GapPlan
from solver.lms.moodle.check import check
from solver.lms.moodle.export import render
from solver.lms.plan import plan_bank, planned
from solver.marking import AnswerGap
from solver.model import Solution
from solver.record import Question
from solver.registry import exam, lookup
from solver.variants.seeded import draw, solve_variants

CLOZE = {"lecture.1", "lecture.2", "lecture.3", "lecture.5"}  # the rest are explained in words
SEEDS, VARIANTS = (1, 2026), 4


def _computed() -> list[Question]:
    return [q for q in exam().questions.values() if kind_of(q) is COMPUTED]


def module_for(question: Question) -> ModuleType:
    return COMPUTED.module(question)


def declared(question: Question, solution: Solution) -> tuple[AnswerGap, ...]:
    """What the question's kind says a platform asks for."""
    return kind_of(question).lms_item(question, solution).gaps


def gaps(question: Question, solution: Solution) -> list[GapPlan]:
    return planned(question, solution, 1).gaps


def _declares(module: ModuleType) -> bool:
    return hasattr(module, "GAPS") or hasattr(module, "gaps")


def _declaration(module: ModuleType, solution: Solution) -> tuple[AnswerGap, ...]:
    """The module's own declaration, read without the planner."""
    if hasattr(module, "gaps"):
        return tuple(module.gaps(solution))
    return tuple(module.GAPS)


def _solutions(question: Question) -> list[Solution]:
    """The defaults and a few seeded class variants."""
    return [solve(question)] + [solve(question, draw(seed, number, question))
                                for seed in SEEDS for number in range(1, VARIANTS + 1)]


def test_every_cloze_question_of_the_bank_declares_its_gaps() -> None:
    questions = _computed()
    bank = plan_bank(questions, solve_variants(SEEDS[0], 2, questions))
    cloze = {item.question.id for item in bank if item.form == "gaps"}
    assert cloze == CLOZE
    for item in bank:
        module = module_for(item.question)
        if item.form == "gaps":
            assert _declares(module), item.question.id
        else:
            assert item.form == "essay" and item.gaps == []
            assert declared(item.question, item.solution) == ()
    for question in questions:
        module = module_for(question)
        assert not (hasattr(module, "GAPS") and hasattr(module, "gaps")), question.id
        assert _declares(module) == (question.id in CLOZE), question.id


@pytest.mark.parametrize("question_id", sorted(CLOZE))
def test_each_declared_gap_is_an_answer_of_its_solution(question_id: str) -> None:
    question = lookup(question_id).meta
    module = module_for(question)
    for solution in _solutions(question):
        found = _declaration(module, solution)
        for gap in found:
            assert isinstance(gap, AnswerGap)
            assert gap.answer in solution.answer, (question_id, gap, solution.params)
            assert gap.label and 0 <= gap.part < len(question.parts)
        if question_id == "lecture.2" and "value" not in solution.answer:
            assert found == ()  # no numbers: the expression is explained, not typed in
            continue
        assert found, (question_id, solution.params)
        assert [plan.key for plan in gaps(question, solution)]  # planned from it


def test_lecture2_asks_a_value_only_with_numbers() -> None:
    question = lookup("lecture.2").meta
    assert gaps(question, solve(question)) == []
    numbers = solve(question, draw(1, 1, question))
    assert [plan.key for plan in gaps(question, numbers)] == ["value"]


def test_a_new_declared_gap_is_one_more_gap_in_the_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.questions import lecture1

    question = lookup("lecture.1").meta
    questions = [question]
    variants = solve_variants(3, 2, questions)
    before = plan_bank(questions, variants)
    monkeypatch.setattr(lecture1, "GAPS", (*lecture1.GAPS,
                                           AnswerGap("conv_params", "Parameters of the conv")))
    after = plan_bank(questions, variants)
    for old, new in zip(before, after, strict=True):
        assert new.form == old.form == "gaps"
        assert len(new.gaps) == len(old.gaps) + 1
        extra = new.gaps[-1]
        assert (extra.key, extra.label, extra.part) == ("conv_params", "Parameters of the conv",
                                                        "")
        assert extra.exact == new.solution.answer["conv_params"]
        assert [g.weight for g in new.gaps] == [2, 2]  # the part's 4 points split evenly
    assert check(render("t", after), after) == []


def test_an_essay_question_that_declares_a_gap_becomes_cloze(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.questions import lecture7

    question = lookup("lecture.7").meta
    questions = [question]
    variants = solve_variants(3, 1, questions)
    assert [p.form for p in plan_bank(questions, variants)] == ["essay"]
    monkeypatch.setattr(lecture7, "GAPS", (AnswerGap("params_narrow", "Parameters"),),
                        raising=False)
    (item,) = plan_bank(questions, variants)
    assert item.form == "gaps" and [g.key for g in item.gaps] == ["params_narrow"]
    assert item.gaps[0].part == question.parts[0].label and item.gaps[0].places == 0
    assert check(render("t", [item]), [item]) == []


def test_without_a_declaration_a_computed_question_is_an_essay(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.questions import lecture1

    question = lookup("lecture.1").meta
    solution = solve(question)
    monkeypatch.delattr(lecture1, "GAPS")
    assert declared(question, solution) == () and gaps(question, solution) == []
    assert [p.form for p in plan_bank([question], solve_variants(3, 1, [question]))] == ["essay"]


def test_a_bad_declaration_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.questions import lecture1

    question = lookup("lecture.1").meta
    solution = solve(question)
    cases: list[tuple[object, type[Exception], str]] = [
        ((AnswerGap("totl", "Total"),), ValueError, "not one of its answers"),
        ((AnswerGap("total", "Total", part=1),), ValueError, "answers part 1"),
        (("total",), TypeError, "AnswerGap records"),
    ]
    for declaration, error, message in cases:
        monkeypatch.setattr(lecture1, "GAPS", declaration)
        with pytest.raises(error, match=message):
            gaps(question, solution)
    monkeypatch.setattr(lecture1, "gaps", lambda solution: (), raising=False)
    with pytest.raises(TypeError, match="not both"):
        gaps(question, solution)
    with pytest.raises(ValueError, match="position"):
        AnswerGap("total", "Total", part=-1)
    with pytest.raises(ValueError, match="need cells"):
        AnswerGap("total", "Total", uniform="Every entry")
