"""Paper 6: ResNet strikes back."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.6",
    title="ResNet strikes back",
    points={"choice": 1},
    question="ResNet strikes back: An improved training procedure in timm.",
)

PAPER = Paper(
    citation='R. Wightman, H. Touvron, H. Jegou, "ResNet strikes back: An improved training procedure in timm", NeurIPS 2021 workshop, arXiv:2110.00476.',
    options={
        "A": "An independent reproduction of a standard ResNet with an improved training procedure improves over the original paper",
        "B": "An independent reproduction of a modified ResNet with an improved training procedure improves over the original paper",
        "C": "An independent reproduction of a standard ResNet with an improved training procedure cannot improve over the original paper",
        "D": "An independent reproduction of a modified ResNet with an improved training procedure cannot improve over the original paper",
    },
    choice="A",
    justification=(
        "The paper re-trains the unmodified (vanilla) ResNet-50 with modern training ingredients and reaches 80.4% top-1 on ImageNet without extra data or distillation, against about 75.3% in the original paper. The architecture is unchanged; only the training procedure improves."
    ),
    distractor=(
        "B differs only in 'modified': the point of the paper is that the standard architecture, not a modified one, gains from the better training."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
