"""Lab 3: Conv2d. How each part is judged, on four seeded cases (strides 1 and 2, with
and without padding; a dilated version passes its dilation), with the grader's weight and
bias installed:

- A) the placeholders of two fresh layers: weight [F, C, k, k], bias [F].
- B) the window. The template names it ``window`` and loops over ``i`` and ``j``; the
  probe records the last tensor bound to ``window`` at each output position. B passes
  when every position's window equals the padded input's k x k patch at rows i*stride,
  columns j*stride (all samples; a per-sample window is compared with the last sample;
  in a dilated version its pixels dilation apart, or the whole span they cover; in a
  true-convolution version also the patch flipped, which C then need not flip),
  or, when no ``window`` variable exists, when the output is right (a right output needs
  the right window). If forward raised, B is judged on the windows seen before.
- C) the product with every filter, the sum and the bias. C passes when the output and
  the gradients (x, weight, bias) match the reference, or, when B failed, when the output
  equals y[n, :, i, j] = (window[n] * weight).sum() + bias (weight flipped in a
  true-convolution version) computed from the student's own windows, each a real k x k
  patch of the input, padded or not, dilated or not, taken at the wrong place (the window
  error is not charged twice; an invented window earns nothing).
"""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import (
    Judge,
    Unreached,
    Verdict,
    forward_references,
    weight_and_bias,
)
from solver.grading.compare import close, first_wrong
from solver.grading.probes import lab3 as probe
from solver.grading.versions import LabVersion

MODULE = "conv"  # the completed template solver/labs/conv.py
LABELS = ("A", "B", "C")
GRADS = {"x": "dL/dx", "W": "dL/dweight", "b": "dL/dbias"}


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch.nn.functional as F

    labs = version.module

    data = probe.inputs(seed, version.raw)
    d, flip = data["dilation"], getattr(version.params, "flip_kernel", False)
    ref = forward_references(data, probe.CASES, lambda index, case: weight_and_bias(
        labs.Conv2d(*probe.arguments(data, case[1], *case[4:])), data, index),
        {"data": data})
    for index, (_, _, _, _, _, k, s, p) in enumerate(probe.CASES):
        y = ref[f"y{index}"]
        padded = F.pad(data[f"x{index}"], [p] * 4)
        span = d * (k - 1) + 1
        # The right windows at (i, j), the template's first: its k x k pixels; a dilated
        # version's whole span (the student may pick the pixels in C); the flipped patch
        # of a true convolution (the student may flip the window, not the kernel).
        ref[f"windows{index}"] = {
            (i, j): [padded[:, :, i * s:i * s + span, j * s:j * s + span][:, :, ::d, ::d]]
            + ([padded[:, :, i * s:i * s + span, j * s:j * s + span]] if d > 1 else [])
            + ([padded[:, :, i * s:i * s + span:d, j * s:j * s + span:d].flip(2, 3)]
               if flip else [])
            for i in range(y.shape[2]) for j in range(y.shape[3])}
    return ref


def _case(j: Judge, index: int) -> str:
    n, c, h, w, f, k, s, p = probe.CASES[index]
    d = getattr(j.params, "dilation", 1)
    return (f"input x {n}x{c}x{h}x{w}, weight {f}x{c}x{k}x{k}, kernel_size={k}, stride={s}, "
            f"padding={p}{f', dilation={d}' if d > 1 else ''}, {j.seed_of(index)}")


def _windows(j: Judge, index: int, ref: dict[str, Any]) -> tuple[dict[Any, Any], str | None]:
    """The student's windows by (i, j), and the first wrong one (None if all right)."""
    values = j.step(f"B.{index}", "recording the window").values
    expected: dict[tuple[int, int], list[Any]] = ref[f"windows{index}"]
    width = max(jj for _, jj in expected) + 1
    seen: dict[tuple[int, int], Any] = {}
    for name, value in values.items():
        if name.startswith("w.#"):
            order = int(name[3:])
            seen[(order // width, order % width)] = value
        elif name.startswith("w."):
            i, _, jj = name[2:].partition(",")
            seen[(int(i), int(jj))] = value
    for position, wants in expected.items():
        if position not in seen:
            continue
        got = seen[position]
        if getattr(got, "ndim", 0) == 3:
            wants = [want[-1] for want in wants]
        wrongs = [first_wrong("window", got, want, rtol=0.0, atol=1e-6) for want in wants]
        if all(wrongs):  # none is right: the message of the one of its shape, if any
            shaped = [wrong for want, wrong in zip(wants, wrongs, strict=True)
                      if tuple(getattr(got, "shape", ())) == tuple(want.shape)]
            return seen, f"at output position (i, j) = {position}, {(shaped or wrongs)[0]}"
    missing = [position for position in expected if position not in seen]
    if missing and seen:  # one right window is no proof of the others (review)
        stopped = "" if _finished(j, index) else " (the forward pass stopped before it)"
        return seen, f"no window was seen at output position (i, j) = {missing[0]}{stopped}"
    if not seen:
        return seen, ("no local variable `window` was assigned in forward (the template "
                      "builds the output from it) and the output is wrong")
    return seen, None


def _finished(j: Judge, index: int) -> bool:
    step = j.transcript.steps.get(f"C.{index}")
    return step is not None and step.done


def _patches(data: dict[str, Any], index: int) -> list[Any]:
    """Every k x k patch of the input, padded and not, with the version's dilation and
    without (a dilated window's usual error): [N, C, rows, columns, k, k] each."""
    import torch.nn.functional as F

    _, _, _, _, _, k, _, p = probe.CASES[index]
    x = data[f"x{index}"].double()
    found: list[Any] = []
    for d in sorted({1, data["dilation"]}):
        span = d * (k - 1) + 1
        found += [image.unfold(2, span, 1).unfold(3, span, 1)[..., ::d, ::d]
                  for image in (F.pad(x, [p] * 4), x) if min(image.shape[2:]) >= span]
    return found


def _is_patch(window: Any, patches: list[Any]) -> bool:
    import torch

    w = torch.from_numpy(window).double()[:, :, None, None]
    return any(tuple(w.shape[-2:]) == tuple(p.shape[-2:]) and bool(
        ((p - w).abs() <= 1e-6).flatten(4).all(dim=4).all(dim=1).all(dim=0).any())
        for p in patches)


def _carried(seen: dict[Any, Any], got: Any, index: int, ref: dict[str, Any],
             flip: bool) -> bool:
    """Whether the output, of the right shape, equals the forward step applied to the
    student's own windows, each of which must be a real k x k patch of the input (padded
    or not), only at the wrong place: an invented window earns nothing, and neither does
    an output with no positions to check (review: an empty output matched an empty sum)."""
    import torch

    data = ref["data"]
    weight, bias = data[f"W{index}"].double(), data[f"b{index}"].double()
    if flip:  # the version's C: a true convolution flips the kernel
        weight = weight.flip(2, 3)
    if got is None or tuple(getattr(got, "shape", ())) != tuple(ref[f"y{index}"].shape):
        return False
    n, f, height, width = got.shape
    patches = _patches(data, index)
    expected = torch.zeros(n, f, height, width, dtype=torch.float64)
    for i in range(height):
        for jj in range(width):
            window = seen.get((i, jj))
            if window is None or tuple(window.shape) != (n, *weight.shape[1:]) \
                    or not _is_patch(window, patches):
                return False
            expected[:, :, i, jj] = torch.einsum(
                "nckl,fckl->nf", torch.from_numpy(window).double(), weight) + bias
    return close(got, expected)


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    def part_a() -> Verdict:
        for shape in probe.SHAPES:
            c, f, k = shape[:3]
            called = ", ".join(map(str, probe.arguments(ref["data"], *shape)))
            wrong = j.shapes(f"A.{c}-{f}-{k}", f"Conv2d({called})",
                             (("weight", [f, c, k, k], "F, C, k, k"), ("bias", [f], "F")))
            if wrong:
                return wrong
        return Verdict(True, "weight (F, C, k, k) and bias (F,) for two layers")

    outcomes = [_forward(j, ref, index) for index in range(len(probe.CASES))]
    b_fail = next((b for b, _ in outcomes if not b.passed), None)
    c_fail = next((c for _, c in outcomes if not c.passed), None)
    b = b_fail or Verdict(True, f"the window is right at every position of "
                                f"{len(probe.CASES)} seeded cases")
    c = c_fail or Verdict(True, f"y and its gradients match on {len(probe.CASES)} seeded "
                                "cases" + ("" if b.passed else
                                           " (given your window: error carried forward)"))
    return {"A": j.part(part_a), "B": b, "C": c}


def _forward(j: Judge, ref: dict[str, Any], index: int) -> tuple[Verdict, Verdict]:
    """(B, C) for one case."""
    key, doing = f"C.{index}", "Conv2d.forward(x)"
    source = _case(j, index)
    try:
        got = j.value(key, "y", doing)
        wrong = j.output_then_gradients(key, doing, "y", got, ref[f"y{index}"], GRADS,
                                        ref[f"grads{index}"])
    except Unreached as error:  # the forward pass raised or never finished
        got, wrong = None, str(error)
    c_wrong = f"{wrong}; {source}; {j.worked('C')}" if wrong else ""
    if not wrong:
        return Verdict(True, ""), Verdict(True, "")
    try:
        seen, b_wrong = _windows(j, index, ref)
    except Unreached as error:
        return Verdict(False, f"{error}; {source}"), Verdict(False, c_wrong)
    if not seen and not _finished(j, index):
        b_wrong = f"no window was observed: {wrong}"
    if b_wrong is None:
        return Verdict(True, ""), Verdict(False, c_wrong)
    b = Verdict(False, f"{b_wrong}; {source}; {j.worked('B')}")
    if got is not None and _carried(seen, got, index, ref,
                                    getattr(j.params, "flip_kernel", False)):
        return b, Verdict(True, "")
    return b, Verdict(False, c_wrong)
