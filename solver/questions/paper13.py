"""Paper 13: CycleGAN."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.13",
    title="CycleGAN",
    points={"choice": 1},
    question='Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks. What does the "cycle" refer to?',
)

PAPER = Paper(
    citation='J.-Y. Zhu, T. Park, P. Isola, A. A. Efros, "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks", ICCV 2017, arXiv:1703.10593.',
    options={
        "A": "Cyclic activation functions",
        "B": "Training cycles",
        "C": "Cycling between the annotated image pairs",
        "D": "Cycling between domains",
    },
    choice="D",
    justification=(
        "CycleGAN learns a mapping G from domain X to Y and an inverse F from Y to X, and adds a cycle-consistency loss so that F(G(x)) returns to x and G(F(y)) to y. The cycle is the round trip between the two domains, which constrains the mappings without paired examples."
    ),
    distractor=(
        "C contradicts the setting: the whole point is unpaired translation, with no annotated pairs to cycle through."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
