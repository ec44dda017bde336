"""Lab 6: VanillaRNN. A) weight_xh [D, H], weight_hh [H, H], bias_xh [H], bias_hh [H],
each an nn.Parameter, for two sizes. B) the forward pass with the grader's parameters
installed (non-zero biases), outputs and gradients on three seeded cases: every step,
the first included, is h_t = tanh(x_t W_xh + b_xh + h_{t-1} W_hh + b_hh) from h_0 = 0."""

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
from solver.grading.probes import lab6 as probe

MODULE = "solver.labs.rnn"
GRADS = {"x": "dL/dx", **{name: f"dL/d{name}" for name in probe.NAMES}}


def reference(seed: int) -> dict[str, Any]:
    import torch

    labs = reference_module(MODULE)

    data = probe.inputs(seed)
    ref: dict[str, Any] = {}
    for index, (_, _, d, h) in enumerate(probe.CASES):
        model = labs.VanillaRNN(d, h)
        leaves = {"x": leaf(data[f"x{index}"])}
        for name in probe.NAMES:
            leaves[name] = torch.nn.Parameter(data[f"{name}{index}"].clone())
            setattr(model, name, leaves[name])
        y = model(leaves["x"])
        ref[f"y{index}"] = y.detach()
        ref[f"grads{index}"] = reference_gradients(y, data[f"up{index}"], leaves)
    return ref


def judge(j: Judge, ref: dict[str, Any]) -> list[Verdict]:
    def part_a() -> Verdict:
        for d, h in probe.SHAPES:
            model = f"VanillaRNN({d}, {h})"
            values = j.step(f"A.{d}x{h}", model).values
            wanted = {"weight_xh": [d, h], "weight_hh": [h, h], "bias_xh": [h], "bias_hh": [h]}
            for name, want in wanted.items():
                kind, shape = (values.get(name) or ["missing", None])[:2]
                if kind == "missing":
                    problem = f"{model} has no attribute {name}"
                elif shape != want:
                    problem = (f"{model}.{name} has shape {shape_list(shape)}, expected "
                               f"{shape_list(want)}")
                elif kind != "Parameter":
                    problem = (f"{model}.{name} is a {kind}, not an nn.Parameter, so "
                               "model.parameters() (and an optimiser) does not see it")
                else:
                    continue
                return Verdict(False, f"{problem}; {j.worked('A', name)}")
        return Verdict(True, "four nn.Parameters of the right shapes for two sizes")

    def part_b() -> Verdict:
        for index, (n, t, d, h) in enumerate(probe.CASES):
            key, doing = f"B.{index}", f"VanillaRNN({d}, {h}).forward(x)"
            source = (f"input x {n}x{t}x{d} (N, T, D), hidden size {h}, parameters and "
                      f"non-zero biases from {j.seed_of(index)}")
            wrong = j.output_then_gradients(key, doing, "y", j.value(key, "y", doing),
                                            ref[f"y{index}"], GRADS, ref[f"grads{index}"])
            if wrong:
                return Verdict(False, f"{wrong}; {source}; {j.worked('B')}")
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return [j.part(part_a), j.part(part_b)]
