"""Exact values (sympy) to JSON numbers, plain text and LaTeX, element-wise on nested lists."""

from __future__ import annotations

from typing import Any

import sympy as sp


def to_json(value: Any) -> Any:
    """Integers stay integers, other exact values become floats (the JSON contract)."""
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, float):
        return value
    number = sp.sympify(value)
    if number.is_Integer:
        return int(number)
    return float(number)


def to_text(value: Any) -> str:
    """Exact plain text, such as ``[[0, 1, 2], [1, 1, 1/2]]``."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_text(item) for item in value) + "]"
    return str(sp.sympify(value))


def to_latex(value: Any) -> str:
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], list | tuple):
            return matrix_latex(value)
        return r"\left[" + ", ".join(to_latex(item) for item in value) + r"\right]"
    return str(sp.latex(sp.sympify(value)))


def matrix_latex(rows: Any) -> str:
    return matrix_of([[to_latex(cell) for cell in row] for row in rows])


def matrix_of(cells: list[list[str]]) -> str:
    """A bracketed matrix of LaTeX cells, with room between the columns and inside the
    brackets (ziamath's own spacing let "−4 −2 0" run together and touch the bracket)."""
    # The room goes after a cell, never before one: a minus that starts a cell stays a sign.
    body = r" \\ ".join(r"\, " + r" \;\; & ".join(row) + r" \," for row in cells)
    return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


def rational(value: float | int) -> sp.Rational:
    """The exact rational a user meant by a decimal (0.95 is 19/20, not a binary float)."""
    return sp.Rational(repr(value)) if isinstance(value, float) else sp.Integer(value)


def max_abs_diff(first: Any, second: Any) -> float:
    """Largest element-wise |first - second| over equally nested lists (exact, then float)."""
    if isinstance(first, list | tuple):
        if not isinstance(second, list | tuple) or len(first) != len(second):
            return float("inf")
        return max((max_abs_diff(a, b) for a, b in zip(first, second, strict=True)), default=0.0)
    return float(abs(sp.sympify(first) - sp.sympify(second)))
