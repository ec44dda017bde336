"""Lab 2: A) the first class's backward (ReLU, or the version's LeakyReLU), B) the
second's (Sigmoid, or the version's Tanh): dx from the cached forward output, on inputs
holding exact zeros; the upstream gradient must come back unchanged."""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict
from solver.grading.compare import ATOL, RTOL, first_wrong
from solver.grading.probes import lab2 as probe
from solver.grading.versions import LabVersion

MODULE = "activations"  # the completed template solver/labs/activations.py
LABELS = ("A", "B")


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    labs = version.module

    data = probe.inputs(seed, version.raw)
    ref: dict[str, Any] = {"classes": data["classes"]}
    for part, name in data["classes"].items():
        for index in range(len(probe.CASES)):
            layer = getattr(labs, name)()
            layer.forward(data[f"x{index}"].clone())
            ref[f"{part}{index}"] = layer.backward(data[f"up{index}"].clone())
            ref[f"up{index}"] = data[f"up{index}"]
            ref[f"kink{index}"] = data[f"x{index}"] == 0
    return ref


def either_side_at_kink(got: Any, expected: Any, upstream: Any, kink: Any) -> Any:
    """The reference dx of part A, where at x = 0 (the kink, a convention) the upstream
    gradient itself (derivative 1, the branch x > 0) is right too when the student gave it."""
    import numpy as np

    want = expected.detach().double().numpy().copy()
    if isinstance(got, np.ndarray) and got.shape == want.shape:
        up = upstream.double().numpy()
        with np.errstate(invalid="ignore", over="ignore"):
            other_side = kink.numpy() & (np.abs(got - up) <= ATOL + RTOL * np.abs(up))
        want[other_side] = up[other_side]
    return want


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part(letter: str) -> Verdict:
        name = ref["classes"][letter]
        for index, shape in enumerate(probe.CASES):
            key, doing = f"{letter}.{index}", f"{name}.backward(dupstream)"
            source = (f"input x {'x'.join(map(str, shape))} with exact zeros and upstream "
                      f"gradient of the same shape, {j.seed_of(index)}")
            values = j.step(key, doing).values
            expected = ref[f"{letter}{index}"]
            if letter == "A":
                expected = either_side_at_kink(values.get("dx"), expected, ref[f"up{index}"],
                                               ref[f"kink{index}"])
            wrong = first_wrong("dx", values.get("dx"), expected)
            if wrong is None:
                changed = first_wrong("dupstream", values.get("upstream"), ref[f"up{index}"])
                if changed:
                    wrong = (f"{doing} modified its argument in place: {changed}"
                             + (" (the template clones it first)" if letter == "A" else ""))
            if wrong:
                return Verdict(False, f"{wrong}; {source}; {j.worked(letter)}")
        return Verdict(True, f"dx matches on {len(probe.CASES)} seeded inputs, with zeros")

    return {"A": j.part(lambda: part("A")), "B": j.part(lambda: part("B"))}
