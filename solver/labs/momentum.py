"""Lab 4: one gradient step of SGD with (dampened) momentum."""

import torch


def Grad_f(x, y):
    """Gradient of the example objective f(x, y) = x^2 + 10 y^2 (an elongated bowl)."""
    return torch.stack([2 * x, 20 * y])


def momentum(X, rho, learning_rate, prev_value, Grad=Grad_f):
    """Gradient descent with momentum optimization.

    Args:
      X: current parameters (the point at which the objective is evaluated).
      rho: optimization hyperparameter, see the formula.
      learning_rate: optimization step size (epsilon).
      prev_value: momentum v from the previous iteration.
      Grad: function that returns the gradient of the objective.
    Returns:
      (new X, v): the updated parameters and the new momentum.
    """
    # Gradient of current value
    gradient = Grad(*X)
    # Momentum parameter
    v = 0
    # Momentum parameter from previous iteration
    v_prev = prev_value
    v = rho * v_prev + (1 - rho) * gradient  # A)
    X = X - learning_rate * v  # A)
    # (the exam's template stops before its return)
    return X, v  # A)
