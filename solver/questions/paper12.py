"""Paper 12: Perceiver IO."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Solution
from solver.questions.paperkit import Paper, solve_paper

META = Meta(
    id="paper.12",
    title="Perceiver IO",
    points={"choice": 1},
    question="Perceiver IO: A General Architecture for Structured Inputs & Outputs.",
)

PAPER = Paper(
    citation='A. Jaegle et al., "Perceiver IO: A General Architecture for Structured Inputs & Outputs", ICLR 2022, arXiv:2107.14795.',
    options={
        "A": "Uses standard self-attention, and it is outperformed by specialized solutions",
        "B": "Uses a special form of self-attention, and it is outperformed by specialized solutions",
        "C": "Uses standard self-attention and it outperforms specialized solutions",
        "D": "Uses a special form of self-attention and it outperforms specialized solutions",
    },
    choice="D",
    justification=(
        "Perceiver IO cross-attends the inputs into a small latent array, runs self-attention among the latents, and decodes with output queries that cross-attend to them: a special form of attention whose cost is linear in input and output size. It outperforms a Transformer-based BERT baseline on GLUE without tokenisation and reaches state-of-the-art results on Sintel optical flow."
    ),
    distractor=(
        "B names the architecture correctly, but the paper's headline is that the general model matches or beats specialised ones."
    ),
    caveat="Caveat: Perceiver IO does not beat specialised models on every task; 'outperforms specialized solutions' holds for the headline results (GLUE without tokenisation, Sintel optical flow).",
)


@dataclass(frozen=True)
class Params:
    """No parameters: a multiple-choice question."""


def solve(params: Params) -> Solution:
    return solve_paper(META, PAPER)
