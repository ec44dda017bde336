"""Lab 4: SGD with momentum, verified against torch.optim.SGD(dampening=rho)."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Check, Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.4",
    title="Gradient update of SGD with momentum",
    points={"A": 4},
    question=(
        "Complete momentum(X, rho, learning_rate, prev_value, Grad): v_i = rho v_{i-1} + "
        "(1 - rho) grad, theta' = theta - epsilon v_i."
    ),
)

STEPS = 6
RHO, LEARNING_RATE = 0.9, 0.05


@dataclass(frozen=True)
class Params:
    """No parameters: the checks run seeded steps on the template's Grad_f."""


def solve(params: Params) -> Solution:
    import torch

    from solver.labs import momentum
    from solver.labs.momentum import Grad_f
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.momentum",
        readings=[
            "This is the 'dampened' form of momentum: v is a moving average of gradients. "
            "torch.optim.SGD(momentum=rho, dampening=rho) matches it once its momentum "
            "buffer is preset to v_0 (its first step would otherwise copy the raw gradient).",
            "The template's docstring calls X the 'current value of objective function'; it "
            "is the current point (the parameters), which Grad(*X) differentiates at. The "
            "function returns the new parameters and the new v.",
            "Grad_f, which the template names as the default, is taken here as the gradient "
            "of f(x, y) = x^2 + 10 y^2.",
        ],
        explanations={
            "A": "First update the velocity as an exponentially weighted average of the "
                 "gradients (rho keeps the old direction, 1 - rho mixes in the new gradient), "
                 "then step against it with the learning rate. Returning v lets the caller "
                 "pass it back as prev_value next iteration.",
        },
        single_part="A",
    )
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
    solution.checks.append(compare(
        f"{STEPS} steps equal torch.optim.SGD(momentum={RHO}, dampening={RHO}) with its "
        "buffer preset", ours, theirs.detach(), 1e-12,
        f"largest difference over the steps {float(worst):.3g}"))
    solution.checks.append(compare(
        "the returned v equals SGD's momentum buffer", v,
        optimiser.state[theirs]["momentum_buffer"], 1e-12))

    point, v = torch.tensor([3.0, -2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    start_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    for _ in range(300):
        point, v = momentum(point, RHO, LEARNING_RATE, v, Grad=Grad_f)
    end_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    solution.checks.append(Check(
        "converges on the quadratic f(x, y) = x^2 + 10 y^2 (300 steps from (3, -2))",
        end_value < 1e-8 * start_value,
        f"f fell from {start_value:.4g} to {end_value:.3g}"))
    solution.rubric.append(
        Rubric("A", 4, "velocity update (2), parameter step with the learning rate (1), "
               "returns the new X and v (1)"))
    return finish(solution)
