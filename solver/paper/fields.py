"""What a question asks on the answer booklet, before any layout: plain data that each
question's kind gives (:meth:`solver.kinds.Kind.booklet_fields`) and the booklet's layout
places. Standard library only: the kinds import it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GridSpec:
    """A part's digit grid as the exam file declares it: a sign box, the digits before the
    point and (``decimals`` None) the decimals the tolerance policy asks of the variant."""

    sign: bool
    digits: int
    decimals: int | None = None


@dataclass(frozen=True)
class ChoiceField:
    """One multiple-choice question: a box per letter, in the variant's printed order."""

    question: str
    letters: tuple[str, ...]
    points: int


@dataclass(frozen=True)
class GridField:
    """A final value written in a digit grid (one box per digit and column, as AMC's
    numeric questions); ``answer`` is the gap it is marked against."""

    question: str
    part: str
    points: int
    sign: bool
    digits: int
    decimals: int | None  # None: the decimals the tolerance policy asks of the variant
    answer: str


@dataclass(frozen=True)
class WrittenField:
    """A ruled area for a written answer, marked by hand; ``lines`` by its points."""

    question: str
    part: str
    points: int
    lines: int
    working: bool = False  # the working beside a digit grid (the grid carries the marks)


Field = ChoiceField | GridField | WrittenField


def written_lines(points: int, code: bool = False) -> int:
    """Room for an answer worth ``points``: two lines a point and two more, labs (code) a
    third more; capped at a page."""
    lines = 2 + 2 * points
    return min(26, lines + lines // 3 if code else lines)


def item_name(question: str, part: str) -> str:
    """"lecture.5.1", or "lecture.1" for an undivided question: a part's name in ids."""
    return f"{question}.{part}" if part else question
