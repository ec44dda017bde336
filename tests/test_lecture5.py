"""Lecture 5: EWMA with bias correction against the exam and an independent float loop."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import solve


def test_exam_values() -> None:
    solution = solve("lecture.5")
    # S_1 = 0.05, S_2 = 0.95 * 0.05 + 0.05 = 0.0975, S_2-hat = 0.0975 / (1 - 0.9025) = 1.
    assert solution.answer["history"] == [0.05, 0.0975]
    assert solution.answer["S"] == 0.0975
    assert solution.answer["S_hat"] == 1
    assert solution.answer_text["S"] == "39/400"


@given(st.integers(0, 999_999), st.integers(-10**6, 10**6), st.integers(1, 500))
def test_against_float_loop(rho_millionths: int, value_cents: int, t: int) -> None:
    rho, value = rho_millionths / 10**6, value_cents / 100
    solution = solve("lecture.5", rho=rho, value=value, t=t)
    s, history = 0.0, []
    for _ in range(t):
        s = rho * s + (1 - rho) * value
        history.append(s)
    assert math.isclose(solution.answer["S"], s, rel_tol=1e-9, abs_tol=1e-9)
    assert len(solution.answer["history"]) == t
    # A constant input is recovered exactly by the bias correction.
    assert math.isclose(solution.answer["S_hat"], value, rel_tol=1e-12, abs_tol=1e-12)
    assert not solution.failed_checks
