"""Lab 7: SelfAttention, on three seeded cases with the grader's q, k and v maps.

When the output and its gradients (x, W_q, W_k, W_v) match, all three parts pass.
Otherwise each part is judged from the forward function's local tensors, by value:

- A) some locals equal the queries x W_q^T, keys x W_k^T and values x W_v^T (or their
  transposes in the last two dimensions);
- B) some (b, t, t) local equals the version's attention weights: softmax(q k^T / sqrt(d))
  over the keys (dim 2) for the exam's; a variant scales by 1 or 1/d instead, and a causal
  one sets the scores of the later keys j > i to -inf before the softmax;
- C) the output is right, or, when it is wrong but its gradients are not the problem,
  it equals w v for the values v = x W_v^T and some (b, t, t) local w that is a softmax
  along one axis (non-negative, summing to 1): the product is right for the weights the
  student computed (an error in B is not charged to C; invented weights earn nothing; in
  a causal version, weights zeroed above the diagonal after the softmax also count).
"""

from __future__ import annotations

import math
from typing import Any

from solver.grading.checks.base import (
    Judge,
    Unreached,
    Verdict,
    case_leaves,
    forward_references,
)
from solver.grading.compare import close, first_wrong
from solver.grading.probes import lab7 as probe
from solver.grading.versions import LabVersion

MODULE = "attention"  # the completed template solver/labs/attention.py
LABELS = ("A", "B", "C")
GRADS = {"x": "dL/dx", "Wq": "dL/dW_q", "Wk": "dL/dW_k", "Wv": "dL/dW_v"}
ROLES = (("q", "queries", "self.q(x)"), ("k", "keys", "self.k(x)"), ("v", "values", "self.v(x)"))
# The scores' division in the exam's words, per scaling of a version (lab7.Params.scale).
SCALE_WORDS = {"sqrt": " / sqrt(d)", "none": "", "d": " / d"}


def weights_words(params: Any) -> str:
    """The version's attention weights as the messages name them."""
    scores = f"q k^T{SCALE_WORDS[getattr(params, 'scale', 'sqrt')]}"
    if getattr(params, "mask", "none") == "causal":
        return f"softmax({scores} with the keys j > i masked to -inf, dim=2)"
    return f"softmax({scores}, dim=2)"


def attention_weights(q: Any, k: Any, params: Any) -> Any:
    """The version's weights from queries and keys (b, t, d): scores q k^T divided as the
    version says, the later keys masked to -inf in a causal version, softmax over keys."""
    import torch

    d = q.shape[-1]
    divisor = {"sqrt": math.sqrt(d), "none": 1.0, "d": float(d)}[getattr(params, "scale",
                                                                           "sqrt")]
    logits = q @ k.transpose(1, 2) / divisor
    if getattr(params, "mask", "none") == "causal":
        t = q.shape[1]
        later = torch.ones(t, t, dtype=torch.bool).triu(diagonal=1)
        logits = logits.masked_fill(later, float("-inf"))
    return torch.softmax(logits, dim=2)


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch

    labs = version.module

    data = probe.inputs(seed, version.raw)

    def build(index: int, case: tuple[int, ...]) -> tuple[Any, dict[str, Any]]:
        layer = labs.SelfAttention(case[2])
        leaves = case_leaves(data, index, ("x",))
        for name in ("q", "k", "v"):
            linear = getattr(layer, name)
            with torch.no_grad():
                linear.weight.copy_(data[f"W{name}{index}"])
            leaves[f"W{name}"] = linear.weight
        return layer, leaves

    ref = forward_references(data, probe.CASES, build)
    for index in range(len(probe.CASES)):
        with torch.no_grad():
            x = ref[f"x{index}"] = data[f"x{index}"]
            for name in ("q", "k", "v"):
                ref[f"{name}{index}"] = x @ data[f"W{name}{index}"].T
            ref[f"w{index}"] = attention_weights(ref[f"q{index}"], ref[f"k{index}"],
                                                 version.params)
    return ref


def _closest(locals_: dict[str, Any], expected: Any, label: str) -> str:
    import numpy as np

    shaped = {n: v for n, v in locals_.items() if getattr(v, "shape", None) == expected.shape}
    if not shaped:
        return f"no local of shape {tuple(expected.shape)}"
    want = expected.double().numpy()
    name = min(shaped, key=lambda n: float(np.nan_to_num(np.abs(shaped[n] - want), nan=1e30)
                                           .max()))
    return f"closest is local `{name}`: {first_wrong(label, shaped[name], expected)}"


def _case(j: Judge, ref: dict[str, Any], index: int) -> tuple[str, str, str, bool]:
    """(output problem, A problem, B problem, C passes) for one case ('' = fine)."""
    key, doing = f"X.{index}", "SelfAttention(d)(x)"
    grads: str | None = None
    try:
        got = j.value(key, "y", doing)
        wrong = first_wrong("y", got, ref[f"y{index}"])
        if wrong is None:
            grads = j.gradients(key, doing, GRADS, ref[f"grads{index}"])
            wrong = f"y is right but {grads} (L = sum(y * upstream))" if grads else None
    except Unreached as missing:
        got, wrong = None, str(missing)
    if not wrong:
        return "", "", "", True
    try:
        found = {n.removeprefix("local."): v for n, v in j.step(f"L.{index}", "").values.items()}
    except Unreached:
        found = {}
    import torch

    a_problem = ""
    for name, role, call in ROLES:
        want = ref[f"{name}{index}"]
        if not any(close(v, want) or close(v, want.transpose(1, 2)) for v in found.values()):
            a_problem = (f"no local tensor of forward equals the {role} {call} "
                         f"({_closest(found, want, role)})")
            break
    weights = ref[f"w{index}"]
    b_problem = "" if any(close(v, weights) for v in found.values()) else (
        f"no local (b, t, t) tensor equals the attention weights {weights_words(j.params)} "
        f"({_closest(found, weights, 'w')})")
    carried = False
    if got is not None and not grads:
        values = ref[f"v{index}"].double()
        causal = getattr(j.params, "mask", "none") == "causal"
        carried = any(close(got, torch.from_numpy(w).double() @ values) for w in found.values()
                      if w.shape == weights.shape and _stochastic(w, causal))
    return wrong, a_problem, b_problem, carried


def _stochastic(w: Any, causal: bool = False) -> bool:
    """Attention weights of some softmax: non-negative, summing to 1 along one axis; in a
    causal version also a softmax whose weights above the diagonal were zeroed after it
    (every row keeps a positive sum of at most 1)."""
    import numpy as np

    if not bool((w >= 0).all()):
        return False
    if any(bool(np.allclose(w.sum(axis=axis), 1.0, atol=1e-4)) for axis in (1, 2)):
        return True
    rows = w.sum(axis=2)
    return causal and not bool(np.triu(w, k=1).any()) and bool(
        ((rows > 1e-6) & (rows <= 1.0 + 1e-4)).all())


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    parts: dict[str, Verdict] = {}
    carried_any = False
    for index, (b, t, d) in enumerate(probe.CASES):
        source = f"input x {b}x{t}x{d} and q, k, v weights {d}x{d}, {j.seed_of(index)}"
        wrong, a_problem, b_problem, carried = _case(j, ref, index)
        carried_any = carried_any or bool(wrong and carried)
        for letter, problem, marker in (("A", a_problem, ""), ("B", b_problem, ""),
                                        ("C", "" if carried else wrong, "")):
            if problem and letter not in parts:
                lead = f"output {wrong}; " if letter != "C" and wrong else ""
                parts[letter] = Verdict(False, f"{lead}{problem}; {source}; "
                                               f"{j.worked(letter, marker)}")
    passed = f"checked on {len(probe.CASES)} seeded cases"
    return {"A": parts.get("A", Verdict(True, f"queries, keys and values {passed}")),
            "B": parts.get("B", Verdict(True, f"attention weights {passed}")),
            "C": parts.get("C", Verdict(True, f"y = w v for your attention weights w {passed} "
                                              "(error carried forward from B)" if carried_any
                                        else f"y and its gradients {passed}"))}
