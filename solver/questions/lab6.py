"""Lab 6: the vanilla RNN, verified against nn.RNN with copied weights.

Versions: the recurrence's non-linearity (the exam's tanh, or ReLU: nn.RNN's other
``nonlinearity``) and its biases (the exam's two, b_xh and b_hh as nn.RNN keeps them, or
one, b_h, registered as ``bias_h``: two biases only ever add up to one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require, require_one_of
from solver.questions.labkit import Edit, compare

CASES = ((3, 5, 4, 6), (1, 1, 3, 2), (4, 7, 2, 8))  # (N, T, D, H)
NONLINEARITIES = ("tanh", "relu")  # nn.RNN's own names for them
AXES: dict[str, tuple[Any, ...]] = {"nonlinearity": NONLINEARITIES, "biases": (2, 1)}
NAMES = {"tanh": "tanh", "relu": "ReLU"}
FORMULAS = {"tanh": r"\tanh", "relu": r"\mathrm{ReLU}"}
# Why the weights are scaled by 1/sqrt(H), per non-linearity (a comment of the template).
SCALING = {"tanh": "keep tanh out of saturation at the start",
           "relu": "keep the ReLU states small at the start"}


@dataclass(frozen=True)
class Params:
    nonlinearity: str = "tanh"
    biases: int = 2

    def __post_init__(self) -> None:
        require_one_of("nonlinearity", self.nonlinearity, NONLINEARITIES)
        # type(...) is int: True == 1 must not pass for one bias.
        require(type(self.biases) is int and self.biases in (1, 2),
                f"parameter biases must be 2 (b_xh and b_hh) or 1 (b_h), got "
                f"{self.biases!r}")


def bias_names(params: Params) -> tuple[str, ...]:
    return ("bias_xh", "bias_hh") if params.biases == 2 else ("bias_h",)


def context(params: Params) -> dict[str, Any]:
    return {"nonlinearity_name": NAMES[params.nonlinearity],
            "nonlinearity_tex": FORMULAS[params.nonlinearity]}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    function = f"torch.{params.nonlinearity}"
    found: list[Edit] = []
    if params.biases == 1:
        found += [
            Edit("tanh(x_t W_xh + b_xh + h_{t-1} W_hh + b_hh)",
                 "tanh(x_t W_xh + h_{t-1} W_hh + b_h)"),
            Edit("# A) Create weight and bias tensors with correct sizes,",
                 "# A) Create weights and the one bias with correct sizes,"),
            Edit("        self.bias_xh = nn.Parameter(torch.zeros(hidden_size))  # A)\n"
                 "        self.bias_hh = nn.Parameter(torch.zeros(hidden_size))  # A)\n",
                 "        self.bias_h = nn.Parameter(torch.zeros(hidden_size))  # A)\n"),
            Edit("            h = torch.tanh(x[t] @ self.weight_xh + self.bias_xh  # B)\n"
                 "                           + h @ self.weight_hh + self.bias_hh)  # B)\n",
                 f"            h = {function}(x[t] @ self.weight_xh  # B)\n"
                 "                           + h @ self.weight_hh + self.bias_h)  # B)\n"),
        ]
    elif params.nonlinearity != "tanh":
        found.append(Edit("            h = torch.tanh(x[t] @ self.weight_xh + self.bias_xh  # B)",
                          f"            h = {function}(x[t] @ self.weight_xh + self.bias_xh"
                          "  # B)"))
    if params.nonlinearity != "tanh":
        name = NAMES[params.nonlinearity]
        found += [
            Edit("a vanilla RNN, h_t = tanh(", f"a vanilla RNN, h_t = {name}("),
            Edit(SCALING["tanh"], SCALING[params.nonlinearity]),
        ]
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch

    from solver.seed import torch_generator

    params = params or Params()
    biases = bias_names(params)
    oracle = f"nn.RNN(nonlinearity='{params.nonlinearity}')"
    copied = "copied weights" + ("" if params.biases == 2 else ", b_ih = b_h and b_hh = 0")
    found: list[Check] = []
    torch_generator()
    for n, t, d, h in CASES:
        ours = lab.VanillaRNN(d, h)
        with torch.no_grad():
            for name in biases:  # non-zero biases, so the check covers them
                getattr(ours, name).normal_()
        reference = torch.nn.RNN(d, h, nonlinearity=params.nonlinearity, batch_first=True)
        theirs = dict(reference.named_parameters())
        with torch.no_grad():
            theirs["weight_ih_l0"].copy_(ours.weight_xh.T)
            theirs["weight_hh_l0"].copy_(ours.weight_hh.T)
            if params.biases == 2:
                theirs["bias_ih_l0"].copy_(ours.bias_xh)
                theirs["bias_hh_l0"].copy_(ours.bias_hh)
            else:  # the one bias enters once: nn.RNN's other bias is zero
                theirs["bias_ih_l0"].copy_(ours.bias_h)
                theirs["bias_hh_l0"].zero_()
            x = torch.randn(n, t, d)
            expected, _ = reference(x)
            found.append(compare(
                f"N={n}, T={t}, D={d}, H={h}: outputs equal {oracle} with {copied}",
                ours(x), expected, 1e-5))
    model = lab.VanillaRNN(4, 6)
    names = {name: tuple(p.shape) for name, p in model.named_parameters()}
    expected_shapes = {"weight_xh": (4, 6), "weight_hh": (6, 6),
                       **{name: (6,) for name in biases}}
    count = {4: "four", 3: "three"}[len(expected_shapes)]
    found.append(Check(f"all {count} tensors are registered nn.Parameters with the right "
                       "shapes", names == expected_shapes, f"{names}"))
    return found
