"""The LMS-neutral plan of a bank: one item per question and variant, as its kind
describes it (:class:`solver.kinds.LmsItem`: gaps, choice or essay), with the gaps worked
out (:mod:`solver.lms.gaps`). Every export target writes this plan in its own format and
its checker replays the written bank against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from solver.kinds import LmsItem, kind_of
from solver.lms.gaps import GapPlan, gap_plans
from solver.model import Solution
from solver.record import Question


@dataclass
class Planned:
    """One question of one variant as the bank holds it."""

    idnumber: str  # ID-vN: the question's id and the variant's number
    question: Question
    solution: Solution
    item: LmsItem
    gaps: list[GapPlan] = field(default_factory=list)

    @property
    def form(self) -> str:
        return self.item.form

    @property
    def variant(self) -> int:
        return int(self.idnumber.rsplit("-v", 1)[1])


class Variant(Protocol):
    """A solved variant (``solver.variants.seeded.Variant``, which states each computed
    question's gaps in ``key.json`` through this module: named here, not imported)."""

    number: int
    solutions: dict[str, Solution]


def idnumber(question: Question, number: int) -> str:
    return f"{question.id}-v{number}"


def planned(question: Question, solution: Solution, number: int) -> Planned:
    """One question of variant ``number`` as its kind describes it, its gaps worked out."""
    kind = kind_of(question)
    item = kind.lms_item(question, solution)
    plans = (gap_plans(question, solution, item.gaps, kind.wrong_paths(question, solution))
             if item.gaps else [])
    return Planned(idnumber(question, number), question, solution, item, plans)


def plan_bank(questions: list[Question], variants: list[Variant]) -> list[Planned]:
    """Every question's variants in turn (a platform's category or pool per question)."""
    return [planned(question, variant.solutions[question.id], variant.number)
            for question in questions for variant in variants]
