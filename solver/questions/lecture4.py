"""Lecture 4: under- and overfitting, shown by a seeded polynomial capacity sweep: the
question's steps, figures, words and answers (the sweep itself is ``capacity_sweep``'s)."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Meta, Series, Solution, Table, Text
from solver.params import as_dict, require
from solver.questions.capacity_sweep import Sweep, sweep_degrees, truth

TOLERANCE = 1e-6
MAX_DEGREE = 12


@dataclass(frozen=True)
class Params:
    train_points: int = 20
    validation_points: int = 200
    noise: float = 0.2
    max_degree: int = 12

    def __post_init__(self) -> None:
        require(4 <= self.train_points <= 200, "parameter train_points must be in 4..200")
        require(10 <= self.validation_points <= 10_000,
                "parameter validation_points must be in 10..10000")
        require(0 < self.noise <= 2, "parameter noise must be in (0, 2]")
        require(1 <= self.max_degree < self.train_points,
                "parameter max_degree must be at least 1 and below train_points")
        require(self.max_degree <= MAX_DEGREE,
                f"parameter max_degree must be at most {MAX_DEGREE} (beyond it the monomial "
                "basis is too ill-conditioned for a meaningful check)")


def solve(params: Params, meta: Meta) -> Solution:
    sweep = sweep_degrees(params.train_points, params.validation_points, params.noise,
                          params.max_degree)
    solution = Solution(meta, as_dict(params))
    _demonstration(solution, sweep, params)
    _part_underfitting(solution, sweep)
    _part_overfitting(solution, sweep, params)
    _part_detecting_underfitting(solution)
    _part_detecting_overfitting(solution, sweep)
    _answers(solution, sweep)
    _checks(solution, sweep)
    return solution


def _demonstration(solution: Solution, s: Sweep, p: Params) -> None:
    solution.add(
        Text(rf"Demonstration: {p.train_points} noisy samples of $\sin(2\pi x)$ (noise "
             f"standard deviation {p.noise}, seeded), fitted by least-squares polynomials "
             f"of degree 0 to {p.max_degree}; errors measured on the training set and on "
             f"{p.validation_points} held-out validation samples. A degree is marked "
             f"underfitting when its training error is above twice the noise variance "
             f"{readable(s.noise_floor)} (the best achievable error), and overfitting when it "
             "lies above the best degree and its validation error is over 1.5 times its "
             "training error."),
        Table(("degree", "train MSE", "validation MSE", "diagnosis"),
              tuple((str(d), f"{t:.4f}", f"{v:.4f}", label)
                    for d, t, v, label in zip(s.degrees, s.train, s.val, s.labels, strict=True)),
              caption=f"Capacity sweep (noise variance {readable(s.noise_floor)} is the best "
                      "achievable MSE)"),
        Figure(caption=_sweep_caption(bool(s.under), bool(s.over), s.best, p.max_degree),
               xlabel="polynomial degree (capacity)", ylabel="mean squared error",
               series=(Series("train", tuple(map(float, s.degrees)), tuple(s.train)),
                       Series("validation", tuple(map(float, s.degrees)), tuple(s.val))),
               log_y=True),
        _fits_figure(s.x_train, s.y_train, s.models, [1, s.best, _worst(s, p)], s.labels),
    )


def _part_underfitting(solution: Solution, s: Sweep) -> None:
    solution.add(Text(
        f"{solution.label(0)}. "
        "Underfitting: the model is too simple (too little capacity, too much "
        "regularisation, or too little training) to capture the structure of the data, "
        "so it has high bias: it does poorly even on the data it was trained on. "
        + _underfit_evidence(s.under, s.train, s.noise_floor)))
    solution.answer_part("1", (
        "Underfitting: the model is too simple (too little capacity, too much "
        "regularisation or too little training) to capture the structure of the data; "
        "it has high bias and does poorly even on its own training data."))


def _part_overfitting(solution: Solution, s: Sweep, p: Params) -> None:
    solution.add(Text(
        f"{solution.label(1)}. "
        "Overfitting: the model fits the training set too closely, including its "
        "noise, and fails to generalise: high variance. "
        + _overfit_evidence(s.over, s.train, s.val, s.best, p)))
    solution.answer_part("2", (
        "Overfitting: the model fits the training data too closely, noise included, "
        "and fails to generalise to new data (high variance)."))


def _part_detecting_underfitting(solution: Solution) -> None:
    solution.add(Text(
        f"{solution.label(2)}. "
        "Detecting underfitting: the training error itself is high (well above the "
        "achievable level), and the validation error is about as high, with a small "
        "gap; learning curves plateau early. More capacity or less regularisation "
        "lowers both errors."))
    solution.answer_part("3", (
        "Underfitting shows as a high training error, with the validation error about "
        "as high (a small gap); more capacity or less regularisation lowers both."))


def _part_detecting_overfitting(solution: Solution, s: Sweep) -> None:
    solution.add(Text(
        f"{solution.label(3)}. "
        "Detecting overfitting: monitor a held-out validation set. The training "
        "error keeps falling while the validation error stops falling and rises: a "
        "large and growing gap. Early stopping, regularisation (weight decay, dropout, "
        f"augmentation) or more data close it. Here the validation error is lowest at "
        f"degree {s.best} ({s.val[s.best]:.4f})."))
    solution.answer_part("4", (
        "Overfitting shows on a held-out validation set: the training error keeps "
        "falling while the validation error stops falling and rises, a large and "
        "growing gap."))


def _answers(solution: Solution, s: Sweep) -> None:
    solution.give("best_degree", s.best, str(s.best))
    solution.give("train_mse", s.train, ", ".join(f"{v:.4f}" for v in s.train))
    solution.give("validation_mse", s.val, ", ".join(f"{v:.4f}" for v in s.val))


def _checks(solution: Solution, s: Sweep) -> None:
    solution.checks.append(Check(
        "every fit agrees with a least-squares fit on a Legendre basis",
        s.worst <= s.agreement,
        f"largest prediction difference {s.worst:.3g} (relative to max(1, |prediction|)) "
        "over all degrees; tolerance: machine epsilon times the condition number of the "
        "monomial basis",
        max_abs_error=s.worst, tolerance=s.agreement))
    solution.checks.append(Check(
        "training error never rises with capacity (nested least-squares models)",
        all(b <= a + TOLERANCE for a, b in itertools.pairwise(s.train)),
        "train MSE is non-increasing in the degree"))


def _fits_figure(x_train: Any, y_train: Any, models: list[Any], degrees: list[int],
                 labels: list[str]) -> Figure:
    """The training points, the true function and three fitted polynomials."""
    import numpy as np

    grid = np.linspace(0, 1, 121)
    # A wild overfit would squash the data into a strip: curves are clipped to the data's
    # range plus a quarter of it on each side.
    spread = float(np.max(y_train) - np.min(y_train)) or 1.0
    low, high = float(np.min(y_train)) - spread / 4, float(np.max(y_train)) + spread / 4
    curves = [Series("training points", tuple(map(float, x_train)), tuple(map(float, y_train)),
                     points=True),
              Series(r"true $\sin(2\pi x)$", tuple(map(float, grid)),
                     tuple(map(float, truth(grid))))]
    clipped = False
    described = []
    for degree in sorted(set(degrees)):
        raw = models[degree](grid)
        clipped |= bool(np.any((raw < low) | (raw > high)))
        curves.append(Series(f"degree {degree}", tuple(map(float, grid)),
                             tuple(map(float, np.clip(raw, low, high)))))
        described.append(f"degree {degree} {_behaviour(labels[degree])}")
    count = ("one fit", "two fits", "three fits")[len(described) - 1]
    span = f"[{readable(low, 2)}, {readable(high, 2)}]".replace("-", "−")
    return Figure(caption=f"The training points, the true function and {count}: "
                          + "; ".join(described) + "."
                          + (f" Curves are clipped to {span}." if clipped else ""),
                  xlabel="$x$", ylabel="$y$", series=tuple(curves))


def _behaviour(label: str) -> str:
    if label.startswith("best"):
        return "has the lowest validation error" + (
            ", though it still underfits" if "underfitting" in label else "")
    return {"underfitting": "misses the shape (underfitting)",
            "overfitting": "chases the noise between the points (overfitting)"}.get(
        label, "follows the shape")


def readable(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits as a reader writes it, never in
    e-notation: 1141, not 1.14e+03 (a variant's worst overfit), and 0.0000123."""
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    if abs(value) >= 1:
        return f"{round(value):,}".replace(",", "\u202f")
    return f"{value:.{digits - 1 - math.floor(math.log10(abs(value)))}f}"


def _degrees(found: list[int]) -> str:
    """0, 1, 2 as "0–2"; a single degree alone."""
    if len(found) == 1:
        return str(found[0])
    if found == list(range(found[0], found[-1] + 1)):
        return f"{found[0]}–{found[-1]}"
    return ", ".join(map(str, found))


def _sweep_caption(under: bool, over: bool, best: int, top: int) -> str:
    """What the error curves show, for these numbers only."""
    start = "Training error falls with capacity; validation error "
    if under and over:
        return (start + f"falls, then rises after degree {best}: underfitting on the left, "
                "overfitting on the right.")
    if under:
        return (start + f"falls and then levels off: underfitting on the left, no "
                f"overfitting up to degree {top}.")
    if over:
        return (start + f"is lowest at degree {best} and rises after it: overfitting on "
                "the right, no underfitting on the left.")
    return start + "stays close to it: neither regime shows at these settings."


def _underfit_evidence(under: list[int], train: list[float], floor: float) -> str:
    if not under:
        return (f"Here no degree underfits by this measure: even degree 0 has a training "
                f"error ({readable(train[0])}) within twice the noise variance {readable(floor)}.")
    word = "degree {} underfits" if len(under) == 1 else "degrees {} underfit"
    return (f"Here {word.format(_degrees(under))}: training error {train[under[0]]:.3f} "
            f"at degree {under[0]}, far above the noise variance {readable(floor)}.")


def _overfit_evidence(over: list[int], train: list[float], val: list[float], best: int,
                      p: Params) -> str:
    if not over:
        return (f"Here no degree up to {p.max_degree} overfits noticeably: with "
                f"{p.train_points} training points, every validation error stays within "
                "1.5 times its training error above the best degree.")
    worst = max(over, key=lambda d: val[d])
    word = "degree {} overfits" if len(over) == 1 else "degrees {} overfit"
    ratio = val[worst] / val[best]
    times = f"{ratio:,.0f}".replace(",", "\u202f") if ratio >= 100 else f"{ratio:.1f}"
    return (f"Here {word.format(_degrees(over))}: degree {worst} drives the training "
            f"error down to {readable(train[worst], 2)} (the noise variance is "
            f"{readable(p.noise**2)}) "
            f"while its validation error rises to {readable(val[worst])}: {times} times the "
            f"best, {readable(val[best])} at degree {best}.")


def _worst(s: Sweep, p: Params) -> int:
    """The degree the fits figure shows beside 1 and the best: the worst overfit, which
    the text names, else the largest degree."""
    return max(s.over, key=lambda d: s.val[d]) if s.over else p.max_degree


def sample(rng: random.Random) -> dict[str, Any]:
    """The demonstration's data set (the question's words do not depend on it)."""
    train = rng.choice((15, 20, 30))
    return {"train_points": train, "validation_points": 200,
            "noise": rng.choice((0.1, 0.2, 0.3)), "max_degree": min(MAX_DEGREE, train - 3)}
