"""Paper 4: Scaling down deep learning."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.4",
    title="Scaling down deep learning",
    points={"choice": 1},
    question="Scaling down deep learning. According to the paper, why scale down?",
)

PAPER = Paper(
    citation='S. Greydanus, "Scaling down Deep Learning", arXiv:2011.14439 (2020); later with D. Kobak, "Scaling Down Deep Learning with MNIST-1D", ICML 2024.',
    options={
        "A": "Complex models are too difficult to interpret",
        "B": "Results on small-scale datasets often translate to large-scale datasets",
        "C": "Scaling down is the only option for smaller labs and universities",
        "D": "Scaling down is essential for scientific reproductions",
    },
    choice="B",
    justification=(
        "Greydanus points out that dropout, Adam, CNNs, GANs and VAEs were first shown on MNIST-scale experiments and only then scaled up. MNIST-1D is designed so that small experiments remain analogous to large-scale problems, letting insights found cheaply transfer to big models."
    ),
    distractor=(
        "C is close in spirit (small labs benefit), but the paper argues small-scale work is useful science, never that it is the only option."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
