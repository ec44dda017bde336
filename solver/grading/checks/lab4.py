"""Lab 4: momentum (one part). Four seeded single steps, each from its own X, v, rho and
learning rate, with a seeded quadratic's gradient as Grad: the returned v must be
rho v + (1 - rho) grad and the returned X must be X - learning_rate v (the new v)."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict
from solver.grading.compare import first_wrong
from solver.grading.probes import lab4 as probe
from solver.grading.versions import LabVersion

MODULE = "momentum"  # the completed template solver/labs/momentum.py
LABELS = ("",)  # one undivided part


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    labs = version.module

    data = probe.inputs(seed, version.raw)
    ref: dict[str, Any] = {}
    for index, (rho, rate) in enumerate(probe.CASES):
        a, b = data[f"ab{index}"]
        ref[f"X{index}"], ref[f"v{index}"] = labs.momentum(
            data[f"X{index}"].clone(), rho, rate, data[f"v{index}"].clone(),
            Grad=probe.gradient(a, b))
        ref[f"ab{index}"] = (a, b)
    return ref


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part() -> Verdict:
        for index, (rho, rate) in enumerate(probe.CASES):
            doing = f"momentum(X, {rho}, {rate}, prev_value, Grad=...)"
            values = j.step(f"A.{index}", doing).values
            if "returned" in values:
                return Verdict(False, (
                    f"{doing} returned a {values['returned']}; the template returns the new "
                    f"X and the new v as a pair; {j.worked('A')}"))
            a, b = ref[f"ab{index}"]
            source = (f"input X (2,) and prev_value (2,), {j.seed_of(index)}, Grad of "
                      f"f(x, y) = {a:.4g} x^2 + {b:.4g} y^2")
            for name, marker in (("v", "v ="), ("X", "X =")):
                wrong = first_wrong(f"returned {name}", values.get(name), ref[f"{name}{index}"])
                if wrong:
                    return Verdict(False, f"{wrong}; {source}; {j.worked('A', marker)}")
        return Verdict(True, f"X and v match on {len(probe.CASES)} seeded steps")

    return {"": j.part(part)}
