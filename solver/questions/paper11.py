"""Paper 11: Attention Is All You Need."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.11",
    title="Attention Is All You Need",
    points={"choice": 1},
    question="Attention Is All You Need. Select the best answer.",
)

PAPER = Paper(
    citation='A. Vaswani et al., "Attention Is All You Need", NeurIPS 2017, arXiv:1706.03762.',
    options={
        "A": "The query, key and value are shared over the inputs, similar to a 1x1 CNN",
        "B": "The connections between the network layers are gated, similar to a GRU",
        "C": "In a self-attention layer, information flows sequentially between tokens, similar to an LSTM.",
        "D": "Without positional embeddings, it would overfit on the word position, similar to a MLP.",
    },
    choice="A",
    justification=(
        "The query, key and value projections are the same matrices for every position, just as a 1x1 convolution applies the same weights at every location; the paper describes its position-wise feed-forward block as two convolutions with kernel size 1. There is no gating and no sequential flow between tokens."
    ),
    distractor=(
        "D inverts the truth: without positional encodings self-attention is permutation-equivariant and has no notion of position at all, so it cannot overfit on it."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
