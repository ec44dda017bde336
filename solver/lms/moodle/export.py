"""A Moodle XML question bank of the class variants (``solver export moodle``).

One category per question, ``$course$/<exam title>/<id> <title>``, holding one question per
variant (``<idnumber>ID-vN</idnumber>``), so a quiz can draw a random variant from it:

The plan is the LMS-neutral one (:mod:`solver.lms.plan`); each item's form becomes a
Moodle question type (``TYPE``):

- gaps (:mod:`solver.lms.gaps`): ``cloze`` questions with one NUMERICAL
  gap per asked value; sub-questions that ask for an explanation, not a number, are
  printed as text, not marked by Moodle, and answered in the general feedback. Moodle sets
  a cloze question's mark to the sum of its gap weights on import (it ignores
  ``<defaultgrade>``), so ``<defaultgrade>`` is written as that sum: the points of the
  parts with gaps, or a multiple of them when a part's points do not split evenly;
- choice: single-answer ``multichoice`` in the variant's option order
  (``shuffleanswers`` off, ``answernumbering`` ABCD), the right statement at 100 %;
- essays (labs, with their template to complete; explain questions): ``essay``
  questions whose ``graderinfo`` holds the worked answer per part and the rubric.

Every question's ``generalfeedback`` is its worked solution (:mod:`solver.lms.feedback`)
with its figures as base64 SVG ``<file>`` elements. The bytes depend only on the variants.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from fractions import Fraction

from solver.lms import feedback as fb
from solver.lms import layout
from solver.lms.gaps import GapPlan
from solver.lms.moodle.cloze import gap_text
from solver.lms.plan import Planned
from solver.lms.tolerance import answer_text, decimal_text
from solver.model import Ask
from solver.record import Question

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# The Moodle question type of each form of item.
TYPE = {"gaps": "cloze", "choice": "multichoice", "essay": "essay"}


def printer() -> fb.FeedbackPrinter:
    """Feedback whose figures are files of the question (Moodle's file area)."""
    return fb.FeedbackPrinter(lambda name: f"@@PLUGINFILE@@/{name}")


def category_path(exam_title: str, question: Question) -> str:
    """Moodle splits a category path at single slashes; a slash in a name is doubled."""
    names = [exam_title, f"{question.id} {question.printed_title}"]
    return "/".join(["$course$", *(name.replace("/", "//") for name in names)])


START, END = "<quiz>\n", "</quiz>\n"


def render(exam_title: str, bank: list[Planned]) -> bytes:
    """The bank as a Moodle XML file: a category before each question's variants."""
    quiz = ET.Element("quiz")
    current = None
    for planned in bank:
        if planned.question.id != current:
            current = planned.question.id
            quiz.append(_category(category_path(exam_title, planned.question)))
        quiz.append(_question(planned))
    ET.indent(quiz)
    text = ET.tostring(quiz, encoding="unicode") + "\n"
    return (DECLARATION + (text if len(quiz) else START + END)).encode("utf-8")


def inner(data: bytes, category: bool = True) -> bytes:
    """A rendered bank's questions without the declaration and the ``<quiz>`` element,
    and without its first category unless ``category`` (a later block of a question
    already under its category): blocks rendered apart, joined between START and END,
    are the bank rendered whole."""
    head, end = (DECLARATION + START).encode("utf-8"), END.encode("utf-8")
    assert data.startswith(head) and data.endswith(end)
    body = data[len(head):-len(end)]
    if not category:
        first = body.index(b"</question>\n") + len(b"</question>\n")
        assert body.lstrip().startswith(b'<question type="category">')
        body = body[first:]
    return body


def _category(path: str) -> ET.Element:
    element = ET.Element("question", type="category")
    _sub(ET.SubElement(element, "category"), "text", path)
    return element


def _sub(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attributes)
    child.text = value
    return child


def _html(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag, format="html")
    _sub(element, "text", value)
    return element


def _question(planned: Planned) -> ET.Element:
    question, solution = planned.question, planned.solution
    element = ET.Element("question", type=TYPE[planned.form])
    _sub(ET.SubElement(element, "name"), "text",
         f"{question.id} v{planned.variant}: {solution.meta.title}")
    text = {"gaps": _cloze_text, "choice": _choice_text, "essay": _essay_text}
    shown = text[planned.form](planned)
    _html(element, "questiontext", shown)
    _guard(planned, shown)
    pages = printer()
    general = _html(element, "generalfeedback", pages.render(solution))
    for name, data in pages.files.items():
        _sub(general, "file", base64.b64encode(data).decode("ascii"), name=name, path="/",
             encoding="base64")
    grade = sum(g.weight for g in planned.gaps) if planned.form == "gaps" else question.total
    _sub(element, "defaultgrade", str(grade))
    _sub(element, "penalty", "0")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", planned.idnumber)
    if planned.form == "choice":
        _choice_options(element, planned)
    elif planned.form == "essay":
        _essay_options(element, planned, pages)
    return element


def _guard(planned: Planned, shown: str) -> None:
    """What a student sees of the question (its text without the gaps' answers, which
    Moodle hides, and the options) must hold nothing of the worked answer."""
    from solver.guard import check
    from solver.lms.moodle.cloze import parse_gaps

    blanks = re.sub(r"\{#\d+\}", " [gap] ", parse_gaps(shown)[1])  # the importer's {#N}
    student = blanks + "\n" + "\n".join(text for _, text in planned.item.options)
    check(f"Moodle question {planned.idnumber}",
          [(planned.question, planned.solution, student)])


# --- cloze -----------------------------------------------------------------------------


def shown(value: Fraction, places: int) -> str:
    """An exact value for feedback: 711, 0.3439, 7/18 ≈ 0.388889, ≈ 1.697652."""
    try:
        text = decimal_text(value)
        if len(text) <= places + 8:
            return text
    except ValueError:
        pass
    approximate = f"≈ {decimal_text(value, places + 2)}"
    return f"{value} {approximate}" if len(str(value)) <= 12 else approximate


def _gap(plan: GapPlan) -> str:
    right = f"Right: the exact value is {shown(plan.exact, plan.places)}."
    answers = [("100", answer_text(plan.exact), decimal_text(plan.tolerance), right)]
    answers += [(wrong.percent, answer_text(wrong.value), decimal_text(wrong.tolerance),
                 f"A known mistake ({wrong.name}): {wrong.percent} % of this answer's marks.")
                for wrong in plan.wrong]
    return gap_text(plan.weight, answers)


def _cloze_text(planned: Planned) -> str:
    return layout.gaps_text(planned, _gap, _explain)


def _explain(ask: Ask) -> str:
    note = (" <em>(Explain in words: not marked automatically; the worked answer is in the "
            "feedback.)</em>")
    return fb.ask_html(ask, note)


# --- multiple choice and essay ------------------------------------------------------------


def _choice_text(planned: Planned) -> str:
    return fb.statement(planned.solution.meta)


def _choice_options(element: ET.Element, planned: Planned) -> None:
    item = planned.item
    _sub(element, "single", "true")
    _sub(element, "shuffleanswers", "0")
    _sub(element, "answernumbering", "ABCD")
    for letter, statement in item.options:
        right = letter == item.right
        answer = ET.SubElement(element, "answer", fraction="100" if right else "0",
                               format="html")
        _sub(answer, "text", fb.inline(statement))
        why = item.why if right else ""
        _html(answer, "feedback", fb.text(why))


def _essay_text(planned: Planned) -> str:
    return "\n".join(layout.essay_pieces(planned))


def _essay_options(element: ET.Element, planned: Planned, pages: fb.FeedbackPrinter) -> None:
    lab = planned.item.code  # a response in code: a monospaced field of 20 lines
    _sub(element, "responseformat", "monospaced" if lab else "editor")
    _sub(element, "responserequired", "1")
    _sub(element, "responsefieldlines", "20" if lab else "15")
    _sub(element, "attachments", "0")
    _sub(element, "attachmentsrequired", "0")
    _html(element, "graderinfo", pages.grader_info(planned.solution))
    _html(element, "responsetemplate", "")
