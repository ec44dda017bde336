"""Lab 5: dropout layers and a residual forward pass."""

from __future__ import annotations

from typing import Any

from solver.model import Check
from solver.questions.labkit import compare

SAMPLES = 200_000


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch

    FCNet_do = lab.FCNet_do
    from solver.seed import torch_generator

    torch_generator()
    net = FCNet_do()
    x = torch.randn(8, 16)
    net.eval()
    with torch.no_grad():
        first, second = net(x), net(x)
        h1 = torch.relu(x @ net.fc1.weight.T + net.fc1.bias)
        h2 = torch.relu(h1 @ net.fc2.weight.T + net.fc2.bias) + h1
        formula = h2 @ net.fc3.weight.T + net.fc3.bias
    found.append(compare("eval mode is deterministic (two passes agree)",
                                   first, second, 0.0))
    found.append(compare("eval mode equals fc3(ReLU(fc2(h1)) + h1), h1 = "
                                   "ReLU(fc1(x)), computed by hand", first, formula, 1e-6))
    net.train()
    with torch.no_grad():
        for name in ("dropout1", "dropout2"):
            p = getattr(net, name).p
            out = getattr(net, name)(torch.ones(SAMPLES))
            dropped = float((out == 0).double().mean())
            kept = out[out != 0]
            scale_error = float((kept - 1 / (1 - p)).abs().max())
            # 5 standard deviations of a binomial proportion over SAMPLES units.
            band = 5 * (p * (1 - p) / SAMPLES) ** 0.5
            found.append(Check(
                f"train mode: {name} drops a fraction p of units and rescales by 1/(1 − p)",
                abs(dropped - p) <= band and scale_error <= 1e-6,
                f"It dropped a fraction {dropped:.4f} of {SAMPLES} units (p = {p}, band "
                f"±{band:.4f}); the survivors are scaled to {1 / (1 - p):g}.",
                max_abs_error=scale_error, tolerance=1e-6))
        varied = not torch.equal(net(x), net(x))
    found.append(Check("train mode is stochastic (two passes differ)", varied,
                                 "two forward passes on the same batch"))
    return found
