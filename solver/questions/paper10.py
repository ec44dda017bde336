"""Paper 10: torch.manual_seed(3407) is all you need."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.10",
    title="torch.manual_seed(3407) is all you need",
    points={"choice": 1},
    question="Torch.manual_seed(3407) is all you need: On the influence of random seeds in deep learning architectures for computer vision.",
)

PAPER = Paper(
    citation='D. Picard, "torch.manual_seed(3407) is all you need: On the influence of random seeds in deep learning architectures for computer vision", arXiv:2109.08203 (2021).',
    options={
        "A": "Black swans can be found, although the variance is small",
        "B": "Black swans cannot be found because the variance is small",
        "C": "Black swans can be found as the variance is large",
        "D": "Black swans cannot be found, although the variance is large",
    },
    choice="A",
    justification=(
        "Picard trains the same models under many random seeds and finds that the spread of accuracies is not very large. Even so, it is surprisingly easy to find an outlier seed that does much better or much worse than average: black swans exist despite the small variance."
    ),
    distractor=(
        "C gets the black swans right but not the reason: the paper stresses that the variance is not large."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
