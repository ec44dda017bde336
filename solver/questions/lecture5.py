"""Lecture 5: exponentially weighted moving average with bias correction.

The exam's gradient is constant (``value`` at every step); a variant gives a short sequence
``values`` = y_1 .. y_t instead, so that neither S_t nor Ŝ_t is a number the question prints.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import sympy as sp

from solver.exact import rational, to_json, to_text
from solver.marking import AnswerGap, WrongPath
from solver.model import Check, Figure, Math, Meta, Series, Solution, Table, Text
from solver.params import as_dict, require, require_decimals, shown

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
    # The gradients y_1 .. y_t, one per step; empty: the constant ``value`` at every step.
    # When given they replace ``value``.
    values: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        require(0 <= self.rho < 1, f"parameter rho must be in [0, 1), got {self.rho}")
        require(1 <= self.t <= MAX_T, f"parameter t must be an integer in 1..{MAX_T}, got {self.t}")
        require(abs(self.value) <= 1e6, "parameter value must be within ±1e6")
        require_decimals("rho", self.rho, PLACES)
        require_decimals("value", self.value, PLACES)
        require(isinstance(self.values, list | tuple),
                f"parameter values must be a list of t = {self.t} numbers (y_1 .. y_t), "
                f"got {shown(self.values)}")
        object.__setattr__(self, "values", tuple(self.values))
        require(len(self.values) in (0, self.t),
                f"parameter values must hold t = {self.t} numbers (y_1 .. y_t), "
                f"got {len(self.values)}")
        for y in self.values:
            require(isinstance(y, int | float) and not isinstance(y, bool),
                    f"parameter values must hold numbers only, got {shown(y)}")
            # Compared before any float conversion: NaN and ±inf fail it, huge ints too.
            require(abs(y) <= 1e6,
                    f"parameter values must hold finite numbers within ±1e6, got {shown(y)}")
            if isinstance(y, float):
                require_decimals("values", y, PLACES)

    @property
    def gradients(self) -> tuple[float, ...]:
        """y_1 .. y_t as typed: the sequence, or the constant value t times."""
        return self.values or (self.value,) * self.t


@dataclass(frozen=True)
class _Ewma:
    """The exact average and its bias correction at step t."""

    rho: sp.Rational
    value: sp.Rational  # the constant gradient (unused for a sequence)
    ys: list[sp.Rational]  # y_1 .. y_t
    sequence: bool  # the gradients are a given sequence, not one constant
    t: int
    averages: list[sp.Rational]  # S_1 onwards (constant: at least PLOT_STEPS, for the plot)
    history: list[sp.Rational]  # S_1 .. S_t
    s: sp.Rational
    correction: sp.Rational  # 1 - rho^t
    s_hat: sp.Rational
    warmup: int  # first t with 1 - rho^t >= 0.99


def solve(params: Params, meta: Meta) -> Solution:
    ewma = _ewma(params)
    solution = Solution(meta, _params_dict(params))
    solution.reading("bias_formula")
    _part_average(solution, ewma, params)
    _part_correction(solution, ewma)
    _part_goal(solution, ewma)
    _part_many_iterations(solution, ewma, params)
    if ewma.sequence:
        solution.add(_sequence_figure(ewma))
    else:
        solution.add(_figure(ewma.rho, ewma.value, ewma.averages))
    _answers(solution, ewma, params)
    if ewma.sequence:
        _sequence_checks(solution, ewma, params)
    else:
        _checks(solution, ewma, params)
    return solution


def _params_dict(params: Params) -> dict[str, Any]:
    """The parameters the solution used: rho, value, t for a constant gradient (the exam's
    own, as before), rho, t, values for a sequence (which replaces value)."""
    data = as_dict(params)
    if params.values:
        del data["value"]
        data["values"] = list(params.values)
    else:
        del data["values"]
    return data


def context(params: Params) -> dict[str, Any]:
    """``gradients``: the gradients as the statement gives them, in inline maths ("$y_t = 1$
    for every $t$", or "$y_1, y_2, y_3 = 1.5, -0.5, 2$"); ``sequence``: whether they are a
    sequence (a template's ``<% if sequence %>``)."""
    return {"gradients": _gradients_latex(params), "sequence": bool(params.values)}


def _gradients_latex(params: Params) -> str:
    if not params.values:
        return f"$y_t = {_typed(params.value)}$ for every $t$"
    names = ", ".join(f"y_{{{i}}}" if i > 9 else f"y_{i}"
                      for i in range(1, len(params.values) + 1))
    return f"${names} = " + ", ".join(_typed(y) for y in params.values) + "$"


def _typed(number: float) -> str:
    """A number as its shortest decimal, without a trailing .0: 1.5, -0.5, 2."""
    return format(Decimal(repr(number)).normalize(), "f")


def _ewma(params: Params) -> _Ewma:
    rho, value, t = rational(params.rho), rational(params.value), params.t
    ys = [rational(y) for y in params.gradients]
    sequence = bool(params.values)
    averages = (_averages(rho, ys) if sequence
                else _averages(rho, [value] * max(t, PLOT_STEPS)))
    history = averages[:t]
    s = history[-1]
    correction = 1 - rho**t
    return _Ewma(rho, value, ys, sequence, t, averages, history, s, correction,
                 s / correction, _warmup_steps(rho))


def _part_average(solution: Solution, e: _Ewma, params: Params) -> None:
    """The recursion written out for the first five steps, then S_t alone."""
    rho, value, t = e.rho, e.value, e.t
    given = _gradients_latex(params) if e.sequence else f"$y_i = {sp.latex(value)}$"
    solution.add(
        Text(f"Sub-question {solution.label(0)}: iterate from $S_0 = 0$ "
             f"with {given} and "
             rf"$\rho = {params.rho:g}" + ("" if rho.q == 1 else rf" = {_slash(rho)}")
             + "$."),
    )
    shown = min(t, 5)
    previous_values = [sp.Integer(0), *e.history]
    factors = ([_factor(y) for y in params.gradients] if e.sequence
               else [sp.latex(value)] * t)
    lines = [
        rf"S_{{{i}}} &= {sp.latex(rho)} \cdot {_operand(previous_values[i - 1])} + "
        rf"\left(1 - {sp.latex(rho)}\right) \cdot {factors[i - 1]} = {_latex(current)}"
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
    if e.sequence:
        solution.add(
            Text(f"Sub-question {solution.label(2)} (goal): "
                 "$S_0 = 0$ biases the early averages towards zero; "
                 r"the weights $(1 - \rho)\,\rho^{t-i}$ sum to only $1 - \rho^t$, not 1. "
                 r"Dividing by $1 - \rho^t$ rescales them to sum to 1, so the estimate is "
                 "unbiased from the first step: a constant input is returned exactly, and "
                 rf"here $\hat{{S}}_{{{e.t}}} = {_latex(e.s_hat)}$ is a weighted mean of "
                 f"$y_1, \\dots, y_{{{e.t}}}$, between the smallest and the largest gradient "
                 rf"(whereas $S_{{{e.t}}} = {_latex(e.s)}$ is pulled towards 0)."),
        )
        return
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


def _sequence_checks(solution: Solution, e: _Ewma, params: Params) -> None:
    """Independent of the recursion: the closed forms, in Python's own fractions."""
    rho = Fraction(repr(params.rho))
    ys = [Fraction(repr(y)) if isinstance(y, float) else Fraction(y) for y in params.values]
    t = len(ys)
    s_exact = Fraction(int(e.s.p), int(e.s.q))
    s_hat_exact = Fraction(int(e.s_hat.p), int(e.s_hat.q))
    closed = (1 - rho) * sum((rho ** (t - i) * y for i, y in enumerate(ys, start=1)),
                             Fraction(0))
    solution.checks.append(Check(
        "Sₜ equals the closed form (1 − ρ) Σᵢ ρᵗ⁻ⁱ yᵢ (exact fractions)",
        s_exact == closed, f"closed form {_fraction_text(closed)}",
        max_abs_error=float(abs(s_exact - closed)), tolerance=0.0,
    ))
    weights = [(1 - rho) * rho ** (t - i) / (1 - rho**t) for i in range(1, t + 1)]
    mean = sum((w * y for w, y in zip(weights, ys, strict=True)), Fraction(0))
    total = sum(weights, Fraction(0))
    solution.checks.append(Check(
        "Ŝₜ equals the weighted mean Σᵢ wᵢ yᵢ, wᵢ = (1 − ρ)ρᵗ⁻ⁱ / (1 − ρᵗ), "
        "whose weights sum to 1 (exact fractions)",
        total == 1 and s_hat_exact == mean,
        f"weighted mean {_fraction_text(mean)}, weights sum to {_fraction_text(total)}",
        max_abs_error=float(abs(s_hat_exact - mean)), tolerance=0.0,
    ))
    s_float = 0.0
    for y in params.values:
        s_float = params.rho * s_float + (1 - params.rho) * y
    error = abs(s_float - float(e.s))
    scale = max(1.0, *(abs(y) for y in params.values))
    solution.checks.append(Check(
        "exact Sₜ agrees with a plain float loop over the gradients",
        error <= TOLERANCE * scale, f"float loop gives {s_float:.12g}", max_abs_error=error,
        tolerance=TOLERANCE * scale,
    ))


def _fraction_text(value: Fraction) -> str:
    text = str(value)
    return text if len(text) <= LONG else f"{float(value):.15g} (exact fraction)"


def _factor(y: float) -> str:
    """A gradient as a factor in LaTeX: negatives in parentheses."""
    text = _typed(y)
    return rf"\left({text}\right)" if text.startswith("-") else text


def _sequence_figure(e: _Ewma) -> Figure:
    """The given gradients, S_t and its bias-corrected value over the t steps."""
    xs = tuple(float(i) for i in range(1, e.t + 1))
    corrected = (float(a / (1 - e.rho**i)) for i, a in enumerate(e.history, start=1))
    return Figure(
        caption=f"EWMA of the given gradients with ρ = {float(e.rho):g}: the raw average "
                "starts at (1 − ρ) y₁, pulled towards 0; the bias-corrected one is a weighted "
                "mean of the gradients seen so far.",
        xlabel="step $t$", ylabel="value",
        series=(Series("$y_t$ (gradient)", xs, tuple(float(y) for y in e.ys), points=True),
                Series("$S_t$ (no correction)", xs, tuple(float(a) for a in e.history)),
                Series("$Ŝ_t$ (bias-corrected)", xs, tuple(corrected))),
    )


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


def _averages(rho: sp.Rational, ys: list[sp.Rational]) -> list[sp.Rational]:
    """S_1 .. S_n from S_0 = 0 for the gradients y_1 .. y_n, exactly."""
    out, s = [], sp.Integer(0)
    for y in ys:
        s = rho * s + (1 - rho) * y
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


def _operand(value: sp.Rational) -> str:
    """A value after a product's dot: a negative one in parentheses ("· (−3/50)"), so the
    sign never reads as a subtraction."""
    text = _latex(value)
    return rf"\left({text}\right)" if value < 0 else text


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
STEPS = (2, 3, 4)
# A variant's gradients: one decimal, in -3 .. 3, never 0 (60 values, so 60^t sequences).
GRADIENTS = tuple(k / 10 for k in range(-30, 31) if k != 0)
# ρ^t at least this: the uncorrected S_t = (1 − ρ^t) Ŝ_t is then 20 % away from Ŝ_t.
MIN_RHO_POWER = 0.2
PRINTED_MARGIN = Fraction(1, 20)  # an answer lies more than 5 % from every printed number
WRONG_MARGIN = Fraction(3, 20)  # a wrong path lies more than 15 % from the right answer
MAX_DRAWS = 1000


def sample(rng: random.Random) -> dict[str, Any]:
    """ρ from a short list, a few steps, and a non-constant sequence of gradients with one
    decimal each, such that neither S_t nor Ŝ_t is (within 5 % of) a number the question
    prints, and the wrong paths (no correction; S_0 = y_1) are more than 15 % off."""
    for _ in range(MAX_DRAWS):
        rho = rng.choice(RHO_CHOICES)
        t = rng.choice([t for t in STEPS if rho**t >= MIN_RHO_POWER])
        values = [rng.choice(GRADIENTS) for _ in range(t)]
        if _fair(rho, values):
            return {"rho": rho, "t": t, "values": values}
    raise RuntimeError(f"lecture 5: no fair draw in {MAX_DRAWS} tries")  # pragma: no cover


def _fair(rho: float, values: list[float]) -> bool:
    """Whether a drawn sequence tests the working: not constant, its answers away from
    every printed number (each y_i, ρ, t, and the formulas' 1), and its wrong paths away
    from the right answers."""
    if len(set(values)) == 1:
        return False
    r, ys = Fraction(repr(rho)), [Fraction(repr(y)) for y in values]
    s = Fraction(0)
    for y in ys:
        s = r * s + (1 - r) * y
    s_hat = s / (1 - r ** len(ys))
    printed = [*ys, r, Fraction(len(ys)), Fraction(1)]

    def far(right: Fraction, other: Fraction, margin: Fraction) -> bool:
        return abs(right - other) > margin * abs(right)

    return (all(far(answer, number, PRINTED_MARGIN) for answer in (s, s_hat)
                for number in printed)
            and far(s_hat, s, WRONG_MARGIN)  # forgot the correction
            and far(s, s + r ** len(ys) * ys[0], WRONG_MARGIN))  # started at S_0 = y_1


def gaps(solution: Solution) -> tuple[AnswerGap, ...]:
    """S_t and Ŝ_t, labelled with this variant's t; the explain parts 3 and 4 are text."""
    t = solution.params["t"]
    return (AnswerGap("S", f"S_{t}", part=0), AnswerGap("S_hat", f"Ŝ_{t}", part=1))


def wrong_paths(solution: Solution) -> list[WrongPath]:
    """Ŝ_t without the bias correction is S_t itself; S_t from S_0 = y_1 instead of 0 is y
    for a constant input, and S_t + ρᵗ y_1 for a sequence."""
    p = solution.params
    paths = [WrongPath("S_hat", "S_t without the bias correction", solution.answer["S"],
                       credit="25")]  # S_t right, the correction missing
    if "values" in p:
        paths.append(WrongPath("S", "started the average at S_0 = y_1",
                               _started_at_first(p["rho"], p["values"]),
                               credit="25"))  # the recursion right, its start wrong
    else:
        paths.append(WrongPath("S", "started the average at S_0 = y", p["value"],
                               credit="25"))  # the recursion right, its start wrong
    return paths


def _started_at_first(rho: float, values: list[float]) -> Any:
    """S_t of the recursion started at S_0 = y_1 (the same as S_1 = y_1), exactly."""
    r, ys = rational(rho), [rational(y) for y in values]
    s = ys[0]
    for y in ys:
        s = r * s + (1 - r) * y
    return to_json(s)
