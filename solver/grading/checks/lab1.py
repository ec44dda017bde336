"""Lab 1: Linear. A) placeholder shapes W [in_feat, out_feat], b [out_feat]. B) y =
sigmoid(x W + b) and its gradients, with the grader's W and b installed."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import (
    Judge,
    Verdict,
    leaf,
    reference_gradients,
    reference_module,
    shape_list,
)
from solver.grading.probes import lab1 as probe

MODULE = "solver.labs.linear"
GRADS = {"x": "dL/dx", "W": "dL/dW", "b": "dL/db"}


def reference(seed: int) -> dict[str, Any]:
    labs = reference_module(MODULE)

    data = probe.inputs(seed)
    ref: dict[str, Any] = {}
    for index, (_, n_in, n_out) in enumerate(probe.CASES):
        layer = labs.Linear(n_in, n_out)
        leaves = {name: leaf(data[f"{name}{index}"]) for name in ("x", "W", "b")}
        layer.weight, layer.bias = leaves["W"], leaves["b"]
        y = layer.forward(leaves["x"])
        ref[f"y{index}"] = y.detach()
        ref[f"grads{index}"] = reference_gradients(y, data[f"up{index}"], leaves)
    return ref


def judge(j: Judge, ref: dict[str, Any]) -> list[Verdict]:
    def part_a() -> Verdict:
        for n_in, n_out in probe.SHAPES:
            values = j.step(f"A.{n_in}x{n_out}", f"Linear({n_in}, {n_out})").values
            for name, want, meaning in (("weight", [n_in, n_out], "in_feat, out_feat"),
                                        ("bias", [n_out], "out_feat")):
                if values.get(name) != want:
                    return Verdict(False, (
                        f"Linear({n_in}, {n_out}).{name} has shape "
                        f"{shape_list(values.get(name))}, expected {shape_list(want)} "
                        f"({meaning}); {j.worked('A', name)}"))
        return Verdict(True, "weight (in_feat, out_feat) and bias (out_feat,) for "
                             "Linear(3, 5) and Linear(6, 2)")

    def part_b() -> Verdict:
        for index, (batch, n_in, n_out) in enumerate(probe.CASES):
            key, doing = f"B.{index}", f"Linear({n_in}, {n_out}).forward(x)"
            source = (f"input x {batch}x{n_in} with W {n_in}x{n_out} and b ({n_out},), "
                      f"{j.seed_of(index)}")
            wrong = j.output_then_gradients(key, doing, "y", j.value(key, "y", doing),
                                            ref[f"y{index}"], GRADS, ref[f"grads{index}"])
            if wrong:
                return Verdict(False, f"{wrong}; {source}; {j.worked('B')}")
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return [j.part(part_a), j.part(part_b)]
