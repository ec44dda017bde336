"""Lab 5: dropout layers and a residual forward pass."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Check, Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.5",
    title="Dropout and a residual fully connected network",
    points={"A": 1, "B": 3},
    question=(
        "Complete FCNet_do: A) initialise the dropout layers; B) implement the forward pass "
        "of the figure (fc: fully connected, DO: dropout, merging arrows: summation)."
    ),
)

SAMPLES = 200_000


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use seeded inputs."""


def solve(params: Params) -> Solution:
    import torch

    from solver.labs import FCNet_do
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.dropout_net",
        readings=[
            "The figure is lost; the extracted text shows x -> fc -> ReLU -> fc -> ReLU -> DO "
            "-> y, but the docstring speaks of residual connections and summation, A asks for "
            "dropout layers (plural) and fc3 = Linear(32, 64) exists. Primary reading, which "
            "uses every layer with consistent sizes: h1 = DO(ReLU(fc1(x))), h2 = "
            "DO(ReLU(fc2(h1))) + h1, y = fc3(h2).",
            "Variant (the literal text): y = DO(ReLU(fc2(ReLU(fc1(x))))), a 32-d output "
            "that leaves fc3 unused.",
            "The template returns v although its docstring says y; v is kept. The dropout "
            f"probability is not given; p = {FCNet_do.p} is used.",
        ],
        explanations={
            "A": "nn.Dropout zeroes each unit with probability p in training and scales the "
                 "survivors by 1/(1 - p), so the expected activation is unchanged; in eval "
                 "mode it is the identity. Two layers, one per hidden block.",
            "B": "Each hidden block is fc, ReLU, dropout; the residual arrow adds h1 to the "
                 "second block's output (both 32-d), and fc3 maps the sum to the output.",
        },
    )
    torch_generator()
    net = FCNet_do()
    x = torch.randn(8, 16)
    net.eval()
    with torch.no_grad():
        first, second = net(x), net(x)
        h1 = torch.relu(x @ net.fc1.weight.T + net.fc1.bias)
        h2 = torch.relu(h1 @ net.fc2.weight.T + net.fc2.bias) + h1
        formula = h2 @ net.fc3.weight.T + net.fc3.bias
    solution.checks.append(compare("eval mode is deterministic (two passes agree)",
                                   first, second, 0.0))
    solution.checks.append(compare("eval mode equals fc3(ReLU(fc2(h1)) + h1), h1 = "
                                   "ReLU(fc1(x)), computed by hand", first, formula, 1e-6))
    net.train()
    p = FCNet_do.p
    with torch.no_grad():
        for name in ("dropout1", "dropout2"):
            out = getattr(net, name)(torch.ones(SAMPLES))
            dropped = float((out == 0).double().mean())
            kept = out[out != 0]
            scale_error = float((kept - 1 / (1 - p)).abs().max())
            # 5 standard deviations of a binomial proportion over SAMPLES units.
            band = 5 * (p * (1 - p) / SAMPLES) ** 0.5
            solution.checks.append(Check(
                f"train mode: {name} drops a fraction p of units and rescales by 1/(1 - p)",
                abs(dropped - p) <= band and scale_error <= 1e-6,
                f"dropped {dropped:.4f} of {SAMPLES} (p = {p}, band ±{band:.4f}); survivors "
                f"= {1 / (1 - p):g}",
                max_abs_error=scale_error, tolerance=1e-6))
        varied = not torch.equal(net(x), net(x))
    solution.checks.append(Check("train mode is stochastic (two passes differ)", varied,
                                 "two forward passes on the same batch"))
    solution.rubric += [
        Rubric("A", 1, "two nn.Dropout layers"),
        Rubric("B", 3, "fc-ReLU-dropout blocks (1), residual sum (1), fc3 output (1)"),
    ]
    return finish(solution)
