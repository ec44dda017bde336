# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong: returns only the new X, not (X, v). Expected: 0 of 4."""


def momentum(X, rho, learning_rate, prev_value, Grad=None):
    gradient = Grad(*X)
    v = rho * prev_value + (1 - rho) * gradient
    return X - learning_rate * v
