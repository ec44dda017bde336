# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong: the new gradient is not dampened by (1 - rho) (classical momentum instead of
the exam's formula). Expected: 0 of 4."""
import torch


def Grad_f(x, y):
    return torch.stack([2 * x, 20 * y])


def momentum(X, rho, learning_rate, prev_value, Grad=Grad_f):
    gradient = Grad(*X)
    v = rho * prev_value + gradient
    X = X - learning_rate * v
    return X, v
