"""Paper 3: Do ImageNet Classifiers Generalize to ImageNet?."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.3",
    title="Do ImageNet Classifiers Generalize to ImageNet?",
    points={"choice": 1},
    question="Do ImageNet Classifiers Generalize to ImageNet? So, do they generalize?",
)

PAPER = Paper(
    citation='B. Recht, R. Roelofs, L. Schmidt, V. Shankar, "Do ImageNet Classifiers Generalize to ImageNet?", ICML 2019, arXiv:1902.10811.',
    options={
        "A": "Yes, although the accuracy is reduced, the ranking between models stays the same",
        "B": "Yes, because it showed to generalize to other, slightly changed, domains.",
        "C": 'No, because the technical term "generalization" only applies to the original data',
        "D": "No, because there was insufficient data",
    },
    choice="A",
    justification=(
        "The authors built new test sets following the original collection process and found accuracy drops of 11-14% on ImageNet (3-15% on CIFAR-10). Yet gains on the original test set carried over to larger gains on the new one, and the ranking of models was almost exactly preserved."
    ),
    distractor=(
        "B sounds similar, but the new test sets were built to match the original distribution, not a different domain; the paper measures a drop, not transfer to changed domains."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
