"""The symbolic derivation of dL_reg/dw1 for the two-layer scalar network
x -> z1 -> a1 -> z2 -> a2 -> L_reg: the chain rule factor by factor, reusing z2-bar, and
sympy's direct derivative with the two exact identities that check it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sympy as sp

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
A2 = sp.Symbol("a_2")


NAMES = {SIGMA_PRIME_Z1: r"\sigma'(z_1)", SIGMA_PRIME_Z2: r"\sigma'(z_2)"}
L_REG = r"L_{\mathrm{reg}}"
# z2-bar as the sheet writes it, with a_2 = sigma(z_2): checked against sympy's derivative.
ZBAR2_SHOWN = 2 * (A2 - Y) * SIGMA_PRIME_Z2
ZBAR2_LATEX = r"2\left(a_2 - y\right) \sigma'(z_2)"


def _chain_rule() -> tuple[Any, Any, Any, dict[str, Any]]:
    """Backprop factor by factor: (z2-bar, dL_reg/dw1 in display symbols, z2-bar raw,
    the local factors)."""
    loss_of_z2 = (SIGMA(Z2) - Y) ** 2 + LAM * (W1**2 + W2**2)
    z2_bar = sp.diff(loss_of_z2, Z2)  # 2 (sigma(z2) - y) sigma'(z2)
    factors = {
        "dz2_da1": sp.diff(W2 * A1 + B2, A1),  # w2
        "dz1_dw1": sp.diff(W1 * X + B1, W1),  # x
        "d_reg": sp.diff(LAM * (W1**2 + W2**2), W1),  # 2 lambda w1
    }
    shown = z2_bar.subs(sp.Derivative(SIGMA(Z2), Z2), SIGMA_PRIME_Z2)
    chain = ZBAR2 * factors["dz2_da1"] * SIGMA_PRIME_Z1 * factors["dz1_dw1"] + factors["d_reg"]
    return shown, chain, z2_bar, factors


def _expand(chain: Any, z2_bar: Any, net: dict[str, Any]) -> Any:
    """The display expression as a function of the inputs, for comparison with sympy."""
    local = chain.subs({ZBAR2: z2_bar, SIGMA_PRIME_Z1: sp.Derivative(SIGMA(Z1), Z1)})
    return local.subs({Z2: net["z2"], Z1: net["z1"]}, simultaneous=True)


def shown_latex(expr: Any) -> str:
    """LaTeX with the symbols for σ′(z₁) and σ′(z₂) written as the sheet writes them."""
    return str(sp.latex(expr, symbol_names=NAMES))


@dataclass(frozen=True)
class Derivation:
    """The symbolic derivation and its two exact checks (each 0 when it holds)."""

    chain: Any  # dL_reg/dw1 in display symbols
    expression: str  # its LaTeX
    factors: dict[str, Any]
    direct: Any  # sympy's direct derivative, the oracle
    difference: Any
    written: Any


@functools.cache
def derive() -> Derivation:
    """The same for every parameter set, so variants and repeated solves derive it once."""
    net = _network()
    z2_bar, chain, z2_bar_raw, factors = _chain_rule()
    direct = sp.diff(net["loss_reg"], W1)
    # Both differences are polynomials in the network's symbols, σ and its derivatives:
    # expanded, an identity is exactly 0 (simplify agrees, at 200 times the cost).
    difference = sp.expand(direct - _expand(chain, z2_bar_raw, net))
    written = sp.expand(ZBAR2_SHOWN.subs(A2, SIGMA(Z2)) - z2_bar)
    return Derivation(chain, shown_latex(chain), factors, direct, difference, written)
