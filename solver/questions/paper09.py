"""Paper 9: Group Normalization."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.9",
    title="Group Normalization",
    points={"choice": 1},
    question="Group Normalization. The statistics are computed over groups of pixels. The grouping is done by:",
)

PAPER = Paper(
    citation='Y. Wu, K. He, "Group Normalization", ECCV 2018, arXiv:1803.08494.',
    options={
        "A": "Grouping spatially",
        "B": "Grouping feature maps",
        "C": "Grouping images",
        "D": "Grouping weights",
    },
    choice="B",
    justification=(
        "Group Normalization divides the channels into groups and computes the mean and variance within each group, over its channels and all spatial positions, for each sample separately. Channels are feature maps, so the grouping is of feature maps, which makes it independent of the batch size."
    ),
    distractor=(
        "A: every spatial position is included in each group's statistics; the split is along channels, not space."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
