"""Lab 1: Linear. A) placeholder shapes W [in_feat, out_feat], b [out_feat]. B) y =
sigmoid(x W + b) and its gradients, with the grader's W and b installed."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import (
    Judge,
    Verdict,
    forward_references,
    reference_module,
    weight_and_bias,
)
from solver.grading.probes import lab1 as probe

MODULE = "linear"  # the completed template solver/labs/linear.py
LABELS = ("A", "B")
GRADS = {"x": "dL/dx", "W": "dL/dW", "b": "dL/db"}


def reference(seed: int) -> dict[str, Any]:
    labs = reference_module(MODULE)

    data = probe.inputs(seed)
    return forward_references(data, probe.CASES, lambda index, case: weight_and_bias(
        labs.Linear(case[1], case[2]), data, index))


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part_a() -> Verdict:
        for n_in, n_out in probe.SHAPES:
            wrong = j.shapes(f"A.{n_in}x{n_out}", f"Linear({n_in}, {n_out})",
                             (("weight", [n_in, n_out], "in_feat, out_feat"),
                              ("bias", [n_out], "out_feat")))
            if wrong:
                return wrong
        return Verdict(True, "weight (in_feat, out_feat) and bias (out_feat,) for "
                             "Linear(3, 5) and Linear(6, 2)")

    def part_b() -> Verdict:
        wrong = j.forward_cases("B", ref, [
            (f"B.{index}", f"Linear({n_in}, {n_out}).forward(x)",
             f"input x {batch}x{n_in} with W {n_in}x{n_out} and b ({n_out},), "
             f"{j.seed_of(index)}")
            for index, (batch, n_in, n_out) in enumerate(probe.CASES)], "y", GRADS)
        if wrong:
            return Verdict(False, wrong)
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return {"A": j.part(part_a), "B": j.part(part_b)}
