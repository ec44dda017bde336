"""Lab 2 probe: ReLU.backward (A) and Sigmoid.backward (B).

Each runs forward on a seeded input (the ReLU input holds exact zeros, the kink), then
backward on a seeded upstream gradient; the probe sends dx and the upstream gradient as
it is afterwards (the template must not modify it).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import kit

CASES = ((6, 5), (2, 3, 4))


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
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

    for part, name in (("A", "ReLU"), ("B", "Sigmoid")):
        for index in range(len(CASES)):
            step(f"{part}.{index}", partial(backward, name, index))


preset = kit.preset
