"""Lecture 2: dL_reg/dw1 by the chain rule, reusing z2-bar = dL_reg/dz2."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import sympy as sp

from solver.model import Check, Math, Meta, Reading, Rubric, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.2",
    title="Backpropagation through a scalar network with L2 regularisation",
    points={"derivation": 4, "motivation": 2},
    question=(
        "For the scalar network a_i = sigma(w_i a_{i-1} + b_i) (i = 1, 2, a_0 = x) with "
        "L = (a_2 - y)^2 and L_reg = L + lambda * sum_i w_i^2, compute dL_reg/dw_1 reusing "
        "z2-bar = dL_reg/dz_2, and motivate each factor."
    ),
)

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


X, Y, W1, B1, W2, B2, LAM = sp.symbols(r"x y w_1 b_1 w_2 b_2 \lambda")
Z1, Z2, A1 = sp.symbols("z_1 z_2 a_1")
SIGMA = sp.Function(r"\sigma")


def _network() -> dict[str, Any]:
    z1 = W1 * X + B1
    a1 = SIGMA(z1)
    z2 = W2 * a1 + B2
    loss_reg = (SIGMA(z2) - Y) ** 2 + LAM * (W1**2 + W2**2)
    return {"z1": z1, "z2": z2, "loss_reg": loss_reg}


ZBAR2 = sp.Symbol(r"\bar{z}_2")
SIGMA_PRIME_Z1 = sp.Symbol(r"\sigma'(z_1)")
SIGMA_PRIME_Z2 = sp.Symbol(r"\sigma'(z_2)")


NAMES = {SIGMA_PRIME_Z1: r"\sigma'(z_1)", SIGMA_PRIME_Z2: r"\sigma'(z_2)"}


def _chain_rule() -> tuple[Any, Any, Any]:
    """Backprop factor by factor: (z2-bar, dL_reg/dw1 in display symbols, z2-bar raw)."""
    loss_of_z2 = (SIGMA(Z2) - Y) ** 2 + LAM * (W1**2 + W2**2)
    z2_bar = sp.diff(loss_of_z2, Z2)  # 2 (sigma(z2) - y) sigma'(z2)
    dz2_da1 = sp.diff(W2 * A1 + B2, A1)  # w2
    dz1_dw1 = sp.diff(W1 * X + B1, W1)  # x
    d_reg = sp.diff(LAM * (W1**2 + W2**2), W1)  # 2 lambda w1
    shown = z2_bar.subs(sp.Derivative(SIGMA(Z2), Z2), SIGMA_PRIME_Z2)
    return shown, ZBAR2 * dz2_da1 * SIGMA_PRIME_Z1 * dz1_dw1 + d_reg, z2_bar


def _expand(chain: Any, z2_bar: Any, net: dict[str, Any]) -> Any:
    """The display expression as a function of the inputs, for comparison with sympy."""
    local = chain.subs({ZBAR2: z2_bar, SIGMA_PRIME_Z1: sp.Derivative(SIGMA(Z1), Z1)})
    return local.subs({Z2: net["z2"], Z1: net["z1"]}, simultaneous=True)


def _plain(expr: Any) -> str:
    """sympy's plain string without the LaTeX backslashes of the symbol names."""
    return str(sp.sstr(expr.subs(SIGMA_PRIME_Z2, sp.Symbol("sigma'(z_2)")))).replace("\\", "")


def _activation(name: str) -> tuple[Any, Any]:
    """(sympy function, float derivative) of the chosen activation."""
    if name == "sigmoid":
        return (lambda t: 1 / (1 + sp.exp(-t))), (
            lambda t: (1 / (1 + math.exp(-t))) * (1 - 1 / (1 + math.exp(-t)))
        )
    return sp.tanh, (lambda t: 1 - math.tanh(t) ** 2)


def _numeric(params: Params, direct: Any) -> tuple[dict[str, float], float]:
    """Forward and backward pass in floats, reusing z2-bar; and the direct sympy value."""
    p = {name: float(getattr(params, name)) for name in NUMERIC}
    assert params.activation is not None
    act_sym, act_prime = _activation(params.activation)
    act = math.tanh if params.activation == "tanh" else (lambda t: 1 / (1 + math.exp(-t)))
    z1 = p["w1"] * p["x"] + p["b1"]
    a1 = act(z1)
    z2 = p["w2"] * a1 + p["b2"]
    a2 = act(z2)
    z2_bar = 2 * (a2 - p["y"]) * act_prime(z2)
    z1_bar = z2_bar * p["w2"] * act_prime(z1)
    grad = z1_bar * p["x"] + 2 * p["lam"] * p["w1"]
    values = {"z1": z1, "a1": a1, "z2": z2, "a2": a2, "z2_bar": z2_bar, "z1_bar": z1_bar,
              "grad": grad}
    exact = {X: p["x"], Y: p["y"], W1: p["w1"], B1: p["b1"], W2: p["w2"], B2: p["b2"],
             LAM: p["lam"]}
    symbolic = direct.replace(SIGMA, act_sym).doit().subs(exact)
    return values, float(sp.N(symbolic, 30))


def solve(params: Params) -> Solution:
    solution = Solution(META, as_dict(params))
    net = _network()
    z2_bar, chain, z2_bar_raw = _chain_rule()
    direct = sp.diff(net["loss_reg"], W1)
    difference = sp.simplify(direct - _expand(chain, z2_bar_raw, net))
    expression = sp.latex(chain, symbol_names=NAMES)
    solution.add(
        Reading(
            "The figure is lost. The network read from the text: a_1 = sigma(w_1 x + b_1), "
            "a_2 = sigma(w_2 a_1 + b_2), L = (a_2 - y)^2, L_reg = L + lambda (w_1^2 + w_2^2)."
        ),
        Text("Forward pass, as a chain of dependencies: w_1 reaches L only through z_1, a_1, "
             "z_2 and a_2; it reaches the regulariser R directly."),
        Math(r"w_1 \rightarrow z_1 = w_1 x + b_1 \rightarrow a_1 = \sigma(z_1) \rightarrow"
             r" z_2 = w_2 a_1 + b_2 \rightarrow a_2 = \sigma(z_2) \rightarrow L"),
        Text("So the derivative has two parts: the path through the network (which passes "
             "z_2, where the stored z2-bar already holds everything downstream) and the "
             "direct regulariser term."),
        Math(r"\frac{\partial L_{reg}}{\partial w_1} = \underbrace{\frac{\partial L_{reg}}"
             r"{\partial z_2}}_{\bar{z}_2} \frac{\partial z_2}{\partial a_1} \frac{\partial a_1}"
             r"{\partial z_1} \frac{\partial z_1}{\partial w_1} + \lambda \frac{\partial R}"
             r"{\partial w_1}"),
        Table(
            ("factor", "value", "why"),
            (
                ("z2-bar = dL_reg/dz_2", _plain(z2_bar),
                 "already computed for dL_reg/dw_2 and dL_reg/db_2: reuse it"),
                ("dz_2/da_1", "w_2", "z_2 = w_2 a_1 + b_2 is linear in a_1"),
                ("da_1/dz_1", "sigma'(z_1)", "a_1 = sigma(z_1)"),
                ("dz_1/dw_1", "x", "z_1 = w_1 x + b_1 is linear in w_1"),
                ("lambda dR/dw_1", _plain(sp.diff(LAM * (W1**2 + W2**2), W1)),
                 "R = w_1^2 + w_2^2 depends on w_1 directly, not through z_2"),
            ),
            caption="Where each factor comes from",
        ),
        Text("Backprop stores z1-bar = z2-bar w_2 sigma'(z_1) (it also gives dL_reg/db_1 = "
             "z1-bar); multiplying by x gives the data term. The regulariser adds 2 lambda "
             "w_1 directly, because R is a function of w_1 itself and not of the activations: "
             "its gradient does not flow through z_2, so it is not part of z2-bar."),
        Math(r"\bar{z}_2 = " + sp.latex(z2_bar, symbol_names=NAMES), label="where"),
        Math(r"\frac{\partial L_{reg}}{\partial w_1} = " + expression),
    )
    solution.give("expression", expression, expression)
    solution.checks.append(
        Check(
            "chain-rule expression equals sympy's direct derivative of L_reg",
            difference == 0,
            f"simplify(d L_reg/d w_1 - chain rule) = {difference}",
        )
    )
    if params.numeric:
        values, oracle = _numeric(params, direct)
        error = abs(values["grad"] - oracle)
        scale = max(1.0, abs(oracle))
        solution.add(
            Text(f"With the given numbers ({params.activation}):"),
            Table(("quantity", "value"),
                  tuple((name, f"{value:.12g}") for name, value in values.items())),
            Math(rf"\frac{{\partial L_{{reg}}}}{{\partial w_1}} = {values['grad']:.12g}"),
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
    solution.rubric += [
        Rubric("derivation", 4, "reuses z2-bar (1), factors w_2 (1) and sigma'(z_1) x (1), "
               "regulariser term 2 lambda w_1 (1)"),
        Rubric("motivation", 2, "explains the two paths and why the regulariser is added "
               "directly rather than through z2-bar (2)"),
    ]
    return solution
