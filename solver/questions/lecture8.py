"""Lecture 8: the GAN objective, term by term, with the optimal discriminator computed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Math, Meta, Rubric, Series, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.8",
    title="The GAN objective",
    points={"objective": 4},
    question=(
        "Explain the GAN objective: argmin over theta_G of max over theta_D of "
        "E_{x~p_data} log D(x) + E_{z~p(z)} log(1 - D(G(z)))."
    ),
)

TOLERANCE = 1e-8
GRID = 20_001


@dataclass(frozen=True)
class Params:
    """p_data = N(data_mean, data_sd^2); the generator's p_g = N(gen_mean, gen_sd^2)."""

    data_mean: float = 0.0
    data_sd: float = 1.0
    gen_mean: float = 1.5
    gen_sd: float = 0.7

    def __post_init__(self) -> None:
        for name in ("data_mean", "gen_mean"):
            require(abs(getattr(self, name)) <= 5, f"parameter {name} must be within ±5")
        for name in ("data_sd", "gen_sd"):
            require(0.2 <= getattr(self, name) <= 3, f"parameter {name} must be in [0.2, 3]")


def _log_normal(x: Any, mean: float, sd: float) -> Any:
    """Log density: the tails stay finite where the density itself underflows."""
    import numpy as np

    return -0.5 * ((x - mean) / sd) ** 2 - np.log(sd * np.sqrt(2 * np.pi))


def _value(x: Any, log_data: Any, log_g: Any, log_d: Any, log_not_d: Any) -> float:
    """V(D, G) = E_data log D + E_g log(1 - D), by the trapezoid rule on the grid."""
    import numpy as np

    integrand = np.exp(log_data) * log_d + np.exp(log_g) * log_not_d
    return float(np.trapezoid(integrand, x))


def _kl(x: Any, log_p: Any, log_q: Any) -> float:
    import numpy as np

    return float(np.trapezoid(np.exp(log_p) * (log_p - log_q), x))


def solve(params: Params) -> Solution:
    import numpy as np
    import sympy as sp

    p = params
    low = min(p.data_mean - 10 * p.data_sd, p.gen_mean - 10 * p.gen_sd)
    high = max(p.data_mean + 10 * p.data_sd, p.gen_mean + 10 * p.gen_sd)
    x = np.linspace(low, high, GRID)
    log_data = _log_normal(x, p.data_mean, p.data_sd)
    log_g = _log_normal(x, p.gen_mean, p.gen_sd)
    log_sum = np.logaddexp(log_data, log_g)
    value = _value(x, log_data, log_g, log_data - log_sum, log_g - log_sum)  # D* = p/(p+q)
    p_data, p_g, d_star = np.exp(log_data), np.exp(log_g), np.exp(log_data - log_sum)
    log_mixture = log_sum - np.log(2)
    jsd = 0.5 * _kl(x, log_data, log_mixture) + 0.5 * _kl(x, log_g, log_mixture)
    minus_log4 = -sp.log(4)
    half = np.full_like(x, np.log(0.5))
    equilibrium = _value(x, log_data, log_data, half, half)
    perturbed = []
    for e in (-0.05, 0.05):
        d = np.clip(d_star + e * np.sin(x), 1e-300, 1 - 1e-16)
        perturbed.append(_value(x, log_data, log_g, np.log(d), np.log1p(-d)))
    solution = Solution(META, as_dict(p))
    solution.add(
        Math(r"\min_{G} \max_{D} V(D, G) = \mathbb{E}_{x \sim p_{data}} \log D(x) + "
             r"\mathbb{E}_{z \sim p(z)} \log\left(1 - D(G(z))\right)"),
        Text("A two-player minimax game. D(x) is the discriminator's probability that x is "
             "real; G(z) turns noise z ~ p(z) into a sample, inducing the distribution p_g."),
        Text("First term, E_data log D(x): D is rewarded for giving real samples a high "
             "probability (log D -> 0 when D(x) -> 1). Only D affects it."),
        Text("Second term, E_z log(1 - D(G(z))): D is rewarded for giving generated samples a "
             "low probability; G, which only affects this term, minimises it by making "
             "D(G(z)) large, i.e. by fooling D."),
        Text("Together, max over D is the log-likelihood of a binary classifier (real = 1, "
             "fake = 0): D is trained by binary cross-entropy. For a fixed G the best "
             "discriminator is, pointwise:"),
        Math(r"D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}, \qquad "
             r"V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}\left(p_{data} \,\|\, p_g\right)"),
        Text("So G minimises the Jensen-Shannon divergence to the data: the global optimum "
             "is p_g = p_data, where D* = 1/2 everywhere and V = -log 4."),
        Text(f"Computed for p_data = N({p.data_mean}, {p.data_sd}^2) and p_g = "
             f"N({p.gen_mean}, {p.gen_sd}^2), on a {GRID}-point grid:"),
        Table(("quantity", "value"), (
            ("V(D*, G), integrated", f"{value:.8f}"),
            ("-log 4 + 2 JSD, from KL divergences", f"{float(minus_log4) + 2 * jsd:.8f}"),
            ("JSD(p_data || p_g)", f"{jsd:.8f}"),
            ("V at equilibrium (p_g = p_data, D = 1/2)", f"{equilibrium:.10f}"),
            ("-log 4 (exact, sympy)", f"{sp.sstr(minus_log4)} = {float(minus_log4):.10f}"),
            ("V with D* perturbed by ±0.05 sin(x)",
             ", ".join(f"{v:.8f}" for v in perturbed)),
        )),
        Figure(caption="The two densities and the optimal discriminator D*(x) = p_data / "
                       "(p_data + p_g): near 1 where data dominates, 1/2 where they are equal.",
               xlabel="x", ylabel="density / probability",
               series=tuple(Series(label, tuple(float(v) for v in x[::400]),
                                   tuple(float(v) for v in y[::400]))
                            for label, y in (("p_data", p_data), ("p_g", p_g),
                                             ("D*(x)", d_star)))),
        Text("In practice G does not minimise log(1 - D(G(z))): early in training D rejects "
             "fakes confidently, D(G(z)) ~ 0, where that loss is flat. The non-saturating "
             "loss maximises log D(G(z)) instead: same fixed point, strong gradients. With "
             "D = sigmoid(a), the gradients with respect to the logit a are:"),
        Table(("D(G(z))", "d/da log(1 - D) = -D", "d/da [-log D] = -(1 - D)"),
              tuple((f"{dv:g}", f"{-dv:.4g}", f"{-(1 - dv):.4g}")
                    for dv in (0.001, 0.01, 0.1, 0.5, 0.9))),
    )
    solution.give("V_optimal_D", value, f"{value:.8f}")
    solution.give("JSD", jsd, f"{jsd:.8f}")
    solution.give("V_equilibrium", equilibrium, f"{equilibrium:.10f} (= -log 4)")
    solution.checks.append(Check(
        "V(D*, G) integrated equals -log 4 + 2 JSD computed from KL divergences",
        abs(value - (float(minus_log4) + 2 * jsd)) <= TOLERANCE,
        "two numerical routes on the same grid",
        max_abs_error=abs(value - (float(minus_log4) + 2 * jsd)), tolerance=TOLERANCE))
    solution.checks.append(Check(
        "at equilibrium V equals -log 4 (sympy, exact)",
        abs(equilibrium - float(minus_log4)) <= TOLERANCE,
        f"integrated {equilibrium:.12f}",
        max_abs_error=abs(equilibrium - float(minus_log4)), tolerance=TOLERANCE))
    solution.checks.append(Check(
        "D* is a maximum: perturbing it lowers V", all(v < value for v in perturbed),
        ", ".join(f"{v:.8f}" for v in perturbed) + f" < {value:.8f}"))
    solution.rubric.append(Rubric(
        "objective", 4, "D maximises: real -> 1, fake -> 0 (1); G minimises by fooling D "
        "(1); minimax game / BCE, D* = p_data/(p_data + p_g) (1); optimum p_g = p_data, "
        "V = -log 4, or the non-saturating loss (1)"))
    return solution
