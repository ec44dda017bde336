"""Lecture 8: the GAN objective, term by term, with the optimal discriminator computed."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Math, Meta, Series, Solution, Table, Text
from solver.params import as_dict, require

TOLERANCE = 1e-8
GRID = 20_001
PLOTTED = 121  # points per plotted curve, spread over where the densities are not ~0


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


def _signed(text: str) -> str:
    """A number with a true minus sign (−0.81), not a hyphen."""
    return text.replace("-", "−")


_DATA = r"p_{\mathrm{data}}"  # the data density in LaTeX


@dataclass(frozen=True)
class _Computed:
    """The objective evaluated on the grid, for D*, at equilibrium and for D* perturbed."""

    x: Any
    p_data: Any
    p_g: Any
    d_star: Any
    value: float  # V(D*, G), integrated
    jsd: float
    minus_log4: Any  # -log 4, exact (sympy)
    equilibrium: float  # V at p_g = p_data, D = 1/2
    perturbed: list[float]
    shown: Any  # the grid indices plotted


def solve(params: Params, meta: Meta) -> Solution:
    computed = _compute(params)
    solution = Solution(meta, as_dict(params))
    _explain_objective(solution)
    _explain_optimal_discriminator(solution)
    _explain_training(solution)
    _show_computation(solution, computed, params)
    _explain_non_saturating_loss(solution)
    _answers(solution, computed)
    _checks(solution, computed)
    return solution


def _compute(p: Params) -> _Computed:
    import numpy as np
    import sympy as sp

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
    # Plot where either density exceeds 1e-4 of its peak: evenly spaced grid points.
    visible = np.flatnonzero(np.maximum(p_data / p_data.max(), p_g / p_g.max()) > 1e-4)
    shown = np.unique(np.linspace(visible[0], visible[-1], PLOTTED).round().astype(int))
    return _Computed(x, p_data, p_g, d_star, value, jsd, minus_log4, equilibrium, perturbed,
                     shown)


def _explain_objective(solution: Solution) -> None:
    """The minimax objective, and what each of its two terms rewards."""
    solution.add(
        Math(rf"\min_{{G}} \max_{{D}} V(D, G) = \mathbb{{E}}_{{x \sim {_DATA}}} \log D(x) + "
             r"\mathbb{E}_{z \sim p(z)} \log\left(1 - D(G(z))\right)"),
        Text("A two-player minimax game. $D(x)$ is the discriminator's probability that $x$ "
             r"is real; $G(z)$ turns noise $z \sim p(z)$ into a sample, inducing the "
             "distribution $p_g$."),
        Text(rf"First term, $\mathbb{{E}}_{{x \sim {_DATA}}} \log D(x)$: $D$ is rewarded for "
             r"giving real samples a high probability ($\log D \to 0$ when $D(x) \to 1$). "
             "Only $D$ affects it."),
        Text(r"Second term, $\mathbb{E}_{z \sim p(z)} \log(1 - D(G(z)))$: $D$ is rewarded for "
             "giving generated samples a low probability; $G$, which only affects this "
             "term, minimises it by making $D(G(z))$ large, i.e. by fooling $D$."),
    )


def _explain_optimal_discriminator(solution: Solution) -> None:
    solution.add(
        Text("Together, the maximum over $D$ is the log-likelihood of a binary classifier "
             "(real = 1, fake = 0): $D$ is trained by binary cross-entropy. For a fixed $G$ "
             "the best discriminator is, pointwise:"),
        Math(rf"D^*(x) = \frac{{{_DATA}(x)}}{{{_DATA}(x) + p_g(x)}}, \qquad "
             rf"V(D^*, G) = {{-}}\log 4 + 2\,\mathrm{{JSD}}\left({_DATA} \,\|\, p_g\right)"),
        Text("So $G$ minimises the Jensen–Shannon divergence to the data: the global optimum "
             rf"is $p_g = {_DATA}$, where $D^* = 1/2$ everywhere and $V = {{-}}\log 4$."),
    )


def _explain_training(solution: Solution) -> None:
    solution.add(
        Text("Training is a game, not one minimisation: $D$ and $G$ are trained by "
             r"alternating gradient steps on a minibatch of real samples and of noise. With "
             r"$G$ fixed, $D$ takes one (or $k$) ascent steps on $V$ in its parameters "
             r"$\theta_D$; then, with $D$ fixed, $G$ takes one descent step in $\theta_G$ "
             "on the second term, the only one it affects; and so on. The min-max is never "
             "solved exactly: $D$ is kept near its best response while $G$ moves."),
    )


def _show_computation(solution: Solution, c: _Computed, p: Params) -> None:
    solution.add(
        Text(rf"Computed for ${_DATA} = \mathcal{{N}}({p.data_mean:g}, {p.data_sd:g}^2)$ and "
             rf"$p_g = \mathcal{{N}}({p.gen_mean:g}, {p.gen_sd:g}^2)$, on a {GRID}-point "
             "grid:"),
        Table(("quantity", "value"), (
            ("$V(D^*, G)$, integrated", _signed(f"{c.value:.8f}")),
            (r"${-}\log 4 + 2\,\mathrm{JSD}$, from KL divergences",
             _signed(f"{float(c.minus_log4) + 2 * c.jsd:.8f}")),
            (rf"$\mathrm{{JSD}}({_DATA} \,\|\, p_g)$", f"{c.jsd:.8f}"),
            (rf"$V$ at equilibrium ($p_g = {_DATA}$, $D = 1/2$)",
             _signed(f"{c.equilibrium:.10f}")),
            (r"${-}\log 4$ (exact, sympy, then evaluated)",
             _signed(f"{float(c.minus_log4):.10f}")),
            (r"$V$ with $D^*$ perturbed by $\pm 0.05 \sin x$",
             ", ".join(_signed(f"{v:.8f}") for v in c.perturbed)),
        ), caption="The objective at the optimal discriminator, two ways, and at the "
                   "equilibrium"),
        Figure(caption=r"The two densities and the optimal discriminator "
                       r"$D^* = p_{\mathrm{data}} / (p_{\mathrm{data}} + p_g)$: above 1/2 where "
                       r"the data density is the larger, 1/2 where the two are equal, below "
                       r"1/2 where $p_g$ is the larger.",
               xlabel="$x$", ylabel="density / probability",
               series=tuple(Series(label, tuple(float(v) for v in c.x[c.shown]),
                                   tuple(float(v) for v in y[c.shown]))
                            for label, y in ((rf"${_DATA}$", c.p_data), ("$p_g$", c.p_g),
                                             ("$D^*(x)$", c.d_star)))),
    )


def _explain_non_saturating_loss(solution: Solution) -> None:
    solution.add(
        Text(r"In practice $G$ does not minimise $\log(1 - D(G(z)))$: early in training $D$ "
             r"rejects fakes confidently, $D(G(z)) \approx 0$, where that loss is flat. The "
             r"non-saturating loss maximises $\log D(G(z))$ instead: same fixed point, strong "
             r"gradients. With $D = \sigma(a)$, the gradients with respect to the logit $a$ "
             "are:"),
        Table(("D(G(z))", "∂/∂a log(1 − D) = −D", "∂/∂a [−log D] = −(1 − D)"),
              tuple((f"{dv:g}", _signed(f"{-dv:.4g}"), _signed(f"{-(1 - dv):.4g}"))
                    for dv in (0.001, 0.01, 0.1, 0.5, 0.9)),
              caption="Gradients of the saturating and the non-saturating generator loss"),
    )


def _answers(solution: Solution, c: _Computed) -> None:
    solution.answer_part("", (
        "A two-player min-max game, trained by alternating gradient steps. The discriminator "
        "D maximises the objective: it is a binary classifier rewarded for D(x) → 1 on real "
        "data (first term, expectation over the data distribution) and D(G(z)) → 0 on "
        "generated samples (second term, expectation over the noise z ∼ p(z)). The generator "
        "G, which only enters the second term, minimises it by making D(G(z)) large, i.e. by "
        "fooling D. For the best D the objective equals −log 4 + 2·JSD(data ‖ generator), "
        "so the equilibrium is a generator that reproduces the data distribution, with "
        "D = 1/2 everywhere."))
    solution.give("V_optimal_D", c.value, f"{c.value:.8f}")
    solution.give("JSD", c.jsd, f"{c.jsd:.8f}")
    solution.give("V_equilibrium", c.equilibrium, f"{c.equilibrium:.10f} (= -log 4)")


def _checks(solution: Solution, c: _Computed) -> None:
    minus_log4 = float(c.minus_log4)
    solution.checks.append(Check(
        "V(D*, G) integrated equals −log 4 + 2 JSD computed from KL divergences",
        abs(c.value - (minus_log4 + 2 * c.jsd)) <= TOLERANCE,
        "two numerical routes on the same grid",
        max_abs_error=abs(c.value - (minus_log4 + 2 * c.jsd)), tolerance=TOLERANCE))
    solution.checks.append(Check(
        "at equilibrium V equals −log 4 (sympy, exact)",
        abs(c.equilibrium - minus_log4) <= TOLERANCE,
        f"The integral at equilibrium is {_signed(f'{c.equilibrium:.12f}')}.",
        max_abs_error=abs(c.equilibrium - minus_log4), tolerance=TOLERANCE))
    solution.checks.append(Check(
        "D* is a maximum: perturbing it lowers V", all(v < c.value for v in c.perturbed),
        _signed(", ".join(f"{v:.8f}" for v in c.perturbed) + f" < {c.value:.8f}")))


def sample(rng: random.Random) -> dict[str, Any]:
    """The demonstration's two densities (the question's words do not depend on them)."""
    return {"data_mean": 0.0, "data_sd": 1.0, "gen_mean": rng.choice((-1.5, 1.0, 1.5, 2.0)),
            "gen_sd": rng.choice((0.5, 0.7, 1.5))}
