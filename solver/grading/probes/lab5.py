"""Lab 5 probe: FCNet_do, fc1 (16 -> 32), fc2 (32 -> 32), fc3 (32 -> 64) and dropout.

A: every dropout layer of a fresh network (a submodule whose class or attribute name
contains "drop"), applied to a tensor of ones in train mode (seeded) and in eval mode.
B: the forward pass in eval mode on two seeded batches with the grader's fc weights
installed, with the gradients of a seeded loss; then two train-mode passes (seeded),
which must differ: dropout is applied in training.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import torch

from . import kit

SIZES = (("fc1", 16, 32), ("fc2", 32, 32), ("fc3", 32, 64))
BATCHES = (8, 3)
SAMPLES = (400, 250)  # a 400 x 250 block of ones: 100 000 units per dropout layer


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    g = kit.generator(seed, 0)
    for name, n_in, n_out in SIZES:
        data[f"{name}.weight"] = kit.randn(g, n_out, n_in) / n_in**0.5
        data[f"{name}.bias"] = kit.randn(g, n_out) * 0.1
    for index, batch in enumerate(BATCHES):
        g = kit.generator(seed, 1 + index)
        data[f"x{index}"] = kit.randn(g, batch, 16)
        data[f"up{index}"] = kit.randn(g, batch, 64)
    data["seed"] = seed
    return data


def _network(namespace: dict[str, Any], data: dict[str, Any]) -> Any:
    net = kit.need(namespace, "FCNet_do")()
    with torch.no_grad():
        for name, _, _ in SIZES:
            layer = getattr(net, name)
            layer.weight.copy_(data[f"{name}.weight"])
            layer.bias.copy_(data[f"{name}.bias"])
    return net


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def dropouts() -> dict[str, Any]:
        net = kit.need(namespace, "FCNet_do")()
        found: dict[str, Any] = {"names": []}
        for number, (name, module) in enumerate(net.named_modules()):
            label = f"{name} {type(module).__name__}".lower()
            if not name or "drop" not in label or len(found["names"]) >= 4:
                continue
            found["names"].append(name)
            found[f"p.{name}"] = getattr(module, "p", None)
            module.train()
            torch.manual_seed(data["seed"] + 100 + number)
            with torch.no_grad():
                found[f"train.{name}"] = module(torch.ones(*SAMPLES))
                module.eval()
                found[f"eval.{name}"] = module(torch.ones(4, 250))
        return found

    def evaluate(index: int) -> dict[str, Any]:
        net = _network(namespace, data)
        net.eval()
        leaves = kit.case_leaves(data, index, ("x",))
        for name, _, _ in SIZES:
            for kind in ("weight", "bias"):
                leaves[f"{name}.{kind}"] = getattr(getattr(net, name), kind)
        return kit.sent(net(leaves["x"]), data[f"up{index}"], leaves)

    def train() -> dict[str, Any]:
        net = _network(namespace, data)
        net.train()
        torch.manual_seed(data["seed"] + 7)
        with torch.no_grad():
            return {"first": net(data["x0"].clone()), "second": net(data["x0"].clone())}

    step("A.dropout", dropouts)
    for index in range(len(BATCHES)):
        step(f"B.eval{index}", partial(evaluate, index))
    step("B.train", train)


preset = kit.preset
