"""Lab 2: A) ReLU.backward, B) Sigmoid.backward: dx from the cached forward output, on
inputs holding exact zeros; the upstream gradient must come back unchanged."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict
from solver.grading.compare import first_wrong
from solver.grading.probes import lab2 as probe
from solver.grading.versions import LabVersion

MODULE = "activations"  # the completed template solver/labs/activations.py
LABELS = ("A", "B")


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    labs = version.module

    data = probe.inputs(seed, version.raw)
    ref: dict[str, Any] = {}
    for part, kind in (("A", labs.ReLU), ("B", labs.Sigmoid)):
        for index in range(len(probe.CASES)):
            layer = kind()
            layer.forward(data[f"x{index}"].clone())
            ref[f"{part}{index}"] = layer.backward(data[f"up{index}"].clone())
            ref[f"up{index}"] = data[f"up{index}"]
    return ref


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part(letter: str, name: str) -> Verdict:
        for index, shape in enumerate(probe.CASES):
            key, doing = f"{letter}.{index}", f"{name}.backward(dupstream)"
            source = (f"input x {'x'.join(map(str, shape))} with exact zeros and upstream "
                      f"gradient of the same shape, {j.seed_of(index)}")
            values = j.step(key, doing).values
            wrong = first_wrong("dx", values.get("dx"), ref[f"{letter}{index}"])
            if wrong is None:
                changed = first_wrong("dupstream", values.get("upstream"), ref[f"up{index}"])
                if changed:
                    wrong = (f"{doing} modified its argument in place: {changed} (the "
                             "template clones it first)")
            if wrong:
                return Verdict(False, f"{wrong}; {source}; {j.worked(letter)}")
        return Verdict(True, f"dx matches on {len(probe.CASES)} seeded inputs, with zeros")

    return {"A": j.part(lambda: part("A", "ReLU")), "B": j.part(lambda: part("B", "Sigmoid"))}
