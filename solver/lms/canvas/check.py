"""A Canvas quiz read back before it is written: each question's items found by their
identifiers, and every key answer graded the way Canvas grades a numerical question (full
marks inside any listed answer's range, nothing outside).

Per gap: its one range's bounds are the exact decimals of the plan's window (no float
drift); the key, the key rounded to the decimals asked and the key ± half the tolerance
are accepted; the key ± twice the tolerance (± 1 for a whole number), ± 10 % and each
named wrong path are refused (Canvas would give a listed wrong path full marks); the
items' points add up to the computed parts' points. Per choice: the key's label is the
only right one, the options the variant's in its order. Every figure is a package file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from fractions import Fraction

from solver.lms import feedback as fb
from solver.lms.canvas.export import CHOICE, ESSAY, NUMERICAL, explain_asks
from solver.lms.gaps import GapPlan
from solver.lms.plan import Planned
from solver.lms.qti21.export import gap_points, window
from solver.lms.tolerance import rounded
from solver.model import SelfCheckError


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _field(item: ET.Element, label: str) -> str | None:
    for field in _find(item, "qtimetadatafield"):
        labels, entries = _find(field, "fieldlabel"), _find(field, "fieldentry")
        if labels and entries and (labels[0].text or "") == label:
            return entries[0].text or ""
    return None


def _ranges(item: ET.Element) -> list[tuple[str, str]]:
    """The (low, high) bounds of every answer worth marks."""
    found = []
    for condition in _find(item, "respcondition"):
        marks = [s for s in condition if _local(s.tag) == "setvar"]
        if not marks or float(marks[0].text or 0) <= 0:
            continue
        low, high = _find(condition, "vargte"), _find(condition, "varlte")
        if len(low) != 1 or len(high) != 1:
            found.append(("?", "?"))
            continue
        found.append(((low[0].text or "").strip(), (high[0].text or "").strip()))
    return found


def _accepted(ranges: list[tuple[str, str]], value: Fraction) -> bool:
    typed = Decimal(value.numerator) / Decimal(value.denominator)
    return any(Decimal(low) <= typed <= Decimal(high) for low, high in ranges)


def problems(data: bytes, planned: Planned, media: set[str]) -> list[str]:
    """What is wrong with one question's items in the quiz's bytes ([]: nothing)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    ident = planned.idnumber
    items = [i for i in _find(root, "item")
             if i.get("ident") == ident or (i.get("ident") or "").startswith(ident + "-")]
    found = [f"{i.get('ident')}: has no question_type" for i in items
             if _field(i, "question_type") is None]
    for item in items:
        html = "".join(m.text or "" for m in _find(item, "mattext"))
        found += [f"{item.get('ident')}: figure {path} is not in the package"
                  for path in _sources(html) if path not in media]
    kinds = [_field(i, "question_type") for i in items]
    if planned.form == "gaps":
        numerical = [i for i in items if _field(i, "question_type") == NUMERICAL]
        essays = [i for i in items if _field(i, "question_type") == ESSAY]
        if len(numerical) != len(planned.gaps) or len(essays) != len(explain_asks(planned)):
            return [*found, f"{len(numerical)} numerical and {len(essays)} essay items, "
                    f"planned {len(planned.gaps)} and {len(explain_asks(planned))}"]
        points = sum((Fraction(_field(i, "points_possible") or "0") for i in numerical),
                     Fraction(0))
        if abs(points - sum(gap_points(planned), Fraction(0))) > Fraction(1, 10**6):
            found.append(f"the numerical items carry {float(points):g} points")
        for item, plan in zip(numerical, planned.gaps, strict=True):
            found += [f"{item.get('ident')}: {p}" for p in _gap(item, plan)]
    elif kinds != [CHOICE if planned.form == "choice" else ESSAY]:
        found.append(f"items {kinds}, not one {planned.form} question")
    elif planned.form == "choice":
        found += _choice(items[0], planned)
    return found


def _sources(html: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', html)


def _gap(item: ET.Element, plan: GapPlan) -> list[str]:
    ranges = _ranges(item)
    if ranges != [window(plan.exact, plan.tolerance)]:
        return [f"its answers {ranges} are not the window {window(plan.exact, plan.tolerance)}"]
    key, tolerance = plan.exact, plan.tolerance
    right = [("the key", key), ("the key rounded", rounded(key, plan.places))]
    wrong = [("key x 1.1", key * Fraction(11, 10)), ("key x 0.9", key * Fraction(9, 10))]
    if tolerance:
        right += [("key + tol/2", key + tolerance / 2), ("key - tol/2", key - tolerance / 2)]
        wrong += [("key + 2 tol", key + 2 * tolerance), ("key - 2 tol", key - 2 * tolerance)]
    else:
        wrong += [("key + 1", key + 1), ("key - 1", key - 1)]
    wrong += [(f"wrong path '{w.name}'", w.value) for w in plan.wrong]
    found = [f"{what} is refused" for what, value in right if not _accepted(ranges, value)]
    found += [f"{what} is accepted" for what, value in wrong
              if (value != key) and _accepted(ranges, value)]
    return found


def _choice(item: ET.Element, planned: Planned) -> list[str]:
    from html import unescape

    labels = _find(item, "response_label")
    read = [(label.get("ident"), unescape(" ".join("".join(
        m.text or "" for m in _find(label, "mattext")).split()))) for label in labels]
    want = [(letter, unescape(" ".join(fb.inline(text).split())))
            for letter, text in planned.item.options]
    found = [] if read == want else ["the options are not the variant's, in its order"]
    right = [e.text for c in _find(item, "respcondition") for e in _find(c, "varequal")
             if any(float(s.text or 0) > 0 for s in _find(c, "setvar"))]
    if right != [planned.item.right]:
        found.append(f"the answers worth marks are {right}, not {planned.item.right}")
    if Fraction(_field(item, "points_possible") or "0") != planned.question.total:
        found.append("its points are not the question's")
    return found


def verify(data: bytes, plans: list[Planned], media: set[str]) -> None:
    """SelfCheckError naming the question and what is wrong, if anything is."""
    for planned in plans:
        found = problems(data, planned, media)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise SelfCheckError(f"Canvas quiz item {planned.idnumber} failed its read-back "
                                 f"check: {found[0]}{more}")
