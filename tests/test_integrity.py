"""Assessment integrity: what students see holds nothing of the worked sheet (the leak
guard, proved on planted leaks), and no variant's key follows from another's."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from solver.model import SelfCheckError
from solver.registry import exam, lookup

PAPERS = [f"paper.{n}" for n in range(1, 15)]


def _paper(seed: int, number: int, ids: list[str] | None = None) -> tuple[str, Any, Any]:
    from solver.variants.papers import paper_html
    from solver.variants.seeded import solve_variant

    questions = [lookup(qid).meta for qid in ids] if ids else list(exam().questions.values())
    variant = solve_variant(seed, number, questions)
    return paper_html(exam(), seed, number, questions, variant), questions, variant


def _frame() -> list[str]:
    return [exam().title, exam().instructions, *(s.statement for s in exam().sections)]


@pytest.mark.slow
def test_the_question_papers_hold_nothing_of_the_worked_sheet() -> None:
    from solver.guard import leaks, paper_sections

    for number in (1, 2, 3):
        html, questions, variant = _paper(8181, number)
        shown = paper_sections(html)
        assert len(shown) == len(questions) == 30
        for question in questions:
            assert leaks(shown[question.id], question, variant.solutions[question.id],
                         _frame()) == [], question.id


def test_the_paper_shows_the_exams_template_and_not_ours() -> None:
    html, _, variant = _paper(5, 1, ["lab.2", "lab.5"])
    assert "# END OF YOUR CODE" in html and "Your code goes here" in html
    for line in variant.solutions["lab.2"].answer["A"].splitlines():
        assert line.strip() not in html  # the completed answer line
    assert "noqa" not in html and "does not fix it" not in html  # our remarks
    assert "→" in html  # lab 5's figure, in words


def test_a_worked_value_equal_to_a_printed_number_is_not_a_leak() -> None:
    """Class seed 21, variant 82: a lecture 2 step value is −0.2, which the paper prints as
    a given number (LaTeX -0.2, typeset −0.2). The guard stopped a 200-variant run there;
    one minus sign for both makes it the exam's own number. A value not printed is still
    caught, whichever minus it is written with."""
    from solver.guard import leaks, paper_sections

    html, questions, variant = _paper(21, 82, ["lecture.2"])
    solution = variant.solutions["lecture.2"]
    shown = paper_sections(html)["lecture.2"]
    assert "−0.2" in shown and "-0.2" in solution.meta.question
    assert leaks(shown, questions[0], solution) == []
    answer = solution.answer_text["value"]
    assert answer.startswith(("−", "-")) and answer not in shown
    for planted in (answer, answer.replace("−", "-")):
        assert leaks(shown + f"<p>{planted}</p>", questions[0], solution) != []


def test_a_positive_worked_value_is_not_found_inside_a_printed_negative() -> None:
    """Class seed 21, variant 166: a step value 0.8 against the printed b₁ = −0.8, which
    is not the value the student would need (the run's second false stop)."""
    from solver.guard import leaks, paper_sections

    html, questions, variant = _paper(21, 166, ["lecture.2"])
    solution = variant.solutions["lecture.2"]
    shown = paper_sections(html)["lecture.2"]
    assert "−0.8" in shown
    assert leaks(shown, questions[0], solution) == []
    assert leaks(shown + "<p>it is 0.8</p>", questions[0], solution) == ["0.8"]


def test_a_planted_answer_line_fails_the_paper(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our completed line in the exam's template: the guard names paper and question."""
    from solver.guard import check

    html, questions, variant = _paper(5, 1, ["lab.1"])
    answer = variant.solutions["lab.1"].parts[1].text.splitlines()[0]
    planted = html.replace("# END OF YOUR CODE", answer + "\n# END OF YOUR CODE", 1)
    with pytest.raises(SelfCheckError, match=r"leak guard: the paper: lab\.1 shows text of "
                                             r"its worked answer"):
        check("the paper", [(questions[0], variant.solutions["lab.1"], planted)])


def test_a_planted_reading_or_justification_fails_the_paper() -> None:
    from solver.guard import check, paper_sections

    html, questions, variant = _paper(5, 1, ["lab.1", "paper.3"])
    shown = paper_sections(html)
    triples = [(q, variant.solutions[q.id], shown[q.id]) for q in questions]
    check("the paper", triples)  # as built: clean
    from solver.model import Reading

    reading = next(step.text for step in variant.solutions["lab.1"].steps
                   if isinstance(step, Reading))  # the variant's own reading note
    for question, planted in ((questions[0], reading),
                              (questions[1], exam().questions["paper.3"].data["justification"])):
        sentence = re.split(r"(?<=[.;:])\s", planted)[0]
        leaky = [(q, s, t + f"<p>{sentence}</p>" if q is question else t)
                 for q, s, t in triples]
        with pytest.raises(SelfCheckError, match=f"leak guard: the paper: {question.id}"):
            check("the paper", leaky)


def test_a_planted_answer_value_fails_the_moodle_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    from solver.lms.moodle import cli, export

    original = export._cloze_text

    def leaky(planned: Any) -> str:
        return original(planned) + f"<p>{planned.solution.answer_text['total']}</p>"

    monkeypatch.setattr(export, "_cloze_text", leaky)
    with pytest.raises(SelfCheckError, match=r"leak guard: Moodle question lecture\.1-v1: "
                                             r"lecture\.1 shows text of its worked answer"):
        cli.bank(exam(), 4, 1, [lookup("lecture.1").meta])


def test_keys_are_balanced_by_block_and_follow_no_period() -> None:
    from solver.variants.fairness import key_period
    from solver.variants.seeded import question_draws

    count = 200
    keys: dict[int, str] = {}
    for qid in PAPERS:
        question = lookup(qid).meta
        letters = [s.answer["choice"] for s in question_draws(31337, question, count)]
        for start in range(0, count, 4):  # every block of 4 variants: each letter once
            assert sorted(letters[start:start + 4]) == ["A", "B", "C", "D"], (qid, start)
        assert key_period(letters) is None, qid
        for number, letter in enumerate(letters, start=1):
            keys[number] = keys.get(number, "") + letter
    assert len(set(keys.values())) == count  # no two variants share their key string
    repeats = Counter(keys[n] == keys[n + 4] for n in range(1, count - 3))
    assert repeats[True] == 0


def test_a_key_that_follows_the_variant_number_is_flagged() -> None:
    from solver.variants.fairness import key_period

    assert key_period(list("ABCDABCDABCDABCD")) == 4
    assert key_period(list("ABCDBADCCADBDBCA")) is None


def test_the_old_blanked_template_is_caught() -> None:
    """The review's leak: our completed template with its answer lines blanked still
    carried our comments ("dx = dupstream * 1[x > 0]"). Printed in place of the exam's
    template, the guard fails on it."""
    from solver.engine import make_params
    from solver.guard import check, paper_sections
    from solver.kinds import kind_of
    from solver.questions.labkit import version_source

    question = lookup("lab.2").meta
    page, _, variant = _paper(5, 1, ["lab.2"])
    from markupsafe import escape

    solution = variant.solutions["lab.2"]
    ours = _blanked(version_source(question, make_params(question, solution.params)))
    theirs = str(escape(kind_of(question).paper_view(question, solution).template))
    assert theirs in page
    shown = paper_sections(page.replace(theirs, str(escape(ours))))
    with pytest.raises(SelfCheckError, match=r"leak guard: the paper: lab\.2 shows text"):
        check("the paper", [(question, variant.solutions["lab.2"], shown["lab.2"])])


def _blanked(code: str) -> str:
    """How the papers used to make a template: our completed one, each run of marked
    answer lines replaced by one "# X) Your code goes here." line."""
    out, previous = [], None
    for line in code.splitlines():
        marker = re.match(r"^(\s*)[^#\s].*#\s*([A-D])\)\s*$", line)
        if marker is None:
            out.append(line)
            previous = None
        elif marker.group(2) != previous:
            out.append(f"{marker.group(1)}# {marker.group(2)}) Your code goes here.")
            previous = marker.group(2)
    return "\n".join(out) + "\n"
