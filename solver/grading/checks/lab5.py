"""Lab 5: FCNet_do.

- A) the dropout layers (submodules whose class or attribute name contains "drop"), at
  least one: in train mode on 100 000 ones each drops a fraction p of the units (within
  five binomial standard deviations of its ``p``, or of the fraction seen when it has no
  ``p``) and scales the survivors by exactly 1/(1 - p); in eval mode it is the identity.
- B) the forward pass (the reading of the lost figure used by the worked solution:
  h1 = DO(ReLU(fc1 x)), h2 = DO(ReLU(fc2 h1)) + h1, v = fc3 h2) in eval mode with the
  grader's fc weights, outputs and gradients on two seeded batches; and in train mode two
  passes must differ (dropout is applied in the forward pass). The dropout statistics
  are A's: a layer that does not scale costs A only.
"""

from __future__ import annotations

import math
from typing import Any

from solver.grading.checks.base import (
    Judge,
    Verdict,
    case_leaves,
    forward_references,
)
from solver.grading.compare import first_wrong
from solver.grading.probes import lab5 as probe
from solver.grading.versions import LabVersion

MODULE = "dropout_net"  # the completed template solver/labs/dropout_net.py
LABELS = ("A", "B")
GRADS = {"x": "dL/dx", **{f"{n}.{k}": f"dL/d{n}.{k}" for n, _, _ in probe.SIZES
                          for k in ("weight", "bias")}}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch

    labs = version.module

    data = probe.inputs(seed, version.raw)
    net = labs.FCNet_do()
    with torch.no_grad():
        for name, _, _ in probe.SIZES:
            getattr(net, name).weight.copy_(data[f"{name}.weight"])
            getattr(net, name).bias.copy_(data[f"{name}.bias"])
    net.eval()

    def build(index: int, _batch: int) -> tuple[Any, dict[str, Any]]:
        net.zero_grad()
        leaves = case_leaves(data, index, ("x",))
        for name, _, _ in probe.SIZES:
            for kind in ("weight", "bias"):
                leaves[f"{name}.{kind}"] = getattr(getattr(net, name), kind)
        return net, leaves

    return forward_references(data, probe.BATCHES, build)


def _dropout(j: Judge, name: str, values: dict[str, Any]) -> str | None:
    import numpy as np

    train, evaluated, p = values.get(f"train.{name}"), values.get(f"eval.{name}"), \
        values.get(f"p.{name}")
    wrong = first_wrong(f"{name}(ones) in eval mode", evaluated, np.ones((4, 250)))
    if wrong:
        return f"{wrong} (dropout is the identity in eval mode)"
    if not isinstance(train, np.ndarray) or train.size != probe.SAMPLES[0] * probe.SAMPLES[1]:
        return f"{name}(ones) in train mode gave {getattr(train, 'shape', train)}"
    dropped = float((train == 0).mean())
    if not isinstance(p, int | float) or isinstance(p, bool):
        p = dropped
    if not 0 < p < 1:
        return f"{name} has p = {p}; dropout needs 0 < p < 1"
    band = 5 * math.sqrt(p * (1 - p) / train.size)
    if abs(dropped - p) > band:
        return (f"{name} in train mode zeroed {dropped:.4f} of {train.size} units, expected "
                f"p = {p:g} (± {band:.4f})")
    kept = train[train != 0].reshape(-1)
    wrong = first_wrong(f"{name} survivors", kept, np.full(kept.shape, 1 / (1 - p)),
                        rtol=1e-5, atol=0)
    if wrong:
        return f"{wrong} (the units kept in training are scaled by 1/(1 - p))"
    return None


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part_a() -> Verdict:
        values = j.step("A.dropout", "FCNet_do()").values
        names = values.get("names") or []
        source = f"train mode on a 400x250 tensor of ones, {j.seed_of(100)}"
        if not names:
            return Verdict(False, ("FCNet_do() has no dropout layer (no submodule whose class "
                                   f"or attribute name contains 'drop'); {j.worked('A')}"))
        for name in names:
            wrong = _dropout(j, str(name), values)
            if wrong:
                return Verdict(False, f"{wrong}; {source}; {j.worked('A')}")
        return Verdict(True, f"{len(names)} dropout layer(s): fraction dropped, 1/(1 - p) "
                             "scaling and eval-mode identity checked")

    def part_b() -> Verdict:
        wrong = j.forward_cases("B", ref, [
            (f"B.eval{index}", "FCNet_do().eval() forward",
             f"eval mode, input x {batch}x16 and fc weights, {j.seed_of(1 + index)}")
            for index, batch in enumerate(probe.BATCHES)], "v", GRADS)
        if wrong:
            return Verdict(False, wrong)
        values = j.step("B.train", "FCNet_do().train() forward").values
        first, second = values.get("first"), values.get("second")
        wrong = first_wrong("train-mode v", first, ref["y0"], rtol=1e9, atol=1e9)
        if wrong is None and first_wrong("", second, first, rtol=0, atol=1e-7) is None:
            wrong = ("in train mode two forward passes of the same batch gave the same output:"
                     " the forward pass does not apply dropout")
        if wrong:
            return Verdict(False, f"{wrong}; train mode, input x 8x16, {j.seed_of(1)}; "
                                  f"{j.worked('B')}")
        return Verdict(True, "v and its gradients match in eval mode on 2 seeded batches; "
                             "train mode is stochastic")

    return {"A": j.part(part_a), "B": j.part(part_b)}
