"""Paper 5: Highway and Residual Networks learn Unrolled Iterative Estimation."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.5",
    title="Highway and Residual Networks: Unrolled Iterative Estimation",
    points={"choice": 1},
    question="Highway and Residual Networks learn Unrolled Iterative Estimation. What best describes a residual connection?",
)

PAPER = Paper(
    citation='K. Greff, R. K. Srivastava, J. Schmidhuber, "Highway and Residual Networks learn Unrolled Iterative Estimation", ICLR 2017, arXiv:1612.07771.',
    options={
        "A": "Add the output of the previous layer to the input of the current layer",
        "B": "Add the output of the previous layer to the output of the current layer",
        "C": "Add the input of the previous layer to the output of the current layer",
        "D": "Add the input of the previous layer to the input of the current layer",
    },
    choice="B",
    justification=(
        "A residual layer computes x_i = F(x_{i-1}) + x_{i-1}: the layer's own transformation plus the previous layer's output, which is this layer's input. The paper reads this as iterative refinement: each layer adds a correction to the same estimate of the features."
    ),
    distractor=(
        "A is circular: the previous layer's output already is the current layer's input, so 'adding' it there changes nothing; C describes a skip across two layers."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
