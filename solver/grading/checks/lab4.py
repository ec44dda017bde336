"""Lab 4: momentum (one part). Four seeded single steps, each from its own X, v, rho and
learning rate, with a seeded quadratic's gradient as Grad (and, with weight decay, each
case's weight_decay): the returned v and X must be the version's (dampened: v = rho v +
(1 - rho) g, X - learning_rate v; heavy-ball: v = rho v + g; Nesterov: v = rho v + g,
X - learning_rate (g + rho v); g = grad + weight_decay X with weight decay)."""

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
        ref[f"X{index}"], ref[f"v{index}"] = labs.momentum(
            data[f"X{index}"].clone(), rho, rate, data[f"v{index}"].clone(),
            **probe.keywords(data, index))
        ref[f"ab{index}"] = tuple(data[f"ab{index}"])
    return ref


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    decay = bool(getattr(j.params, "weight_decay", 0.0))

    def part() -> Verdict:
        for index, (rho, rate) in enumerate(probe.CASES):
            given = f", weight_decay={probe.DECAYS[index]}" if decay else ""
            doing = f"momentum(X, {rho}, {rate}, prev_value, Grad=...{given})"
            values = j.step(f"A.{index}", doing).values
            if "returned" in values:
                return Verdict(False, (
                    f"{doing} returned a {values['returned']}; the template returns the new "
                    f"X and the new v as a pair; {j.worked('A')}"))
            a, b = ref[f"ab{index}"]
            source = (f"input X (2,) and prev_value (2,), {j.seed_of(index)}, Grad of "
                      f"f(x, y) = {a:.4g} x^2 + {b:.4g} y^2")
            # A wrong v with weight decay may be the gradient's line: quote all lines.
            for name, marker in (("v", "" if decay else "v ="), ("X", "X =")):
                wrong = first_wrong(f"returned {name}", values.get(name), ref[f"{name}{index}"])
                if wrong:
                    return Verdict(False, f"{doing}: {wrong}; {source}; "
                                          f"{j.worked('A', marker)}")
        return Verdict(True, f"X and v match on {len(probe.CASES)} seeded steps")

    return {"": j.part(part)}
