"""Lecture 2: dL_reg/dw1 by the chain rule, reusing z2-bar = dL_reg/dz2: the question's
steps, answers and float backprop (the symbolic derivation is ``chain_rule_derivation``'s)."""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, fields
from typing import Any

import sympy as sp

from solver.marking import AnswerGap, WrongPath
from solver.model import Check, Math, Meta, Solution, Table, Text
from solver.params import as_dict, require
from solver.questions.chain_rule_derivation import (
    B1,
    B2,
    L_REG,
    LAM,
    SIGMA,
    W1,
    W2,
    ZBAR2_LATEX,
    Derivation,
    X,
    Y,
    derive,
    shown_latex,
)

# The exam record's reading notes this solver places: the lost figure, first.
READINGS = ("figure",)
ACTIVATIONS = ("sigmoid", "tanh")
NUMERIC = ("x", "y", "w1", "b1", "w2", "b2", "lam")
TOLERANCE = 1e-12


@dataclass(frozen=True)
class Params:
    """All numeric values are optional but come together, with the activation."""

    x: float | None = None
    y: float | None = None
    w1: float | None = None
    b1: float | None = None
    w2: float | None = None
    b2: float | None = None
    lam: float | None = None
    activation: str | None = None

    def __post_init__(self) -> None:
        require(
            self.activation is None or self.activation in ACTIVATIONS,
            f"parameter activation must be one of {', '.join(ACTIVATIONS)}, "
            f"got {self.activation!r}",
        )
        given = [f.name for f in fields(self) if getattr(self, f.name) is not None]
        everything = [*NUMERIC, "activation"]
        require(
            not given or len(given) == len(everything),
            "parameters x, y, w1, b1, w2, b2, lam and activation go together; "
            f"missing: {', '.join(n for n in everything if n not in given)}",
        )
        for name in NUMERIC:
            value = getattr(self, name)
            require(value is None or abs(value) <= 1e6, f"parameter {name} must be within ±1e6")
        require(self.lam is None or self.lam >= 0, "parameter lam must be 0 or more")

    @property
    def numeric(self) -> bool:
        return self.activation is not None


def _sigmoid(t: float) -> float:
    """The logistic function without overflow: exp of a non-positive number only."""
    if t >= 0:
        return 1 / (1 + math.exp(-t))
    e = math.exp(t)
    return e / (1 + e)


def _activation(name: str) -> tuple[Any, Any]:
    """(sympy function, float derivative) of the chosen activation."""
    if name == "sigmoid":
        return (lambda t: 1 / (1 + sp.exp(-t))), (lambda t: _sigmoid(t) * (1 - _sigmoid(t)))
    return sp.tanh, (lambda t: 1 - math.tanh(t) ** 2)


def context(params: Params) -> dict[str, Any]:
    return {"numeric": params.numeric}


def _numeric(params: Params) -> tuple[dict[str, float], float]:
    """Forward and backward pass in floats, reusing z2-bar; and the direct sympy value."""
    p = {name: float(getattr(params, name)) for name in NUMERIC}
    assert params.activation is not None
    _, act_prime = _activation(params.activation)
    act = math.tanh if params.activation == "tanh" else _sigmoid
    z1 = p["w1"] * p["x"] + p["b1"]
    a1 = act(z1)
    z2 = p["w2"] * a1 + p["b2"]
    a2 = act(z2)
    z2_bar = 2 * (a2 - p["y"]) * act_prime(z2)
    z1_bar = z2_bar * p["w2"] * act_prime(z1)
    grad = z1_bar * p["x"] + 2 * p["lam"] * p["w1"]
    values = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z2_bar": z2_bar, "z1_bar": z1_bar,
              "grad": grad}
    import mpmath

    with mpmath.workdps(30):
        symbolic = _direct_function(params.activation)(*(mpmath.mpf(p[n]) for n in NUMERIC))
    return values, float(symbolic)


@functools.cache
def _direct_function(activation: str) -> Any:
    """sympy's direct derivative dL_reg/dw1 with the activation filled in, compiled once to
    an mpmath function of (x, y, w1, b1, w2, b2, lam): the oracle, at 30 digits."""
    act_sym, _ = _activation(activation)
    expression = derive().direct.replace(SIGMA, act_sym).doit()
    return sp.lambdify((X, Y, W1, B1, W2, B2, LAM), expression, modules="mpmath")


_D_L = rf"\partial {L_REG}"
_SYMBOLIC_ANSWER = (
    "∂L_reg/∂w₁ = z̄₂ · w₂ · σ′(z₁) · x + 2λw₁, where z̄₂ = ∂L_reg/∂z₂ "
    "= 2(a₂ − y)σ′(z₂) is reused from the w₂ gradient: w₁ reaches the loss only "
    "through z₁, a₁ and z₂ (factors x, σ′(z₁), w₂), and reaches the "
    "regulariser λ(w₁² + w₂²) directly (term 2λw₁).")


def solve(params: Params, meta: Meta) -> Solution:
    derivation = derive()
    solution = Solution(meta, as_dict(params))
    solution.reading("figure")
    _chain_rule_steps(solution, derivation)
    solution.give("expression", derivation.expression, derivation.expression)
    _symbolic_checks(solution, derivation)
    answer = _SYMBOLIC_ANSWER
    if params.numeric:
        answer += _numeric_steps(solution, params)
    solution.answer_part("", answer)
    return solution


def _chain_rule_steps(solution: Solution, d: Derivation) -> None:
    solution.add(
        Text("Forward pass, as a chain of dependencies: $w_1$ reaches $L$ only through "
             "$z_1$, $a_1$, $z_2$ and $a_2$; it reaches the regulariser $R$ directly."),
        Math(r"w_1 \rightarrow z_1 = w_1 x + b_1 \rightarrow a_1 = \sigma(z_1) \rightarrow"
             r" z_2 = w_2 a_1 + b_2 \rightarrow a_2 = \sigma(z_2) \rightarrow L"),
        Text("So the derivative has two parts: the path through the network, which passes "
             r"$z_2$, where the stored $\bar{z}_2$ already holds everything downstream, and "
             "the direct regulariser term."),
        Math(rf"\frac{{{_D_L}}}{{\partial w_1}} = \underbrace{{\frac{{{_D_L}}}"
             r"{\partial z_2}}_{\bar{z}_2} \frac{\partial z_2}{\partial a_1} \frac{\partial a_1}"
             r"{\partial z_1} \frac{\partial z_1}{\partial w_1} + \lambda \frac{\partial R}"
             r"{\partial w_1}"),
        Table(
            ("factor", "value", "why"),
            (
                (rf"$\bar{{z}}_2 = {_D_L} / \partial z_2$", f"${ZBAR2_LATEX}$",
                 rf"already computed for ${_D_L} / \partial w_2$ and "
                 rf"${_D_L} / \partial b_2$: reuse it"),
                (r"$\partial z_2 / \partial a_1$", f"${shown_latex(d.factors['dz2_da1'])}$",
                 r"$z_2 = w_2 a_1 + b_2$ is linear in $a_1$"),
                (r"$\partial a_1 / \partial z_1$", r"$\sigma'(z_1)$", r"$a_1 = \sigma(z_1)$"),
                (r"$\partial z_1 / \partial w_1$", f"${shown_latex(d.factors['dz1_dw1'])}$",
                 r"$z_1 = w_1 x + b_1$ is linear in $w_1$"),
                (r"$\lambda\, \partial R / \partial w_1$", f"${shown_latex(d.factors['d_reg'])}$",
                 r"$R = w_1^2 + w_2^2$ depends on $w_1$ directly, not through $z_2$"),
            ),
            caption="Where each factor comes from",
        ),
        Text(r"Backprop stores $\bar{z}_1 = \bar{z}_2\, w_2\, \sigma'(z_1)$ (it is also "
             rf"${_D_L} / \partial b_1$); multiplying by $x$ gives the data term. The "
             r"regulariser adds $2\lambda w_1$ directly, because $R$ is a function of $w_1$ "
             "itself and not of the activations: its gradient does not flow through $z_2$, "
             r"so it is not part of $\bar{z}_2$."),
        # \; inside the box: ziamath draws its rule against the formula otherwise.
        Math(rf"\boxed{{\;\frac{{{_D_L}}}{{\partial w_1}} = {d.expression}\;}}"),
        Math(rf"\bar{{z}}_2 = {ZBAR2_LATEX}, \qquad a_2 = \sigma(z_2)", label="where"),
    )


def _symbolic_checks(solution: Solution, d: Derivation) -> None:
    solution.checks.append(
        Check(
            "chain-rule expression equals sympy's direct derivative of L_reg",
            d.difference == 0,
            f"expand(∂L_reg/∂w₁ − chain rule) = {d.difference}",
        )
    )
    solution.checks.append(
        Check(
            "z̄₂ as written, 2(a₂ − y)σ′(z₂), equals sympy's derivative of L_reg by z₂",
            d.written == 0,
            f"expand(2(a₂ − y)σ′(z₂) − ∂L_reg/∂z₂) with a₂ = σ(z₂) gives {d.written}",
        )
    )


def _numeric_steps(solution: Solution, params: Params) -> str:
    """The gradient at the given numbers: its steps, answer and check; returns the
    sentence it adds to the answer."""
    values, oracle = _numeric(params)
    error = abs(values["grad"] - oracle)
    scale = max(1.0, abs(oracle))
    solution.add(
        Text("The chain evaluated at the given numbers, forward and then backward:"),
        Table(("quantity", "value"),
              tuple((f"${QUANTITIES[name]}$", _shown(value)) for name, value in values.items()),
              caption=f"The forward and backward pass, with {params.activation} as σ"),
        Math(rf"\frac{{{_D_L}}}{{\partial w_1}} \approx {values['grad']:.8g}"),
    )
    solution.give("value", values["grad"], f"{values['grad']:.15g}")
    solution.checks.append(
        Check(
            "float backprop equals the symbolic derivative evaluated at 30 digits",
            error <= TOLERANCE * scale,
            f"backprop {values['grad']:.15g}, symbolic {oracle:.15g}",
            max_abs_error=error,
            tolerance=TOLERANCE * scale,
        )
    )
    return f" With the given numbers: ∂L_reg/∂w₁ ≈ {_shown(values['grad'])}."


def _shown(value: float) -> str:
    """A value as the sheet prints it: 8 significant digits, a true minus (the check and
    the JSON keep every digit)."""
    return f"{value:.8g}".replace("-", "−")


QUANTITIES = {
    "z1": "z_1", "a1": "a_1", "z2": "z_2", "a2": "a_2", "z2_bar": r"\bar{z}_2",
    "z1_bar": r"\bar{z}_1", "grad": rf"\partial {L_REG} / \partial w_1",
}


def sample(rng: random.Random) -> dict[str, Any]:
    """One- or two-decimal values a student can push through by hand, either activation."""
    def value(low: float, high: float) -> float:  # one decimal, in [low, high]
        return rng.randrange(round(low * 10), round(high * 10) + 1) / 10

    weights = [value(-1.5, 1.5) or 0.5 for _ in range(2)]  # a zero weight cuts the path
    return {
        "x": value(-2, 2) or 1.0, "y": value(0, 1), "w1": weights[0], "b1": value(-1, 1),
        "w2": weights[1], "b2": value(-1, 1), "lam": rng.choice((0.01, 0.05, 0.1, 0.5)),
        "activation": rng.choice(ACTIVATIONS),
    }


def gaps(solution: Solution) -> tuple[AnswerGap, ...]:
    """The value, asked only with numbers: without them the answer is an expression."""
    if "value" not in solution.answer:
        return ()
    return (AnswerGap("value", "∂L_reg/∂w_1 at the given values"),)


def wrong_paths(solution: Solution) -> list[WrongPath]:
    """With numbers: the gradient without the regulariser's 2λw_1 term."""
    p = solution.params
    if "value" not in solution.answer:
        return []
    return [WrongPath("value", "left out the regulariser term 2λw₁",
                      solution.answer["value"] - 2 * p["lam"] * p["w1"],
                      credit="50")]  # the data path through z̄_2 right
