"""Paper 14: GANORCON."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.14",
    title="GANORCON",
    points={"choice": 1},
    question="GANORCON: Are Generative Models Useful for Few-shot Segmentation? So, are GANs useful for few-shot segmentation?",
)

PAPER = Paper(
    citation='O. Saha, Z. Cheng, S. Maji, "GANORCON: Are Generative Models Useful for Few-shot Segmentation?", CVPR 2022, arXiv:2112.00854.',
    options={
        "A": "Yes, more useful than contrastive learning.",
        "B": "Yes, but not as useful as contrastive learning",
        "C": "No, but contrastive learning is",
        "D": "No, and contrastive learning also is not",
    },
    choice="C",
    justification=(
        "The authors compare GAN-based few-shot part segmentation with feed-forward networks trained by contrastive learning. The GAN approach gives no significant performance advantage while being complex, nearly an order of magnitude slower and prone to extra bias, and the useful inductive biases are captured by contrastive learning as well."
    ),
    distractor=(
        "B concedes GANs some use; the paper's conclusion is that they offer no significant advantage, so 'No' is the answer, with contrastive learning the better route."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
