"""Paper 2: Troubling Trends in Machine Learning Scholarship."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.2",
    title="Troubling Trends in Machine Learning Scholarship",
    points={"choice": 1},
    question='Troubling Trends in Machine Learning Scholarship. The paper mentions "Explanation vs. Speculation". What exactly is meant by that?',
)

PAPER = Paper(
    citation='Z. C. Lipton, J. Steinhardt, "Troubling Trends in Machine Learning Scholarship", ICML 2018 debates workshop (later Communications of the ACM), arXiv:1807.03341.',
    options={
        "A": "Papers are intentionally made overly complex.",
        "B": "There is too much math",
        "C": "There is not sufficient explanation for some claims",
        "D": "The method is not explained.",
    },
    choice="C",
    justification=(
        "The first trend Lipton and Steinhardt name is the failure to separate explanation from speculation: intuitions and conjectures are written as if they were established explanations, so claims appear without the evidence that would support them. Their example is 'internal covariate shift', offered as the reason batch normalisation works without support for it."
    ),
    distractor=(
        "A and B describe a different trend of the same paper, 'mathiness' (maths that obscures rather than clarifies); D is about missing method descriptions, not unsupported claims."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
