"""Backpropagation through a tanh RNN, h_t = tanh(W h_{t-1} + x_t): a random orthogonal W,
the unrolled states, the Jacobians dh_T/dh_t by the chain rule with their spectral norms,
and a finite-difference Jacobian (the independent second method)."""

from __future__ import annotations

from typing import Any


def random_orthogonal(size: int, rng: Any) -> Any:
    """A random orthogonal matrix: scaled by rho, all its eigenvalues have modulus rho."""
    import numpy as np

    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def forward_states(w: Any, inputs: Any) -> list[Any]:
    """h_t = tanh(W h_{t-1} + x_t) from h_0 = 0; returns [h_0, ..., h_T]."""
    import numpy as np

    states = [np.zeros(w.shape[0])]
    for x in inputs:
        states.append(np.tanh(w @ states[-1] + x))
    return states


def chain_rule_jacobians(w: Any, states: list[Any]) -> list[Any]:
    """dh_T/dh_t for t = T..0 by the chain rule: a product of diag(1 - h^2) W.

    Index k is k steps back from T."""
    import numpy as np

    jacobians = [np.eye(w.shape[0])]
    for h in reversed(states[1:]):
        jacobians.append(jacobians[-1] @ (np.diag(1 - h**2) @ w))
    return jacobians


def jacobian_norms(jacobians: list[Any]) -> list[float]:
    """||dh_T/dh_t||_2 (the largest singular value), index k steps back from T."""
    import numpy as np

    return [float(np.linalg.norm(jacobian, 2)) for jacobian in jacobians]


def finite_difference_jacobian(w: Any, inputs: Any, back: int, eps: float = 1e-6) -> Any:
    """Second method: perturb h_{T-back} and re-run the last ``back`` steps."""
    import numpy as np

    states = forward_states(w, inputs)
    start_index = len(inputs) - back
    size = w.shape[0]
    columns = []
    for j in range(size):
        bump = np.zeros(size)
        bump[j] = eps
        plus, minus = states[start_index] + bump, states[start_index] - bump
        for x in inputs[start_index:]:
            plus, minus = np.tanh(w @ plus + x), np.tanh(w @ minus + x)
        columns.append((plus - minus) / (2 * eps))
    return np.stack(columns, axis=1)
