"""Lecture 1: parameter count, against the exam's numbers and torch modules."""

from __future__ import annotations

import random
from typing import Any

import torch
from hypothesis import given
from hypothesis import strategies as st

from solver.questions import lecture1
from tests.conftest import solve


def torch_count(in_c: int, hidden: int, k: int, pad: int, stride: int, h: int, w: int,
                out: int, bias: bool) -> tuple[int, int]:
    conv = torch.nn.Conv2d(in_c, hidden, k, stride=stride, padding=pad, bias=bias)
    with torch.no_grad():
        flat = conv(torch.zeros(1, in_c, h, w)).numel()
    fc = torch.nn.Linear(flat, out, bias=bias)
    return (sum(p.numel() for p in conv.parameters()), sum(p.numel() for p in fc.parameters()))


def test_exam_values() -> None:
    # Worked by hand from the exam's network: a 3×3 convolution from 3 to 5 channels with
    # biases (3*5*9 + 5), then a dense layer from the 5×16×16 map to 2 outputs
    # (5*16*16*2 + 2).
    answer = solve("lecture.1").answer
    assert answer == {"conv_params": 3 * 5 * 9 + 5, "fc_params": 5 * 16 * 16 * 2 + 2,
                      "total": 2702}


def test_exam_values_match_torch() -> None:
    conv, fc = torch_count(3, 5, 3, 1, 1, 16, 16, 2, True)
    answer = solve("lecture.1").answer
    assert (answer["conv_params"], answer["fc_params"], answer["total"]) == (conv, fc, conv + fc)


@given(
    in_c=st.integers(1, 4), hidden=st.integers(1, 6), k=st.integers(1, 5),
    pad=st.integers(0, 2), stride=st.integers(1, 3), h=st.integers(5, 12),
    w=st.integers(5, 12), out=st.integers(1, 4), bias=st.booleans(),
)
def test_against_torch_modules(in_c: int, hidden: int, k: int, pad: int, stride: int,
                               h: int, w: int, out: int, bias: bool) -> None:
    solution = solve("lecture.1", in_channels=in_c, hidden_channels=hidden, kernel_size=k,
                     padding=pad, stride=stride, height=h, width=w, out_features=out,
                     bias=bias)
    conv, fc = torch_count(in_c, hidden, k, pad, stride, h, w, out, bias)
    assert solution.answer["conv_params"] == conv
    assert solution.answer["fc_params"] == fc
    assert solution.answer["total"] == conv + fc
    assert not solution.failed_checks


# --- class variants -------------------------------------------------------------------------


def _draws(count: int = 400) -> list[dict[str, Any]]:
    return [lecture1.sample(random.Random(f"lecture1-test:{n}")) for n in range(count)]


def test_variant_sizes_are_divisible_by_the_stride() -> None:
    """(side + 2·padding − kernel) is a multiple of the stride for the height and the width:
    no output size needs an unstated round-down."""
    strides = set()
    for p in _draws():
        k, pad, s = p["kernel_size"], p["padding"], p["stride"]
        strides.add(s)
        for side in (p["height"], p["width"]):
            assert k <= side + 2 * pad
            assert (side + 2 * pad - k) % s == 0, p
    assert strides == {1, 2}  # both strides are drawn


def test_variant_wrong_paths_never_give_the_right_total() -> None:
    """Counted here by hand: biases are always drawn (so forgetting them is a mistake to
    test), the conv output never has as many features as the input, and neither mistake
    gives the right total; no count equals a printed number."""
    for p in _draws():
        assert p["bias"] is True
        in_c, hidden, k, out = (p["in_channels"], p["hidden_channels"], p["kernel_size"],
                                p["out_features"])
        out_h = (p["height"] + 2 * p["padding"] - k) // p["stride"] + 1
        out_w = (p["width"] + 2 * p["padding"] - k) // p["stride"] + 1
        conv = hidden * in_c * k * k + hidden
        fc = hidden * out_h * out_w * out + out
        total = conv + fc
        assert hidden * out_h * out_w != in_c * p["height"] * p["width"], p
        forgot_biases = total - hidden - out
        flat_input = conv + in_c * p["height"] * p["width"] * out + out
        assert total not in (forgot_biases, flat_input), p
        printed = {v for v in p.values() if not isinstance(v, bool)}
        assert printed.isdisjoint({conv, fc, total}), p
        solution = solve("lecture.1", **p)
        assert solution.answer == {"conv_params": conv, "fc_params": fc, "total": total}
        assert not solution.failed_checks
        paths = {path.name: path.value for path in lecture1.wrong_paths(solution)}
        assert paths == {"forgot the bias terms": forgot_biases,
                         "flattened the input, not the conv output": flat_input}


def test_the_exam_total_is_unchanged() -> None:
    assert solve("lecture.1").answer["total"] == 2702
