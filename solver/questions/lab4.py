"""Lab 4: one step of SGD with momentum, verified against torch.optim.SGD.

Versions: the update form (the exam's dampened v = ρv + (1 − ρ)g, θ' = θ − εv; classical
heavy-ball v = ρv + g; Nesterov v = ρv + g, θ' = θ − ε(g + ρv)) and weight decay (none,
the exam's; or λ, a parameter ``weight_decay`` after Grad, added to the gradient:
g = ∇ + λθ). The oracle is torch.optim.SGD with the version's momentum, dampening,
nesterov and weight_decay, its momentum buffer preset to v₀.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require, require_one_of
from solver.questions.labkit import Edit, compare

UPDATES = ("dampened", "heavy_ball", "nesterov")
AXES: dict[str, tuple[Any, ...]] = {"update": UPDATES, "weight_decay": (0.0, 0.01)}
# Each form: its name in the statement, the velocity and step formulas (g: the gradient).
NAMES = {"dampened": "momentum", "heavy_ball": "classical (heavy-ball) momentum",
         "nesterov": "Nesterov momentum"}
VELOCITY_TEX = {"dampened": r"\rho\, v_{i-1} + (1 - \rho)\, G",
                "heavy_ball": r"\rho\, v_{i-1} + G", "nesterov": r"\rho\, v_{i-1} + G"}
STEP_TEX = {"dampened": r"\theta - \epsilon\, v_i", "heavy_ball": r"\theta - \epsilon\, v_i",
            "nesterov": r"\theta - \epsilon\, (G + \rho\, v_i)"}
EXAM_VELOCITY = "v = rho * v_prev + (1 - rho) * gradient  # A)\n"
EXAM_STEP = "X = X - learning_rate * v  # A)\n"

STEPS = 6
RHO, LEARNING_RATE = 0.9, 0.05
EXPLICIT_DECAY = 0.1  # also passed explicitly: the code must use the argument, not a constant


@dataclass(frozen=True)
class Params:
    update: str = "dampened"
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        require_one_of("update", self.update, UPDATES)
        require(isinstance(self.weight_decay, int | float) and
                not isinstance(self.weight_decay, bool) and 0 <= self.weight_decay <= 1,
                f"parameter weight_decay must be a number in [0, 1], got "
                f"{self.weight_decay!r}")


def context(params: Params) -> dict[str, Any]:
    gradient = "g" if params.weight_decay else r"\nabla_{\theta}"
    method = NAMES[params.update] + (" and weight decay" if params.weight_decay else "")
    return {"method": method, "form_name": NAMES[params.update],
            "velocity_tex": VELOCITY_TEX[params.update].replace("G", gradient),
            "step_tex": STEP_TEX[params.update].replace("G", gradient)}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    found: list[Edit] = []
    if params.update != "dampened":
        name = NAMES[params.update]
        found += [
            Edit("SGD with (dampened) momentum.", f"SGD with {name}."),
            Edit("Gradient descent with momentum optimization.",
                 f"Gradient descent with {name} optimization."),
            Edit(EXAM_VELOCITY, "v = rho * v_prev + gradient  # A)\n"),
        ]
    if params.update == "nesterov":
        found.append(Edit(EXAM_STEP, "X = X - learning_rate * (gradient + rho * v)  # A)\n"))
    if params.weight_decay:
        found += [
            Edit("prev_value, Grad=Grad_f):",
                 f"prev_value, Grad=Grad_f,\n             weight_decay={params.weight_decay!r}):"),
            Edit("gradient of the objective.\n",
                 "gradient of the objective.\n      weight_decay: lambda, the weight decay "
                 "added to the gradient (g = grad + lambda X).\n"),
            # torch.optim.SGD's weight_decay: before the momentum, on the raw gradient.
            Edit("    v_prev = prev_value\n",
                 "    v_prev = prev_value\n    # Weight decay: the gradient of "
                 "(lambda / 2) |X|^2 joins the objective's\n"
                 "    gradient = gradient + weight_decay * X  # A)\n"),
        ]
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch

    from solver.seed import torch_generator

    params = params or Params()
    nesterov = params.update == "nesterov"
    dampening = RHO if params.update == "dampened" else 0.0
    # The default weight_decay of the signature, and (a version with it) one passed.
    decays: list[float | None] = [None] + ([EXPLICIT_DECAY] if params.weight_decay else [])
    found: list[Check] = []
    generator = torch_generator()
    for given in decays:
        decay = params.weight_decay if given is None else given
        x0 = torch.randn(2, generator=generator, dtype=torch.float64)
        v0 = torch.randn(2, generator=generator, dtype=torch.float64)
        ours, v = x0.clone(), v0.clone()
        theirs = x0.clone().requires_grad_(True)
        optimiser = torch.optim.SGD([theirs], lr=LEARNING_RATE, momentum=RHO,
                                    dampening=dampening, nesterov=nesterov,
                                    weight_decay=decay)
        optimiser.state[theirs]["momentum_buffer"] = v0.clone()
        worst = torch.zeros((), dtype=torch.float64)
        for _ in range(STEPS):
            if given is None:
                ours, v = lab.momentum(ours, RHO, LEARNING_RATE, v)
            else:
                ours, v = lab.momentum(ours, RHO, LEARNING_RATE, v, lab.Grad_f,
                                       weight_decay=given)
            optimiser.zero_grad()
            loss = theirs[0] ** 2 + 10 * theirs[1] ** 2  # the objective whose gradient is Grad_f
            loss.backward()
            optimiser.step()
            worst = torch.maximum(worst, (ours - theirs.detach()).abs().max())
        oracle = (f"torch.optim.SGD(momentum={RHO}, dampening={dampening:g}"
                  + (", nesterov=True" if nesterov else "")
                  + (f", weight_decay={decay:g}" if decay else "") + ")")
        called = "" if given is None else f" (weight_decay={given:g} passed)"
        found.append(compare(
            f"{STEPS} steps{called} equal {oracle} with its buffer preset", ours,
            theirs.detach(), 1e-12, f"largest difference over the steps {float(worst):.3g}"))
        found.append(compare(
            f"the returned v{called} equals SGD's momentum buffer", v,
            optimiser.state[theirs]["momentum_buffer"], 1e-12))

    point, v = torch.tensor([3.0, -2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    start_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    for _ in range(300):
        point, v = lab.momentum(point, RHO, LEARNING_RATE, v, Grad=lab.Grad_f)
    end_value = float(point[0] ** 2 + 10 * point[1] ** 2)
    found.append(Check(
        "converges on the quadratic f(x, y) = x² + 10y² (300 steps from (3, −2))",
        end_value < 1e-8 * start_value,
        f"f fell from {start_value:.4g} to {end_value:.3g}"))
    return found
