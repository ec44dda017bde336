"""Lecture 2: the chain-rule gradient against torch autograd."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import solve

NAMES = ("x", "y", "w1", "b1", "w2", "b2", "lam")


def autograd(values: dict[str, float], activation: str) -> float:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(k == "w1"))
         for k, v in values.items()}
    act = torch.sigmoid if activation == "sigmoid" else torch.tanh
    a1 = act(t["w1"] * t["x"] + t["b1"])
    a2 = act(t["w2"] * a1 + t["b2"])
    loss = (a2 - t["y"]) ** 2 + t["lam"] * (t["w1"] ** 2 + t["w2"] ** 2)
    loss.backward()
    assert t["w1"].grad is not None
    return float(t["w1"].grad)


def test_symbolic_answer_has_both_paths() -> None:
    solution = solve("lecture.2")
    expression = solution.answer["expression"]
    for factor in (r"\bar{z}_2", r"\sigma'(z_1)", "w_{2}", "x", r"2 \lambda w_{1}"):
        assert factor in expression
    assert "value" not in solution.answer
    assert not solution.failed_checks


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_fixed_point_against_autograd(activation: str) -> None:
    values = dict(x=0.5, y=1.0, w1=0.3, b1=-0.2, w2=1.5, b2=0.1, lam=0.01)
    solution = solve("lecture.2", **values, activation=activation)
    assert math.isclose(solution.answer["value"], autograd(values, activation),
                        rel_tol=1e-12, abs_tol=1e-12)


finite = st.floats(-3, 3, allow_nan=False)


@given(st.tuples(*[finite] * 6), st.floats(0, 1), st.sampled_from(["sigmoid", "tanh"]))
def test_random_points_against_autograd(six: tuple[float, ...], lam: float,
                                        activation: str) -> None:
    values = dict(zip(NAMES, (*six, lam), strict=True))
    solution = solve("lecture.2", **values, activation=activation)
    assert math.isclose(solution.answer["value"], autograd(values, activation),
                        rel_tol=1e-10, abs_tol=1e-12)
    assert not solution.failed_checks
