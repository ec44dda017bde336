"""Lab 5: dropout layers and a residual forward pass.

Versions: where the residual arrow joins the second block (the exam's reading: after its
dropout, h2 = DO(ReLU(fc2 h1)) + h1; or, as in the original ResNet block, before its
ReLU, h2 = DO(ReLU(fc2 h1 + h1))), and the dropout probability p a variant states.

The exam gives no p: its version uses 0.5 and its grader accepts any p. A variant states
its p, never 0.5 (AXES), and its grader holds the student to it; so p = 0.5 means "not
stated" (the exam's version), a value no variant draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require, require_decimals, require_one_of
from solver.questions.labkit import Edit, compare

SAMPLES = 200_000
RESIDUALS = ("after_dropout", "before_relu")
EXAM_P = 0.5  # the exam's version: p not stated, 0.5 used
AXES: dict[str, tuple[Any, ...]] = {"residual": RESIDUALS, "p": (0.2, 0.3, 0.4)}
# h2 in the readings' notation (in eval mode: DO is the identity), and its code line.
H2 = {"after_dropout": "DO(ReLU(fc2(h1))) + h1", "before_relu": "DO(ReLU(fc2(h1) + h1))"}
EVAL_H2 = {"after_dropout": "ReLU(fc2(h1)) + h1", "before_relu": "ReLU(fc2(h1) + h1)"}
H2_LINES = {"after_dropout": "h2 = self.dropout2(torch.relu(self.fc2(h1))) + h1",
            "before_relu": "h2 = self.dropout2(torch.relu(self.fc2(h1) + h1))"}


@dataclass(frozen=True)
class Params:
    residual: str = "after_dropout"
    p: float = EXAM_P

    def __post_init__(self) -> None:
        require_one_of("residual", self.residual, RESIDUALS)
        require(isinstance(self.p, int | float) and not isinstance(self.p, bool)
                and 0 < self.p < 1, f"parameter p must be a number in (0, 1), got {self.p!r}")
        # As the paper prints it (p = 0.3): the code and the words say the same number.
        require_decimals("p", self.p, 2)


def stated_p(params: Any) -> float | None:
    """The dropout probability the version states; None for the exam's (it gives none)."""
    p = getattr(params, "p", EXAM_P)
    return None if p == EXAM_P else float(p)


def context(params: Params) -> dict[str, Any]:
    scale = 1 / (1 - params.p)
    exact = abs(round(scale, 2) - scale) < 1e-12
    return {"h2": H2[params.residual], "keep": f"{1 - params.p:g}",
            "scale": f"{'=' if exact else '≈'} {scale:.3g}"}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    found: list[Edit] = []
    if params.p != EXAM_P:
        found += [
            Edit("(the exam fixes no p).", f"(p = {params.p:g}, as stated)."),
            Edit("self.dropout1 = nn.Dropout(p=0.5)  # A)",
                 f"self.dropout1 = nn.Dropout(p={params.p:g})  # A)"),
            Edit("self.dropout2 = nn.Dropout(p=0.5)  # A)",
                 f"self.dropout2 = nn.Dropout(p={params.p:g})  # A)"),
        ]
    if params.residual == "before_relu":
        found += [
            Edit("the residual sum merges h1 into the second block (32 = 32).",
                 "the residual sum adds h1 to fc2's output (32 = 32),\n"
                 "        # before the second ReLU and its dropout."),
            Edit(f"{H2_LINES['after_dropout']}  # B)", f"{H2_LINES['before_relu']}  # B)"),
        ]
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch
    import torch.nn.functional as F

    from solver.seed import torch_generator

    params = params or Params()
    p, before_relu = params.p, params.residual == "before_relu"

    def formula(net: Any, x: Any, training: bool) -> Any:
        """The version's network from its own weights, in torch.nn.functional."""
        h1 = F.dropout(F.relu(F.linear(x, net.fc1.weight, net.fc1.bias)), p, training)
        a = F.linear(h1, net.fc2.weight, net.fc2.bias)
        h2 = (F.dropout(F.relu(a + h1), p, training) if before_relu
              else F.dropout(F.relu(a), p, training) + h1)
        return F.linear(h2, net.fc3.weight, net.fc3.bias)

    found: list[Check] = []
    torch_generator()
    net = lab.FCNet_do()
    x = torch.randn(8, 16)
    net.eval()
    with torch.no_grad():
        first, second = net(x), net(x)
        expected = formula(net, x, training=False)
    found.append(compare("eval mode is deterministic (two passes agree)", first, second, 0.0))
    found.append(compare(f"eval mode equals fc3({EVAL_H2[params.residual]}), h1 = "
                         "ReLU(fc1(x)), computed with F.linear and F.relu", first, expected,
                         1e-6))
    net.train()
    with torch.no_grad():
        for name in ("dropout1", "dropout2"):
            layer = getattr(net, name)
            out = layer(torch.ones(SAMPLES))
            dropped = float((out == 0).double().mean())
            kept = out[out != 0]
            scale_error = float((kept - 1 / (1 - p)).abs().max())
            # 5 standard deviations of a binomial proportion over SAMPLES units.
            band = 5 * (p * (1 - p) / SAMPLES) ** 0.5
            found.append(Check(
                f"train mode: {name} has p = {p:g}, drops a fraction p of units and "
                f"rescales by 1/(1 − p)",
                layer.p == p and abs(dropped - p) <= band and scale_error <= 1e-6,
                f"Its p is {layer.p}; it dropped a fraction {dropped:.4f} of {SAMPLES} units "
                f"(band ±{band:.4f}); the survivors are scaled to {1 / (1 - p):g}.",
                max_abs_error=scale_error, tolerance=1e-6))
        # The same random stream drives nn.Dropout and F.dropout: with one seed, the
        # train-mode pass equals the formula's, dropout placed as the version says.
        torch.manual_seed(11)
        trained = net(x)
        torch.manual_seed(11)
        expected = formula(net, x, training=True)
        found.append(compare("train mode equals the formula with F.dropout(·, p, training=True) "
                             "on the same random stream", trained, expected, 1e-6))
        varied = not torch.equal(net(x), net(x))
    found.append(Check("train mode is stochastic (two passes differ)", varied,
                       "two forward passes on the same batch"))
    return found
