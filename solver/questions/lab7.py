"""Lab 7: basic self-attention, verified against F.scaled_dot_product_attention."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.7",
    title="Self-attention layer",
    points={"A": 2, "B": 2, "C": 2},
    question=(
        "Complete SelfAttention: A) transform the input into queries, keys and values; "
        "B) compute the weights w'_ij = q_i.k_j / sqrt(k), scale, softmax; C) compute the "
        "output y_i = sum_j w_ij v_j."
    ),
)

CASES = ((2, 5, 8), (1, 1, 4), (3, 7, 16))  # (batch, sequence length, d)


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use seeded inputs."""


def solve(params: Params) -> Solution:
    import torch
    import torch.nn.functional as F

    from solver.labs import SelfAttention
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.attention",
        readings=[
            "The template's __init__(self, k) uses d in its body: a typo; the argument is "
            "the embedding dimension d, and the scale sqrt(k) of the formula is sqrt(d).",
        ],
        explanations={
            "A": "The three bias-free linear maps are applied to every position of x "
                 "(b, t, d) at once, giving queries, keys and values of the same shape.",
            "B": "A batched product of queries with transposed keys gives the (t, t) "
                 "matrix of q_i.k_j per sample; dividing by sqrt(d) keeps the logits' "
                 "variance near 1, and a softmax over j (dim 2) makes each row sum to 1.",
            "C": "A batched product of the weights with the values gives each y_i as the "
                 "weighted sum of the v_j: output (b, t, d).",
        },
    )
    torch_generator()
    for b, t, d in CASES:
        layer = SelfAttention(d)
        x = torch.randn(b, t, d)
        with torch.no_grad():
            expected = F.scaled_dot_product_attention(layer.q(x), layer.k(x), layer.v(x))
            solution.checks.append(compare(
                f"b={b}, t={t}, d={d}: equals F.scaled_dot_product_attention on the "
                "module's own q, k, v", layer(x), expected, 1e-5))
    solution.rubric += [
        Rubric("A", 2, "queries, keys and values from the three maps"),
        Rubric("B", 2, "q k^T (1), scaled by sqrt(d) with softmax over keys (1)"),
        Rubric("C", 2, "weights times values, output shape (b, t, d)"),
    ]
    return finish(solution)
