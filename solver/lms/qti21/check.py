"""The QTI 2.1 package read back before it is written: every item parsed from its bytes,
its response processing run by a small interpreter of the QTI operators the writer uses,
and every key answer graded through that reading against the plan.

Per gap: all keys give the computed parts' points; with the other gaps right, the key,
the key rounded to the decimals asked and the key ± half the tolerance give the gap's full
share, the key ± twice the tolerance (± 1 for a whole number) less, the key × 1.1 and
× 0.9 nothing (or a named wrong path's credit when they land on one), and each named
wrong path its credit. Per choice: only the key scores, the question's points. Per
essay: the box, and a lab's starting text is the exam's template. Every figure an item
shows is a file of the package.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from typing import Any

from solver.lms import feedback as fb
from solver.lms.plan import Planned
from solver.lms.qti21.export import NS, SOLUTION, gap_points, number
from solver.lms.tolerance import decimal_text, rounded
from solver.model import SelfCheckError

Values = dict[str, Any]


class _Unknown(Exception):
    pass


def _local(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _base(element: ET.Element) -> Any:
    kind, text = element.get("baseType"), (element.text or "").strip()
    if kind in ("float", "integer"):
        return float(text)
    return text


def evaluate(expression: ET.Element, values: Values, correct: Values) -> Any:
    """One QTI expression of the subset the writer uses (None is QTI's NULL)."""
    name = _local(expression)
    args = [evaluate(child, values, correct) for child in expression
            if name not in ("variable", "baseValue", "correct")]
    if name == "variable":
        return values.get(expression.get("identifier", ""))
    if name == "baseValue":
        return _base(expression)
    if name == "correct":
        return correct.get(expression.get("identifier", ""))
    if name in ("and", "or"):
        if any(arg is None for arg in args):
            return None
        return all(args) if name == "and" else any(args)
    if name in ("gte", "lte", "match"):
        if None in args or len(args) != 2:
            return None
        left, right = args
        return {"gte": left >= right, "lte": left <= right, "match": left == right}[name]
    if name == "sum":
        return None if None in args else float(sum(args))
    if name == "multiple":
        out: list[Any] = []
        for arg in args:
            out += arg if isinstance(arg, list) else [] if arg is None else [arg]
        return out
    raise _Unknown(f"the operator <{name}> is not one the writer uses")


def run(processing: ET.Element, values: Values, correct: Values) -> None:
    """Response processing's rules, in order, on ``values`` (changed in place)."""
    for rule in processing:
        name = _local(rule)
        if name == "setOutcomeValue":
            values[rule.get("identifier", "")] = evaluate(rule[0], values, correct)
        elif name == "responseCondition":
            for branch in rule:
                kind = _local(branch)
                taken = kind == "responseElse" or evaluate(branch[0], values, correct) is True
                if taken:
                    run(_rules(branch, kind), values, correct)
                    break
        else:
            raise _Unknown(f"the rule <{name}> is not one the writer uses")


def _rules(branch: ET.Element, kind: str) -> ET.Element:
    holder = ET.Element("rules")
    holder.extend(list(branch)[0 if kind == "responseElse" else 1:])
    return holder


class Item:
    """An item as read back: declarations, interactions in body order, processing."""

    def __init__(self, data: bytes) -> None:
        self.root = ET.fromstring(data)
        self.declared = {d.get("identifier", ""): d
                         for d in self.root.iterfind(NS + "responseDeclaration")}
        self.outcomes = {d.get("identifier", ""): d
                         for d in self.root.iterfind(NS + "outcomeDeclaration")}
        body = self.root.find(NS + "itemBody")
        self.interactions = [] if body is None else [
            e for e in body.iter() if e.get("responseIdentifier")]
        self.processing = self.root.find(NS + "responseProcessing")
        self.correct = {name: _base_of(d) for name, d in self.declared.items()}

    def score(self, responses: Values) -> float:
        values: Values = {name: None for name in self.declared}
        for name, declared in self.outcomes.items():
            default = declared.find(f"{NS}defaultValue/{NS}value")
            values[name] = (None if default is None else
                            float(default.text or 0) if declared.get("baseType") == "float"
                            else default.text)
        values.update(responses)
        if self.processing is not None:
            run(self.processing, values, self.correct)
        score = values.get("SCORE")
        return float(score) if isinstance(score, int | float) else 0.0


def _base_of(declared: ET.Element) -> Any:
    value = declared.find(f"{NS}correctResponse/{NS}value")
    if value is None:
        return None
    text = (value.text or "").strip()
    return float(text) if declared.get("baseType") in ("float", "integer") else text


def problems(data: bytes, planned: Planned, media: set[str]) -> list[str]:
    """What is wrong with one item's bytes against its plan ([]: nothing)."""
    try:
        item = Item(data)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    found = []
    if item.root.get("identifier") != planned.idnumber:
        found.append(f"identifier {item.root.get('identifier')!r}")
    for image in item.root.iter(NS + "img"):
        source = image.get("src", "")
        if not source.startswith("../") or source[3:] not in media or not image.get("alt"):
            found.append(f"figure {source!r} is not a package file with alt text")
    modal = [m.get("identifier") for m in item.root.iterfind(NS + "modalFeedback")]
    if SOLUTION not in modal:
        found.append("no worked solution feedback")
    try:
        found += {"gaps": _gaps, "choice": _choice, "essay": _essay}[planned.form](item, planned)
    except _Unknown as error:
        found.append(str(error))
    return found


def _gaps(item: Item, planned: Planned) -> list[str]:
    entries = [e for e in item.interactions if _local(e) == "textEntryInteraction"]
    names = [e.get("responseIdentifier", "") for e in entries]
    if len(names) != len(planned.gaps) or any(
            item.declared[n].get("baseType") != "float" for n in names if n in item.declared):
        return [f"{len(names)} float entries, planned {len(planned.gaps)}"]
    shares = [float(p) for p in gap_points(planned)]
    keys = {name: float(plan.exact) for name, plan in zip(names, planned.gaps, strict=True)}
    full = item.score(keys)
    found = []
    if abs(full - sum(shares)) > 1e-9:
        found.append(f"all keys score {full:g}, not {sum(shares):g}")
    for name, plan, share in zip(names, planned.gaps, shares, strict=True):
        where = f"gap {plan.label}"
        if item.correct.get(name) != float(number(plan.exact)):
            found.append(f"{where}: the correct response is not the key")
        for what, value, want in _cases(plan):
            got = item.score({**keys, name: float(value)}) - (full - share)
            if want == "less" and got < share - 1e-9:
                continue
            if want != "less" and abs(got - float(want) * share) <= 1e-9:
                continue
            found.append(f"{where}: {what} ({decimal_text(value, plan.places + 4)}) scores "
                         f"{got:g} of {share:g}")
    return found


def _cases(plan: Any) -> list[tuple[str, Fraction, Any]]:
    """(what, value typed, expected fraction of the gap or "less")."""
    key, tolerance = plan.exact, plan.tolerance
    cases: list[tuple[str, Fraction, Any]] = [
        ("the key", key, 1), ("the key rounded", rounded(key, plan.places), 1)]
    if tolerance:
        cases += [("key + tol/2", key + tolerance / 2, 1),
                  ("key - tol/2", key - tolerance / 2, 1),
                  ("key + 2 tol", key + 2 * tolerance, "less"),
                  ("key - 2 tol", key - 2 * tolerance, "less")]
    else:
        cases += [("key + 1", key + 1, "less"), ("key - 1", key - 1, "less")]
    for what, value in (("key x 1.1", key * Fraction(11, 10)),
                        ("key x 0.9", key * Fraction(9, 10))):
        if key:
            credit = next((Fraction(w.percent) / 100 for w in plan.wrong
                           if abs(value - w.value) <= w.tolerance), Fraction(0))
            cases.append((what, value, credit))
    cases += [(f"wrong path '{w.name}'", w.value, Fraction(w.percent) / 100) for w in plan.wrong]
    return cases


def _choice(item: Item, planned: Planned) -> list[str]:
    interactions = [e for e in item.interactions if _local(e) == "choiceInteraction"]
    if len(interactions) != 1 or interactions[0].get("shuffle") != "false":
        return ["not one unshuffled choice interaction"]
    choices = interactions[0].findall(NS + "simpleChoice")
    options = planned.item.options
    found = []
    read = [(c.get("identifier"), " ".join("".join(c.itertext()).split())) for c in choices]
    want = [(letter, " ".join(fb.inline(text).split())) for letter, text in options]
    if read != [(letter, _unescaped(text)) for letter, text in want]:
        found.append("the options are not the variant's, in its order")
    for letter, _ in options:
        got = item.score({"RESPONSE": letter})
        expected = float(planned.question.total) if letter == planned.item.right else 0.0
        if abs(got - expected) > 1e-9:
            found.append(f"option {letter} scores {got:g}, not {expected:g}")
    return found


def _unescaped(text: str) -> str:
    from html import unescape

    return unescape(text)


def _essay(item: Item, planned: Planned) -> list[str]:
    boxes = [e for e in item.interactions if _local(e) == "extendedTextInteraction"]
    if len(boxes) != 1:
        return [f"{len(boxes)} text boxes, not 1"]
    default = item.declared["RESPONSE"].find(f"{NS}defaultValue/{NS}value")
    start = "" if default is None else default.text or ""
    if start != planned.item.template:
        return ["the box does not start with the exam's template"]
    return []


def verify(data: bytes, planned: Planned, media: set[str]) -> None:
    """SelfCheckError naming the item and what is wrong, if anything is."""
    found = problems(data, planned, media)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise SelfCheckError(f"QTI 2.1 item {planned.idnumber} failed its read-back check: "
                             f"{found[0]}{more}")
