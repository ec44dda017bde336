"""The exam file: an exam's words, points, options and statements, read once from TOML.

An exam is a folder holding ``exam.toml`` (the bundled one is
``solver/exams/deep_learning``). Reading it imports nothing heavy (``tomllib`` only), so
``solver list`` stays fast; the statement templates are filled in by ``solver.wording``
when a question is solved. Every problem with the file is an InputError naming the file,
the question and what is allowed. A lab record's optional ``grader`` must name a module
pair of ``solver.grading`` (``checks/NAME.py`` and ``probes/NAME.py``); only the labs
that name one are gradable (``Exam.gradable``).

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.model import InputError, Numbered

BUNDLED = Path(__file__).resolve().parent / "exams" / "deep_learning"
EXAM_FILE = "exam.toml"
KINDS = ("lab", "lecture", "paper")
_ID = re.compile(r"^(lab|lecture|paper)\.([1-9][0-9]{0,2})$")
_SOLVER = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
_READING = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
LETTERS = ("A", "B", "C", "D", "E", "F")
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class Part:
    """One sub-question: the exam's label ("1", "A", or "" for an undivided question),
    its points, and templates for what it asks, its rubric line and (labs) its explanation."""

    label: str
    points: int
    ask: str = ""
    rubric: str = ""
    explain: str = ""


@dataclass(frozen=True)
class Section:
    kind: str
    name: str
    statement: str = ""


@dataclass(frozen=True)
class Question(Numbered):
    """A question as the exam file holds it, before its templates are filled in."""

    id: str
    title: str
    solver: str
    statement: str
    parts: tuple[Part, ...]
    params: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    grader: str = ""  # a lab's grader (solver/grading/checks and probes): "" not gradable
    # A computed question's reading templates by name, in the record's order (a lab's
    # readings are the list data["readings"]); and where the record is, for error lines.
    readings: dict[str, str] = field(default_factory=dict)
    origin: str = ""

    @property
    def points(self) -> dict[str, int]:
        return {part.label: part.points for part in self.parts}


@dataclass(frozen=True)
class Exam:
    path: Path
    title: str
    course: str
    instructions: str
    sections: tuple[Section, ...]
    questions: dict[str, Question]
    # Where the exam text came from, as the cover says it ("" says nothing): a clause the
    # cover follows with "; where it is ambiguous the sheet states the reading it answers".
    source_note: str = ""

    @property
    def total(self) -> int:
        return sum(question.total for question in self.questions.values())

    @property
    def file(self) -> Path:
        return self.path / EXAM_FILE

    @property
    def gradable(self) -> tuple[str, ...]:
        """The ids of the labs whose record names a grader, in exam order."""
        return tuple(qid for qid, question in self.questions.items() if question.grader)

    def section(self, kind: str) -> Section:
        return next(section for section in self.sections if section.kind == kind)


def exam_file(path: str | Path) -> Path:
    """The exam.toml of a folder (or the file itself), or an InputError saying what is wrong."""
    given = Path(path)
    candidate = given / EXAM_FILE if given.is_dir() else given
    if not candidate.is_file():
        raise InputError(
            f"--exam {str(path)!r} is not an exam folder: it must hold an {EXAM_FILE}"
        )
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
    return _exam(file, raw)


def _need(where: str, table: dict[str, Any], key: str, kind: type, default: Any = None) -> Any:
    value = table.get(key, default)
    if value is None or not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise InputError(f"{where}: '{key}' must be a {kind.__name__}")
    return value


def _exam(file: Path, raw: dict[str, Any]) -> Exam:
    where = str(file)
    sections = tuple(
        Section(
            kind=_need(where, s, "kind", str), name=_need(where, s, "name", str),
            statement=_need(where, s, "statement", str, ""),
        )
        for s in _need(where, raw, "sections", list)
    )
    kinds = [section.kind for section in sections]
    if not sections or len(set(kinds)) != len(kinds) or not set(kinds) <= set(KINDS):
        raise InputError(f"{where}: sections must be distinct kinds among {', '.join(KINDS)}")
    questions: dict[str, Question] = {}
    for table in _need(where, raw, "questions", list):
        question = _question(where, table)
        if question.id in questions:
            raise InputError(f"{where}: question {question.id} is defined twice")
        if question.kind not in kinds:
            raise InputError(f"{where}: {question.id} has no section of kind {question.kind!r}")
        questions[question.id] = question
    ordered = {q.id: q for kind in kinds for q in questions.values() if q.kind == kind}
    return Exam(
        path=file.parent, title=_need(where, raw, "title", str),
        course=_need(where, raw, "course", str, ""),
        instructions=_need(where, raw, "instructions", str, ""),
        sections=sections, questions=ordered,
        source_note=" ".join(_need(where, raw, "source_note", str, "").split()),
    )


def _question(where: str, table: dict[str, Any]) -> Question:
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
    known = {"id", "title", "solver", "statement", "parts", "params", "grader"}
    readings = _readings(where, table, solver)
    if solver != "lab":
        known.add("readings")
    question = Question(
        id=qid, title=_need(where, table, "title", str), solver=solver,
        statement=_need(where, table, "statement", str).strip(), parts=parts,
        params=dict(_need(where, table, "params", dict, {})),
        data={key: value for key, value in table.items() if key not in known},
        grader=_grader(where, table, solver), readings=readings, origin=where,
    )
    if solver == "choice":
        _check_choice(where, question)
    if solver == "lab":
        for key in ("template", "checks"):
            _need(where, question.data, key, str)
    return question


def _grader(where: str, table: dict[str, Any], solver: str) -> str:
    """A lab record's grader: a module pair of solver.grading (checks and probes), or ""."""
    if "grader" not in table:
        return ""
    name: str = _need(where, table, "grader", str)
    if solver != "lab":
        raise InputError(f"{where}: only a lab record (solver = \"lab\") names a grader")
    from solver.grading import graders

    known = graders()
    if name not in known:
        raise InputError(
            f"{where}: grader {name!r} does not exist (one of {', '.join(known)}: "
            "solver/grading/checks/NAME.py with solver/grading/probes/NAME.py)")
    return name


def _readings(where: str, table: dict[str, Any], solver: str) -> dict[str, str]:
    """A computed question's reading templates by name; a lab's list is checked and stays
    in its data (labkit places it); a multiple-choice question has none."""
    if "readings" not in table:
        return {}
    given = table["readings"]
    if solver == "lab":
        if not isinstance(given, list) or not all(isinstance(t, str) and t for t in given):
            raise InputError(f"{where}: a lab's 'readings' must be a list of strings")
        return {}
    if solver == "choice":
        raise InputError(f"{where}: a multiple-choice question has no 'readings'")
    if not isinstance(given, dict):
        raise InputError(f"{where}: 'readings' must be a table of named templates "
                         "(name = \"text\"), each placed by the solver among its steps")
    for name, text in given.items():
        if not _READING.match(name):
            raise InputError(f"{where}: reading name {name!r} must be a lower-case name")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where}: reading {name!r} must be a non-empty string")
    return {name: text.strip() for name, text in given.items()}


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
    )


def _check_choice(where: str, question: Question) -> None:
    options = _need(where, question.data, "options", dict)
    letters = tuple(options)
    if not 2 <= len(letters) <= len(LETTERS) or letters != LETTERS[: len(letters)]:
        raise InputError(f"{where}: options must be lettered A, B, C, … in order")
    if not all(isinstance(text, str) and text for text in options.values()):
        raise InputError(f"{where}: every option must be a non-empty string")
    if _need(where, question.data, "key", str) not in options:
        raise InputError(f"{where}: key must be one of the options {', '.join(letters)}")
    for name in ("justification", "distractor", "citation"):
        _need(where, question.data, name, str)
