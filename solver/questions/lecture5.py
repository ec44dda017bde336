"""Lecture 5: exponentially weighted moving average with bias correction."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from solver.exact import rational, to_json, to_text
from solver.model import Check, Figure, Math, Meta, Reading, Rubric, Series, Solution, Table, Text
from solver.params import as_dict, require, require_decimals

META = Meta(
    id="lecture.5",
    title="EWMA with bias correction",
    points={"S_t": 2, "S_hat": 2, "goal": 1, "long_run": 1},
    question=(
        "S_t = rho S_{t-1} + (1 - rho) y_t with a constant gradient y_t = 1.0 and rho = 0.95. "
        "Compute S_2 and the bias-corrected S_2-hat = S_2 / (1 - rho^2); what is the goal of "
        "bias correction, and what role does it play after many iterations?"
    ),
)

MAX_T = 500
PLACES = 6
LONG = 60
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Params:
    rho: float = 0.95
    value: float = 1.0
    t: int = 2

    def __post_init__(self) -> None:
        require(0 <= self.rho < 1, f"parameter rho must be in [0, 1), got {self.rho}")
        require(1 <= self.t <= MAX_T, f"parameter t must be an integer in 1..{MAX_T}, got {self.t}")
        require(abs(self.value) <= 1e6, "parameter value must be within ±1e6")
        require_decimals("rho", self.rho, PLACES)
        require_decimals("value", self.value, PLACES)


def solve(params: Params) -> Solution:
    rho, value, t = rational(params.rho), rational(params.value), params.t
    solution = Solution(META, as_dict(params))
    solution.add(
        Reading("The bias-correction formula prints 1 - a^t; it means 1 - rho^t. "
                "The average starts at S_0 = 0."),
        Text(f"Sub-question 1: iterate from S_0 = 0 with y_i = {value} and rho = {rho}."),
    )
    averages = _averages(rho, value, max(t, PLOT_STEPS))  # the plot shows at least PLOT_STEPS
    history = averages[:t]
    s = history[-1]
    shown = min(t, 5)
    previous_values = [sp.Integer(0), *history]
    for i, current in enumerate(history[:shown], start=1):
        solution.add(Math(
            rf"S_{{{i}}} = {sp.latex(rho)} \cdot {_latex(previous_values[i - 1])} + "
            rf"(1 - {sp.latex(rho)}) \cdot {sp.latex(value)} = {_latex(current)}"
            + (rf" = {sp.Float(current, 6)}" if not current.is_Integer else "")
        ))
    if t > shown:
        solution.add(Text(f"... continuing the same recursion up to S_{t}:"),
                     Math(rf"S_{{{t}}} = {_latex(s)}"))
    correction = 1 - rho**t
    s_hat = s / correction
    solution.add(
        Text(f"Sub-question 2: divide by 1 - rho^t, the total weight the average has "
             f"collected after {t} steps."),
        Math(rf"\hat{{S}}_{{{t}}} = \frac{{S_{{{t}}}}}{{1 - \rho^{{{t}}}}} = "
             rf"\frac{{{_latex(s)}}}{{{_latex(correction)}}} = {_latex(s_hat)}"),
        Table(("t", "S_t", "1 - rho^t", "S_t-hat"),
              tuple((str(i), _short(h), _short(1 - rho**i), _short(h / (1 - rho**i)))
                    for i, h in list(enumerate(history, start=1))[:10]),
              caption="The average and its correction per step"),
        Text("Sub-question 3 (goal): S_0 = 0 biases the early averages towards zero; "
             "the weights (1 - rho) rho^(t-i) sum to only 1 - rho^t, not 1. Dividing by "
             "1 - rho^t rescales them to sum to 1, so the estimate is unbiased from the first "
             f"step: for a constant input it returns the input exactly ({sp.latex(s_hat)})."),
        Text("Sub-question 4 (after many iterations): rho^t -> 0, so 1 - rho^t -> 1 and the "
             "correction fades out: S_t-hat ≈ S_t. It only matters in the warm-up phase "
             f"(with rho = {rho}, 1 - rho^t first reaches 0.99 at t = "
             f"{_warmup_steps(rho)})."),
    )
    solution.add(_figure(rho, value, averages))
    solution.give("S", to_json(s), _short(s))
    solution.give("S_hat", to_json(s_hat), _short(s_hat))
    solution.give("history", to_json(history), "[" + ", ".join(map(_short, history)) + "]")

    closed = value * (1 - rho**t)
    solution.checks.append(Check(
        "S_t equals the closed form value * (1 - rho^t) for a constant input (exact)",
        s == closed, f"closed form {_short(closed)}", max_abs_error=float(abs(s - closed)),
        tolerance=0.0,
    ))
    s_float = 0.0
    for _ in range(t):
        s_float = params.rho * s_float + (1 - params.rho) * params.value
    error = abs(s_float - float(s))
    scale = max(1.0, abs(params.value))
    solution.checks.append(Check(
        "exact S_t agrees with a plain float loop",
        error <= TOLERANCE * scale, f"float loop gives {s_float!r}", max_abs_error=error,
        tolerance=TOLERANCE * scale,
    ))
    solution.rubric += [
        Rubric("S_t", 2, "recursion from S_0 = 0 (1), correct S_2 (1)"),
        Rubric("S_hat", 2, "divides by 1 - rho^2 (1), correct value (1)"),
        Rubric("goal", 1, "removes the bias towards zero from the S_0 = 0 start"),
        Rubric("long_run", 1, "1 - rho^t -> 1, so the correction has no effect later"),
    ]
    return solution


PLOT_STEPS = 40


def _figure(rho: sp.Rational, value: sp.Rational, averages: list[sp.Rational]) -> Figure:
    """S_t and S_t-hat over the computed steps."""
    xs = tuple(float(i) for i in range(1, len(averages) + 1))
    corrected = (float(a / (1 - rho**i)) for i, a in enumerate(averages, start=1))
    return Figure(
        caption=f"EWMA of a constant {value} with rho = {rho}: the raw average starts near "
                "0 and creeps up; the bias-corrected one is right from the first step.",
        xlabel="t", ylabel="average",
        series=(Series("S_t (no correction)", xs, tuple(float(a) for a in averages)),
                Series("S_t-hat (bias-corrected)", xs, tuple(corrected))),
    )


def _averages(rho: sp.Rational, value: sp.Rational, steps: int) -> list[sp.Rational]:
    """S_1 .. S_steps from S_0 = 0, exactly."""
    out, s = [], sp.Integer(0)
    for _ in range(steps):
        s = rho * s + (1 - rho) * value
        out.append(s)
    return out


def _short(value: sp.Rational) -> str:
    """The exact fraction, or its decimal value when the fraction is too long to read."""
    text = to_text(value)
    if len(text) <= LONG:
        return text
    return f"{sp.Float(value, 15)} (exact fraction of {len(text)} characters)"


def _latex(value: sp.Rational) -> str:
    if len(to_text(value)) <= LONG:
        return str(sp.latex(value))
    return rf"\approx {sp.Float(value, 15)}"


def _warmup_steps(rho: sp.Rational) -> int:
    """Smallest t with 1 - rho^t >= 0.99: a 50-digit log estimate, settled exactly when small."""
    if rho == 0:
        return 1
    target = sp.Rational(1, 100)
    estimate = sp.log(target) / sp.log(rho)
    t = max(1, int(sp.ceiling(sp.N(estimate, 50))))
    if t > 2_000:  # exact powers of a 6-decimal rho would have millions of digits
        return t
    while rho**t > target:
        t += 1
    while t > 1 and rho ** (t - 1) <= target:
        t -= 1
    return t
