"""Shared shape of the paper questions: a multiple-choice answer grounded in the paper."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Rubric, Solution, Table, Text


@dataclass(frozen=True)
class Paper:
    citation: str
    options: dict[str, str]
    choice: str
    justification: str
    distractor: str
    caveat: str = ""


def solve_paper(meta: Meta, paper: Paper) -> Solution:
    if paper.choice not in paper.options:  # a data error, caught by the contract test
        raise ValueError(f"{meta.id}: choice {paper.choice} is not an option")
    solution = Solution(meta, {})
    solution.add(
        Table(
            ("option", "statement"),
            tuple((letter, text) for letter, text in paper.options.items()),
            caption="The options",
        ),
        Text(f"Answer: {paper.choice}) {paper.options[paper.choice]}"),
        Text(f"Why: {paper.justification}"),
        Text(f"Closest distractor: {paper.distractor}"),
        Text(f"Source: {paper.citation}"),
    )
    if paper.caveat:
        solution.add(Text(paper.caveat))
    solution.give("choice", paper.choice, f"{paper.choice}) {paper.options[paper.choice]}")
    solution.give("citation", paper.citation, paper.citation)
    solution.rubric.append(Rubric("choice", 1, f"{paper.choice} (one point, no partial credit)"))
    return solution
