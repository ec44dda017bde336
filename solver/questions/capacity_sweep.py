"""The capacity sweep behind lecture 4: seeded noisy samples of sin(2πx), one least-squares
polynomial fit per degree (and the same fit on a Legendre basis, the independent second
method), the training and validation errors, and each degree's diagnosis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EPSILON = 2.220446049250313e-16  # float64 machine epsilon


def truth(x: Any) -> Any:
    import numpy as np

    return np.sin(2 * np.pi * x)


def fit_vandermonde(x: Any, y: Any, degree: int) -> Any:
    """Least squares on the monomial basis (numpy.linalg.lstsq)."""
    import numpy as np

    coefficients = np.linalg.lstsq(np.vander(x, degree + 1), y, rcond=None)[0]
    return lambda t: np.vander(t, degree + 1) @ coefficients


def fit_legendre(x: Any, y: Any, degree: int) -> Any:
    """Second method: least squares on a Legendre basis (a different, better-conditioned
    linear system; the same minimiser)."""
    from numpy.polynomial import Legendre

    return Legendre.fit(x, y, degree)


@dataclass(frozen=True)
class Sweep:
    """The capacity sweep: one least-squares fit per degree, its errors and diagnosis."""

    x_train: Any
    y_train: Any
    degrees: list[int]
    models: list[Any]
    train: list[float]
    val: list[float]
    labels: list[str]
    under: list[int]
    over: list[int]
    best: int
    noise_floor: float
    worst: float  # largest relative disagreement with the Legendre fits
    agreement: float  # its tolerance


def sweep_degrees(train_points: int, validation_points: int, noise: float,
                  max_degree: int) -> Sweep:
    """Fit every degree from 0 to ``max_degree`` to the seeded data and diagnose each."""
    import numpy as np

    from solver.seed import numpy_rng

    rng = numpy_rng(4)
    x_train = np.sort(rng.uniform(0, 1, train_points))
    y_train = truth(x_train) + rng.normal(0, noise, train_points)
    x_val = rng.uniform(0, 1, validation_points)
    y_val = truth(x_val) + rng.normal(0, noise, validation_points)
    degrees = list(range(max_degree + 1))
    train, val, worst, models = [], [], 0.0, []
    for degree in degrees:
        model = fit_vandermonde(x_train, y_train, degree)
        models.append(model)
        other = fit_legendre(x_train, y_train, degree)
        train.append(float(np.mean((model(x_train) - y_train) ** 2)))
        val.append(float(np.mean((model(x_val) - y_val) ** 2)))
        predictions = model(x_val)
        scale = max(1.0, float(np.max(np.abs(predictions))))
        worst = max(worst, float(np.max(np.abs(predictions - other(x_val)))) / scale)
    # Forward-error bound of least squares: machine epsilon times the basis's condition.
    agreement = max(1e-9, EPSILON * float(np.linalg.cond(np.vander(x_train, max_degree + 1))))
    best = int(np.argmin(val))
    noise_floor = noise**2
    labels = [diagnosis(d, best, t, v, noise_floor)
              for d, t, v in zip(degrees, train, val, strict=True)]
    under = [d for d in degrees if "underfitting" in labels[d]]
    over = [d for d in degrees if labels[d] == "overfitting"]
    return Sweep(x_train, y_train, degrees, models, train, val, labels, under, over, best,
                 noise_floor, worst, agreement)


def diagnosis(degree: int, best: int, train: float, val: float, floor: float) -> str:
    underfit = train > 2 * floor
    if degree == best:
        return "best, underfitting" if underfit else "best"
    if underfit:
        return "underfitting"
    if val > 1.5 * train and degree > best:
        return "overfitting"
    return "good fit"
