"""Lab 6: VanillaRNN. A) weight_xh [D, H], weight_hh [H, H] and the version's biases
(bias_xh [H] and bias_hh [H], or the one bias_h [H]), each an nn.Parameter, for two sizes.
B) the forward pass with the grader's parameters installed (non-zero biases), outputs and
gradients on three seeded cases: every step, the first included, is
h_t = f(x_t W_xh + b_xh + h_{t-1} W_hh + b_hh) (or ... + b_h) from h_0 = 0, f the
version's non-linearity (tanh or ReLU)."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict, forward_references, shape_list
from solver.grading.probes import lab6 as probe
from solver.grading.versions import LabVersion

MODULE = "rnn"  # the completed template solver/labs/rnn.py
LABELS = ("A", "B")
COUNTS = {3: "three", 4: "four"}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    labs = version.module

    data = probe.inputs(seed, version.raw)

    def build(index: int, case: tuple[int, ...]) -> tuple[Any, dict[str, Any]]:
        _, _, d, h = case
        model = labs.VanillaRNN(d, h)
        return model, probe.install(model, data, index)

    return forward_references(data, probe.CASES, build)


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    names = probe.names({"biases": getattr(j.params, "biases", 2)})
    one_bias = "bias_h" in names
    grads = {"x": "dL/dx", **{name: f"dL/d{name}" for name in names}}

    def part_a() -> Verdict:
        for d, h in probe.SHAPES:
            model = f"VanillaRNN({d}, {h})"
            values = j.step(f"A.{d}x{h}", model).values
            wanted = {"weight_xh": [d, h], "weight_hh": [h, h], **{n: [h] for n in names[2:]}}
            for name, want in wanted.items():
                kind, shape = (values.get(name) or ["missing", None])[:2]
                if kind == "missing":
                    problem = f"{model} has no attribute {name}" + (
                        " (the one hidden bias b_h)" if name == "bias_h" else "")
                elif shape != want:
                    problem = (f"{model}.{name} has shape {shape_list(shape)}, expected "
                               f"{shape_list(want)}")
                elif kind != "Parameter":
                    problem = (f"{model}.{name} is a {kind}, not an nn.Parameter, so "
                               "model.parameters() (and an optimiser) does not see it")
                else:
                    continue
                return Verdict(False, f"{problem}; {j.worked('A', name)}")
        return Verdict(True, f"{COUNTS[len(names)]} nn.Parameters of the right shapes for "
                             "two sizes")

    def part_b() -> Verdict:
        biases = "the non-zero bias b_h" if one_bias else "non-zero biases"
        # The version's update rule in the words of the paper's docstring (not our code).
        f = {"tanh": "tanh", "relu": "ReLU"}[getattr(j.params, "nonlinearity", "tanh")]
        rule = (f"ht = {f}(W_xh * xt + W_hh * h(t-1) + b_h)" if one_bias else
                f"ht = {f}(W_xh * xt + b_xh + W_hh * h(t-1) + b_hh)")
        wrong = j.forward_cases("B", ref, [
            (f"B.{index}", f"VanillaRNN({d}, {h}).forward(x)",
             f"input x {n}x{t}x{d} (N, T, D), hidden size {h}, parameters and {biases} "
             f"from {j.seed_of(index)}, update rule {rule}")
            for index, (n, t, d, h) in enumerate(probe.CASES)], "y", grads)
        if wrong:
            return Verdict(False, wrong)
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return {"A": j.part(part_a), "B": j.part(part_b)}
