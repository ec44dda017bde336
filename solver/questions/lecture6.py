"""Lecture 6: vanishing and exploding gradients in RNNs, measured, and the fixes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Math, Meta, Rubric, Series, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.6",
    title="Vanishing and exploding gradients in RNNs",
    points={"why": 2, "fixes": 2},
    question=(
        "Can you explain why vanishing/exploding gradients happen in RNNs? What changes can "
        "be made to RNNs to solve these problems?"
    ),
)

TOLERANCE = 1e-6


@dataclass(frozen=True)
class Params:
    hidden_size: int = 16
    steps: int = 30
    radius_small: float = 0.8
    radius_large: float = 1.25
    input_scale: float = 0.01

    def __post_init__(self) -> None:
        require(2 <= self.hidden_size <= 128, "parameter hidden_size must be in 2..128")
        require(2 <= self.steps <= 200, "parameter steps must be in 2..200")
        require(0 < self.radius_small < 1, "parameter radius_small must be in (0, 1)")
        require(1 < self.radius_large <= 3, "parameter radius_large must be in (1, 3]")
        require(0 <= self.input_scale <= 1, "parameter input_scale must be in [0, 1]")


def _orthogonal(size: int, rng: Any) -> Any:
    """A random orthogonal matrix: scaled by rho, all its eigenvalues have modulus rho."""
    import numpy as np

    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def _run(w: Any, inputs: Any) -> list[Any]:
    """h_t = tanh(W h_{t-1} + x_t) from h_0 = 0; returns [h_0, ..., h_T]."""
    import numpy as np

    states = [np.zeros(w.shape[0])]
    for x in inputs:
        states.append(np.tanh(w @ states[-1] + x))
    return states


def _jacobians(w: Any, states: list[Any]) -> list[Any]:
    """dh_T/dh_t for t = T..0 by the chain rule: a product of diag(1 - h^2) W.

    Index k is k steps back from T."""
    import numpy as np

    jacobians = [np.eye(w.shape[0])]
    for h in reversed(states[1:]):
        jacobians.append(jacobians[-1] @ (np.diag(1 - h**2) @ w))
    return jacobians


def _jacobian_norms(w: Any, states: list[Any]) -> list[float]:
    """||dh_T/dh_t||_2, index k steps back from T."""
    import numpy as np

    return [float(np.linalg.norm(jacobian, 2)) for jacobian in _jacobians(w, states)]


def _finite_difference(w: Any, inputs: Any, back: int, eps: float = 1e-6) -> Any:
    """Second method: perturb h_{T-back} and re-run the last ``back`` steps."""
    import numpy as np

    states = _run(w, inputs)
    start_index = len(inputs) - back
    size = w.shape[0]
    columns = []
    for j in range(size):
        bump = np.zeros(size)
        bump[j] = eps
        plus, minus = states[start_index] + bump, states[start_index] - bump
        for x in inputs[start_index:]:
            plus, minus = np.tanh(w @ plus + x), np.tanh(w @ minus + x)
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=1)


def solve(params: Params) -> Solution:
    import numpy as np

    from solver.seed import numpy_rng

    p = params
    rng = numpy_rng(6)
    inputs = rng.normal(0, p.input_scale, size=(p.steps, p.hidden_size))
    orthogonal = _orthogonal(p.hidden_size, rng)  # the same directions for both radii
    results = {}
    worst = 0.0
    for radius in (p.radius_small, p.radius_large):
        w = radius * orthogonal
        states = _run(w, inputs)
        jacobians = _jacobians(w, states)
        norms = [float(np.linalg.norm(jacobian, 2)) for jacobian in jacobians]
        back = min(10, p.steps)
        product = jacobians[back]
        numeric = _finite_difference(w, inputs, back)
        scale = max(1.0, float(np.max(np.abs(product))))
        worst = max(worst, float(np.max(np.abs(product - numeric))) / scale)
        results[radius] = norms
    small, large = results[p.radius_small], results[p.radius_large]
    shown = sorted({0, 1, 2, 5, 10, 20, p.steps} & set(range(p.steps + 1)))
    solution = Solution(META, as_dict(p))
    solution.add(
        Text("Why. Backpropagation through time multiplies one Jacobian per time step. "
             "For h_t = tanh(W h_{t-1} + U x_t + b):"),
        Math(r"\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} "
             r"\operatorname{diag}\!\left(1 - h_k^2\right) W"),
        Text("The same W appears T - t times, so the norm behaves roughly like "
             "(gamma * rho(W))^(T-t), where rho(W) is the spectral radius and gamma <= 1 "
             "bounds tanh'. If the factor is below 1 the product shrinks exponentially "
             "(vanishing: early inputs get no learning signal, long-range dependencies "
             "are not learned); above 1 it grows exponentially (exploding: huge, unstable "
             "updates, NaNs)."),
        Text(f"Measured: a tanh RNN with {p.hidden_size} units, {p.steps} steps, small "
             f"seeded inputs (sd {p.input_scale}), and W orthogonal scaled to spectral "
             f"radius {p.radius_small} or {p.radius_large}."),
        Table(("steps back T - t", f"rho = {p.radius_small}", f"rho = {p.radius_large}"),
              tuple((str(k), f"{small[k]:.4g}", f"{large[k]:.4g}") for k in shown),
              caption="||dh_T/dh_t||_2 through the unrolled network"),
        Figure(caption="Gradient norm through time: it vanishes below spectral radius 1 and "
                       "explodes above it (log scale).",
               xlabel="steps back (T - t)", ylabel="||dh_T / dh_t||",
               series=(Series(f"rho(W) = {p.radius_small}",
                              tuple(float(k) for k in range(len(small))), tuple(small)),
                       Series(f"rho(W) = {p.radius_large}",
                              tuple(float(k) for k in range(len(large))), tuple(large))),
               log_y=True),
        Text("Fixes, and why they work:"),
        Table(("change", "why it helps"), (
            ("LSTM / GRU gating", "the cell state is updated additively (c_t = f c_{t-1} + "
             "i g): with the forget gate near 1 the gradient flows through a near-identity "
             "path instead of repeated multiplication by W"),
            ("gradient clipping", "rescales the gradient when its norm exceeds a threshold: "
             "stops exploding updates (does not help vanishing)"),
            ("careful initialisation", "orthogonal or identity-like W (spectral radius near "
             "1, e.g. IRNN) keeps the product's norm near 1 at the start of training"),
            ("skip / residual connections", "shortcuts across time or layers give gradients "
             "paths with fewer multiplications"),
            ("truncated BPTT", "backpropagates over a bounded window, limiting how many "
             "factors multiply (and the cost)"),
            ("non-saturating activations, normalisation", "ReLU or layer norm keep the "
             "diagonal factors from shrinking towards 0"),
        )),
    )
    solution.give("norm_small_radius", small[-1], f"{small[-1]:.4g} after {p.steps} steps")
    solution.give("norm_large_radius", large[-1], f"{large[-1]:.4g} after {p.steps} steps")
    solution.checks.append(Check(
        "chain-rule Jacobian product equals a finite-difference Jacobian (10 steps back)",
        worst <= TOLERANCE, "central differences, eps 1e-6, both radii",
        max_abs_error=worst, tolerance=TOLERANCE))
    # ||prod diag(1 - h^2) W|| <= prod ||W|| = rho^k, since |tanh'| <= 1 and ||W|| = rho.
    bound_excess = max(n - p.radius_small**k for k, n in enumerate(small))
    solution.checks.append(Check(
        f"below radius 1 the norm obeys the bound ||dh_T/dh_t|| <= {p.radius_small}^(T-t)",
        bound_excess <= TOLERANCE,
        f"largest excess over the bound {max(bound_excess, 0.0):.3g}",
        max_abs_error=max(bound_excess, 0.0), tolerance=TOLERANCE))
    solution.rubric += [
        Rubric("why", 2, "repeated product of Jacobians / the same W (1); eigenvalues "
               "below or above 1 give vanishing or exploding (1)"),
        Rubric("fixes", 2, "gated cells (LSTM/GRU) (1); clipping, initialisation, skip "
               "connections or truncated BPTT (1)"),
    ]
    return solution
