"""Lab 7: basic self-attention, verified against F.scaled_dot_product_attention."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare

CASES = ((2, 5, 8), (1, 1, 4), (3, 7, 16))  # (batch, sequence length, d)


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch
    import torch.nn.functional as F

    SelfAttention = lab.SelfAttention
    from solver.seed import torch_generator

    torch_generator()
    for b, t, d in CASES:
        layer = SelfAttention(k=d)  # the template's keyword
        x = torch.randn(b, t, d)
        with torch.no_grad():
            expected = F.scaled_dot_product_attention(layer.q(x), layer.k(x), layer.v(x))
            found.append(compare(
                f"b={b}, t={t}, d={d}: equals F.scaled_dot_product_attention on the "
                "module's own q, k, v", layer(x), expected, 1e-5))
    return found
