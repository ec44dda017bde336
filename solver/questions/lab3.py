"""Lab 3: the loop convolution, verified against F.conv2d."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.3",
    title="Convolutional layer forward pass",
    points={"A": 1, "B": 2, "C": 3},
    question=(
        "Complete the Conv2d template: A) placeholder tensors for weight and bias; "
        "B) the input window for output position (i, j); C) the forward pass for every "
        "sample of the batch inside the loop."
    ),
)

# (N, C, H, W, F, kernel, stride, padding): small, so the loop stays fast.
CASES = (
    (2, 3, 7, 7, 4, 3, 1, 0),
    (2, 2, 8, 6, 3, 3, 2, 1),
    (1, 3, 5, 5, 2, 2, 1, 2),
    (2, 1, 9, 9, 2, 5, 2, 2),
)


@dataclass(frozen=True)
class Params:
    """No parameters: the checks run several kernel/stride/padding combinations."""


def solve(params: Params) -> Solution:
    import torch
    import torch.nn.functional as F

    from solver.labs import Conv2d
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.conv",
        readings=[
            "The init_params docstring says 'initialize bias as zeros' but the code uses "
            "torch.rand_like; the code is kept (the forward pass works for any bias).",
            "The H' formula in the docstring lost a minus sign: H' = 1 + (H + 2p - k) // s.",
            "Weight layout [F, C, k, k], bias [F], as torch's F.conv2d. A convolution in "
            "deep learning is a cross-correlation: the kernel is not flipped.",
        ],
        explanations={
            "A": "One filter per output channel, each spanning all C input channels: "
                 "weight [F, C, k, k]; one bias per output channel: [F].",
            "B": "Output (i, j) sees the k x k patch of the padded input that starts at row "
                 "i*stride and column j*stride, across all channels and the whole batch.",
            "C": "For sample n, multiply the [C, k, k] window element-wise with every filter "
                 "(broadcast to [F, C, k, k]), sum over C, k, k, and add the bias: F values.",
        },
    )
    torch_generator()
    for n, c, h, w, f, k, s, p in CASES:
        layer = Conv2d(c, f, k, stride=s, padding=p)
        x = torch.randn(n, c, h, w)
        expected = F.conv2d(x, layer.weight, layer.bias, stride=s, padding=p)
        solution.checks.append(compare(
            f"k={k}, stride={s}, padding={p} on {n}x{c}x{h}x{w} equals F.conv2d",
            layer.forward(x), expected, 1e-4))
    solution.rubric += [
        Rubric("A", 1, "weight [F, C, k, k] and bias [F]"),
        Rubric("B", 2, "window rows and columns offset by the stride (1), size k (1)"),
        Rubric("C", 3, "product with every filter (1), sum over C, k, k (1), bias (1)"),
    ]
    return finish(solution)
