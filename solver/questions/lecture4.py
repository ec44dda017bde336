"""Lecture 4: under- and overfitting, shown by a seeded polynomial capacity sweep."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from solver.model import Check, Figure, Meta, Rubric, Series, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.4",
    title="Underfitting and overfitting",
    points={"underfitting": 1, "overfitting": 1, "detect_underfitting": 1,
            "detect_overfitting": 1},
    question=(
        "About regularization: 1. What is underfitting? 2. What is overfitting? "
        "3. How to detect underfitting? 4. How to detect overfitting?"
    ),
)

TOLERANCE = 1e-6


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
        require(self.max_degree <= 15, "parameter max_degree must be at most 15")


def _truth(x: Any) -> Any:
    import numpy as np

    return np.sin(2 * np.pi * x)


def _fit_vandermonde(x: Any, y: Any, degree: int) -> Any:
    """Least squares on the monomial basis (numpy.linalg.lstsq)."""
    import numpy as np

    coefficients = np.linalg.lstsq(np.vander(x, degree + 1), y, rcond=None)[0]
    return lambda t: np.vander(t, degree + 1) @ coefficients


def _fit_legendre(x: Any, y: Any, degree: int) -> Any:
    """Second method: least squares on a Legendre basis (a different, better-conditioned
    linear system; the same minimiser)."""
    from numpy.polynomial import Legendre

    return Legendre.fit(x, y, degree)


def solve(params: Params) -> Solution:
    import numpy as np

    from solver.seed import numpy_rng

    p = params
    rng = numpy_rng(4)
    x_train = np.sort(rng.uniform(0, 1, p.train_points))
    y_train = _truth(x_train) + rng.normal(0, p.noise, p.train_points)
    x_val = rng.uniform(0, 1, p.validation_points)
    y_val = _truth(x_val) + rng.normal(0, p.noise, p.validation_points)
    degrees = list(range(p.max_degree + 1))
    train, val, worst, models = [], [], 0.0, []
    for degree in degrees:
        model = _fit_vandermonde(x_train, y_train, degree)
        models.append(model)
        other = _fit_legendre(x_train, y_train, degree)
        train.append(float(np.mean((model(x_train) - y_train) ** 2)))
        val.append(float(np.mean((model(x_val) - y_val) ** 2)))
        predictions = model(x_val)
        scale = max(1.0, float(np.max(np.abs(predictions))))
        worst = max(worst, float(np.max(np.abs(predictions - other(x_val)))) / scale)
    best = int(np.argmin(val))
    noise_floor = p.noise**2
    solution = Solution(META, as_dict(p))
    solution.add(
        Text(f"Demonstration: {p.train_points} noisy samples of sin(2 pi x) (noise sd "
             f"{p.noise}, seeded), fitted by least-squares polynomials of degree 0 to "
             f"{p.max_degree}; errors measured on the training set and on "
             f"{p.validation_points} held-out validation samples."),
        Table(("degree", "train MSE", "validation MSE", "diagnosis"),
              tuple((str(d), f"{t:.4f}", f"{v:.4f}", _diagnosis(d, best, t, v, noise_floor))
                    for d, t, v in zip(degrees, train, val, strict=True)),
              caption=f"Capacity sweep (noise variance {noise_floor:.3g} is the best "
                      "achievable MSE)"),
        Figure(caption="Training error falls with capacity; validation error falls, then "
                       "rises: underfitting on the left, overfitting on the right.",
               xlabel="polynomial degree (capacity)", ylabel="mean squared error",
               series=(Series("train", tuple(map(float, degrees)), tuple(train)),
                       Series("validation", tuple(map(float, degrees)), tuple(val))),
               log_y=True),
        _fits_figure(x_train, y_train, models, [1, best, p.max_degree]),
        Text("1. Underfitting: the model is too simple (too little capacity, too much "
             "regularisation, or too little training) to capture the structure of the data, "
             "so it has high bias: it does poorly even on the data it was trained on. "
             f"Here degree 0 and 1 cannot bend to follow a sine (train MSE {train[0]:.3f}, "
             f"{train[1]:.3f})."),
        Text("2. Overfitting: the model fits the training set too closely, including its "
             "noise, and fails to generalise: high variance. Here degree "
             f"{p.max_degree} drives the training error down to {train[-1]:.2g} (the noise "
             f"variance is {noise_floor:.3g}) while the validation error grows to "
             f"{val[-1]:.3g}."),
        Text("3. Detecting underfitting: the training error itself is high (well above the "
             "achievable level), and the validation error is about as high, with a small "
             "gap; learning curves plateau early. More capacity or less regularisation "
             "lowers both errors."),
        Text("4. Detecting overfitting: monitor a held-out validation set. The training "
             "error keeps falling while the validation error stops falling and rises: a "
             "large and growing gap. Early stopping, regularisation (weight decay, dropout, "
             f"augmentation) or more data close it. Here the validation error is lowest at "
             f"degree {best} ({val[best]:.4f})."),
    )
    solution.give("best_degree", best, str(best))
    solution.give("train_mse", train, ", ".join(f"{v:.4f}" for v in train))
    solution.give("validation_mse", val, ", ".join(f"{v:.4f}" for v in val))
    solution.checks.append(Check(
        "every fit agrees with a least-squares fit on a Legendre basis",
        worst <= TOLERANCE,
        f"largest prediction difference {worst:.3g} (relative to max(1, |prediction|)) over "
        "all degrees",
        max_abs_error=worst, tolerance=TOLERANCE))
    solution.checks.append(Check(
        "training error never rises with capacity (nested least-squares models)",
        all(b <= a + TOLERANCE for a, b in itertools.pairwise(train)),
        "train MSE is non-increasing in the degree"))
    solution.rubric += [
        Rubric("underfitting", 1, "too simple / high bias; poor on the training data"),
        Rubric("overfitting", 1, "fits noise / high variance; does not generalise"),
        Rubric("detect_underfitting", 1, "high training error (and validation error)"),
        Rubric("detect_overfitting", 1, "low training error with a growing gap to the "
               "validation error"),
    ]
    return solution


def _fits_figure(x_train: Any, y_train: Any, models: list[Any], degrees: list[int]) -> Figure:
    """The training points, the true function and three fitted polynomials."""
    import numpy as np

    grid = np.linspace(0, 1, 121)
    curves = [Series("training points", tuple(map(float, x_train)), tuple(map(float, y_train)),
                     points=True),
              Series("true sin(2 pi x)", tuple(map(float, grid)), tuple(map(float, _truth(grid))))]
    for degree in sorted(set(degrees)):
        values = np.clip(models[degree](grid), -3, 3)  # the wild overfit leaves the frame
        curves.append(Series(f"degree {degree}", tuple(map(float, grid)),
                             tuple(map(float, values))))
    return Figure(caption="Fits of low, best and high degree: the low degree misses the "
                          "shape (underfitting); the high degree chases the noise between "
                          "the points (overfitting, clipped to [-3, 3]).",
                  xlabel="x", ylabel="y", series=tuple(curves))


def _diagnosis(degree: int, best: int, train: float, val: float, floor: float) -> str:
    if train > 2 * floor and degree < best:
        return "underfitting"
    if val > 1.5 * train and degree > best:
        return "overfitting"
    return "best" if degree == best else ""
