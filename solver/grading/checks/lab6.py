"""Lab 6: VanillaRNN. A) weight_xh [D, H], weight_hh [H, H], bias_xh [H], bias_hh [H],
each an nn.Parameter, for two sizes. B) the forward pass with the grader's parameters
installed (non-zero biases), outputs and gradients on three seeded cases: every step,
the first included, is h_t = tanh(x_t W_xh + b_xh + h_{t-1} W_hh + b_hh) from h_0 = 0."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import (
    Judge,
    Verdict,
    case_leaves,
    forward_references,
    shape_list,
)
from solver.grading.probes import lab6 as probe
from solver.grading.versions import LabVersion

MODULE = "rnn"  # the completed template solver/labs/rnn.py
LABELS = ("A", "B")
GRADS = {"x": "dL/dx", **{name: f"dL/d{name}" for name in probe.NAMES}}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch

    labs = version.module

    data = probe.inputs(seed, version.raw)

    def build(index: int, case: tuple[int, ...]) -> tuple[Any, dict[str, Any]]:
        _, _, d, h = case
        model = labs.VanillaRNN(d, h)
        leaves = case_leaves(data, index, ("x",))
        for name in probe.NAMES:
            leaves[name] = torch.nn.Parameter(data[f"{name}{index}"].clone())
            setattr(model, name, leaves[name])
        return model, leaves

    return forward_references(data, probe.CASES, build)


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
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
        wrong = j.forward_cases("B", ref, [
            (f"B.{index}", f"VanillaRNN({d}, {h}).forward(x)",
             f"input x {n}x{t}x{d} (N, T, D), hidden size {h}, parameters and non-zero "
             f"biases from {j.seed_of(index)}")
            for index, (n, t, d, h) in enumerate(probe.CASES)], "y", GRADS)
        if wrong:
            return Verdict(False, wrong)
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return {"A": j.part(part_a), "B": j.part(part_b)}
