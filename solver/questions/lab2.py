"""Lab 2: backward passes of two activations from their cached outputs, verified against
torch.autograd.

Versions: the first class (the exam's ReLU, or a LeakyReLU whose negative slope the
statement and template give as a number: dx keeps that slope where x <= 0 instead of
zeroing it, so the number is in the answer line) and the second (the exam's Sigmoid,
dx = dup y (1 - y); or Tanh, dx = dup (1 - y^2)). Both keep the lab's point: the
derivative written from the cached output y alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require, require_one_of
from solver.questions.labkit import Edit, compare, source

SLOPES = (0.0, 0.01, 0.1, 0.2)  # 0.0: the exam's ReLU
SQUASHING = ("sigmoid", "tanh")
AXES: dict[str, tuple[Any, ...]] = {"negative_slope": SLOPES, "squashing": SQUASHING}
TEMPLATE = "activations"  # the exam's completed template solver/labs/activations.py

# The variants' classes, in the completed template's style; {slope} is the version's.
LEAKY_RELU = '''class LeakyReLU(object):
    """LeakyReLU non-linear activation function, negative slope {slope}."""

    def __init__(self):
        super(LeakyReLU, self).__init__()
        # Cache forward pass variables for use during backward pass.
        self.cache = None

    def forward(self, x):
        """y = max(0, x) + {slope} min(0, x); the template caches the output y."""
        y = torch.clamp(x, min=0) + {slope} * torch.clamp(x, max=0)  # forward pass
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        """Return dx = dupstream where x > 0, else {slope} * dupstream.

        The cache holds y, and y > 0 exactly where x > 0 (the slope is positive). At
        x = 0 the derivative is that of the branch x <= 0, as in F.leaky_relu.
        """
        # Making sure that we don't modify the incoming upstream gradient
        dupstream = dupstream.clone()
        # A) LeakyReLU Backward pass
        dx = torch.where(self.cache > 0, dupstream, {slope} * dupstream)  # A)
        # END OF YOUR CODE
        return dx


'''
TANH = '''class Tanh(object):
    """Tanh non-linear activation function."""

    def __init__(self):
        super(Tanh, self).__init__()
        # Cache forward pass variables for use during backward pass.
        self.cache = None

    def forward(self, x):
        """y = tanh(x); the cache holds y."""
        y = torch.tanh(x)
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        """Return dx = dupstream * tanh'(x), with tanh'(x) = 1 - y^2."""
        # B) Tanh Backward pass
        dx = dupstream * (1.0 - self.cache ** 2)  # B)
        # END OF YOUR CODE
        return dx
'''


@dataclass(frozen=True)
class Params:
    negative_slope: float = 0.0  # 0: ReLU (the exam's); else a LeakyReLU with this slope
    squashing: str = "sigmoid"

    def __post_init__(self) -> None:
        require(0 <= self.negative_slope < 1,
                f"parameter negative_slope must be at least 0 (0: ReLU) and below 1, got "
                f"{self.negative_slope!r}")
        require_one_of("squashing", self.squashing, SQUASHING)


def class_names(params: Params) -> tuple[str, str]:
    """The version's two classes (the probe derives the same from the raw parameters)."""
    return ("LeakyReLU" if params.negative_slope else "ReLU",
            "Tanh" if params.squashing == "tanh" else "Sigmoid")


def slope_text(params: Params) -> str:
    """The slope as the template's code and the statement print it (0.01, 0.1, 0.2)."""
    return repr(float(params.negative_slope))


def context(params: Params) -> dict[str, Any]:
    first, second = class_names(params)
    return {"first_class": first, "second_class": second, "slope": slope_text(params)}


def _class_block(code: str, name: str) -> str:
    """Class ``name`` of the exam's completed template, with the blank lines after it."""
    start = code.index(f"class {name}(object):")
    end = code.find("\nclass ", start)
    return code[start:] if end < 0 else code[start:end + 1]


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template: whole classes."""
    code = source(TEMPLATE)
    first, second = class_names(params)
    found: list[Edit] = []
    if (first, second) != ("ReLU", "Sigmoid"):
        found.append(Edit('"""Lab 2: backward passes of ReLU and Sigmoid."""',
                          f'"""Lab 2: backward passes of {first} and {second}."""'))
    if params.negative_slope:
        found.append(Edit(_class_block(code, "ReLU"),
                          LEAKY_RELU.replace("{slope}", slope_text(params))))
    if params.squashing == "tanh":
        found.append(Edit(_class_block(code, "Sigmoid"), TANH))
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch
    import torch.nn.functional as F

    from solver.seed import torch_generator

    params = params or Params()
    first, second = class_names(params)
    slope = float(params.negative_slope)
    oracles = {
        "ReLU": (torch.relu, "torch.relu"),
        "LeakyReLU": (lambda t: F.leaky_relu(t, negative_slope=slope),
                      f"F.leaky_relu(negative_slope={slope!r})"),
        "Sigmoid": (torch.sigmoid, "torch.sigmoid"),
        "Tanh": (torch.tanh, "torch.tanh"),
    }
    found: list[Check] = []
    generator = torch_generator()
    x = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    x[0, :3] = 0.0  # the kink of (Leaky)ReLU
    upstream = torch.randn(6, 5, generator=generator, dtype=torch.float64)
    for name, is_first in ((first, True), (second, False)):
        reference, oracle = oracles[name]
        layer = getattr(lab, name)()
        leaf = x.clone().requires_grad_(True)
        # The vector-Jacobian product as the gradient of a scalar: backward(upstream) would
        # make torch import its symbolic-shape checker (and sympy), half a second here.
        (reference(leaf) * upstream).sum().backward()
        kept = upstream.clone()
        y = layer.forward(x)
        dx = layer.backward(upstream)
        assert leaf.grad is not None
        detail = "6×5 float64 input" + (" with three exact zeros" if is_first else "")
        found.append(compare(f"{name}.forward (given) equals {oracle}", y, reference(x),
                             1e-12, detail))
        found.append(compare(f"{name}.backward equals torch.autograd of {oracle}", dx,
                             leaf.grad, 1e-12, detail))
        found.append(compare(f"{name}.backward leaves the upstream gradient unchanged",
                             upstream, kept, 0.0, "compared with a copy"))
    return found
