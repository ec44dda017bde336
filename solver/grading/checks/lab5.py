"""Lab 5: FCNet_do.

- A) the dropout layers (submodules whose class or attribute name contains "drop"), at
  least one: in train mode on 100 000 ones each drops a fraction p of the units (within
  five binomial standard deviations) and scales the survivors by exactly 1/(1 - p); in
  eval mode it is the identity. p is the variant's stated p; the exam states none, so
  its version takes the layer's own ``p`` (or the fraction seen when it has no ``p``).
- B) the forward pass (the version's network: h1 = DO(ReLU(fc1 x)), v = fc3 h2 with
  h2 = DO(ReLU(fc2 h1)) + h1, the exam's reading of its lost figure, or a variant's
  h2 = DO(ReLU(fc2 h1 + h1))) in eval mode with the grader's fc weights, outputs and
  gradients on two seeded batches; and in train mode two passes must differ (dropout is
  applied in the forward pass). The dropout statistics are A's: a layer that does not
  scale, or drops with another p, costs A only.
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
from solver.questions.lab5 import stated_p

MODULE = "dropout_net"  # the completed template solver/labs/dropout_net.py
LABELS = ("A", "B")
GRADS = {"x": "dL/dx", **{f"{n}.{k}": f"dL/d{n}.{k}" for n, _, _ in probe.SIZES
                          for k in ("weight", "bias")}}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch
    import torch.nn.functional as F

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

    found = forward_references(data, probe.BATCHES, build)
    # The eval output of the other residual placement, from the same weights (F, not our
    # code): a submission that matches it is told where this version's sum joins.
    with torch.no_grad():
        x = data["x0"]
        h1 = F.relu(F.linear(x, data["fc1.weight"], data["fc1.bias"]))
        a = F.linear(h1, data["fc2.weight"], data["fc2.bias"])
        h2 = F.relu(a) + h1 if _residual(version.params) == "before_relu" else F.relu(a + h1)
        found["other0"] = F.linear(h2, data["fc3.weight"], data["fc3.bias"])
    return found


def _residual(params: Any) -> str:
    return str(getattr(params, "residual", "after_dropout"))


# A forward pass that matches the other placement of the sum: what to say, per version.
OTHER_PLACEMENT = {
    "after_dropout": "v is what the residual sum before the second ReLU gives; in the figure "
                     "the arrow from (●) joins after the second DO",
    "before_relu": "v is what the residual sum after the second DO gives; this version adds "
                   "h1 to fc2's output before the second ReLU (see the figure)",
}


def _dropout(j: Judge, name: str, values: dict[str, Any]) -> str | None:
    """What is wrong with dropout layer ``name`` (the probe's values), or None."""
    import numpy as np

    train, evaluated, p = values.get(f"train.{name}"), values.get(f"eval.{name}"), \
        values.get(f"p.{name}")
    wrong = first_wrong(f"{name}(ones) in eval mode", evaluated, np.ones((4, 250)))
    if wrong:
        return f"{wrong} (dropout is the identity in eval mode)"
    if not isinstance(train, np.ndarray) or train.size != probe.SAMPLES[0] * probe.SAMPLES[1]:
        return f"{name}(ones) in train mode gave {getattr(train, 'shape', train)}"
    dropped = float((train == 0).mean())
    stated = stated_p(j.params)
    if stated is not None:
        p = stated
    elif not isinstance(p, int | float) or isinstance(p, bool):
        p = dropped
    if not 0 < p < 1:
        return f"{name} has p = {p}; dropout needs 0 < p < 1"
    band = 5 * math.sqrt(p * (1 - p) / train.size)
    if abs(dropped - p) > band:
        # A fraction near 1 - p: the layer was given the probability of keeping a unit.
        keep = " (p is the probability of dropping a unit, not of keeping it)" \
            if abs(dropped - (1 - p)) <= band else ""
        return (f"{name} in train mode zeroed {dropped:.4f} of {train.size} units, expected "
                f"p = {p:g} (± {band:.4f}){keep}")
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
            got = j.step("B.eval0", "FCNet_do().eval() forward").values.get("y")
            if first_wrong("v", got, ref["other0"]) is None:
                wrong += f"; {OTHER_PLACEMENT[_residual(j.params)]}"
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
