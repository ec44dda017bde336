"""Lab 1: forward pass of a linear layer and an activation, verified against torch.

Versions: the activation after the layer (the exam's formula: sigmoid; tanh; ReLU) and
whether the layer has a bias (the exam's does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require_one_of
from solver.questions.labkit import Edit, compare

ACTIVATIONS = ("sigmoid", "tanh", "relu")
AXES: dict[str, tuple[Any, ...]] = {"activation": ACTIVATIONS, "bias": (True, False)}
# Each activation: its name in words, in a formula, and the completed template's line.
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}
FORMULAS = {"sigmoid": r"\mathrm{Sigmoid}", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}"}
LINES = {"sigmoid": "y = 1.0 / (1.0 + torch.exp(-y))", "tanh": "y = torch.tanh(y)",
         "relu": "y = torch.clamp(y, min=0)"}


@dataclass(frozen=True)
class Params:
    activation: str = "sigmoid"
    bias: bool = True

    def __post_init__(self) -> None:
        require_one_of("activation", self.activation, ACTIVATIONS)
        require_one_of("bias", self.bias, (True, False))


def context(params: Params) -> dict[str, Any]:
    return {"activation_name": NAMES[params.activation],
            "activation_tex": FORMULAS[params.activation]}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    found: list[Edit] = []
    if params.activation != "sigmoid":
        name = NAMES[params.activation]
        found += [
            Edit("followed by the sigmoid of the formula", f"followed by a {name}"),
            Edit("add the bias, apply sigmoid.", f"add the bias, apply {name}."),
            Edit(f"{LINES['sigmoid']}  # B)", f"{LINES[params.activation]}  # B)"),
        ]
    if not params.bias:
        found += [
            Edit('"""Fully connected layer.', '"""Fully connected layer without bias.'),
            Edit("        # A) Define placeholder tensors for layer weight and bias. y = xW + b "
                 "with x of\n        # shape [batch_size, in_feat], so W is [in_feat, "
                 "out_feat] and b is [out_feat].\n",
                 "        # A) Define the placeholder tensor for the layer weight. y = xW "
                 "with x of\n        # shape [batch_size, in_feat], so W is [in_feat, "
                 "out_feat].\n"),
            Edit("        self.bias = torch.empty(out_feat)  # A)\n", ""),
            Edit("Sample weight from a Gaussian and bias from a uniform distribution.",
                 "Sample weight from a Gaussian distribution."),
            Edit("        self.bias = torch.rand_like(self.bias)\n", ""),
            Edit("multiply the input by the weights, add the bias,",
                 "multiply the input by the weights,"),
            Edit("y = x @ self.weight + self.bias  # B)", "y = x @ self.weight  # B)"),
        ]
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch
    import torch.nn.functional as F

    from solver.seed import torch_generator

    params = params or Params()
    activation = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[
        params.activation]
    oracle = f"torch.{params.activation}(F.linear(x, Wᵀ{', b' if params.bias else ''}))"
    found: list[Check] = []
    torch_generator()
    for batch, n_in, n_out in ((4, 3, 5), (1, 16, 2), (7, 8, 8)):
        layer = lab.Linear(n_in, n_out)
        x = torch.randn(batch, n_in)
        bias = layer.bias if params.bias else None
        expected = activation(F.linear(x, layer.weight.T, bias))
        found.append(compare(f"forward ({batch}×{n_in} → {n_out}) equals {oracle}",
                             layer.forward(x), expected, 1e-6))
    layer = lab.Linear(3, 5)
    weight = tuple(layer.weight.shape)
    if params.bias:
        bias_shape = tuple(layer.bias.shape)
        found.append(Check("placeholder shapes are W [in, out] and b [out]",
                           weight == (3, 5) and bias_shape == (5,),
                           f"W {weight}, b {bias_shape}"))
    else:
        found.append(Check("the placeholder W is [in, out] and the layer has no bias",
                           weight == (3, 5) and not hasattr(layer, "bias"),
                           f"W {weight}, bias {'present' if hasattr(layer, 'bias') else 'none'}"))
    return found
