"""Lab 4: SGD with momentum, verified against torch.optim.SGD(dampening=rho)."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare

STEPS = 6
RHO, LEARNING_RATE = 0.9, 0.05


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch

    momentum = lab.momentum
    Grad_f = lab.Grad_f
    from solver.seed import torch_generator

    generator = torch_generator()
    x0 = torch.randn(2, generator=generator, dtype=torch.float64)
    v0 = torch.randn(2, generator=generator, dtype=torch.float64)
    ours, v = x0.clone(), v0.clone()
    theirs = x0.clone().requires_grad_(True)
    optimiser = torch.optim.SGD([theirs], lr=LEARNING_RATE, momentum=RHO, dampening=RHO)
    optimiser.state[theirs]["momentum_buffer"] = v0.clone()
    worst = torch.zeros(())
    for _ in range(STEPS):
        ours, v = momentum(ours, RHO, LEARNING_RATE, v)
        optimiser.zero_grad()
        loss = theirs[0] ** 2 + 10 * theirs[1] ** 2  # the objective whose gradient is Grad_f
        loss.backward()
        optimiser.step()
        worst = torch.maximum(worst, (ours - theirs.detach()).abs().max())
    found.append(compare(
        f"{STEPS} steps equal torch.optim.SGD(momentum={RHO}, dampening={RHO}) with its "
        "buffer preset", ours, theirs.detach(), 1e-12,
        f"largest difference over the steps {float(worst):.3g}"))
    found.append(compare(
        "the returned v equals SGD's momentum buffer", v,
        optimiser.state[theirs]["momentum_buffer"], 1e-12))

    point, v = torch.tensor([3.0, -2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    start_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    for _ in range(300):
        point, v = momentum(point, RHO, LEARNING_RATE, v, Grad=Grad_f)
    end_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    found.append(Check(
        "converges on the quadratic f(x, y) = x² + 10y² (300 steps from (3, −2))",
        end_value < 1e-8 * start_value,
        f"f fell from {start_value:.4g} to {end_value:.3g}"))
    return found
