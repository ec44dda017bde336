"""Sections are presentation; a question's kind decides how it is rendered and keyed.

The fixture exam files a multiple-choice question (lecture.3) among its calculations and a
computed one (paper.3) among its readings. Each is rendered as its kind is, wherever it is
filed: the multiple-choice question's answer stands once, in its box, in place of its
"Answer:" line; the computed answer has its box and its rubric; the key at a glance puts
the letter in the letters table and the computed answer in the rows. The sections still
give the sheet its headings and totals, in the exam's order, whatever their names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from solver.exam import BUNDLED
from solver.registry import entries, use_exam
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixture_exam"
MC, COMPUTED, PAPER = "lecture.3", "paper.3", "paper.1"
MC_ANSWER = "C) Its weights"
COMPUTED_ANSWER = "119 learnable parameters"


@dataclass(frozen=True)
class Built:
    html: str  # the whole sheet
    fragments: dict[str, str]  # each question's HTML, by id


def _build(folder: Path) -> Built:
    """The sheet of the exam in ``folder``, in-process (no typesetting), the bundled exam
    active again afterwards."""
    from solver.registry import exam
    from solver.sheet.build import sheet_html
    from solver.sheet.solving import solve_and_render

    use_exam(folder)
    try:
        rendered = solve_and_render(list(entries()))
        return Built(sheet_html(exam(), rendered),
                     {s.meta.id: str(html) for s, html in rendered})
    finally:
        use_exam(BUNDLED)


@pytest.fixture(scope="module")
def sheet() -> Built:
    return _build(FIXTURE)


def _key(html: str) -> str:
    found = re.search(r'<section class="key" id="key">.*?</section>', html, re.DOTALL)
    assert found
    return found.group(0)


def _letters(key: str) -> dict[str, str]:
    """The key's multiple-choice letters: question anchor -> letter."""
    letters = {}
    for table in re.findall(r'<table class="key-letters">.*?</table>', key, re.DOTALL):
        anchors = re.findall(r'<a href="#([^"]+)">', table)
        shown = re.findall(r'<td class="letter">([^<]*)</td>', table)
        assert len(anchors) == len(shown), table
        letters.update(zip(anchors, shown, strict=True))
    return letters


def _rows(key: str) -> dict[str, str]:
    """The key's rows: question anchor -> the answers of its rows, joined."""
    rows: dict[str, str] = {}
    current = ""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", key.split('<table class="key-letters">')[0],
                          re.DOTALL):
        first = re.search(r'<td class="key-question" rowspan="\d+"><a href="#([^"]+)">', row)
        current = first.group(1) if first else current
        answer = re.search(r'<td class="key-answer[^"]*">(.*?)</td>', row, re.DOTALL)
        if answer and current:
            rows[current] = (rows.get(current, "") + " " + answer.group(1)).strip()
    return rows


def _section_class(fragment: str) -> str:
    found = re.search(r'<section class="([^"]+)" id="', fragment)
    assert found
    return found.group(1)


def test_the_fixture_exam_mixes_kinds_in_its_sections() -> None:
    from solver.exam import read_exam

    questions = read_exam(FIXTURE).questions
    assert questions[MC].solver == "choice" and questions[MC].section == "lecture"
    assert questions[COMPUTED].solver == "lecture1" and questions[COMPUTED].section == "paper"


def test_a_multiple_choice_question_shows_its_answer_once_whatever_its_section(
        sheet: Built) -> None:
    mc, paper = sheet.fragments[MC], sheet.fragments[PAPER]
    assert mc.count('<div class="answer">') == 1
    assert re.search(r"<p[^>]*>(<span[^>]*>)?Answer:", mc) is None  # the line became the box
    assert sheet.html.count(MC_ANSWER) == 1
    # Its box stands where the "Answer:" line stood, before the reasons, as in a paper's.
    for fragment in (mc, paper):
        assert fragment.index('<div class="answer">') < fragment.index("Why:")
        assert '<span class="label">Why: </span>' in fragment
        assert '<table class="rubric">' not in fragment  # one line: no rubric table
    assert _section_class(mc) == _section_class(paper)


def test_a_computed_question_among_the_papers_renders_as_computed(sheet: Built) -> None:
    computed, lecture = sheet.fragments[COMPUTED], sheet.fragments["lecture.1"]
    assert computed.count('<div class="answer">') == 1
    assert computed.count(COMPUTED_ANSWER) == 1
    assert '<table class="rubric">' in computed and "total 119 (1)" in computed
    assert _section_class(computed) == _section_class(lecture)


def test_the_key_letters_the_choices_and_rows_the_rest_whatever_their_sections(
        sheet: Built) -> None:
    key = _key(sheet.html)
    assert _letters(key) == {"lecture-3": "C", "paper-1": "B", "paper-2": "A"}
    rows = _rows(key)
    assert list(rows) == ["lecture-1", "lecture-2", "paper-3"]
    assert rows["paper-3"].startswith(COMPUTED_ANSWER)
    assert key.count(COMPUTED_ANSWER) == 1
    assert MC_ANSWER not in key


def test_sections_give_headings_and_totals_in_exam_order(sheet: Built) -> None:
    headings = re.findall(r'<h1 class="section"[^>]*>([^<]*) <span class="points">\(([^)]*)\)',
                          sheet.html)
    assert headings == [("Calculations", "8 pts"), ("Reading", "4 pts")]
    at = {qid: sheet.html.index(f'id="{qid.replace(".", "-")}"') for qid in sheet.fragments}
    reading = sheet.html.index('<h1 class="section" data-running="Paper 1')
    assert max(at["lecture.1"], at["lecture.2"], at[MC]) < reading < at[PAPER] < at[COMPUTED]
    assert "<td>Calculations</td><td>3</td><td>8</td>" in sheet.html
    assert "<td>Reading</td><td>3</td><td>4</td>" in sheet.html


def test_sections_in_another_order_and_names_change_only_the_grouping(
        sheet: Built, tmp_path: Path) -> None:
    text = (FIXTURE / "exam.toml").read_text(encoding="utf-8")
    lecture = '[[sections]]\nkind = "lecture"\nname = "Calculations"\n'
    assert lecture in text
    text = text.replace(lecture, "").replace(
        'name = "Reading"', 'name = "Part one"').replace(
        "[[questions]]", lecture.replace("Calculations", "Part two") + "\n[[questions]]", 1)
    (tmp_path / "exam.toml").write_text(text, encoding="utf-8")
    other = _build(tmp_path)
    assert other.fragments == sheet.fragments  # every question rendered as before
    headings = re.findall(r'<h1 class="section"[^>]*>([^<]*) <span', other.html)
    assert headings == ["Part one", "Part two"]
    key = _key(other.html)
    assert _letters(key) == _letters(_key(sheet.html))
    assert _rows(key) == {qid: _rows(_key(sheet.html))[qid]
                          for qid in ("paper-3", "lecture-1", "lecture-2")}


def test_a_question_kind_is_its_solver() -> None:
    """In the bundled exam kinds and sections coincide (why its sheet is unchanged); a
    solved question carries its kind's name, and a name no kind has is refused."""
    from solver.kinds import kind_of, named
    from solver.model import BuildError
    from solver.registry import exam
    from tests.conftest import solve

    wanted = {"lab": "lab", "lecture": "computed", "paper": "choice"}
    assert {qid: kind_of(q).name for qid, q in exam().questions.items()} == {
        qid: wanted[q.section] for qid, q in exam().questions.items()}
    assert solve("paper.2").meta.kind == "choice" and solve("lecture.6").meta.kind == "computed"
    with pytest.raises(BuildError, match="no kind of question is called 'essay'"):
        named("essay")


def test_step_prose_names_sub_questions_by_the_exams_labels() -> None:
    """The fixture exam labels lecture 5's sub-questions a–d (its lecture.2): the steps
    say "Sub-question a", never the bundled exam's "Sub-question 1"."""
    from solver.model import Text
    from tests.conftest import solve

    def prose(qid: str) -> str:
        return " ".join(step.text for step in solve(qid).steps if isinstance(step, Text))

    use_exam(FIXTURE)
    try:
        fixture = prose("lecture.2")
    finally:
        use_exam(BUNDLED)
    assert all(f"Sub-question {label}" in fixture for label in "abcd"), fixture
    assert not re.search(r"Sub-question \d", fixture), fixture
    assert all(f"Sub-question {n}" in prose("lecture.5") for n in "1234")
