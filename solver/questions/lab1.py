"""Lab 1: forward pass of a linear layer with a sigmoid, verified against torch."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Check, Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.1",
    title="Linear layer forward pass",
    points={"A": 1, "B": 3},
    question=(
        "Complete the Linear template: A) placeholder tensors for weight and bias; "
        "B) the forward pass y = xW + b followed by y = Sigmoid(y), with elementary torch "
        "operations only."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use seeded inputs of several shapes."""


def solve(params: Params) -> Solution:
    import torch
    import torch.nn.functional as F

    from solver.labs import Linear
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.linear",
        readings=[
            "The prose says 'followed by a ReLU' but the formula says y = Sigmoid(y). "
            "Primary reading: the formula (sigmoid). Variant: ReLU, a one-line change: "
            "y = torch.clamp(y, min=0).",
            "The weight layout follows y = xW + b: W is [in_feat, out_feat], b is [out_feat] "
            "(the transpose of nn.Linear's [out, in] weight).",
        ],
        explanations={
            "A": "W must map in_feat inputs to out_feat outputs for y = xW, so it is "
                 "[in_feat, out_feat]; b adds one value per output. torch.empty only "
                 "allocates: init_params fills them (randn_like, rand_like need the shapes).",
            "B": "x @ W multiplies each row of the batch by W, b broadcasts over the batch, "
                 "and the sigmoid 1/(1 + exp(-y)) is applied element-wise.",
        },
    )
    torch_generator()
    for batch, n_in, n_out in ((4, 3, 5), (1, 16, 2), (7, 8, 8)):
        layer = Linear(n_in, n_out)
        x = torch.randn(batch, n_in)
        expected = torch.sigmoid(F.linear(x, layer.weight.T, layer.bias))
        solution.checks.append(compare(
            f"forward ({batch}x{n_in} -> {n_out}) equals torch.sigmoid(F.linear(x, W^T, b))",
            layer.forward(x), expected, 1e-6))
    layer = Linear(3, 5)
    shapes_ok = tuple(layer.weight.shape) == (3, 5) and tuple(layer.bias.shape) == (5,)
    solution.checks.append(Check("placeholder shapes are W [in, out] and b [out]", shapes_ok,
                                 f"W {tuple(layer.weight.shape)}, b {tuple(layer.bias.shape)}"))
    solution.rubric += [
        Rubric("A", 1, "weight [in_feat, out_feat] and bias [out_feat]"),
        Rubric("B", 3, "matrix product (1), bias (1), sigmoid (1)"),
    ]
    return finish(solution)
