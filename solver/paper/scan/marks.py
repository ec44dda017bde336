"""Marks from the variant's verified key: a choice question by its right letter, a digit
grid by the same tolerance policy and known wrong paths as the platform exports
(:mod:`solver.lms.gaps`), a written answer by the marks a person gave (grading by question).
An undecided reading earns nothing until a person decides it: its row says so."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from solver.lms.gaps import GapPlan
from solver.paper.fields import item_name
from solver.paper.scan.decide import Group, grid_number


@dataclass(frozen=True)
class Mark:
    item: str  # "paper.3", "lecture.5.1", "lab.2.A": the question and its part
    question: str
    part: str
    reading: str  # what was read ("B", "-0.4275", "none"; "" for a written answer)
    marks: Fraction | None  # None: undecided, or a written answer not yet graded
    points: int
    flag: str  # why undecided
    by: str  # "key", "tolerance", "wrong path: …", "person", or ""
    read: bool = True  # read from boxes (a choice, a digit grid); False: a written answer


def choice_mark(field: dict[str, Any], groups: dict[str, Group], key: str) -> Mark:
    name = field["question"]
    group = groups.get(name)
    if group is None:
        return Mark(name, name, "", "", None, field["points"], "its page was not scanned", "")
    if group.value is None:
        return Mark(name, name, "", "", None, field["points"], group.flag, "")
    right = group.value == key
    return Mark(name, name, "", group.value or "none", Fraction(field["points"] if right else 0),
                field["points"], "", "key")


def grid_mark(field: dict[str, Any], groups: dict[str, Group], gap: GapPlan) -> Mark:
    name = item_name(field["question"], field["part"])
    number = grid_number(field, groups)
    points = field["points"]
    if number.value is None:
        if number.flag:
            return Mark(name, field["question"], field["part"], number.text, None, points,
                        number.flag, "")
        return Mark(name, field["question"], field["part"], "none", Fraction(0), points, "",
                    "key")
    if abs(number.value - gap.exact) <= gap.tolerance:
        return Mark(name, field["question"], field["part"], number.text, Fraction(points),
                    points, "", "tolerance")
    for wrong in gap.wrong:
        if abs(number.value - wrong.value) <= wrong.tolerance:
            credit = Fraction(wrong.percent) / 100 * points
            return Mark(name, field["question"], field["part"], number.text, credit, points, "",
                        f"wrong path: {wrong.name}")
    return Mark(name, field["question"], field["part"], number.text, Fraction(0), points, "",
                "tolerance")


def hand_mark(field: dict[str, Any], given: float | None) -> Mark:
    name = item_name(field["question"], field["part"])
    marks = None if given is None else Fraction(given).limit_denominator(100)
    return Mark(name, field["question"], field["part"], "", marks, field["points"],
                "" if given is not None else "to be graded", "person" if given is not None
                else "", read=False)


def with_hand_marks(mark: Mark, given: float | None) -> Mark:
    """A grid's machine marks replaced by a grader's (who read the working beside it)."""
    if given is None:
        return mark
    return Mark(mark.item, mark.question, mark.part, mark.reading,
                Fraction(given).limit_denominator(100), mark.points, "", "person")
