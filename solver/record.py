"""An exam as its file holds it: the records, before any template is filled in.

Plain data: :mod:`solver.exam` reads and validates a file into these, asking each
question's kind (:mod:`solver.kinds`) what its record may hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solver.model import Numbered
from solver.paper.fields import GridSpec

EXAM_FILE = "exam.toml"


@dataclass(frozen=True)
class Part:
    """One sub-question: the exam's label ("1", "A", or "" for an undivided question),
    its points, and templates for what it asks, its rubric line and (labs) its explanation."""

    label: str
    points: int
    ask: str = ""
    rubric: str = ""
    explain: str = ""
    key: str = ""  # the answer as the key at a glance gives it (a template), if not whole
    grid: GridSpec | None = None  # its final value's digit grid on the answer booklet


@dataclass(frozen=True)
class Section:
    """How the exam groups questions, for presentation only: the questions whose id begins
    with ``prefix`` ("lab" for lab.1, lab.2, …) stand under ``name``."""

    prefix: str
    name: str
    statement: str = ""


@dataclass(frozen=True)
class Question(Numbered):
    """A question as the exam file holds it, before its templates are filled in."""

    id: str
    title: str
    solver: str  # names the question's kind ("lab", "choice") or a computed solver module
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

    @property
    def printed_title(self) -> str:
        """The title of the exam's own print. A title may be a template over the question's
        words (a lab version's title names its activations); its ``exam_print`` branch,
        which names no parameter, is what lists, categories and reports across versions
        show."""
        if "<<" not in self.title and "<%" not in self.title:
            return self.title
        from solver.wording import fill

        return fill(self.title, {"exam_print": True}, f"{self.id}, title")


@dataclass(frozen=True)
class Exam:
    file: Path  # the exam file read (exam.toml of a folder, or the file --exam named)
    title: str
    course: str
    instructions: str
    sections: tuple[Section, ...]
    questions: dict[str, Question]
    # Where the exam text came from, as the cover says it ("" says nothing): a clause the
    # cover follows with "; where it is ambiguous the sheet states the reading it answers".
    source_note: str = ""
    # What the cover names under the title when the exam file gives it ("" names nothing).
    year: str = ""
    date: str = ""
    version: str = ""

    @property
    def total(self) -> int:
        return sum(question.total for question in self.questions.values())

    @property
    def path(self) -> Path:
        """The folder holding the exam file."""
        return self.file.parent

    @property
    def gradable(self) -> tuple[str, ...]:
        """The ids of the labs whose record names a grader, in exam order."""
        return tuple(qid for qid, question in self.questions.items() if question.grader)

    def section(self, prefix: str) -> Section:
        """The section the questions ``prefix.N`` are filed under."""
        return next(section for section in self.sections if section.prefix == prefix)
