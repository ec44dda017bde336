"""Lab 7 probe: SelfAttention(k), k the embedding dimension (called positionally). The
probe is the same for every version (scaling, causal mask): the parent's reference and
its reading of the locals differ.

On three seeded cases the grader installs its own bias-free q, k and v maps (so no part
depends on the constructor) and runs the forward pass with a tracer that keeps the
forward function's 3-D tensor locals as they are when it returns (or raises). It sends the
output and the gradients of a seeded loss, then those locals (also when forward raised):
the parent finds the queries, keys, values (A) and attention weights (B) among them by
value, whatever their names.

The exam's template's ``__init__(self, k)`` uses ``d`` in its body (a typo in the given
code; a variant's template takes ``d``): while constructing, ``d`` is defined as a module
global equal to the embedding dimension, unless the submission defines ``d`` itself.
"""

from __future__ import annotations

from functools import partial
from types import FrameType
from typing import Any

import torch

from . import kit

CASES = ((2, 5, 8), (3, 7, 16), (2, 4, 6))  # (batch, sequence length, embedding dim)
MAX_LOCALS = 24


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, (b, t, d) in enumerate(CASES):
        g = kit.generator(seed, index)
        data[f"x{index}"] = kit.randn(g, b, t, d)
        for name in ("q", "k", "v"):
            data[f"W{name}{index}"] = kit.randn(g, d, d) / d**0.5
        data[f"up{index}"] = kit.randn(g, b, t, d)
    return data


class Locals:
    def __init__(self) -> None:
        self.seen: dict[str, torch.Tensor] = {}

    def keep(self, frame: FrameType) -> None:
        for name, value in frame.f_locals.items():
            if (isinstance(value, torch.Tensor) and value.dim() == 3
                    and value.numel() <= 65536 and len(self.seen) < MAX_LOCALS):
                self.seen[str(name)[:60]] = value.detach().clone()


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    own_d = "d" in namespace

    def forward(index: int, found: Locals) -> dict[str, Any]:
        _, _, d = CASES[index]
        if not own_d:
            namespace["d"] = d
        layer = kit.need(namespace, "SelfAttention")(d)
        leaves = kit.case_leaves(data, index, ("x",))
        for name in ("q", "k", "v"):
            linear = torch.nn.Linear(d, d, bias=False)
            with torch.no_grad():
                linear.weight.copy_(data[f"W{name}{index}"])
            setattr(layer, name, linear)
            leaves[f"W{name}"] = linear.weight
        code = kit.code_of(type(layer).forward)
        if code is None:
            y = layer(leaves["x"])
        else:
            y = kit.Tracer(code, None, found.keep).call(layer, leaves["x"])
        return kit.sent(y, data[f"up{index}"], leaves)

    for index in range(len(CASES)):
        found = Locals()
        step(f"X.{index}", partial(forward, index, found))
        step(f"L.{index}", partial(dict, found.seen))


preset = kit.preset
