"""Helpers the lab probes share (standalone: stdlib and torch only)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Any

import torch

Step = Callable[[str, Callable[[], dict[str, Any]]], bool]
Tensor = torch.Tensor


def generator(seed: int, offset: int) -> torch.Generator:
    """The generator of one input case: the parent builds the same one."""
    return torch.Generator().manual_seed(seed + offset)


def randn(g: torch.Generator, *shape: int) -> Tensor:
    return torch.randn(*shape, generator=g)


def rand(g: torch.Generator, *shape: int) -> Tensor:
    return torch.rand(*shape, generator=g)


def need(namespace: dict[str, Any], name: str) -> Any:
    """The submission's ``name``, or a NameError that says what the template defines."""
    if name not in namespace:
        raise NameError(f"name {name!r} is not defined (the template defines {name})")
    return namespace[name]


def leaf(tensor: Tensor) -> Tensor:
    """A fresh copy that collects its gradient."""
    return tensor.detach().clone().requires_grad_(True)


def case_leaves(data: dict[str, Any], index: int, names: tuple[str, ...]) -> dict[str, Tensor]:
    """Fresh leaves of case ``index``: each ``name`` from ``data[f"{name}{index}"]``."""
    return {name: leaf(data[f"{name}{index}"]) for name in names}


def weight_and_bias(layer: Any, data: dict[str, Any], index: int) -> dict[str, Tensor]:
    """Case ``index``'s W and b installed as ``layer``'s weight and bias; the leaves x, W
    and b (the parent's reference installs them through this too)."""
    leaves = case_leaves(data, index, ("x", "W", "b"))
    layer.weight, layer.bias = leaves["W"], leaves["b"]
    return leaves


def sent(y: Any, upstream: Tensor, leaves: dict[str, Tensor]) -> dict[str, Any]:
    """What a forward step sends: its output ``y`` and the gradients of sum(y * upstream)."""
    return {"y": y, **backward(y, upstream, leaves)}


def shape_of(value: Any) -> Any:
    """A tensor's shape as a list, or what the value is instead."""
    if isinstance(value, torch.Tensor):
        return list(value.shape)
    return f"<{type(value).__name__}>"


def backward(output: Any, upstream: Tensor, leaves: dict[str, Tensor]) -> dict[str, Any]:
    """Back-propagate ``upstream`` through the student's output; each leaf's gradient, or
    why there is none."""
    if not isinstance(output, torch.Tensor):
        return {}
    try:
        if output.shape != upstream.shape:
            if output.numel() != upstream.numel():
                return {"grad_error": f"output shape {list(output.shape)}: no gradient check"}
            upstream = upstream.reshape(output.shape)
        if not output.requires_grad:
            return {"grad_error": "the output does not require grad: it was computed "
                                  "outside torch autograd (detached, numpy or .item())"}
        loss: Any = (output * upstream).sum()
        loss.backward()
    except Exception as error:
        return {"grad_error": f"backward failed: {type(error).__name__}: {error}"[:300]}
    found: dict[str, Any] = {}
    for name, tensor in leaves.items():
        grad = tensor.grad
        found[f"grad.{name}"] = grad if grad is not None else "<no gradient>"
    return found


class Tracer:
    """Watch the local variables of one function (``code``) while it runs: ``on_line``
    sees the frame before each line, ``on_return`` when the function returns (or raises).
    """

    def __init__(self, code: CodeType, on_line: Callable[[FrameType], None] | None = None,
                 on_return: Callable[[FrameType], None] | None = None) -> None:
        self.code, self.on_line, self.on_return = code, on_line, on_return

    def _global(self, frame: FrameType, event: str, arg: Any) -> Any:
        return self._local if frame.f_code is self.code else None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and self.on_line is not None:
            self.on_line(frame)
        elif event == "return" and self.on_return is not None:
            self.on_return(frame)
        return self._local

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        sys.settrace(self._global)
        try:
            return function(*args)
        finally:
            sys.settrace(None)


def code_of(method: Any) -> CodeType | None:
    """The code object of a class's method (None when it is not plain Python)."""
    function = getattr(method, "__func__", method)
    code = getattr(function, "__code__", None)
    return code if isinstance(code, CodeType) else None


def preset() -> dict[str, Any]:
    """Names the exam's templates use without importing them (lab 4 and lab 6 have no
    imports, labs 7 and 8 import only torch.nn): given, so a missing import line costs
    nothing."""
    import math

    return {"torch": torch, "nn": torch.nn, "math": math}


def as_tensor(value: Any) -> Any:
    """A returned number or list as a tensor; anything else unchanged."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, int | float | list | tuple):
        try:
            return torch.as_tensor(value, dtype=torch.float32)
        except (TypeError, ValueError, RuntimeError):
            return value
    return value
