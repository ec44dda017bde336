"""The exam file: an exam's words, points, options and statements, read once from TOML.

An exam is a folder holding ``exam.toml`` (the bundled one is
``solver/exams/deep_learning``). Reading it imports nothing heavy (``tomllib`` only), so
``solver list`` stays fast; the statement templates are filled in by ``solver.wording``
when a question is solved. Every problem with the file is an InputError naming the file,
the question and what is allowed. A record is checked by the rules every question
shares (id, title, solver, statement, parts, params), then by its kind
(``solver.kinds``: what else the record must hold, its readings, its grader). A lab
record's optional ``grader`` names a module pair of ``solver.grading``
(``checks/NAME.py`` and ``probes/NAME.py``); only the labs that name one are gradable
(``Exam.gradable``). Sections are presentation: a section's ``kind`` is the prefix of its
questions' ids, and any kind of question may be filed under any section.

Readings (how the sheet reads a misprint or a lost figure of this exam's text) belong to
the exam, not to a solver. A lab record's ``readings`` is a list: they all stand before
the completed template. A computed question's ``readings`` is a table of named templates
over the question's words (``[questions.readings]``, ``figure = "…<<name>>…"``); its solver
places each name among its steps (``Solution.reading``) and declares the names it places in
``READINGS``. A name the record gives that its solver does not place is an InputError when
the question is solved (a misspelt name would silently drop the note); a name the solver
places that the record does not give places nothing, so another exam that reuses the solver
cites none of this exam's misprints. The exam-level ``source_note`` (optional) says where
the exam text came from, for the sheet's cover.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from solver.kinds import KINDS, kind_of
from solver.model import InputError
from solver.paper.fields import GridSpec
from solver.record import EXAM_FILE, Exam, Part, Question, Section

BUNDLED = Path(__file__).resolve().parent / "exams" / "deep_learning"
# A question's id is its section's prefix and its number: lab.1, lecture.2, paper.3.
_ID = re.compile(r"^([a-z]{1,20})\.([1-9][0-9]{0,2})$")
_PREFIX = re.compile(r"^[a-z]{1,20}$")
_SOLVER = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
MAX_FILE_BYTES = 1_000_000
# One text of the file (a statement, a template, a rubric line): the longest today is a
# lab's code template of about 2700 characters; typesetting time grows with a text's length.
MAX_TEXT = 20_000
MAX_QUESTIONS = 200


def exam_file(path: str | Path) -> Path:
    """The file an ``--exam`` names: a folder's exam.toml, or the file itself (never
    another file beside it), or an InputError saying what is wrong."""
    given = Path(path)
    try:
        folder = given.is_dir()
        candidate = given / EXAM_FILE if folder else given
        found = candidate.is_file()
    except (OSError, ValueError) as error:  # a name too long, a NUL byte
        raise InputError(f"--exam {str(path)!r}: {error}") from None
    if not found:
        raise InputError(
            f"--exam {str(path)!r} is not an exam folder holding an {EXAM_FILE}"
            if folder else f"--exam {str(path)!r}: no such exam file or folder")
    return candidate


def read_exam(path: str | Path) -> Exam:
    file = exam_file(path)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"{file}: an exam file may be at most {MAX_FILE_BYTES} bytes")
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {file}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{file} is not valid TOML: {error}") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise InputError(f"{file}: {error}") from None
    except RecursionError:
        raise InputError(f"{file}: arrays or tables nested too deeply") from None
    _bounded(str(file), raw)
    return _exam(file, raw)


def _bounded(where: str, raw: dict[str, Any]) -> None:
    """Every text of the file within MAX_TEXT characters, at most MAX_QUESTIONS questions."""
    pending: list[tuple[str, Any]] = [("", raw)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise InputError(f"{where}: {path.lstrip('.') or 'a text'} has {len(value):,} "
                             f"characters; at most {MAX_TEXT:,} are allowed")
        if isinstance(value, dict):
            pending += [(f"{path}.{key}", item) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(f"{path}[{index}]", item) for index, item in enumerate(value)]
    questions = raw.get("questions")
    if isinstance(questions, list) and len(questions) > MAX_QUESTIONS:
        raise InputError(f"{where}: {len(questions)} questions; at most {MAX_QUESTIONS} "
                         "are allowed")


def _need(where: str, table: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = table.get(key, default)
    if value is None or not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise InputError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _exam(file: Path, raw: dict[str, Any]) -> Exam:
    where = str(file)
    # A section's prefix is ``kind`` in the file (the word its questions' ids begin with).
    sections = tuple(
        Section(
            prefix=_need(where, s, "kind", str), name=_need(where, s, "name", str),
            statement=_need(where, s, "statement", str, ""),
        )
        for s in _need(where, raw, "sections", list)
    )
    prefixes = [section.prefix for section in sections]
    if not sections or len(set(prefixes)) != len(prefixes) or not all(
            _PREFIX.match(prefix) for prefix in prefixes):
        raise InputError(f"{where}: sections must have distinct kinds, each a lower-case word "
                         "(the prefix of its questions' ids: lab, lecture, paper)")
    questions: dict[str, Question] = {}
    for table in _need(where, raw, "questions", list):
        question = _question(where, table)
        if question.id in questions:
            raise InputError(f"{where}: question {question.id} is defined twice")
        if question.section not in prefixes:
            raise InputError(f"{where}: {question.id} has no section of kind "
                             f"{question.section!r}")
        questions[question.id] = question
    ordered = {q.id: q for prefix in prefixes for q in questions.values()
               if q.section == prefix}
    return Exam(
        file=file, title=_need(where, raw, "title", str),
        course=_need(where, raw, "course", str, ""),
        instructions=_need(where, raw, "instructions", str, ""),
        sections=sections, questions=ordered,
        source_note=" ".join(_need(where, raw, "source_note", str, "").split()),
        year=_need(where, raw, "year", str, "").strip(),
        date=_need(where, raw, "date", str, "").strip(),
        version=_need(where, raw, "version", str, "").strip(),
    )


def _question(where: str, table: dict[str, Any]) -> Question:
    """The record, checked by the exam's common rules, then by its kind's."""
    qid = _need(where, table, "id", str)
    if not _ID.match(qid):
        raise InputError(f"{where}: question id {qid!r} must look like lab.1, lecture.2, paper.3")
    where = f"{where}, {qid}"
    solver = _need(where, table, "solver", str)
    if not _SOLVER.match(solver):
        raise InputError(f"{where}: solver {solver!r} must be a module name")
    parts = tuple(_part(where, p) for p in _need(where, table, "parts", list))
    labels = [part.label for part in parts]
    if not parts or len(set(labels)) != len(labels) or ("" in labels and len(labels) > 1):
        raise InputError(f"{where}: parts need distinct labels ('' only for a single part)")
    _need(where, table, "figure", str, "")  # any kind's figure in words, for the paper
    known = {"id", "title", "solver", "statement", "parts", "params", "grader"}
    question = Question(
        id=qid, title=_need(where, table, "title", str), solver=solver,
        statement=_need(where, table, "statement", str).strip(), parts=parts,
        params=dict(_need(where, table, "params", dict, {})),
        data={key: value for key, value in table.items() if key not in known},
        grader=_need(where, table, "grader", str, ""), origin=where,
    )
    kind = kind_of(question)
    if "grader" in table and not kind.gradable:
        able = " or ".join(f'a {name} record (solver = "{name}")'
                           for name, other in KINDS.items() if other.gradable)
        raise InputError(f"{where}: only {able} names a grader")
    return kind.check_record(where, question)


def _part(where: str, table: Any) -> Part:
    if not isinstance(table, dict):
        raise InputError(f"{where}: every part must be a table")
    points = _need(where, table, "points", int)
    if not 0 < points <= 100:
        raise InputError(f"{where}: a part's points must be in 1..100")
    return Part(
        label=_need(where, table, "label", str), points=points,
        ask=_need(where, table, "ask", str, "").strip(),
        rubric=_need(where, table, "rubric", str, "").strip(),
        explain=_need(where, table, "explain", str, "").strip(),
        key=_need(where, table, "key", str, "").strip(),
        grid=_grid(where, table.get("grid")),
    )


def _grid(where: str, table: Any) -> GridSpec | None:
    """A part's digit grid: ``{ sign = true, digits = 2, decimals = 4 }`` (decimals left
    out: those the tolerance policy asks of each variant)."""
    if table is None:
        return None
    if not isinstance(table, dict) or set(table) - {"sign", "digits", "decimals"}:
        raise InputError(f"{where}: a part's grid is a table of sign, digits and decimals")
    sign = _need(where, table, "sign", bool, False)
    digits = _need(where, table, "digits", int)
    decimals = table.get("decimals")
    if not 1 <= digits <= 9 or not (decimals is None or (
            isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 9)):
        raise InputError(f"{where}: a grid has 1..9 digits and 0..9 decimals")
    return GridSpec(sign, digits, decimals)
