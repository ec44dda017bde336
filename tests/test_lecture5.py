"""Lecture 5: EWMA with bias correction against the exam and an independent float loop."""

from __future__ import annotations

import json
import math
import random
import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solver.model import InputError
from solver.questions import lecture5
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


# --- class variants: a short non-constant sequence of gradients -------------------------

PRINTED = Fraction(1, 20)  # an answer lies more than 5 % from each printed number
WRONG = Fraction(3, 20)  # a wrong path lies more than 15 % from the right answer


def _exact(number: float) -> Fraction:
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


def _ewma(rho: Fraction, ys: list[Fraction], start: Fraction = Fraction(0)) -> Fraction:
    s = start
    for y in ys:
        s = rho * s + (1 - rho) * y
    return s


def _far(right: Fraction, other: Fraction, margin: Fraction) -> bool:
    return abs(right - other) > margin * abs(right)


def _draws(count: int = 300) -> list[dict[str, Any]]:
    return [lecture5.sample(random.Random(f"lecture5-test:{n}")) for n in range(count)]


def test_the_exam_question_is_the_constant_case() -> None:
    solution = solve("lecture.5")
    assert solution.params == {"rho": 0.95, "value": 1.0, "t": 2}  # no sequence shown
    assert "with $y_i = 1$ and" in solution.steps[1].text
    assert "constant value of 1.0" in solution.meta.question
    assert lecture5.context(lecture5.Params()) == {"gradients": "$y_t = 1$ for every $t$",
                                                   "sequence": False}
    names = {path.name: path.value for path in lecture5.wrong_paths(solution)}
    assert names == {"S_t without the bias correction": 0.0975,
                     "started the average at S_0 = y": 1.0}


def test_variant_draws_give_a_non_constant_sequence_with_one_decimal() -> None:
    for drawn in _draws():
        assert set(drawn) == {"rho", "t", "values"}
        rho, t, values = drawn["rho"], drawn["t"], drawn["values"]
        assert 0 < rho < 1 and 2 <= t <= 4 and len(values) == t
        assert len(set(values)) > 1  # not constant
        assert all(10 * _exact(y) == int(10 * _exact(y)) and y != 0 and abs(y) <= 3
                   for y in values)  # at most one decimal


def test_no_answer_is_a_printed_number_and_the_wrong_paths_are_off() -> None:
    """S_t and Ŝ_t recomputed here with fractions: neither equals (or lies within 5 % of)
    any number the question prints, and both wrong paths lie more than 15 % off."""
    for drawn in _draws():
        rho, ys = _exact(drawn["rho"]), [_exact(y) for y in drawn["values"]]
        t = len(ys)
        s = _ewma(rho, ys)
        s_hat = s / (1 - rho**t)
        printed = [*ys, rho, Fraction(t), Fraction(1)]
        for answer in (s, s_hat):
            assert all(answer != number for number in printed), drawn
            assert all(_far(answer, number, PRINTED) for number in printed), drawn
        assert _far(s_hat, s, WRONG), drawn  # Ŝ_t without the correction
        started = _ewma(rho, ys, start=ys[0])  # the recursion started at S_0 = y_1
        assert started == s + rho**t * ys[0]
        assert _far(s, started, WRONG), drawn


def test_variant_solutions_match_the_fractions_and_name_their_wrong_paths() -> None:
    for drawn in _draws(60):
        solution = solve("lecture.5", **drawn)
        rho, ys = _exact(drawn["rho"]), [_exact(y) for y in drawn["values"]]
        s = _ewma(rho, ys)
        s_hat = s / (1 - rho ** len(ys))
        assert solution.answer_text["S"] == str(s)
        assert solution.answer_text["S_hat"] == str(s_hat)
        assert solution.answer["S"] == float(s) and solution.answer["S_hat"] == float(s_hat)
        assert not solution.failed_checks
        assert len(solution.checks) == 3  # closed form, weighted mean, float loop
        assert solution.params == drawn  # the sequence replaces the constant value
        paths = {(path.answer, path.name): path.value
                 for path in lecture5.wrong_paths(solution)}
        assert paths == {
            ("S_hat", "S_t without the bias correction"): float(s),
            ("S", "started the average at S_0 = y_1"): float(_ewma(rho, ys, start=ys[0])),
        }
        gaps = lecture5.gaps(solution)
        assert [(g.answer, g.label) for g in gaps] == [
            ("S", f"S_{len(ys)}"), ("S_hat", f"Ŝ_{len(ys)}")]


def test_a_class_of_forty_variants_has_distinct_parameters() -> None:
    for seed in range(10):
        drawn = [json.dumps(lecture5.sample(random.Random(f"class:{seed}:{n}")),
                            sort_keys=True) for n in range(40)]
        assert len(set(drawn)) == 40, seed


def test_the_sequence_words_and_steps() -> None:
    params = lecture5.Params(rho=0.9, t=3, values=[1.5, -0.5, 2])  # type: ignore[arg-type]
    assert params.values == (1.5, -0.5, 2)
    assert lecture5.context(params) == {"gradients": "$y_1, y_2, y_3 = 1.5, -0.5, 2$",
                                        "sequence": True}
    solution = solve("lecture.5", rho=0.9, t=3, values=[1.5, -0.5, 2])
    assert "with $y_1, y_2, y_3 = 1.5, -0.5, 2$ and" in solution.steps[1].text
    # S_3 = 0.1·(0.81·1.5 + 0.9·(−0.5) + 2) = 0.2765; Ŝ_3 = 0.2765 / 0.271 = 553/542.
    assert solution.answer_text["S"] == "553/2000"
    assert solution.answer_text["S_hat"] == "553/542"
    assert r"\left(-0.5\right)" in solution.steps[2].latex


def test_a_constant_sequence_gives_the_constant_answers() -> None:
    constant = solve("lecture.5", rho=0.8, t=3, value=2.5)
    sequence = solve("lecture.5", rho=0.8, t=3, values=[2.5, 2.5, 2.5])
    assert sequence.answer == constant.answer and sequence.answer["S_hat"] == 2.5
    assert not sequence.failed_checks


@pytest.mark.parametrize(("values", "message"), [
    ([1.0, 2.0], "must hold t = 3 numbers"),
    ([1.0, 2.0, 3.0, 4.0], "must hold t = 3 numbers"),
    ([1.0, True, 2.0], "numbers only"),
    ([1.0, "2", 3.0], "numbers only"),
    ([1.0, math.nan, 3.0], "within ±1e6"),
    ([1.0, math.inf, 3.0], "within ±1e6"),
    ([1.0, 10**400, 3.0], "within ±1e6"),
    ([1.0, 1.1234567, 3.0], "at most 6 decimal places"),
    ("1, 2, 3", "must be a list"),
])
def test_bad_sequences_are_refused(values: object, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        solve("lecture.5", t=3, values=values)


@given(st.sampled_from([0.0, 0.5, 0.9, 0.95, 0.123457]),
       st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=8))
def test_sequence_against_float_loop(rho: float, cents: list[int]) -> None:
    values = [c / 100 for c in cents]
    solution = solve("lecture.5", rho=rho, t=len(values), values=values)
    s = 0.0
    for y in values:
        s = rho * s + (1 - rho) * y
    scale = max(1.0, *(abs(y) for y in values))
    assert math.isclose(solution.answer["S"], s, rel_tol=1e-9, abs_tol=1e-9 * scale)
    # Ŝ_t is a weighted mean of the gradients: between the smallest and the largest.
    assert min(values) - 1e-9 * scale <= solution.answer["S_hat"] <= max(values) + 1e-9 * scale
    assert not solution.failed_checks


def test_a_negative_average_after_the_dot_is_in_parentheses() -> None:
    """"S₂ = 4/5 · (−3/50) + …": never "4/5 · −3/50", which reads as a subtraction."""
    from solver.engine import solve
    from solver.registry import exam

    solution = solve(exam().questions["lecture.5"],
                     {"rho": 0.8, "t": 3, "values": [-0.3, -1.4, 0.5]})
    steps = " ".join(getattr(step, "latex", "") for step in solution.steps)
    assert r"\frac{4}{5} \cdot \left(- \frac{3}{50}\right)" in steps  # S₁ = −3/50 by hand
    assert r"\cdot -" not in steps and r"\cdot - " not in steps
