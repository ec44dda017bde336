"""Lab 7: basic self-attention, verified against F.scaled_dot_product_attention.

Versions: whether a causal mask hides the later positions (the exam's has none) and how
the scores are scaled (the exam's formula: by 1/sqrt(d); none, the lecture's first form of
basic self-attention; or by 1/d). A variant names the embedding dimension d throughout
(the exam's template names it k in __init__ and uses d in its body).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require_one_of
from solver.questions.labkit import Edit, compare

CASES = ((2, 5, 8), (1, 1, 4), (3, 7, 16))  # (batch, sequence length, d)

MASKS = ("none", "causal")
SCALES = ("sqrt", "none", "d")
AXES: dict[str, tuple[Any, ...]] = {"mask": MASKS, "scale": SCALES}
# Each scaling: the division in the statement's formula, in the completed code's comment
# and answer line, and the factor F.scaled_dot_product_attention takes as `scale`.
SCALE_TEX = {"sqrt": r" / \sqrt{d}", "none": "", "d": " / d"}
SCALE_COMMENT = {"sqrt": " / sqrt(d)", "none": "", "d": " / d"}
SCALE_CODE = {"sqrt": " / d ** 0.5", "none": "", "d": " / d"}
SCALE_NAME = {"sqrt": "scaled dot-product", "none": "unscaled dot-product",
              "d": "dot-product scaled by 1/d"}


def scale_factor(scale: str, d: int) -> float:
    factors = {"sqrt": 1.0 / math.sqrt(d), "none": 1.0, "d": 1.0 / d}
    return factors[scale]


@dataclass(frozen=True)
class Params:
    mask: str = "none"
    scale: str = "sqrt"

    def __post_init__(self) -> None:
        require_one_of("mask", self.mask, MASKS)
        require_one_of("scale", self.scale, SCALES)


def context(params: Params) -> dict[str, Any]:
    return {"causal": params.mask == "causal", "scale_tex": SCALE_TEX[params.scale]}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    if params == Params():
        return []
    causal = params.mask == "causal"
    kind = f"single-head, {SCALE_NAME[params.scale]}"
    found = [
        Edit("basic (single-head, scaled dot-product) self-attention.",
             f"basic ({kind}) {'causal ' if causal else ''}self-attention."),
        # A variant's paper names the embedding dimension d (the exam's names it k).
        Edit("      k: embedding dimension", "      d: embedding dimension"),
        Edit("def __init__(self, k):", "def __init__(self, d):"),
        Edit("        d = k  # the template names the embedding dimension k; its body uses d\n",
             ""),
        Edit("# B) w'_ij = q_i . k_j / sqrt(d), then a softmax over j.",
             f"# B) w'_ij = q_i . k_j{SCALE_COMMENT[params.scale]}"
             f"{', masked to j <= i' if causal else ''}, then a softmax over j."),
        Edit(" / d ** 0.5  # B)", f"{SCALE_CODE[params.scale]}  # B)"),
    ]
    if causal:
        found.append(Edit(
            "        w = torch.softmax(w_prime, dim=2)  # B)\n",
            "        # Position i sees j <= i only: later scores become -inf, their weights 0.\n"
            "        later = torch.ones(t, t, dtype=torch.bool, device=x.device)"
            ".triu(diagonal=1)  # B)\n"
            "        w_prime = w_prime.masked_fill(later, float(\"-inf\"))  # B)\n"
            "        w = torch.softmax(w_prime, dim=2)  # B)\n"))
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch
    import torch.nn.functional as F

    from solver.seed import torch_generator

    params = params or Params()
    causal = params.mask == "causal"
    scale = {"sqrt": "1/sqrt(d)", "none": "1", "d": "1/d"}[params.scale]
    oracle = f"F.scaled_dot_product_attention(q, k, v, is_causal={causal}, scale={scale})"
    found: list[Check] = []
    torch_generator()
    for b, t, d in CASES:
        layer = lab.SelfAttention(d)  # positional, as the grader calls it
        x = torch.randn(b, t, d)
        with torch.no_grad():
            expected = F.scaled_dot_product_attention(
                layer.q(x), layer.k(x), layer.v(x), is_causal=causal,
                scale=scale_factor(params.scale, d))
            found.append(compare(f"b={b}, t={t}, d={d}: equals {oracle} on the module's own "
                                 "q, k, v", layer(x), expected, 1e-5))
    # The mask's meaning, without torch's: changing the last position changes only the
    # last output (causal), or every output (no mask).
    b, t, d = CASES[-1]
    layer = lab.SelfAttention(d)
    x = torch.randn(b, t, d)
    changed = x.clone()
    changed[:, -1] += 1.0
    with torch.no_grad():
        moved = (layer(changed) - layer(x)).abs().amax(dim=(0, 2))
    earlier = float(moved[:-1].max())
    found.append(Check(
        "changing the last position leaves the earlier outputs " +
        ("unchanged (causal)" if causal else "changed (no mask)"),
        earlier <= 1e-6 if causal else earlier > 1e-3,
        f"largest change of an earlier output: {earlier:.3g}"))
    return found
