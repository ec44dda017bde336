"""Lecture 3: average-kernel convolution against the exam and F.conv2d in float64."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solver.questions import lecture3
from tests.conftest import solve

EXAM = [
    [[1, 0, 2, 6, 4], [0, 2, 1, 2, 5], [2, 1, 0, 4, 2], [6, 2, 4, -4, -3], [-4, -2, 0, 3, -2]],
    [[0, -2, 1, 2, 2], [-3, 0, -2, 3, 2], [1, -2, -2, 2, 2], [0, 4, 4, -1, -1], [2, 2, 0, 3, -2]],
]


def torch_conv(image: list, k: int, stride: int, padding: int, mode: str) -> list:
    x = torch.tensor(image, dtype=torch.float64).unsqueeze(0)
    channels = x.shape[1]
    if mode == "joint":
        weight = torch.full((1, channels, k, k), 1 / (channels * k * k), dtype=torch.float64)
        return F.conv2d(x, weight, stride=stride, padding=padding)[0, 0].tolist()
    weight = torch.full((channels, 1, k, k), 1 / (k * k), dtype=torch.float64)
    return F.conv2d(x, weight, stride=stride, padding=padding, groups=channels)[0].tolist()


def close(a: object, b: object, tol: float = 1e-12) -> bool:
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(
            close(x, y, tol) for x, y in zip(a, b, strict=True))
    return abs(float(a) - float(b)) <= tol  # type: ignore[arg-type]


def test_exam_result_exact() -> None:
    solution = solve("lecture.3")
    # The exam's expected output (joint reading).
    assert solution.answer["output"] == [[0, 1, 2], [1, 1, 1], [1, 1, 0.5]]
    assert solution.answer_text["output"] == "[[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]"
    assert all(v == 1 / 18 for c in solution.answer["kernel"] for r in c for v in r)
    assert "1/18" in solution.answer_text["kernel"]


def test_exam_matches_torch_both_modes() -> None:
    for mode in ("joint", "per_channel"):
        solution = solve("lecture.3", mode=mode)
        assert close(solution.answer["output"], torch_conv(EXAM, 3, 1, 0, mode))


def test_per_channel_exact_fractions() -> None:
    expected = [
        [[Fraction(sum(ch[i + a][j + b] for a in range(3) for b in range(3)), 9)
          for j in range(3)] for i in range(3)]
        for ch in EXAM
    ]
    text = solve("lecture.3", mode="per_channel").answer_text["output"]
    assert text == str([[[str(v) for v in row] for row in ch] for ch in expected]).replace("'", "")


@st.composite
def images(draw: st.DrawFn) -> tuple[list, int, int, int]:
    channels = draw(st.integers(1, 3))
    h, w = draw(st.integers(2, 7)), draw(st.integers(2, 7))
    k = draw(st.integers(1, min(h, w) + 2))
    # Padding below k (more only adds windows of zeros), and enough for k to fit.
    padding = draw(st.integers(max(0, (k - min(h, w) + 1) // 2), max(0, k - 1)))
    stride = draw(st.integers(1, 3))
    cell = st.integers(-9, 9)
    image = [[[draw(cell) for _ in range(w)] for _ in range(h)] for _ in range(channels)]
    return image, k, stride, padding


@given(images(), st.sampled_from(["joint", "per_channel"]))
def test_against_conv2d(case: tuple[list, int, int, int], mode: str) -> None:
    image, k, stride, padding = case
    solution = solve("lecture.3", image=image, kernel_size=k, stride=stride, padding=padding,
                     mode=mode)
    assert close(solution.answer["output"], torch_conv(image, k, stride, padding, mode))
    assert not solution.failed_checks


# --- class variants -------------------------------------------------------------------------


def _draws(count: int = 200) -> list[dict[str, Any]]:
    return [lecture3.sample(random.Random(f"lecture3-test:{n}")) for n in range(count)]


def test_variant_sizes_use_every_row_and_column_and_give_at_least_2x2() -> None:
    """(side − kernel) is a multiple of the stride for the height and the width, so the
    last window ends on the image's last row and column; the output has 2×2 cells or more.
    Every output cell is recomputed here as an exact window mean."""
    strides = set()
    for p in _draws():
        image, k, s = p["image"], p["kernel_size"], p["stride"]
        assert p["padding"] == 0 and p["mode"] == "joint"
        strides.add(s)
        channels, height, width = len(image), len(image[0]), len(image[0][0])
        for side in (height, width):
            assert (side - k) % s == 0, p
        out_h, out_w = (height - k) // s + 1, (width - k) // s + 1
        assert out_h >= 2 and out_w >= 2, p
        assert (out_h - 1) * s + k == height and (out_w - 1) * s + k == width
        expected = [[Fraction(sum(image[c][i * s + a][j * s + b] for c in range(channels)
                                  for a in range(k) for b in range(k)), channels * k * k)
                     for j in range(out_w)] for i in range(out_h)]
        assert all(cell != 0 for row in expected for cell in row), p
        solution = solve("lecture.3", **p)
        assert solution.answer_text["output"] == str(
            [[str(v) for v in row] for row in expected]).replace("'", "")
        assert not solution.failed_checks
    assert strides == {1, 2}  # both strides are drawn


def test_the_exam_output_is_unchanged() -> None:
    solution = solve("lecture.3")
    assert solution.answer_text["output"] == "[[0, 1, 2], [1, 1, 1], [1, 1, 1/2]]"


def test_one_channel_has_one_reading_and_names_no_other() -> None:
    """With one channel the joint and the per-channel kernels are the same: no reading
    note, no "variant" output, no other reading in the key or the rubric."""
    image = [[[6, 0, -2, -2], [-1, 1, 0, -4], [0, 2, -3, -4], [0, 2, 4, 0]]]
    solution = solve("lecture.3", image=image, kernel_size=3, stride=1, padding=0)
    # each 3×3 window's sum over 9 (worked by hand): [[3, -12], [5, -2]] / 9
    assert solution.answer_text["output"] == "[[1/3, -4/3], [5/9, -2/9]]"
    text = " ".join(str(step) for step in solution.steps)
    assert "Reading(" not in text and "per-channel" not in text.lower()
    assert "joint" not in text.lower() and "1 channels" not in text
    words = [part.key for part in solution.parts] + [line.text for line in solution.rubric]
    assert not [w for w in words if "reading" in w or "If the student" in w], words
