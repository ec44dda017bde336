"""Paper 7: Deep Image Prior."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.7",
    title="Deep Image Prior",
    points={"choice": 1},
    question="Deep Image Prior. What statement fits best with the paper?",
)

PAPER = Paper(
    citation='D. Ulyanov, A. Vedaldi, V. Lempitsky, "Deep Image Prior", CVPR 2018, arXiv:1711.10925.',
    options={
        "A": "Neural network architectures are a form of prior knowledge",
        "B": "ConvNets are a form of prior knowledge for images",
        "C": "Optimization is less important as the network architecture",
        "D": "ConvNets can learn to turn noise to images",
    },
    choice="B",
    justification=(
        "The paper fits a randomly initialised convolutional generator to a single corrupted image and shows that its structure alone already captures much of the low-level statistics of natural images before any learning. The convolutional architecture itself acts as the prior for denoising, inpainting and super-resolution."
    ),
    distractor=(
        "A over-generalises: the evidence is about convolutional generators on images, not about every architecture."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
