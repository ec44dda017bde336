"""Lab 3: the loop convolution, verified against F.conv2d."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare

# (N, C, H, W, F, kernel, stride, padding): small, so the loop stays fast.
CASES = (
    (2, 3, 7, 7, 4, 3, 1, 0),
    (2, 2, 8, 6, 3, 3, 2, 1),
    (1, 3, 5, 5, 2, 2, 1, 2),
    (2, 1, 9, 9, 2, 5, 2, 2),
)


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch
    import torch.nn.functional as F

    Conv2d = lab.Conv2d
    from solver.seed import torch_generator

    torch_generator()
    for n, c, h, w, f, k, s, p in CASES:
        layer = Conv2d(c, f, k, stride=s, padding=p)
        x = torch.randn(n, c, h, w)
        expected = F.conv2d(x, layer.weight, layer.bias, stride=s, padding=p)
        found.append(compare(
            f"k={k}, stride={s}, padding={p} on {n}×{c}×{h}×{w} equals F.conv2d",
            layer.forward(x), expected, 1e-4))
    return found
