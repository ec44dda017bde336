"""Lab 3 probe: Conv2d(in_channels, out_channels, kernel_size, stride, padding), and a
dilated version's sixth argument, dilation (the version's, passed on every call).

A: the placeholder shapes of two layers. C: the forward pass on four seeded cases (each
combination of stride 1/2 and padding 0/positive) with the grader's weight [F, C, k, k]
and bias [F] installed, and the gradients of a seeded loss. B: while that forward pass
runs, a tracer reads the template's local variable ``window`` (with the loop variables
``i`` and ``j``) each time it is assigned, and the probe sends the last window seen at
each output position.
"""

from __future__ import annotations

from functools import partial
from types import FrameType
from typing import Any

import torch

from . import kit

SHAPES = ((3, 4, 3, 1, 0), (2, 5, 2, 2, 1))  # (C, F, k, stride, padding)
CASES = (  # (N, C, H, W, F, k, stride, padding)
    (2, 3, 7, 7, 4, 3, 1, 0),
    (2, 2, 8, 7, 3, 3, 2, 0),
    (1, 3, 5, 6, 2, 2, 1, 1),
    (2, 1, 9, 9, 2, 5, 2, 2),
)
MAX_WINDOWS = 1024


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    dilation = int(params.get("dilation", 1))  # every case has an output up to dilation 3
    data: dict[str, Any] = {"dilation": dilation}
    for index, (n, c, h, w, f, k, s, p) in enumerate(CASES):
        g = kit.generator(seed, index)
        data[f"x{index}"] = kit.randn(g, n, c, h, w)
        data[f"W{index}"] = kit.randn(g, f, c, k, k)
        data[f"b{index}"] = kit.rand(g, f)
        span = dilation * (k - 1) + 1
        out_h, out_w = 1 + (h + 2 * p - span) // s, 1 + (w + 2 * p - span) // s
        data[f"up{index}"] = kit.randn(g, n, f, out_h, out_w)
    return data


def arguments(data: dict[str, Any], c: int, f: int, k: int, s: int, p: int) -> tuple[int, ...]:
    """Conv2d's arguments: the exam's five, and the dilation of a dilated version."""
    return (c, f, k, s, p) + ((data["dilation"],) if data["dilation"] > 1 else ())


class Windows:
    """The last tensor bound to ``window`` at each (i, j), keyed "i,j" (or "#order" when
    the loop variables are not called i and j)."""

    def __init__(self) -> None:
        self.seen: dict[str, torch.Tensor] = {}
        self.last: object = None
        self.count = 0

    def look(self, frame: FrameType) -> None:
        local = frame.f_locals
        window = local.get("window")
        if not isinstance(window, torch.Tensor) or window is self.last:
            return
        self.last = window
        i, j = local.get("i"), local.get("j")
        key = f"{i},{j}" if isinstance(i, int) and isinstance(j, int) else f"#{self.count}"
        self.count += 1
        if len(self.seen) < MAX_WINDOWS and window.numel() <= 65536:
            self.seen[key] = window.detach().clone()


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def shapes(c: int, f: int, k: int, s: int, p: int) -> dict[str, Any]:
        layer = kit.need(namespace, "Conv2d")(*arguments(data, c, f, k, s, p))
        return {"weight": kit.shape_of(layer.weight), "bias": kit.shape_of(layer.bias)}

    def forward(index: int, windows: Windows) -> dict[str, Any]:
        _, c, _, _, f, k, s, p = CASES[index]
        layer = kit.need(namespace, "Conv2d")(*arguments(data, c, f, k, s, p))
        leaves = kit.weight_and_bias(layer, data, index)
        code = kit.code_of(type(layer).forward)
        if code is None:
            y = layer.forward(leaves["x"])
        else:
            y = kit.Tracer(code, windows.look, windows.look).call(layer.forward, leaves["x"])
        return kit.sent(y, data[f"up{index}"], leaves)

    def sent(windows: Windows) -> dict[str, Any]:
        return {"count": windows.count, **{f"w.{key}": w for key, w in windows.seen.items()}}

    for shape in SHAPES:
        step(f"A.{shape[0]}-{shape[1]}-{shape[2]}", partial(shapes, *shape))
    for index in range(len(CASES)):
        windows = Windows()
        step(f"C.{index}", partial(forward, index, windows))
        step(f"B.{index}", partial(sent, windows))


preset = kit.preset
