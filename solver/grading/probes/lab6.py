"""Lab 6 probe: VanillaRNN(input_size, hidden_size), forward x (N, T, D) -> y (N, T, H).

A: the tensors of a fresh model (weight_xh, weight_hh and the version's biases: bias_xh
and bias_hh, or the one bias_h): their kind (nn.Parameter or not) and shape, and the
model's registered parameters. B: the forward pass on three seeded cases with the grader's
own nn.Parameters installed (non-zero biases, so every bias counts from the first step),
with the gradients of a seeded loss. The version's non-linearity changes only B's reference.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import torch

from . import kit

WEIGHTS = ("weight_xh", "weight_hh")
SHAPES = ((4, 6), (3, 2))  # (D, H)
CASES = ((3, 5, 4, 6), (1, 1, 3, 2), (4, 7, 2, 8))  # (N, T, D, H)


def names(params: dict[str, Any]) -> tuple[str, ...]:
    """The version's parameter names: the exam's two biases, or the one bias_h."""
    two = params.get("biases", 2) == 2
    return WEIGHTS + (("bias_xh", "bias_hh") if two else ("bias_h",))


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"names": names(params)}
    two = len(data["names"]) == 4
    for index, (n, t, d, h) in enumerate(CASES):
        g = kit.generator(seed, index)
        data[f"x{index}"] = kit.randn(g, n, t, d)
        data[f"weight_xh{index}"] = kit.randn(g, d, h) / h**0.5
        data[f"weight_hh{index}"] = kit.randn(g, h, h) / h**0.5
        # Both biases are drawn in every version, so x, the weights and up stay the same.
        first, second = kit.randn(g, h) * 0.5, kit.randn(g, h) * 0.5
        if two:
            data[f"bias_xh{index}"], data[f"bias_hh{index}"] = first, second
        else:
            data[f"bias_h{index}"] = first
        data[f"up{index}"] = kit.randn(g, n, t, h)
    return data


def install(model: Any, data: dict[str, Any], index: int) -> dict[str, Any]:
    """Case ``index``'s parameters installed in ``model`` as fresh nn.Parameters; the
    leaves x and those parameters (the parent's reference installs them through this too)."""
    leaves = kit.case_leaves(data, index, ("x",))
    for name in data["names"]:
        parameter = torch.nn.Parameter(data[f"{name}{index}"].clone())
        setattr(model, name, parameter)
        leaves[name] = parameter
    return leaves


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def placeholders(d: int, h: int) -> dict[str, Any]:
        model = kit.need(namespace, "VanillaRNN")(d, h)
        found: dict[str, Any] = {"registered": [[name, list(p.shape)]
                                                for name, p in model.named_parameters()]}
        for name in data["names"]:
            value = getattr(model, name, None)
            kind = "Parameter" if isinstance(value, torch.nn.Parameter) else \
                type(value).__name__ if value is not None else "missing"
            found[name] = [kind, kit.shape_of(value)]
        return found

    def forward(index: int) -> dict[str, Any]:
        _, _, d, h = CASES[index]
        model = kit.need(namespace, "VanillaRNN")(d, h)
        leaves = install(model, data, index)
        return kit.sent(model(leaves["x"]), data[f"up{index}"], leaves)

    for d, h in SHAPES:
        step(f"A.{d}x{h}", partial(placeholders, d, h))
    for index in range(len(CASES)):
        step(f"B.{index}", partial(forward, index))


preset = kit.preset
