"""Offline checks of a Moodle XML bank: what Moodle's importer and question types assume,
a replay of Moodle's marking rule, and a second, independent XML parser.

Moodle publishes no schema for its XML format, so :func:`structure` checks what the
importer (qformat_xml) and the question types rely on: the declaration on line 1, the
``<quiz>`` root, a category before the questions, every question named with text, HTML
question text and feedback, fractions from Moodle's grade list, single-answer choices
with exactly one 100 %, numerical answers and tolerances that parse, cloze gaps that parse
with the importer's own grammar (:mod:`solver.lms.moodle.cloze`) and pass its validation, and
every ``@@PLUGINFILE@@/name`` backed by a decodable ``<file>`` of the same text field.

:func:`solver.lms.moodle.replay.replay` marks responses as Moodle does (the first answer
whose tolerance holds the response gives its fraction): for every gap of every variant the
exact answer and the answer rounded to the asked decimals score 100 %, answers 10 % off
score 0 (or, if they hit a known wrong path, its partial credit, never 100 %), and each
known wrong path scores its fraction. It also compares every planned value with the
solver's JSON answer, each choice with the variant's options, and the parameters in the
feedback with the variant's. :func:`solver.lms.moodle.replay.independent` reads the file with
lxml (libxml2, not ElementTree's expat) and compares what both parsers see.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET

from solver.lms.moodle.cloze import parse_gaps, problems, valid_number
from solver.lms.moodle.reading import parse, text_of
from solver.lms.moodle.replay import independent, replay
from solver.lms.plan import Planned
from solver.lms.tolerance import ALLOWED
from solver.model import SelfCheckError

TYPES = ("category", "cloze", "multichoice", "essay", "numerical")
RESPONSE_FORMATS = ("editor", "editorfilepicker", "plain", "monospaced", "noinline")
NUMBERINGS = ("abc", "ABCD", "123", "iii", "IIII", "none")
_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>?#]+)")
_CATEGORY_SPLIT = re.compile(r"(?<!/)/(?!/)")


def _percent_ok(value: str) -> bool:
    try:
        number = float(value)
    except ValueError:
        return False
    return any(abs(number - float(allowed)) < 1e-9 for allowed in ALLOWED)


def structure(data: bytes) -> list[str]:
    """What the importer and the question types assume (see the module docstring)."""
    root, found = parse(data)
    if root is None:
        return found
    seen: set[str] = set()
    category = None
    for number, question in enumerate(root, start=1):
        kind = question.get("type", "")
        where = f"question {number} ({kind or 'no type'})"
        if question.tag != "question" or kind not in TYPES:
            found.append(f"{where}: not a <question> of a known type")
            continue
        if kind == "category":
            category = text_of(question, "category/text")
            names = _CATEGORY_SPLIT.split(category or "")
            if not category or names[0] != "$course$" or len(names) < 2 or not all(
                    name.strip() for name in names):
                found.append(f"{where}: category path {category!r} is not $course$/…")
            continue
        ident = text_of(question, "idnumber") or ""
        where = f"{where} {ident}".rstrip()
        found += [f"{where}: {problem}" for problem in _question(question, kind)]
        if category is None:
            found.append(f"{where}: comes before any category")
        if not ident or len(ident) > 100 or ident in seen:
            found.append(f"{where}: idnumber missing, longer than 100 or repeated")
        seen.add(ident)
    return found


def _question(question: ET.Element, kind: str) -> list[str]:
    found = []
    name = (text_of(question, "name/text") or "").strip()
    if not name or len(name) > 255:
        found.append("has no name text (or one longer than 255 characters)")
    for field in ("questiontext", "generalfeedback"):
        element = question.find(field)
        if element is None or element.get("format") != "html" or text_of(element) is None:
            found.append(f"has no HTML {field} with a <text>")
    if kind != "cloze" and not (text_of(question, "questiontext/text") or "").strip():
        found.append("has an empty question text")
    try:
        grade_value = float(text_of(question, "defaultgrade") or "")
    except ValueError:
        grade_value = -1.0
    if grade_value <= 0:
        found.append("has no positive defaultgrade")
    if kind == "multichoice":
        found += _choice(question)
    elif kind == "cloze":
        gaps, _ = parse_gaps(text_of(question, "questiontext/text") or "")
        if not gaps:
            found.append("is a cloze question without gaps")
        for index, gap in enumerate(gaps, start=1):
            found += [f"gap {index} {problem}" for problem in problems(gap)]
            found += [f"gap {index}: fraction {a.percent}% is not in Moodle's list"
                      for a in gap.answers if not _percent_ok(a.percent or "0")]
        if gaps and grade_value != sum(gap.weight for gap in gaps):
            found.append("defaultgrade is not the sum of the gap weights (Moodle's mark)")
    elif kind == "numerical":
        for answer in question.findall("answer"):
            if not valid_number(text_of(answer) or "") or not valid_number(
                    text_of(answer, "tolerance") or "0"):
                found.append("has a numerical answer or tolerance that does not parse")
            if not _percent_ok(answer.get("fraction", "")):
                found.append(f"has fraction {answer.get('fraction')} not in Moodle's list")
    elif kind == "essay":
        info = question.find("graderinfo")
        if info is None or info.get("format") != "html" or not (text_of(info) or "").strip():
            found.append("has no HTML graderinfo")
        if text_of(question, "responseformat") not in RESPONSE_FORMATS:
            found.append("has an unknown responseformat")
    return found + _files(question)


def _choice(question: ET.Element) -> list[str]:
    found = []
    if text_of(question, "single") not in ("true", "1"):
        found.append("is not a single-answer choice")
    if text_of(question, "shuffleanswers") not in ("0", "false"):
        found.append("shuffles its answers (the variant's order must stay)")
    if text_of(question, "answernumbering") not in NUMBERINGS:
        found.append("has an unknown answernumbering")
    answers = question.findall("answer")
    fractions = [answer.get("fraction", "") for answer in answers]
    if len(answers) < 2 or any(not (text_of(a) or "").strip() for a in answers):
        found.append("has fewer than two answers, or an empty one")
    found += [f"fraction {f!r} is not in Moodle's list" for f in fractions if not _percent_ok(f)]
    if sum(1 for f in fractions if _percent_ok(f) and float(f) == 100) != 1:
        found.append("has not exactly one answer at 100 %")
    return found


def _files(question: ET.Element) -> list[str]:
    """Every @@PLUGINFILE@@ reference of a text field backed by a file of that field."""
    found = []
    for field in question.iter():
        text = text_of(field)
        files = {f.get("name", ""): f for f in field.findall("file")}
        wanted = set(_PLUGINFILE.findall(text or ""))
        found += [f"{field.tag} refers to @@PLUGINFILE@@/{name} but holds no such file"
                  for name in sorted(wanted - set(files))]
        found += [f"{field.tag} holds file {name} that nothing refers to"
                  for name in sorted(set(files) - wanted)]
        for name, file in files.items():
            try:
                decoded = base64.b64decode((file.text or "").strip(), validate=True)
            except (binascii.Error, ValueError):
                decoded = b""
            if file.get("encoding") != "base64" or file.get("path") != "/" or not decoded:
                found.append(f"{field.tag} file {name} is not a decodable base64 file at /")
    return found


def check(data: bytes, bank: list[Planned]) -> list[str]:
    """Every check: :func:`structure`, then :func:`solver.lms.moodle.replay.replay` and
    :func:`solver.lms.moodle.replay.independent`."""
    return structure(data) + replay(data, bank) + independent(data)


def verify(data: bytes, bank: list[Planned]) -> None:
    """Raise a SelfCheckError naming what is wrong if the bank fails any check."""
    found = check(data, bank)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise SelfCheckError("the Moodle bank failed its offline check: "
                             + "; ".join(found[:3]) + more)
