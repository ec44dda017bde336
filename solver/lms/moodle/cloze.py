"""Moodle's Embedded Answers (Cloze) gap grammar, both ways, and its numerical marking rule.

A gap is ``{weight:TYPE:answer~answer~…}``; an answer is ``=value`` (100 %) or
``%fraction%value`` (or plain ``value``: 0 %), for NUMERICAL ``value:tolerance``, then an
optional ``#feedback``. :func:`parse_gaps` is a port of qtype_multianswer's importer
(``qtype_multianswer_extract_question`` and its regular expressions, Moodle 4.x): the gaps
are found one by one, each replaced by ``{#N}`` in the text, and every alternative is
matched with the same patterns, so text the importer would misread is misread here too.

Escaping (:func:`escape_feedback`): the importer ends an answer at ``~``, ``#`` or ``}`` and
a feedback at ``~`` or ``}`` unless a backslash precedes them, then decodes HTML entities
once and turns ``\\}`` and ``\\#`` back into ``}`` and ``#``. So ``}`` and ``#`` are written
``\\}`` and ``\\#``; ``~``, ``\\``, ``/`` and ``"`` (which the importer does not unescape) as
the entities ``&#126;``, ``&#92;``, ``&#47;``, ``&quot;``; and the HTML specials ``<``,
``>``, ``&`` twice-encoded (``&amp;lt;``), because the importer decodes once and Moodle
stores the feedback as HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# The importer's patterns (question/type/multianswer/questiontype.php). PHP's look-behind
# (?<!\\|&|&amp;) has branches of unequal width, which Python's re rejects: three
# look-behinds in a row mean the same.
FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
ANSWER = r".+?(?<!\\)(?<!&)(?<!&amp;)(?=[~#}]|$)"
FEEDBACK = r".*?(?<!\\)(?=[~}]|$)"
ALTERNATIVE = f"({FRACTION})?({ANSWER})(#({FEEDBACK}))?"
NUMBER = r"-?(([0-9]+[.,]?[0-9]*|[.,][0-9]+)([eE][-+]?[0-9]+)?)"
NUMERICAL_ALTERNATIVE = re.compile(f"^({NUMBER})(:{NUMBER})?$", re.S)
TYPES = {
    "NUMERICAL": "numerical", "NM": "numerical",
    "SHORTANSWER": "shortanswer", "SA": "shortanswer", "MW": "shortanswer",
    "SHORTANSWER_C": "shortanswer", "SAC": "shortanswer", "MWC": "shortanswer",
}
for _name in ("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH",
              "MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"):
    TYPES[_name] = "multichoice"
for _name in ("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
              "MULTIRESPONSE_HS", "MRHS"):
    TYPES[_name] = "multiresponse"
# Longest names first, as the importer's alternation lists each short form after its long one.
_TYPE_DEF = "|".join(sorted(map(re.escape, TYPES), key=len, reverse=True))
GAP = re.compile(r"\{([0-9]*):(" + _TYPE_DEF + r"):"
                 + f"({ALTERNATIVE}(~{ALTERNATIVE})*)" + r"\}", re.S)
_ALTERNATIVE = re.compile("~?" + ALTERNATIVE, re.S)
# Moodle's PHP "precision" setting (14): the nominal tolerance is widened by this much.
PRECISION = 14


@dataclass(frozen=True)
class Answer:
    text: str  # the answer as stored: a number for NUMERICAL
    fraction: float  # 0..1
    percent: str  # the percentage as written ("100" for "=", "" for none)
    tolerance: str | None  # NUMERICAL: as written ("0" when absent); else None
    feedback: str  # decoded as the importer stores it (HTML)


@dataclass(frozen=True)
class Gap:
    source: str  # the whole {…} as written
    weight: int
    kind: str  # numerical, shortanswer, multichoice, multiresponse
    answers: tuple[Answer, ...]


def parse_gaps(text: str) -> tuple[list[Gap], str]:
    """The gaps of a cloze question text, in order, and the text with each gap replaced by
    ``{#N}`` (what the importer stores)."""
    gaps: list[Gap] = []
    while True:
        match = GAP.search(text)
        if match is None:
            return gaps, text
        kind = TYPES[match.group(2)]
        answers = []
        remaining = match.group(3)
        while True:
            alt = _ALTERNATIVE.search(remaining)
            if alt is None:
                break
            answers.append(_answer(kind, alt))
            remaining = remaining.split(alt.group(0), 1)[1]
        gaps.append(Gap(match.group(0), int(match.group(1) or "1"), kind, tuple(answers)))
        text = text.replace(match.group(0), f"{{#{len(gaps)}}}", 1)


def _answer(kind: str, alt: re.Match[str]) -> Answer:
    mark, percent, raw, feedback = alt.group(1), alt.group(2), alt.group(3), alt.group(5)
    if mark == "=":
        fraction, written = 1.0, "100"
    elif percent:
        fraction, written = 0.01 * float(percent.replace(",", ".")), percent
    else:
        fraction, written = 0.0, ""
    decoded = ""
    if feedback is not None:
        decoded = html.unescape(feedback).replace("\\}", "}").replace("\\#", "#")
    number = NUMERICAL_ALTERNATIVE.match(raw) if kind == "numerical" else None
    if number is not None:
        return Answer(number.group(1), fraction, written, number.group(6) or "0", decoded)
    text = html.unescape(raw).replace("\\}", "}").replace("\\#", "#")
    return Answer(text, fraction, written, "" if kind == "numerical" else None, decoded)


def problems(gap: Gap) -> list[str]:
    """What qtype_multianswer_validate_question refuses, plus what a NUMERICAL gap needs."""
    found = []
    answers = [a for a in gap.answers if a.text.strip()]
    if not answers:
        found.append("has no answer")
    for answer in answers:
        if gap.kind == "numerical" and not (valid_number(answer.text) or answer.text == "*"):
            found.append(f"answer {answer.text!r} is not a number")
        if gap.kind == "numerical" and not valid_number(answer.tolerance or ""):
            found.append(f"answer {answer.text!r} has no numeric tolerance")
    if answers and max(a.fraction for a in answers) != 1.0:
        found.append("has no answer at 100 %")
    if any(a.fraction > 1.0 for a in answers):
        found.append("has an answer above 100 %")
    if gap.weight < 1:
        found.append("has weight 0")
    return found


def valid_number(text: str) -> bool:
    return re.fullmatch(NUMBER, text.strip()) is not None


def to_float(text: str) -> float:
    return float(text.strip().replace(",", "."))


def within(answer: Answer, response: float) -> bool:
    """qtype_numerical_answer::within_tolerance, nominal tolerance (the cloze default)."""
    if answer.text == "*":
        return True
    value, tolerance = to_float(answer.text), abs(to_float(answer.tolerance or "0"))
    epsilon = 10.0 ** -PRECISION
    widened = tolerance + epsilon * max(tolerance, abs(value), epsilon)
    return value - widened <= response <= value + widened


def grade(gap: Gap, response: str) -> float:
    """Moodle's rule for a NUMERICAL gap: the answers are tried in order, and the first
    whose tolerance holds the response gives its fraction; none: 0."""
    value = to_float(response)
    for answer in gap.answers:
        if within(answer, value):
            return answer.fraction
    return 0.0


_FEEDBACK_ESCAPES = {
    "}": "\\}", "#": "\\#", "~": "&#126;", "\\": "&#92;", "/": "&#47;", '"': "&quot;",
    "<": "&amp;lt;", ">": "&amp;gt;", "&": "&amp;amp;",
}


def escape_feedback(text: str) -> str:
    """Plain text as a gap's feedback (see the module docstring)."""
    return "".join(_FEEDBACK_ESCAPES.get(char, char) for char in text)


def gap_text(weight: int, answers: list[tuple[str, str, str, str]]) -> str:
    """A NUMERICAL gap from (percent, value, tolerance, plain feedback) in marking order."""
    if weight < 1:
        raise ValueError("a gap's weight must be a whole number of at least 1")
    pieces = []
    for percent, value, tolerance, feedback in answers:
        if not (valid_number(value) and valid_number(tolerance)):
            raise ValueError(f"not a Moodle number: {value!r}:{tolerance!r}")
        mark = "=" if percent == "100" else f"%{percent}%"
        pieces.append(f"{mark}{value}:{tolerance}#{escape_feedback(feedback)}")
    return f"{{{weight}:NUMERICAL:{'~'.join(pieces)}}}"
