"""Lab 2: backward passes of ReLU and Sigmoid, verified against torch.autograd."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.2",
    title="ReLU and Sigmoid backward passes",
    points={"A": 2, "B": 2},
    question=(
        "Complete the backward passes: A) ReLU, B) Sigmoid. Each returns the downstream "
        "gradient dx from the upstream gradient, using the forward pass's cache."
    ),
)


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use seeded inputs, including exact zeros for ReLU."""


def solve(params: Params) -> Solution:
    import torch

    from solver.labs import ReLU, Sigmoid
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.activations",
        readings=[
            "ReLU.forward caches the output y, not x. The mask y > 0 equals x > 0 for "
            "ReLU (y = x where x > 0, else 0), so the backward pass can use the cache as is.",
            "At x = 0 the ReLU derivative is a convention; this answer uses 0, as "
            "torch.relu does (autograd through torch.clamp would pass 1 there).",
            "Sigmoid caches y = sigma(x), and sigma'(x) = sigma(x)(1 - sigma(x)) = y(1 - y).",
        ],
        explanations={
            "A": "dL/dx = dL/dy * dy/dx with dy/dx = 1 where x > 0 and 0 elsewhere: the "
                 "upstream gradient passes through where the unit was active.",
            "B": "dy/dx = exp(-x)/(1 + exp(-x))^2 = y(1 - y), so dx = dupstream * y * (1 - y) "
                 "from the cached output alone.",
        },
    )
    generator = torch_generator()
    x = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    x[0, :3] = 0.0  # the kink of ReLU
    upstream = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    for layer, reference, name in ((ReLU(), torch.relu, "ReLU"),
                                   (Sigmoid(), torch.sigmoid, "Sigmoid")):
        leaf = x.clone().requires_grad_(True)
        reference(leaf).backward(upstream)
        kept = upstream.clone()
        layer.forward(x)
        dx = layer.backward(upstream)
        assert leaf.grad is not None
        detail = "6x5 float64 input" + (" with three exact zeros" if name == "ReLU" else "")
        solution.checks.append(compare(f"{name}.backward equals torch.autograd of "
                                       f"torch.{name.lower()}", dx, leaf.grad, 1e-12, detail))
        solution.checks.append(compare(f"{name}.backward leaves the upstream gradient "
                                       "unchanged", upstream, kept, 0.0, "compared with a copy"))
    solution.rubric += [
        Rubric("A", 2, "mask of active units (1), times the upstream gradient (1)"),
        Rubric("B", 2, "derivative y(1 - y) from the cache (1), times the upstream gradient (1)"),
    ]
    return finish(solution)
