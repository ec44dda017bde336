"""The LMS-neutral plan as IMS QTI 2.1 items and tests (``solver export qti21``).

Each planned question of each variant is one ``assessmentItem`` (identifier ``ID-vN``):

- gaps: one float ``textEntryInteraction`` per asked value, in the question's order. The
  response processing adds the gap's share of the part's points (the exam's points split
  evenly over the part's gaps) when the response lies in the window [key − tolerance,
  key + tolerance], written as exact decimal bounds around the key's decimal text (a
  ``gte``/``lte`` pair: no relative mode, which accepts nothing around a negative key,
  and no question of which operand ``equal``'s tolerance belongs to); else, in the plan's
  order, each named wrong path's window gives its credit of that share and shows its
  feedback. A sub-question that asks for words gets an ``extendedTextInteraction``,
  marked by hand;
- choice: one ``choiceInteraction`` in the variant's order (``shuffle="false"``), the key
  worth the question's points;
- essay: one ``extendedTextInteraction``, marked by hand; a lab's box starts with the
  exam's template (the response's default value), which the text above it also shows.

Every item's worked solution is a ``modalFeedback`` shown after the attempt, its figures
package files (``media/``). Each variant is one ``assessmentTest`` whose sections are the
exam's, in its order; its SCORE is the sum of its items'.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from fractions import Fraction

from solver.lms import feedback as fb
from solver.lms import layout, xhtml
from solver.lms.gaps import GapPlan
from solver.lms.package import media_name
from solver.lms.plan import Planned
from solver.lms.tolerance import answer_text, decimal_text
from solver.model import Ask

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = f"{QTI} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"
NS = f"{{{QTI}}}"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
ITEMS, TESTS = "items", "tests"
SOLUTION = "SOLUTION"  # the worked solution's feedback identifier


def number(value: Fraction) -> str:
    """A QTI float: the exact decimal when it is one, else the nearest double."""
    return answer_text(value)


def gap_points(planned: Planned) -> list[Fraction]:
    """Each gap's share of the exam's points: its part's points over the part's gaps."""
    points = planned.question.points
    counts = {plan.part: sum(p.part == plan.part for p in planned.gaps)
              for plan in planned.gaps}
    return [Fraction(points[plan.part], counts[plan.part]) for plan in planned.gaps]


def window(value: Fraction, tolerance: Fraction) -> tuple[str, str]:
    """The bounds of [value − tolerance, value + tolerance] around the value's decimal text,
    as exact decimals."""
    key = Fraction(answer_text(value))
    return decimal_text(key - tolerance), decimal_text(key + tolerance)


def item_path(idnumber: str) -> str:
    return f"{ITEMS}/{idnumber}.xml"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, NS + tag, attributes)
    element.text = text
    return element


def _value(parent: ET.Element, base_type: str, text: str) -> ET.Element:
    return _sub(parent, "baseValue", text, baseType=base_type)


def _var(parent: ET.Element, identifier: str) -> ET.Element:
    return _sub(parent, "variable", identifier=identifier)


def _declare(parent: ET.Element, tag: str, identifier: str, cardinality: str, base: str,
             default: str | None = None) -> ET.Element:
    element = _sub(parent, tag, identifier=identifier, cardinality=cardinality, baseType=base)
    if default is not None:
        _sub(_sub(element, "defaultValue"), "value", default)
    return element


class ItemWriter:
    """One item's XML and the package files it uses (``media``: path -> bytes)."""

    def __init__(self, planned: Planned) -> None:
        self.planned = planned
        self.media: dict[str, bytes] = {}
        self.feedback = fb.FeedbackPrinter(self._figure)
        self.root = ET.Element(NS + "assessmentItem", {
            f"{{{XSI}}}schemaLocation": SCHEMA, "identifier": planned.idnumber,
            "title": f"{planned.question.id} v{planned.variant}: "
                     f"{planned.solution.meta.title}",
            "adaptive": "false", "timeDependent": "false"})
        self.explain: list[str] = []  # the hand-marked boxes of a question with gaps

    def _figure(self, name: str) -> str:
        data = self.feedback.files[name]
        path = media_name(data)
        self.media[path] = data
        return "../" + path

    def _interaction(self, tag: str, name: str) -> ET.Element:
        if tag == "input":
            return ET.Element(NS + "textEntryInteraction", responseIdentifier=name,
                              expectedLength="12")
        lab = self.planned.item.code
        element = ET.Element(NS + "extendedTextInteraction", responseIdentifier=name,
                             expectedLines=str(self._lines() if lab else 8))
        if lab:
            element.set("format", "preformatted")
        return element

    def _lines(self) -> int:
        return min(60, self.planned.item.template.count("\n") + 12)

    def write(self) -> bytes:
        form = self.planned.form
        body_html = {"gaps": self._gaps_html, "choice": self._choice_html,
                     "essay": self._essay_html}[form]()
        self._declarations()
        body = xhtml.fill(_sub(self.root, "itemBody"), body_html, QTI, self._interaction)
        if form == "choice":
            body.append(self._choice())
        self._processing()
        solution = self.planned.solution
        worked = self.feedback.render(solution)
        if form == "essay":
            worked += self.feedback.rubric(solution.rubric)
        self._modal(SOLUTION, "Worked solution", worked)
        for index, plan in enumerate(self.planned.gaps, start=1):
            for path, wrong in enumerate(plan.wrong, start=1):
                self._modal(f"WRONG_{index}_{path}", "A known mistake",
                            f"<p>{fb.text(plan.label)}: a known mistake ({fb.text(wrong.name)}): "
                            f"{fb.text(wrong.percent)} % of this answer's marks.</p>")
        ET.register_namespace("", QTI)
        ET.register_namespace("xsi", XSI)
        xhtml.indent(self.root, QTI)
        return DECLARATION + bytes(ET.tostring(self.root, "utf-8", xml_declaration=False)) + b"\n"

    # --- the body -------------------------------------------------------------------------

    def _gaps_html(self) -> str:
        names = {id(plan): f"RESPONSE_{i}" for i, plan in enumerate(self.planned.gaps, 1)}

        def gap(plan: GapPlan) -> str:
            return f'<input name="{names[id(plan)]}">'

        def explain(ask: Ask) -> str:
            name = f"EXPLAIN_{len(self.explain) + 1}"
            self.explain.append(name)
            note = " <em>(Explain in words: marked by hand.)</em>"
            return fb.ask_html(ask, note) + f'<textarea name="{name}"></textarea>'

        return layout.gaps_text(self.planned, gap, explain)

    def _choice_html(self) -> str:
        return fb.statement(self.planned.solution.meta)

    def _essay_html(self) -> str:
        pieces = layout.essay_pieces(
            self.planned, "The code to complete (the answer box starts with it):")
        return "\n".join([*pieces, '<textarea name="RESPONSE"></textarea>'])

    def _choice(self) -> ET.Element:
        interaction = ET.Element(NS + "choiceInteraction", responseIdentifier="RESPONSE",
                                 shuffle="false", maxChoices="1")
        for letter, statement in self.planned.item.options:
            choice = ET.SubElement(interaction, NS + "simpleChoice", identifier=letter)
            lead, children = xhtml.elements(fb.inline(statement), QTI)
            choice.text = lead
            choice.extend(children)
        return interaction

    # --- declarations and response processing -------------------------------------------

    def _declarations(self) -> None:
        planned, root = self.planned, self.root
        if planned.form == "gaps":
            for index, plan in enumerate(planned.gaps, start=1):
                declared = _declare(root, "responseDeclaration", f"RESPONSE_{index}",
                                    "single", "float")
                _sub(_sub(declared, "correctResponse"), "value", number(plan.exact))
            for name in self.explain:  # (named as the body was written)
                _declare(root, "responseDeclaration", name, "single", "string")
        elif planned.form == "choice":
            declared = _declare(root, "responseDeclaration", "RESPONSE", "single", "identifier")
            _sub(_sub(declared, "correctResponse"), "value", planned.item.right)
        else:
            template = planned.item.template or None
            _declare(root, "responseDeclaration", "RESPONSE", "single", "string", template)
        marked = (sum(gap_points(planned), Fraction(0)) if planned.form == "gaps"
                  else Fraction(planned.question.total))
        score = _declare(root, "outcomeDeclaration", "SCORE", "single", "float", "0")
        score.set("normalMaximum", number(marked))
        _declare(root, "outcomeDeclaration", "MAXSCORE", "single", "float",
                 number(Fraction(planned.question.total)))
        _declare(root, "outcomeDeclaration", "FEEDBACK", "multiple", "identifier")

    def _add_score(self, parent: ET.Element, points: Fraction) -> None:
        total = _sub(_sub(parent, "setOutcomeValue", identifier="SCORE"), "sum")
        _var(total, "SCORE")
        _value(total, "float", number(points))

    def _show(self, parent: ET.Element, identifier: str) -> None:
        shown = _sub(_sub(parent, "setOutcomeValue", identifier="FEEDBACK"), "multiple")
        _var(shown, "FEEDBACK")
        _value(shown, "identifier", identifier)

    def _within(self, parent: ET.Element, response: str, bounds: tuple[str, str]) -> None:
        both = _sub(parent, "and")
        for test, bound in zip(("gte", "lte"), bounds, strict=True):
            compared = _sub(both, test)
            _var(compared, response)
            _value(compared, "float", bound)

    def _processing(self) -> None:
        processing = _sub(self.root, "responseProcessing")
        planned = self.planned
        if planned.form == "gaps":
            for index, (plan, points) in enumerate(
                    zip(planned.gaps, gap_points(planned), strict=True), start=1):
                condition = _sub(processing, "responseCondition")
                branch = _sub(condition, "responseIf")
                self._within(branch, f"RESPONSE_{index}", window(plan.exact, plan.tolerance))
                self._add_score(branch, points)
                for path, wrong in enumerate(plan.wrong, start=1):
                    branch = _sub(condition, "responseElseIf")
                    self._within(branch, f"RESPONSE_{index}",
                                 window(wrong.value, wrong.tolerance))
                    self._add_score(branch, points * Fraction(wrong.percent) / 100)
                    self._show(branch, f"WRONG_{index}_{path}")
        elif planned.form == "choice":
            condition = _sub(_sub(processing, "responseCondition"), "responseIf")
            match = _sub(condition, "match")
            _var(match, "RESPONSE")
            _sub(match, "correct", identifier="RESPONSE")
            _value(_sub(condition, "setOutcomeValue", identifier="SCORE"), "float",
                   number(Fraction(planned.question.total)))
        self._show(processing, SOLUTION)

    def _modal(self, identifier: str, title: str, html: str) -> None:
        modal = _sub(self.root, "modalFeedback", outcomeIdentifier="FEEDBACK",
                     identifier=identifier, showHide="show", title=title)
        lead, children = xhtml.elements(html, QTI)
        modal.text = lead or None
        modal.extend(children)


def student_text(data: bytes) -> str:
    """What a candidate sees of an item before answering: its body (the interactions'
    prompts and choices, a box's starting text), not its feedback or its key."""
    root = ET.fromstring(data)
    body = root.find(NS + "itemBody")
    shown = [] if body is None else ["".join(body.itertext())]
    for default in root.iterfind(f"{NS}responseDeclaration/{NS}defaultValue/{NS}value"):
        shown.append(default.text or "")
    return "\n".join(shown)


def guard(planned: Planned, data: bytes) -> None:
    """The leak guard on what a candidate sees of the item."""
    from solver.guard import check

    check(f"QTI item {planned.idnumber}",
          [(planned.question, planned.solution, student_text(data))])


def test_xml(title: str, number_: int, sections: list[tuple[str, str, list[str]]],
             href: Callable[[str], str]) -> bytes:
    """Variant ``number_`` as an ``assessmentTest``: one section per exam section (its
    prefix, its title, its items' identifiers), SCORE the sum of the items'."""
    root = ET.Element(NS + "assessmentTest", {
        f"{{{XSI}}}schemaLocation": SCHEMA, "identifier": f"variant-{number_}",
        "title": f"{title}, variant {number_}"})
    _declare(root, "outcomeDeclaration", "SCORE", "single", "float", "0")
    part = _sub(root, "testPart", identifier="exam", navigationMode="nonlinear",
                submissionMode="simultaneous")
    _sub(part, "itemSessionControl", maxAttempts="1", showFeedback="false",
         showSolution="false")
    for prefix, name, identifiers in sections:
        section = _sub(part, "assessmentSection", identifier=f"section-{prefix}", title=name,
                       visible="true")
        for identifier in identifiers:
            _sub(section, "assessmentItemRef", identifier=identifier, href=href(identifier))
    total = _sub(_sub(_sub(root, "outcomeProcessing"), "setOutcomeValue", identifier="SCORE"),
                 "sum")
    _sub(total, "testVariables", variableIdentifier="SCORE")
    ET.register_namespace("", QTI)
    ET.register_namespace("xsi", XSI)
    xhtml.indent(root, QTI)
    return DECLARATION + bytes(ET.tostring(root, "utf-8", xml_declaration=False)) + b"\n"
