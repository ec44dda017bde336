"""Lab 2: backward passes of ReLU and Sigmoid, verified against torch.autograd."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch

    ReLU, Sigmoid = lab.ReLU, lab.Sigmoid
    from solver.seed import torch_generator

    generator = torch_generator()
    x = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    x[0, :3] = 0.0  # the kink of ReLU
    upstream = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    for layer, reference, name in ((ReLU(), torch.relu, "ReLU"),
                                   (Sigmoid(), torch.sigmoid, "Sigmoid")):
        leaf = x.clone().requires_grad_(True)
        # The vector-Jacobian product as the gradient of a scalar: backward(upstream) would
        # make torch import its symbolic-shape checker (and sympy), half a second here.
        (reference(leaf) * upstream).sum().backward()
        kept = upstream.clone()
        layer.forward(x)
        dx = layer.backward(upstream)
        assert leaf.grad is not None
        detail = "6×5 float64 input" + (" with three exact zeros" if name == "ReLU" else "")
        found.append(compare(f"{name}.backward equals torch.autograd of "
                                       f"torch.{name.lower()}", dx, leaf.grad, 1e-12, detail))
        found.append(compare(f"{name}.backward leaves the upstream gradient "
                                       "unchanged", upstream, kept, 0.0, "compared with a copy"))
    return found
