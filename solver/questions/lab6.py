"""Lab 6: the vanilla RNN, verified against nn.RNN with copied weights."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare

CASES = ((3, 5, 4, 6), (1, 1, 3, 2), (4, 7, 2, 8))  # (N, T, D, H)


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch

    VanillaRNN = lab.VanillaRNN
    from solver.seed import torch_generator

    torch_generator()
    for n, t, d, h in CASES:
        ours = VanillaRNN(d, h)
        with torch.no_grad():
            ours.bias_xh.normal_()  # non-zero biases, so the check covers them
            ours.bias_hh.normal_()
        reference = torch.nn.RNN(d, h, nonlinearity="tanh", batch_first=True)
        theirs = dict(reference.named_parameters())
        with torch.no_grad():
            theirs["weight_ih_l0"].copy_(ours.weight_xh.T)
            theirs["weight_hh_l0"].copy_(ours.weight_hh.T)
            theirs["bias_ih_l0"].copy_(ours.bias_xh)
            theirs["bias_hh_l0"].copy_(ours.bias_hh)
            x = torch.randn(n, t, d)
            expected, _ = reference(x)
            found.append(compare(
                f"N={n}, T={t}, D={d}, H={h}: outputs equal nn.RNN with copied weights",
                ours(x), expected, 1e-5))
    model = VanillaRNN(4, 6)
    names = {name: tuple(p.shape) for name, p in model.named_parameters()}
    expected_shapes = {"weight_xh": (4, 6), "weight_hh": (6, 6), "bias_xh": (6,),
                       "bias_hh": (6,)}
    found.append(Check("all four tensors are registered nn.Parameters with the "
                                 "right shapes", names == expected_shapes, f"{names}"))
    return found
