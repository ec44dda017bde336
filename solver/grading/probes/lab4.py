"""Lab 4 probe: momentum(X, rho, learning_rate, prev_value, Grad=...) -> (X, v); a version
with weight decay adds weight_decay=... (its signature's parameter after Grad).

Four seeded single steps, each from its own point X, velocity v and (rho, learning rate),
with a seeded quadratic's gradient passed as Grad (and, with weight decay, each case's own
coefficient, so a constant in place of the argument shows); the probe sends the returned
X and v.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import torch

from . import kit

CASES = ((0.9, 0.05), (0.5, 0.1), (0.0, 0.2), (0.99, 0.01))  # (rho, learning rate)
DECAYS = (0.1, 0.01, 0.5, 0.05)  # weight_decay per case, for a version with weight decay


def gradient(a: float, b: float) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The gradient of f(x, y) = a x^2 + b y^2, the objective of one case."""

    def grad(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.stack([2 * a * x, 2 * b * y])

    return grad


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for index, _ in enumerate(CASES):
        g = kit.generator(seed, index)
        data[f"X{index}"] = kit.randn(g, 2)
        data[f"v{index}"] = kit.randn(g, 2)
        data[f"ab{index}"] = (0.5 + 4.5 * kit.rand(g, 2)).tolist()
    data["weight_decay"] = bool(params.get("weight_decay", 0.0))
    return data


def keywords(data: dict[str, Any], index: int) -> dict[str, Any]:
    """Case ``index``'s keyword arguments: Grad, and weight_decay when the version has it
    (the exam's signature has no such parameter)."""
    a, b = data[f"ab{index}"]
    found: dict[str, Any] = {"Grad": gradient(a, b)}
    if data["weight_decay"]:
        found["weight_decay"] = DECAYS[index]
    return found


def preset() -> dict[str, Any]:
    def Grad_f(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The template's default Grad: f(x, y) = x^2 + 10 y^2 (the grader passes Grad)."""
        return torch.stack([2 * x, 20 * y])

    return {**kit.preset(), "Grad_f": Grad_f}


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def one_step(index: int) -> dict[str, Any]:
        rho, rate = CASES[index]
        result = kit.need(namespace, "momentum")(
            data[f"X{index}"].clone(), rho, rate, data[f"v{index}"].clone(),
            **keywords(data, index))
        if not isinstance(result, tuple | list) or len(result) != 2:
            kind = type(result).__name__
            size = f" of length {len(result)}" if isinstance(result, tuple | list) else ""
            return {"returned": f"{kind}{size}"}
        return {"X": kit.as_tensor(result[0]), "v": kit.as_tensor(result[1])}

    for index in range(len(CASES)):
        step(f"A.{index}", partial(one_step, index))
