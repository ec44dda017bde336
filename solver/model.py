"""The question model: steps, checks, rubric lines and solutions as plain data.

A solver builds a :class:`Solution`; renderers (``solver.render``) turn it into text,
Markdown, JSON or HTML by dispatching on each step's ``type``. Nothing here imports a
heavy library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


class InputError(ValueError):
    """Bad user input: reported as one line on stderr, exit status 2."""


class SelfCheckError(RuntimeError):
    """A solution whose checks did not all pass: exit status 1."""


class BuildError(RuntimeError):
    """The sheet could not be built (template, fetch or typesetting failure): exit 1."""


def failed_check_message(question_id: str, failed: list[Check]) -> str:
    """The one line that names a failed self-check (the CLI, the sheet and variants)."""
    return f"self-check failed for {question_id}: " + "; ".join(c.name for c in failed)


@dataclass(frozen=True)
class Text:
    text: str
    type: ClassVar[str] = "text"


@dataclass(frozen=True)
class Math:
    """One formula in LaTeX; ``label`` is a short plain-text lead-in."""

    latex: str
    label: str = ""
    type: ClassVar[str] = "math"


@dataclass(frozen=True)
class Code:
    """Source code; ``highlight`` holds 1-based line numbers that answer a sub-question."""

    code: str
    language: str = "python"
    caption: str = ""
    highlight: tuple[int, ...] = ()
    type: ClassVar[str] = "code"


@dataclass(frozen=True)
class Table:
    """A table of plain-text cells (exact values already formatted)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numbered: bool = True  # a captioned table is numbered (Table 3.) unless it is a list
    type: ClassVar[str] = "table"


@dataclass(frozen=True)
class Series:
    """One line (or set of points) of a plot."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    points: bool = False


@dataclass(frozen=True)
class Figure:
    """A plot as data: the solver gives the numbers, a renderer draws them.

    ``series`` draws lines; ``grid`` draws a matrix of numbers with ``boxes`` (row, column,
    size) outlined, such as convolution windows.
    """

    caption: str
    xlabel: str = ""
    ylabel: str = ""
    series: tuple[Series, ...] = ()
    log_y: bool = False
    grid: tuple[tuple[float, ...], ...] = ()
    boxes: tuple[tuple[int, int, int], ...] = ()
    type: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Reading:
    """A reading note: how an ambiguity in the exam text is resolved here."""

    text: str
    type: ClassVar[str] = "reading"


Step = Text | Math | Code | Table | Figure | Reading


def _lists(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_lists(item) for item in value]
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    return value


def step_to_dict(step: Step) -> dict[str, Any]:
    return {"type": step.type, **_lists(asdict(step))}


@dataclass(frozen=True)
class Check:
    """One verification against an independent reference, run at solve time."""

    name: str
    passed: bool
    detail: str
    max_abs_error: float | None = None
    tolerance: float | None = None


@dataclass(frozen=True)
class Rubric:
    part: str
    points: int
    text: str


class Numbered:
    """Id-derived names shared by an exam record and its rendered metadata."""

    id: str

    @property
    def points(self) -> dict[str, int]:
        raise NotImplementedError

    @property
    def section(self) -> str:
        """The prefix of the id ("lab" of lab.1): the section the question is filed under."""
        return self.id.split(".")[0]

    @property
    def number(self) -> int:
        return int(self.id.split(".")[1])

    @property
    def total(self) -> int:
        return sum(self.points.values())

    @property
    def heading(self) -> str:
        return f"{self.section.capitalize()} {self.number}"


@dataclass(frozen=True)
class Ask:
    """One sub-question as asked, its template filled in: label ("" for the whole question)."""

    label: str
    points: int
    text: str = ""


@dataclass(frozen=True)
class Meta(Numbered):
    """A question's metadata with its words filled in from its parameters."""

    id: str
    title: str
    question: str
    asks: tuple[Ask, ...]
    # The exam record's reading notes, filled in, as (name, text): Solution.reading
    # places them among the steps.
    readings: tuple[tuple[str, str], ...] = ()
    # The question's kind (solver.kinds: "computed", "lab", "choice"), which decides how
    # it is rendered and keyed; its section (the id's prefix) is presentation only.
    kind: str = "computed"

    @property
    def points(self) -> dict[str, int]:
        return {ask.label: ask.points for ask in self.asks}


@dataclass(frozen=True)
class PartAnswer:
    """The answer to one exam sub-question, as prose a student can read."""

    label: str
    points: int
    text: str
    key: str = ""  # the short form for the key at a glance ("": the whole text)


@dataclass
class Solution:
    """What a solver returns: ordered steps, named answers, checks, rubric."""

    meta: Meta
    params: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=dict)
    answer_text: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    rubric: list[Rubric] = field(default_factory=list)
    # Filled by the solver: per-part answer prose, and values the templates may name.
    part_text: dict[str, str] = field(default_factory=dict)
    words: dict[str, Any] = field(default_factory=dict)
    # Filled by the engine from the exam's parts, in the exam's order.
    parts: list[PartAnswer] = field(default_factory=list)

    def add(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def give(self, key: str, value: Any, text: str) -> None:
        """Record a final answer: ``value`` is JSON data, ``text`` its exact plain form."""
        self.answer[key] = value
        self.answer_text[key] = text

    def label(self, position: int) -> str:
        """The exam's label of the sub-question at ``position`` (0: the first), for prose
        that refers to it ("Sub-question 1", "a."): a solver's words fit any exam's
        labels. An undivided question's only part is numbered 1."""
        asks = self.meta.asks
        if 0 <= position < len(asks) and asks[position].label:
            return asks[position].label
        return str(position + 1)

    def reading(self, name: str) -> None:
        """Place the exam's reading note ``name`` here among the steps: nothing when the
        exam's record gives no such note (another exam that reuses the solver)."""
        self.steps.extend(Reading(text) for key, text in self.meta.readings if key == name)

    def answer_part(self, label: str, text: str) -> None:
        """The answer to sub-question ``label`` ("" for an undivided question)."""
        self.part_text[label] = text

    @property
    def verified(self) -> bool:
        return bool(self.checks) and not self.failed_checks

    @property
    def failed_checks(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]

    @property
    def readings(self) -> list[str]:
        return [step.text for step in self.steps if isinstance(step, Reading)]

    def to_dict(self) -> dict[str, Any]:
        asks = {ask.label: ask.text for ask in self.meta.asks}
        return {
            "id": self.meta.id,
            "section": self.meta.section,
            "kind": self.meta.kind,
            "title": self.meta.title,
            "points": {**self.meta.points, "total": self.meta.total},
            "question": self.meta.question,
            "params": self.params,
            "answer": self.answer,
            "answer_text": self.answer_text,
            "steps": [step_to_dict(step) for step in self.steps],
            "checks": [asdict(check) for check in self.checks],
            "parts": [{**asdict(part), "ask": asks.get(part.label, "")}
                      for part in self.parts],
            "rubric": [asdict(line) for line in self.rubric],
            "verified": self.verified,
        }
