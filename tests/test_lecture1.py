"""Lecture 1: parameter count, against the exam's numbers and torch modules."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

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
