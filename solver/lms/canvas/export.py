"""The LMS-neutral plan as Canvas's QTI 1.2 dialect (``solver export canvas``).

Canvas marks a numerical question by one list of answers, each worth all its points, and
has no question with several numerical blanks. So each variant is one quiz (one
``assessment``, ``variant-N.xml``), in which a question becomes:

- gaps: one ``numerical_question`` per asked value (``ID-vN-K``), worth its share of the
  part's points (the exam's points split evenly over the part's gaps); its one answer is
  the range [key − tolerance, key + tolerance], written as exact decimal bounds around the
  key's decimal text (``vargte``/``varlte``: Canvas classic and New Quizzes keep such a
  range as written; an exact answer with a margin is turned into binary-float noise by
  New Quizzes). The first holds the statement and the rounding rule, each the sub-question
  it answers. A named wrong path cannot earn partial credit in Canvas: it is not listed
  (it would earn full marks); the feedback for a wrong answer names the known mistakes. A
  sub-question that asks for words is an ``essay_question`` (``ID-vN-explain-K``);
- choice: one ``multiple_choice_question``, options in the variant's order, the key
  worth the question's points;
- essay: one ``essay_question``, the lab's template shown in the question (Canvas has no
  starting text for an essay box), marked by hand.

The worked solution is the general feedback of the question's last item; figures are
package files (``media/``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

from solver.lms import feedback as fb
from solver.lms import layout
from solver.lms.gaps import GapPlan
from solver.lms.package import media_name
from solver.lms.plan import Planned
from solver.lms.qti21.export import gap_points, window
from solver.model import Ask

NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NUMERICAL, CHOICE, ESSAY = "numerical_question", "multiple_choice_question", "essay_question"


def points_text(points: Fraction) -> str:
    """Canvas's points: a decimal (a float's shortest text when it does not end)."""
    return repr(float(points))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _html(parent: ET.Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype="text/html")


class QuizWriter:
    """One variant's quiz: its items, the files they use, what students see of each."""

    def __init__(self, title: str, number: int) -> None:
        self.root = ET.Element("questestinterop", xmlns=NAMESPACE)
        self.assessment = _sub(self.root, "assessment", ident=f"variant-{number}",
                               title=f"{title}, variant {number}")
        metadata = _sub(_sub(self.assessment, "qtimetadata"), "qtimetadatafield")
        _sub(metadata, "fieldlabel", "cc_maxattempts")
        _sub(metadata, "fieldentry", "1")
        self.section = _sub(self.assessment, "section", ident="root_section")
        self.media: dict[str, bytes] = {}
        self.shown: list[str] = []  # what students see of the question being written

    def _printer(self) -> fb.FeedbackPrinter:
        printer: fb.FeedbackPrinter

        def reference(name: str) -> str:
            data = printer.files[name]
            path = media_name(data)
            self.media[path] = data
            return path

        printer = fb.FeedbackPrinter(reference)
        return printer

    def add(self, planned: Planned) -> list[str]:
        """Write one question's items; returns what students see of them."""
        self.shown = []
        {"gaps": self._gaps, "choice": self._choice, "essay": self._essay}[planned.form](planned)
        return self.shown

    def write(self) -> bytes:
        ET.indent(self.root)
        return DECLARATION + bytes(ET.tostring(self.root, "utf-8", xml_declaration=False)) + b"\n"

    # --- one item -----------------------------------------------------------------------

    def _item(self, ident: str, title: str, kind: str, points: Fraction, text: str) -> ET.Element:
        item = _sub(self.section, "item", ident=ident, title=title)
        fields = _sub(_sub(item, "itemmetadata"), "qtimetadata")
        for label, entry in (("question_type", kind), ("points_possible", points_text(points))):
            field = _sub(fields, "qtimetadatafield")
            _sub(field, "fieldlabel", label)
            _sub(field, "fieldentry", entry)
        presentation = _sub(item, "presentation")
        _html(presentation, text)
        self.shown.append(text)
        return item

    def _blank(self, item: ET.Element, fib: str | None) -> None:
        response = _sub(item.find("presentation"), "response_str", ident="response1",  # type: ignore[arg-type]
                        rcardinality="Single")
        render = _sub(response, "render_fib", **({"fibtype": fib} if fib else {}))
        _sub(render, "response_label", ident="answer1", rshuffle="No")

    def _processing(self, item: ET.Element, right: list[ET.Element] | None,
                    general: str | None, incorrect: str | None) -> None:
        if right is None and general is None and incorrect is None:
            return  # (the DTD wants a condition in every resprocessing)
        processing = _sub(item, "resprocessing")
        _sub(_sub(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0",
             varname="SCORE", vartype="Decimal")
        if general is not None:
            self._show(processing, "general_fb")
        if right is not None:
            condition = _sub(processing, "respcondition", **{"continue": "No"})
            _sub(condition, "conditionvar").extend(right)
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        if incorrect is not None:
            self._show(processing, "general_incorrect_fb")
        for ident, html in (("general_fb", general), ("general_incorrect_fb", incorrect)):
            if html is not None:
                _html(_sub(_sub(item, "itemfeedback", ident=ident), "flow_mat"), html)

    def _show(self, processing: ET.Element, ident: str) -> None:
        condition = _sub(processing, "respcondition", **{"continue": "Yes"})
        _sub(_sub(condition, "conditionvar"), "other")
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=ident)

    def _worked(self, planned: Planned) -> str:
        printer = self._printer()
        worked = printer.render(planned.solution)
        if planned.form != "choice":
            worked += printer.rubric(planned.solution.rubric)
        return worked

    # --- the forms -----------------------------------------------------------------------

    def _gaps(self, planned: Planned) -> None:
        meta, plans = planned.solution.meta, planned.gaps
        shares = dict(zip(map(id, plans), gap_points(planned), strict=True))
        texts: list[tuple[str, Fraction, GapPlan | None, str]] = []
        lead = [fb.statement(meta), f"<p><em>{fb.text(layout.rule(planned))}</em></p>"]
        for ask in meta.asks:
            mine = [plan for plan in plans if plan.part == ask.label]
            head = "\n".join(lead + ([fb.ask_html(ask)] if ask.text or ask.label else []))
            lead = []
            if not mine:
                texts.append((head, Fraction(ask.points), None, ask.label))
            for index, gap in enumerate(mine):
                line = f"<p>{fb.text(gap.label)} =</p>"
                texts.append(((head + "\n" if index == 0 else "") + line, shares[id(gap)],
                              gap, ask.label))
        last = len(texts) - 1
        numbered = explained = 0
        for position, (text, points, plan, label) in enumerate(texts):
            general = self._worked(planned) if position == last else None
            if plan is None:
                explained += 1
                item = self._item(f"{planned.idnumber}-explain-{explained}",
                                  self._title(planned, f"{label} (explain)"), ESSAY, points, text)
                self._blank(item, None)
                self._processing(item, None, general, None)
                continue
            numbered += 1
            item = self._item(f"{planned.idnumber}-{numbered}",
                              self._title(planned, plan.label), NUMERICAL, points, text)
            self._blank(item, "Decimal")
            low, high = window(plan.exact, plan.tolerance)
            bounds = [ET.Element("vargte", respident="response1"),
                      ET.Element("varlte", respident="response1")]
            bounds[0].text, bounds[1].text = low, high
            mistakes = "".join(f"<li>{fb.text(w.name)}</li>" for w in plan.wrong)
            incorrect = (f"<p>Known mistakes for this value (Canvas gives them no partial "
                         f"credit):</p><ul>{mistakes}</ul>" if mistakes else None)
            self._processing(item, bounds, general, incorrect)

    def _title(self, planned: Planned, part: str) -> str:
        return f"{planned.question.id} v{planned.variant}: {part}"[:250]

    def _choice(self, planned: Planned) -> None:
        item = self._item(planned.idnumber, self._title(planned, planned.solution.meta.title),
                          CHOICE, Fraction(planned.question.total),
                          fb.statement(planned.solution.meta))
        response = _sub(item.find("presentation"), "response_lid",  # type: ignore[arg-type]
                        ident="response1", rcardinality="Single")
        render = _sub(response, "render_choice", shuffle="No")
        for letter, statement in planned.item.options:
            _html(_sub(render, "response_label", ident=letter), fb.inline(statement))
            self.shown.append(statement)
        right = ET.Element("varequal", respident="response1")
        right.text = planned.item.right
        self._processing(item, [right], self._worked(planned), None)

    def _essay(self, planned: Planned) -> None:
        pieces = layout.essay_pieces(planned, "The code to complete (copy it into your answer):")
        item = self._item(planned.idnumber, self._title(planned, planned.solution.meta.title),
                          ESSAY, Fraction(planned.question.total), "\n".join(pieces))
        self._blank(item, None)
        self._processing(item, None, self._worked(planned), None)


def explain_asks(planned: Planned) -> list[Ask]:
    """The sub-questions of a question with gaps that ask for words (an essay each)."""
    return [ask for ask in planned.solution.meta.asks
            if not any(plan.part == ask.label for plan in planned.gaps)]
