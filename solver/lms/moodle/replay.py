"""The second half of the offline check: Moodle's marking replayed on every variant, and
the bank read by a second, independent XML parser (see :mod:`solver.lms.moodle.check`).
"""

from __future__ import annotations

import importlib
import json
import xml.etree.ElementTree as ET
from typing import Any

from solver.lms.feedback import inline, read_params
from solver.lms.gaps import GapPlan
from solver.lms.moodle.cloze import grade, parse_gaps, problems, to_float
from solver.lms.moodle.export import TYPE
from solver.lms.moodle.reading import parse, text_of
from solver.lms.plan import Planned
from solver.lms.tolerance import answer_text, decimal_text


def replay(data: bytes, bank: list[Planned]) -> list[str]:
    """Moodle's marking of the planned responses, and the bank against the variants."""
    root, found = parse(data)
    if root is None:
        return found
    by_id = {text_of(q, "idnumber"): q for q in root if q.get("type") != "category"}
    if set(by_id) != {planned.idnumber for planned in bank}:
        found.append("the bank's idnumbers are not the variants' questions")
    for planned in bank:
        question = by_id.get(planned.idnumber)
        if question is None:
            continue
        where = planned.idnumber
        planned_type = TYPE[planned.form]
        if question.get("type") != planned_type:
            found.append(f"{where}: a {question.get('type')} question, planned {planned_type}")
            continue
        try:
            shown = read_params(text_of(question, "generalfeedback/text") or "")
        except ValueError as error:
            shown = str(error)
        if json.dumps(shown, sort_keys=True) != json.dumps(planned.solution.params,
                                                           sort_keys=True):
            found.append(f"{where}: the feedback's parameters are not the variant's")
        if planned.form == "gaps":
            found += [f"{where}: {p}" for p in _replay_cloze(question, planned)]
        elif planned.form == "choice":
            found += [f"{where}: {p}" for p in _replay_choice(question, planned)]
    return found


def _replay_cloze(question: ET.Element, planned: Planned) -> list[str]:
    gaps, _ = parse_gaps(text_of(question, "questiontext/text") or "")
    if len(gaps) != len(planned.gaps):
        return [f"{len(gaps)} gaps, planned {len(planned.gaps)}"]
    found = []
    for gap, plan in zip(gaps, planned.gaps, strict=True):
        where = f"gap {plan.key}{list(plan.index) if plan.index else ''}"
        found += [f"{where}: {p}" for p in _against_json(plan, planned.solution.answer)]
        if gap.kind != "numerical" or gap.weight != plan.weight:
            found.append(f"{where}: not a NUMERICAL gap of weight {plan.weight}")
            continue
        if problems(gap):
            continue  # reported by structure()
        exact = float(plan.exact)
        expected = [("the exact answer", repr(exact), 1.0),
                    (f"the answer rounded to {plan.places} decimals",
                     decimal_text(plan.exact, plan.places), 1.0)]
        expected += [(f"wrong path '{w.name}'", answer_text(w.value), float(w.percent) / 100)
                     for w in plan.wrong]
        for what, response, fraction in expected:
            score = grade(gap, response)
            if abs(score - fraction) > 1e-9:
                found.append(f"{where}: {what} ({response}) scores {score:.0%}, "
                             f"not {fraction:.0%}")
        for factor in (1.1, 0.9):
            response = repr(exact * factor if exact else 0.1)
            score = grade(gap, response)
            hits = {float(w.percent) / 100 for w in plan.wrong
                    if abs(to_float(response) - float(w.value)) <= float(w.tolerance)}
            if score != 0.0 and not any(abs(score - hit) < 1e-9 for hit in hits):
                found.append(f"{where}: a 10 % error ({response}) scores {score:.0%}, not 0")
    return found


def _against_json(plan: GapPlan, answer: dict[str, Any]) -> list[str]:
    value: Any = answer.get(plan.key)
    for i in plan.index:
        value = value[i] if isinstance(value, list) and i < len(value) else None
    flat = _flatten(value)
    exact = float(plan.exact)
    if not flat or any(not isinstance(v, int | float) or abs(v - exact) > 1e-9 * max(
            1.0, abs(exact)) for v in flat):
        return [f"the planned value {plan.exact} is not the solver's answer {value!r}"]
    return []


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [item for element in value for item in _flatten(element)]
    return [] if value is None else [value]


def _replay_choice(question: ET.Element, planned: Planned) -> list[str]:
    printed = dict(planned.item.options)
    texts = [text_of(answer) for answer in question.findall("answer")]
    fractions = [float(a.get("fraction", "nan")) for a in question.findall("answer")]
    found = []
    if texts != [inline(statement) for statement in printed.values()]:
        found.append("the options are not the variant's, in its order")
    right = list(printed).index(planned.item.right)
    if len(fractions) != len(printed) or fractions[right] != 100 or sum(fractions) != 100:
        found.append("the right statement is not the only one at 100 %")
    return found


# --- a second parser --------------------------------------------------------------------


def _summary(root: Any) -> list[tuple[str, ...]]:
    """What a parser reads: per question its type, name, idnumber, texts and answers."""
    rows = []
    for question in root:
        fields = [question.get("type") or "", question.findtext("category/text") or "",
                  question.findtext("name/text") or "", question.findtext("idnumber") or "",
                  question.findtext("questiontext/text") or "",
                  question.findtext("generalfeedback/text") or ""]
        fields += [f"{a.get('fraction')}:{a.findtext('text')}" for a in question.findall("answer")]
        fields += [f"{f.get('name')}:{(f.text or '').strip()}"
                   for f in question.iter("file")]
        rows.append(tuple(fields))
    return rows


def independent(data: bytes) -> list[str]:
    """Read the bank with lxml too and compare (skipped when lxml is not installed)."""
    try:
        etree: Any = importlib.import_module("lxml.etree")
    except ImportError:
        return []
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        theirs = _summary(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as error:
        return [f"lxml cannot read the bank: {error}"]
    root, found = parse(data)
    if root is None:
        return found
    ours = _summary(root)
    if len(ours) != len(theirs):
        return [f"ElementTree reads {len(ours)} questions, lxml {len(theirs)}"]
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=True), start=1):
        if mine != other:
            found.append(f"question {number} ({mine[3] or mine[1]}): ElementTree and lxml "
                         "read it differently")
    return found


