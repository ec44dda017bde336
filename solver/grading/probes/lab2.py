"""Lab 2 probe: the first class's backward (A: ReLU, or the version's LeakyReLU) and the
second's (B: Sigmoid, or the version's Tanh).

Each runs forward on a seeded input (holding exact zeros, the kink), then backward on a
seeded upstream gradient; the probe sends dx and the upstream gradient as it is
afterwards (the template must not modify it).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import kit

CASES = ((6, 5), (2, 3, 4))


def class_names(params: dict[str, Any]) -> dict[str, str]:
    """Each part's class in the version ``params`` names ({} for the exam's): as
    solver.questions.lab2.class_names, which this sandboxed file cannot import."""
    return {"A": "LeakyReLU" if params.get("negative_slope", 0.0) else "ReLU",
            "B": "Tanh" if params.get("squashing", "sigmoid") == "tanh" else "Sigmoid"}


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"classes": class_names(params)}
    for index, shape in enumerate(CASES):
        g = kit.generator(seed, index)
        x = kit.randn(g, *shape)
        flat = x.view(-1)
        flat[:: max(1, flat.numel() // 5)] = 0.0  # exact zeros: the derivative's kink
        data[f"x{index}"] = x
        data[f"up{index}"] = kit.randn(g, *shape)
    return data


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def backward(name: str, index: int) -> dict[str, Any]:
        layer = kit.need(namespace, name)()
        layer.forward(data[f"x{index}"].clone())
        upstream = data[f"up{index}"].clone()
        dx = layer.backward(upstream)
        return {"dx": dx, "upstream": upstream}

    for part, name in data["classes"].items():
        for index in range(len(CASES)):
            step(f"{part}.{index}", partial(backward, name, index))


preset = kit.preset
