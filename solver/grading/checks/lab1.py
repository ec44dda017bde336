"""Lab 1: Linear. A) placeholder shapes W [in_feat, out_feat], b [out_feat] (none in a
version without bias). B) y = f(x W + b), f the version's activation, and its gradients,
with the grader's W and b installed."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict, forward_references
from solver.grading.probes import lab1 as probe
from solver.grading.versions import LabVersion

MODULE = "linear"  # the completed template solver/labs/linear.py
LABELS = ("A", "B")
GRADS = {"x": "dL/dx", "W": "dL/dW", "b": "dL/db"}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    labs = version.module

    data = probe.inputs(seed, version.raw)

    def build(index: int, case: tuple[int, ...]) -> tuple[Any, dict[str, Any]]:
        layer = labs.Linear(case[1], case[2])
        return layer.forward, probe.install(layer, data, index)

    return forward_references(data, probe.CASES, build)


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    bias = getattr(j.params, "bias", True)
    grads = GRADS if bias else {"x": GRADS["x"], "W": GRADS["W"]}

    def part_a() -> Verdict:
        for n_in, n_out in probe.SHAPES:
            wanted = [("weight", [n_in, n_out], "in_feat, out_feat")]
            if bias:
                wanted.append(("bias", [n_out], "out_feat"))
            wrong = j.shapes(f"A.{n_in}x{n_out}", f"Linear({n_in}, {n_out})", wanted)
            if wrong:
                return wrong
        return Verdict(True, "weight (in_feat, out_feat)" + (" and bias (out_feat,)" if bias
                                                            else "") +
                       " for Linear(3, 5) and Linear(6, 2)")

    def part_b() -> Verdict:
        wrong = j.forward_cases("B", ref, [
            (f"B.{index}", f"Linear({n_in}, {n_out}).forward(x)",
             f"input x {batch}x{n_in} with W {n_in}x{n_out}"
             + (f" and b ({n_out},)" if bias else "") + ", "
             f"{j.seed_of(index)}")
            for index, (batch, n_in, n_out) in enumerate(probe.CASES)], "y", grads)
        if wrong:
            return Verdict(False, wrong)
        return Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded cases")

    return {"A": j.part(part_a), "B": j.part(part_b)}
