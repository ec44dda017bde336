"""Lecture 5: exponentially weighted moving average with bias correction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import sympy as sp

from solver.exact import rational, to_json, to_text
from solver.marking import AnswerGap, WrongPath
from solver.model import Check, Figure, Math, Meta, Series, Solution, Table, Text
from solver.params import as_dict, require, require_decimals

# The exam record's reading note this solver places first: a misprinted formula.
READINGS = ("bias_formula",)
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


@dataclass(frozen=True)
class _Ewma:
    """The exact average and its bias correction at step t."""

    rho: sp.Rational
    value: sp.Rational
    t: int
    averages: list[sp.Rational]  # S_1 onwards, at least PLOT_STEPS of them for the plot
    history: list[sp.Rational]  # S_1 .. S_t
    s: sp.Rational
    correction: sp.Rational  # 1 - rho^t
    s_hat: sp.Rational
    warmup: int  # first t with 1 - rho^t >= 0.99


def solve(params: Params, meta: Meta) -> Solution:
    ewma = _ewma(params)
    solution = Solution(meta, as_dict(params))
    solution.reading("bias_formula")
    _part_average(solution, ewma, params)
    _part_correction(solution, ewma)
    _part_goal(solution, ewma)
    _part_many_iterations(solution, ewma, params)
    solution.add(_figure(ewma.rho, ewma.value, ewma.averages))
    _answers(solution, ewma, params)
    _checks(solution, ewma, params)
    return solution


def _ewma(params: Params) -> _Ewma:
    rho, value, t = rational(params.rho), rational(params.value), params.t
    averages = _averages(rho, value, max(t, PLOT_STEPS))
    history = averages[:t]
    s = history[-1]
    correction = 1 - rho**t
    return _Ewma(rho, value, t, averages, history, s, correction, s / correction,
                 _warmup_steps(rho))


def _part_average(solution: Solution, e: _Ewma, params: Params) -> None:
    """The recursion written out for the first five steps, then S_t alone."""
    rho, value, t = e.rho, e.value, e.t
    solution.add(
        Text(f"Sub-question {solution.label(0)}: iterate from $S_0 = 0$ "
             f"with $y_i = {sp.latex(value)}$ and "
             rf"$\rho = {params.rho:g}" + ("" if rho.q == 1 else rf" = {_slash(rho)}")
             + "$."),
    )
    shown = min(t, 5)
    previous_values = [sp.Integer(0), *e.history]
    lines = [
        rf"S_{{{i}}} &= {sp.latex(rho)} \cdot {_latex(previous_values[i - 1])} + "
        rf"\left(1 - {sp.latex(rho)}\right) \cdot {sp.latex(value)} = {_latex(current)}"
        + ("" if current.is_Integer else rf" = {_decimal(current)}")
        for i, current in enumerate(e.history[:shown], start=1)
    ]
    # One aligned display: the steps line up on their "=".
    solution.add(Math(r"\begin{aligned} " + r" \\ ".join(lines) + r" \end{aligned}"))
    if t > shown:
        solution.add(Text(f"… continuing the same recursion up to $S_{{{t}}}$:"),
                     Math(rf"S_{{{t}}} = {_latex(e.s)}"))


def _part_correction(solution: Solution, e: _Ewma) -> None:
    rho, t = e.rho, e.t
    solution.add(
        Text(f"Sub-question {solution.label(1)}: "
             r"divide by $1 - \rho^t$, the total weight the average has "
             f"collected after {t} steps."),
        Math(rf"\hat{{S}}_{{{t}}} = \frac{{S_{{{t}}}}}{{1 - \rho^{{{t}}}}} = "
             rf"\frac{{{_slash(e.s)}}}{{{_slash(e.correction)}}} = {_latex(e.s_hat)}"),
        Table(("t", "Sₜ", "1 − ρᵗ", "Ŝₜ"),
              tuple((str(i), _short(h), _short(1 - rho**i), _short(h / (1 - rho**i)))
                    for i, h in list(enumerate(e.history, start=1))[:10]),
              caption="The average and its correction per step"),
    )


def _part_goal(solution: Solution, e: _Ewma) -> None:
    solution.add(
        Text(f"Sub-question {solution.label(2)} (goal): "
             "$S_0 = 0$ biases the early averages towards zero; "
             r"the weights $(1 - \rho)\,\rho^{t-i}$ sum to only $1 - \rho^t$, not 1. "
             r"Dividing by $1 - \rho^t$ rescales them to sum to 1, so the estimate is "
             "unbiased from the first step: for a constant input it returns the input "
             f"exactly (${sp.latex(e.s_hat)}$)."),
    )


def _part_many_iterations(solution: Solution, e: _Ewma, params: Params) -> None:
    solution.add(
        Text(f"Sub-question {solution.label(3)} (after many iterations): "
             r"$\rho^t \to 0$, so "
             r"$1 - \rho^t \to 1$ and the correction fades out: $\hat{S}_t \approx S_t$. "
             f"It only matters in the warm-up phase (with ρ = {params.rho:g}, "
             rf"$1 - \rho^t$ first reaches 0.99 at $t = {e.warmup}$)."),
    )


def _answers(solution: Solution, e: _Ewma, params: Params) -> None:
    solution.give("S", to_json(e.s), _short(e.s))
    solution.give("S_hat", to_json(e.s_hat), _short(e.s_hat))
    solution.give("history", to_json(e.history), "[" + ", ".join(map(_short, e.history)) + "]")
    sub, sup = _subscript(e.t), _superscript(e.t)
    solution.answer_part("1", f"S{sub} = {_with_decimal(e.s)}")
    solution.answer_part("2", f"Ŝ{sub} = S{sub} / (1 − ρ{sup}) = {_with_decimal(e.s_hat)}")
    solution.answer_part("3", (
        "S₀ = 0 pulls the early averages towards zero: the weights (1 − ρ)ρᵗ⁻ⁱ sum to "
        "only 1 − ρᵗ. Dividing by 1 − ρᵗ makes them sum to 1, so the early estimates are "
        "not biased towards zero."))
    solution.answer_part("4", (
        "Almost none: ρᵗ → 0, so 1 − ρᵗ → 1 and Ŝₜ ≈ Sₜ; the correction matters only "
        f"during the warm-up (with ρ = {params.rho}, 1 − ρᵗ reaches 0.99 at t = "
        f"{e.warmup})."))


def _checks(solution: Solution, e: _Ewma, params: Params) -> None:
    closed = e.value * (1 - e.rho**e.t)
    solution.checks.append(Check(
        "Sₜ equals the closed form y(1 − ρᵗ) for a constant input y (exact)",
        e.s == closed, f"closed form {_short(closed)}", max_abs_error=float(abs(e.s - closed)),
        tolerance=0.0,
    ))
    s_float = 0.0
    for _ in range(e.t):
        s_float = params.rho * s_float + (1 - params.rho) * params.value
    error = abs(s_float - float(e.s))
    scale = max(1.0, abs(params.value))
    solution.checks.append(Check(
        "exact Sₜ agrees with a plain float loop",
        error <= TOLERANCE * scale, f"float loop gives {s_float:.12g}", max_abs_error=error,
        tolerance=TOLERANCE * scale,
    ))


PLOT_STEPS = 40


def _figure(rho: sp.Rational, value: sp.Rational, averages: list[sp.Rational]) -> Figure:
    """S_t and its bias-corrected value over the computed steps."""
    xs = tuple(float(i) for i in range(1, len(averages) + 1))
    corrected = (float(a / (1 - rho**i)) for i, a in enumerate(averages, start=1))
    return Figure(
        caption=f"EWMA of a constant {value} with ρ = {float(rho):g}: the raw average starts "
                "near 0 and creeps up; the bias-corrected one is right from the first step.",
        xlabel="step $t$", ylabel="average",
        series=(Series("$S_t$ (no correction)", xs, tuple(float(a) for a in averages)),
                # A precomposed Ŝ: the SVG's text mode misplaces a \hat accent.
                Series("$Ŝ_t$ (bias-corrected)", xs, tuple(corrected))),
    )


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _subscript(number: int) -> str:
    """12 as "₁₂": readable subscripts in plain-text answers (no LaTeX source)."""
    return str(number).translate(_SUBSCRIPTS)


def _superscript(number: int) -> str:
    return str(number).translate(_SUPERSCRIPTS)


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


def _with_decimal(value: sp.Rational) -> str:
    """An exact fraction followed by its decimal (39/400 = 0.0975); integers alone."""
    text = _short(value)
    if value.is_Integer or "exact fraction" in text:
        return text
    return f"{text} = {sp.Float(value, 6)}".rstrip("0")


def _slash(value: sp.Rational) -> str:
    """A fraction as a/b, for use inside another fraction (no tiny nested fractions)."""
    if len(to_text(value)) <= LONG:
        return to_text(value)
    return rf"{sp.Float(value, 15)}"


def _decimal(value: sp.Rational) -> str:
    """Up to six significant digits, without trailing zeros: 0.0975, not 0.0975000."""
    return f"{float(value):.6g}"


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


RHO_CHOICES = (0.5, 0.8, 0.9, 0.95, 0.99)


def sample(rng: random.Random) -> dict[str, Any]:
    """ρ from a short list, a few steps, a constant gradient with at most one decimal."""
    return {"rho": rng.choice(RHO_CHOICES), "t": rng.randint(2, 4),
            "value": rng.choice((0.5, 1.0, 1.5, 2.0, 3.0))}


def gaps(solution: Solution) -> tuple[AnswerGap, ...]:
    """S_t and Ŝ_t, labelled with this variant's t; the explain parts 3 and 4 are text."""
    t = solution.params["t"]
    return (AnswerGap("S", f"S_{t}", part=0), AnswerGap("S_hat", f"Ŝ_{t}", part=1))


def wrong_paths(solution: Solution) -> list[WrongPath]:
    """Ŝ_t without the bias correction is S_t itself; S_t from S_0 = y instead of 0 is y."""
    return [WrongPath("S_hat", "S_t without the bias correction", solution.answer["S"],
                      credit="25"),  # S_t right, the correction missing
            WrongPath("S", "started the average at S_0 = y", solution.params["value"],
                      credit="25")]  # the recursion right, its start wrong
