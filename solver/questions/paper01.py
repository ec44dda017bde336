"""Paper 1: A Step Toward Quantifying Independently Reproducible ML Research."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.1",
    title="Quantifying Independently Reproducible ML Research",
    points={"choice": 1},
    question="A Step Toward Quantifying Independently Reproducible Machine Learning Research. What statement is mentioned in the paper?",
)

PAPER = Paper(
    citation='E. Raff, "A Step Toward Quantifying Independently Reproducible Machine Learning Research", NeurIPS 2019, arXiv:1909.06674.',
    options={
        "A": "Without releasing code it is very difficult to reproduce ML research.",
        "B": "Code should be reviewed in the scientific peer-review process.",
        "C": "Its OK if approximately 25% of the claims in a paper cannot be reproduced.",
        "D": "Reproducability should become part of university courses.",
    },
    choice="C",
    justification=(
        "Raff re-implemented 255 papers without using the authors' code and counted a paper as reproduced when at least 75% of its claims could be confirmed. So the study's own criterion accepts that roughly a quarter of a paper's claims may fail to reproduce while the paper still counts as reproducible."
    ),
    distractor=(
        "A is the tempting one, but the study found no significant relationship between releasing code and independent reproducibility (63.5% of papers were reproduced from the text alone)."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
