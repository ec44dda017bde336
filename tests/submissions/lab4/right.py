# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
def momentum(X, rho, learning_rate, prev_value, Grad=Grad_f):  # noqa: F821 - the template's
    """Gradient descent with momentum optimization."""
    # Gradient of current value
    gradient = Grad(*X)
    # Momentum parameter
    v = 0
    # Momentum parameter from previous iteration
    v_prev = prev_value
    v = rho * v_prev + (1 - rho) * gradient
    X = X - learning_rate * v
    return X, v
