"""Lab 1: forward pass of a linear layer with a sigmoid, verified against torch."""

from __future__ import annotations

from solver.model import Check
from solver.questions.labkit import compare


def checks() -> list[Check]:
    found: list[Check] = []
    import torch
    import torch.nn.functional as F

    from solver.labs import Linear
    from solver.seed import torch_generator

    torch_generator()
    for batch, n_in, n_out in ((4, 3, 5), (1, 16, 2), (7, 8, 8)):
        layer = Linear(n_in, n_out)
        x = torch.randn(batch, n_in)
        expected = torch.sigmoid(F.linear(x, layer.weight.T, layer.bias))
        found.append(compare(
            f"forward ({batch}×{n_in} → {n_out}) equals torch.sigmoid(F.linear(x, Wᵀ, b))",
            layer.forward(x), expected, 1e-6))
    layer = Linear(3, 5)
    shapes_ok = tuple(layer.weight.shape) == (3, 5) and tuple(layer.bias.shape) == (5,)
    found.append(Check("placeholder shapes are W [in, out] and b [out]", shapes_ok,
                                 f"W {tuple(layer.weight.shape)}, b {tuple(layer.bias.shape)}"))
    return found
