"""Lab 6: the vanilla RNN, verified against nn.RNN with copied weights."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Check, Meta, Rubric, Solution
from solver.questions.labkit import compare, finish, start

META = Meta(
    id="lab.6",
    title="Vanilla RNN",
    points={"A": 2, "B": 2},
    question=(
        "Complete VanillaRNN with h_t = tanh(W_xh x_t + b_xh + W_hh h_{t-1} + b_h): "
        "A) parameter initialisation with the right sizes; B) the forward pass."
    ),
)

CASES = ((3, 5, 4, 6), (1, 1, 3, 2), (4, 7, 2, 8))  # (N, T, D, H)


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use seeded shapes and weights."""


def solve(params: Params) -> Solution:
    import torch

    from solver.labs import VanillaRNN
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.rnn",
        readings=[
            "x has shape (N, T, D): weight_xh is [D, H] and weight_hh is [H, H] so that "
            "x_t W_xh + h_{t-1} W_hh is [N, H]; both biases are [H]. nn.RNN stores the "
            "transposes ([H, D], [H, H]).",
        ],
        explanations={
            "A": "Four nn.Parameter tensors so the optimiser sees them: input-to-hidden "
                 "[D, H], hidden-to-hidden [H, H], two [H] biases. Weights scaled by "
                 "1/sqrt(H) keep tanh unsaturated at the start; biases start at zero.",
            "B": "Start from h_0 = 0 and loop over time: each step mixes the current input "
                 "and the previous state through tanh, and the state is appended as the "
                 "output of that step. The same weights are used at every step.",
        },
    )
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
            solution.checks.append(compare(
                f"N={n}, T={t}, D={d}, H={h}: outputs equal nn.RNN with copied weights",
                ours(x), expected, 1e-5))
    model = VanillaRNN(4, 6)
    names = {name: tuple(p.shape) for name, p in model.named_parameters()}
    expected_shapes = {"weight_xh": (4, 6), "weight_hh": (6, 6), "bias_xh": (6,),
                       "bias_hh": (6,)}
    solution.checks.append(Check("all four tensors are registered nn.Parameters with the "
                                 "right shapes", names == expected_shapes, f"{names}"))
    solution.rubric += [
        Rubric("A", 2, "shapes [D, H], [H, H], [H], [H] (1), wrapped in nn.Parameter (1)"),
        Rubric("B", 2, "recurrence with tanh over t (1), outputs collected per step (1)"),
    ]
    return finish(solution)
