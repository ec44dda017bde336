"""Paper 8: Approximating CNNs with Bag-of-local-Features models."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.8",
    title="Approximating CNNs with Bag-of-local-Features models",
    points={"choice": 1},
    question="Approximating CNNs with Bag-of-local-Features models works surprisingly well on ImageNet. Why is it called a BagNet?",
)

PAPER = Paper(
    citation='W. Brendel, M. Bethge, "Approximating CNNs with Bag-of-local-Features models works surprisingly well on ImageNet", ICLR 2019, arXiv:1904.00760.',
    options={
        "A": "Its based on unordered bagging and boosting bootstrapping",
        "B": "The receptive field is artificially unordered",
        "C": "The class evidence used for explainability is bagged across unordered classes",
        "D": "It treats images as a unordered bag of patches",
    },
    choice="D",
    justification=(
        "BagNet classifies an image from the occurrences of small local features, summing the class evidence of each small patch without regard to where the patches are. Like a bag-of-words model for text, it treats the image as an unordered bag of patches."
    ),
    distractor=(
        "B is the nearest wording, but the receptive field itself is small and ordinary; it is the spatial arrangement of the patches that is ignored."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
