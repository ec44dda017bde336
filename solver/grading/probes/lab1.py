"""Lab 1 probe: Linear(in_feat, out_feat), y = f(x W + b) (the version's activation f;
a version without bias has no b).

A: the placeholder shapes of two layers. B: the forward pass on three seeded cases with
the grader's own W [in, out] and b [out] installed (so B does not depend on A), and the
gradients of a seeded loss with respect to x, W and b.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import kit

SHAPES = ((3, 5), (6, 2))
CASES = ((4, 3, 5), (1, 16, 2), (7, 8, 8))  # (batch, in_feat, out_feat)


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, (batch, n_in, n_out) in enumerate(CASES):
        g = kit.generator(seed, index)
        data[f"x{index}"] = kit.randn(g, batch, n_in)
        data[f"W{index}"] = kit.randn(g, n_in, n_out)
        data[f"b{index}"] = kit.rand(g, n_out)
        data[f"up{index}"] = kit.randn(g, batch, n_out)
    data["bias"] = bool(params.get("bias", True))
    return data


def install(layer: Any, data: dict[str, Any], index: int) -> dict[str, Any]:
    """Case ``index``'s W (and b, when the version has one) installed in ``layer``; the
    leaves (the parent's reference installs them through this too)."""
    if data["bias"]:
        return kit.weight_and_bias(layer, data, index)
    leaves = kit.case_leaves(data, index, ("x", "W"))
    layer.weight = leaves["W"]
    return leaves


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def shapes(n_in: int, n_out: int) -> dict[str, Any]:
        layer = kit.need(namespace, "Linear")(n_in, n_out)
        found = {"weight": kit.shape_of(layer.weight)}
        if data["bias"]:
            found["bias"] = kit.shape_of(layer.bias)
        return found

    def forward(index: int) -> dict[str, Any]:
        _, n_in, n_out = CASES[index]
        layer = kit.need(namespace, "Linear")(n_in, n_out)
        leaves = install(layer, data, index)
        return kit.sent(layer.forward(leaves["x"]), data[f"up{index}"], leaves)

    for n_in, n_out in SHAPES:
        step(f"A.{n_in}x{n_out}", partial(shapes, n_in, n_out))
    for index in range(len(CASES)):
        step(f"B.{index}", partial(forward, index))


preset = kit.preset
