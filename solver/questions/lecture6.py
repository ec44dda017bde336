"""Lecture 6: vanishing and exploding gradients in RNNs, measured, and the fixes: the
question's measurement, steps, figure and words (the RNN maths is ``rnn_jacobians``'s)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Math, Meta, Series, Solution, Table, Text
from solver.params import as_dict, require
from solver.questions.rnn_jacobians import (
    chain_rule_jacobians,
    finite_difference_jacobian,
    forward_states,
    jacobian_norms,
    random_orthogonal,
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


@dataclass(frozen=True)
class _Measured:
    """Jacobian norms k steps back, for the small and the large ||W||_2, and the largest
    relative gap between the chain-rule and finite-difference Jacobians."""

    small: list[float]
    large: list[float]
    worst: float


def solve(params: Params, meta: Meta) -> Solution:
    measured = _measure(params)
    solution = Solution(meta, as_dict(params))
    _explain_jacobian_product(solution)
    _show_measurement(solution, measured, params)
    _list_fixes(solution)
    _answers(solution, measured, params)
    _checks(solution, measured, params)
    return solution


def _measure(p: Params) -> _Measured:
    import numpy as np

    from solver.seed import numpy_rng

    rng = numpy_rng(6)
    inputs = rng.normal(0, p.input_scale, size=(p.steps, p.hidden_size))
    orthogonal = random_orthogonal(p.hidden_size, rng)  # the same directions for both radii
    results = {}
    worst = 0.0
    for radius in (p.radius_small, p.radius_large):
        w = radius * orthogonal
        states = forward_states(w, inputs)
        jacobians = chain_rule_jacobians(w, states)
        norms = jacobian_norms(jacobians)
        back = min(10, p.steps)
        product = jacobians[back]
        # A perturbation grows by up to ||dh_T/dh_t|| through the steps: start it small
        # enough to stay in tanh's linear range (else the difference measures curvature).
        numeric = finite_difference_jacobian(w, inputs, back, eps=1e-6 / max(1.0, norms[back]))
        scale = max(1.0, float(np.max(np.abs(product))))
        worst = max(worst, float(np.max(np.abs(product - numeric))) / scale)
        results[radius] = norms
    return _Measured(results[p.radius_small], results[p.radius_large], worst)


def _explain_jacobian_product(solution: Solution) -> None:
    """Why the gradient vanishes or explodes: the bound by a power of ||W||_2."""
    solution.add(
        Text("Why. Backpropagation through time multiplies one Jacobian per time step. "
             r"For $h_t = \tanh(W h_{t-1} + U x_t + b)$:"),
        Math(r"\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} "
             r"\operatorname{diag}\!\left(1 - h_k^2\right) W"),
        Text("The same $W$ appears $T - t$ times. Each diagonal factor holds "
             r"$\tanh' = 1 - h_k^2 \le 1$, so the norm is bounded by a power of the largest "
             r"singular value of $W$, its spectral norm $\|W\|_2$:"),
        Math(r"\left\| \frac{\partial h_T}{\partial h_t} \right\|_2 \le \prod_{k=t+1}^{T} "
             r"\left\| \operatorname{diag}\!\left(1 - h_k^2\right) \right\|_2 \|W\|_2 "
             r"\le \|W\|_2^{\,T-t}"),
        Text(r"If $\|W\|_2 < 1$ the product shrinks exponentially: the gradient vanishes, "
             "early inputs get almost no learning signal and long-range dependencies are "
             r"not learned. $\|W\|_2 > 1$ is necessary for the product to grow, but not "
             r"sufficient: the factors $\tanh'$ are below 1, and near 0 for saturated units, "
             "so they can hold the product down. When it does grow, it grows exponentially: "
             "the gradient explodes, giving huge, unstable updates and overflow (NaNs)."),
    )


def _show_measurement(solution: Solution, m: _Measured, p: Params) -> None:
    small, large = m.small, m.large
    shown = sorted({0, 1, 2, 5, 10, 20, p.steps} & set(range(p.steps + 1)))
    rs, rl = f"{p.radius_small:g}", f"{p.radius_large:g}"
    solution.add(
        Text(f"Measured: a tanh RNN with {p.hidden_size} units, {p.steps} steps, small "
             f"seeded inputs (standard deviation {p.input_scale:g}), and $W = rQ$ with $Q$ a "
             "random orthogonal matrix, so that every singular value of $W$ is $r$: "
             rf"$\|W\|_2 = {rs}$ or ${rl}$."),
        Table(("steps back T − t", f"‖W‖₂ = {rs}", f"‖W‖₂ = {rl}", f"bound {rl}ᵀ⁻ᵗ"),
              tuple((str(k), _cell(small[k]), _cell(large[k]), _cell(p.radius_large**k))
                    for k in shown),
              caption="Jacobian norm through the unrolled network, and the bound ‖W‖₂ᵀ⁻ᵗ"),
        Figure(caption=_figure_caption(small, large, rs, rl),
               xlabel="steps back $T - t$",
               ylabel=r"$\|\partial h_T / \partial h_t\|_2$",
               series=(Series(rf"$\|W\|_2 = {rs}$",
                              tuple(float(k) for k in range(len(small))), tuple(small)),
                       Series(rf"$\|W\|_2 = {rl}$",
                              tuple(float(k) for k in range(len(large))), tuple(large))),
               log_y=True),
        Text(_evidence(small, large, p)),
    )


def _list_fixes(solution: Solution) -> None:
    solution.add(
        Table(("change", "why it helps"), (
            ("LSTM / GRU gating", "the cell state is updated additively, "
             r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$: with the forget gate $f_t$ near 1 "
             "the gradient flows through a near-identity path instead of repeated "
             "multiplication by $W$"),
            ("gradient clipping", "rescales the gradient when its norm exceeds a threshold: "
             "stops exploding updates (does not help vanishing)"),
            ("careful initialisation", "an orthogonal $W$ (every singular value 1) keeps the "
             "product's norm near 1 at the start of training; a ReLU RNN trains when $W$ "
             "starts as the identity (Le et al., 2015)"),
            ("skip / residual connections", "shortcuts across time or layers give gradients "
             "paths with fewer multiplications"),
            ("truncated BPTT", "backpropagates through the last $k$ steps only: bounds the "
             "number of factors (and the cost), so long products cannot explode; the price "
             "is that dependencies longer than $k$ steps cannot be learned"),
            ("non-saturating activations, normalisation", "ReLU has derivative 1 where it "
             r"is active, so it avoids the shrinking $\tanh'$ factors, but an unbounded ReLU "
             "RNN explodes easily unless $W$ starts near the identity; layer normalisation "
             "keeps the pre-activations in tanh's responsive range"),
        ), caption="Fixes for vanishing and exploding gradients, and why they work"),
    )


def _answers(solution: Solution, m: _Measured, p: Params) -> None:
    solution.answer_part("", (
        "Backpropagation through time multiplies one Jacobian diag(tanh′)·W per time step, "
        "the same W every step, so the gradient reaching an early step is bounded by a "
        "power of W's largest singular value ‖W‖₂ (tanh′ ≤ 1). Below 1 it shrinks "
        "geometrically (vanishing: long-range dependencies get no learning signal). Above 1 "
        "it can grow geometrically (exploding: huge, unstable updates); ‖W‖₂ > 1 is "
        "necessary but not sufficient, since saturated tanh units damp the product. Fixes: "
        "gated cells (LSTM, GRU) whose additive cell-state path keeps the gradient near 1, "
        "gradient clipping against explosion, orthogonal or identity initialisation, skip "
        "connections, and truncated backpropagation through time, which bounds the product "
        "but cannot learn dependencies longer than its window."))
    solution.give("norm_small_radius", m.small[-1], f"{m.small[-1]:.4g} after {p.steps} steps")
    solution.give("norm_large_radius", m.large[-1], f"{m.large[-1]:.4g} after {p.steps} steps")


def _checks(solution: Solution, m: _Measured, p: Params) -> None:
    solution.checks.append(Check(
        "chain-rule Jacobian product equals a finite-difference Jacobian (10 steps back)",
        m.worst <= TOLERANCE, "central differences with step 1e-6 / max(1, Jacobian norm), "
        "for both matrices W",
        max_abs_error=m.worst, tolerance=TOLERANCE))
    # ||prod diag(1 - h^2) W|| <= prod ||W|| = rho^k, since |tanh'| <= 1 and ||W|| = rho.
    bound_excess = max(n - p.radius_small**k for k, n in enumerate(m.small))
    solution.checks.append(Check(
        f"with ‖W‖₂ = {p.radius_small:g} the Jacobian norm k steps back never exceeds "
        f"{p.radius_small:g}ᵏ",
        bound_excess <= TOLERANCE,
        f"largest excess over the bound {max(bound_excess, 0.0):.3g}",
        max_abs_error=max(bound_excess, 0.0), tolerance=TOLERANCE))


def _tex(value: float, digits: int = 3) -> str:
    """A number for LaTeX: 0.00123, or 1.24 \\times 10^{-8} instead of 1.24e-08."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _cell(value: float, digits: int = 4) -> str:
    """A number in prose or a table cell: plain when short, typeset with a power of ten
    when very large or small."""
    text = f"{value:.{digits}g}"
    return text if "e" not in text else f"${_tex(value, digits)}$"


def _explodes(norms: list[float]) -> bool:
    """Larger than 1 at the last step and still at its largest over the second half."""
    return norms[-1] > 1 and norms[-1] >= max(norms[len(norms) // 2:])


def _figure_caption(small: list[float], large: list[float], rs: str, rl: str) -> str:
    """What the two curves show, for these numbers only."""
    below = "vanishes" if small[-1] < 0.1 else "shrinks"
    if _explodes(large):
        above = f"at ‖W‖₂ = {rl} it explodes, though far more slowly than {rl}ᵀ⁻ᵗ"
    elif max(large) > 1:
        above = f"at ‖W‖₂ = {rl} it rises and then falls back: saturation holds it down"
    else:
        above = f"at ‖W‖₂ = {rl} it does not grow: saturation holds it down"
    return (f"Jacobian norm through time (log scale): at ‖W‖₂ = {rs} it {below}; "
            f"{above}.")


def _how_far(value: float, bound: float) -> str:
    """'far below' only for a tenth of the bound or less (13.2 is just 'below' 17.4)."""
    return "far below" if value <= bound / 10 else "below"


def _evidence(small: list[float], large: list[float], p: Params) -> str:
    """The measured behaviour in words that follow the numbers."""
    steps, rs, rl = p.steps, f"{p.radius_small:g}", f"{p.radius_large:g}"
    bound = p.radius_large**steps
    below = "the gradient vanishes" if small[-1] < 0.1 else "the gradient shrinks"
    text = (rf"At $\|W\|_2 = {rs}$ the norm falls to {_cell(small[-1], 3)} after {steps} "
            rf"steps, within the bound ${rs}^{{{steps}}} \approx "
            rf"{_tex(p.radius_small**steps)}$: "
            f"{below}. ")
    if _explodes(large):
        return text + (
            rf"At $\|W\|_2 = {rl}$ it grows to {_cell(large[-1], 3)} after {steps} steps and "
            rf"is still growing: it explodes. Yet it stays {_how_far(large[-1], bound)} "
            rf"${rl}^{{{steps}}} "
            rf"\approx {_tex(bound)}$, because saturated units have $\tanh' < 1$: "
            r"$\|W\|_2 > 1$ made the growth possible but does not set its rate.")
    peak = max(range(len(large)), key=lambda k: large[k])
    if large[peak] > 1:
        return text + (
            rf"At $\|W\|_2 = {rl}$ it rises to {_cell(large[peak], 3)} ({peak} steps back) "
            f"and then falls back to {_cell(large[-1], 3)} after {steps} steps, far below "
            rf"${rl}^{{{steps}}} \approx {_tex(bound)}$: saturated units "
            r"($\tanh' \approx 0$) hold the product down, so $\|W\|_2 > 1$ alone does not "
            "make the gradient explode.")
    return text + (
        rf"At $\|W\|_2 = {rl}$ the norm does not grow at all ({_cell(large[-1], 3)} after "
        rf"{steps} steps): saturation keeps the factors below 1, so $\|W\|_2 > 1$ is "
        "necessary, not sufficient, for explosion.")


def sample(rng: random.Random) -> dict[str, Any]:
    """The demonstration's network (the question's words do not depend on it)."""
    return {"hidden_size": rng.choice((8, 16, 32)), "steps": rng.choice((20, 30, 40)),
            "radius_small": rng.choice((0.7, 0.8, 0.9)),
            "radius_large": rng.choice((1.1, 1.25, 1.5)), "input_scale": 0.01}
