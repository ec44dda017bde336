"""The completed lab templates against torch oracles over random shapes, with gradient
checks in float64 for the backward passes."""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from solver import labs
from solver.labs import (
    Autoencoder,
    Conv2d,
    Decoder,
    Encoder,
    FCNet_do,
    Linear,
    ReLU,
    SelfAttention,
    Sigmoid,
    VanillaRNN,
    momentum,
)
from solver.questions.labkit import answer_lines, source
from tests.conftest import solve

seeds = st.integers(0, 2**31 - 1)


def test_exports_and_signatures() -> None:
    assert set(labs.__all__) == {"Linear", "ReLU", "Sigmoid", "Conv2d", "momentum", "FCNet_do",
                                 "VanillaRNN", "SelfAttention", "Encoder", "Decoder",
                                 "Autoencoder"}
    signature = {name: list(inspect.signature(obj).parameters) for name, obj in (
        ("Linear", Linear), ("Conv2d", Conv2d), ("momentum", momentum),
        ("VanillaRNN", VanillaRNN), ("SelfAttention", SelfAttention),
        ("Autoencoder", Autoencoder), ("Encoder", Encoder), ("Decoder", Decoder))}
    assert signature == {
        "Linear": ["in_feat", "out_feat"],
        "Conv2d": ["in_channels", "out_channels", "kernel_size", "stride", "padding"],
        "momentum": ["X", "rho", "learning_rate", "prev_value", "Grad"],
        "VanillaRNN": ["input_size", "hidden_size"],
        "SelfAttention": ["k"],
        "Autoencoder": ["l_dim", "s_img", "h_dim"],
        "Encoder": ["l_dim", "s_img", "h_dim"],
        "Decoder": ["l_dim", "s_img", "h_dim"],
    }
    assert inspect.signature(Autoencoder).parameters["h_dim"].default == [256, 128]
    assert list(inspect.signature(FCNet_do).parameters) == []
    assert list(SelfAttention(4)._modules) == ["k", "q", "v"]  # the template's order
    assert SelfAttention(k=8).q.in_features == 8  # the template's keyword works


@pytest.mark.parametrize("qid", [f"lab.{n}" for n in range(1, 9)])
def test_every_sub_question_has_marked_answer_lines(qid: str) -> None:
    solution = solve(qid)
    assert set(solution.meta.points) - {""} <= set(solution.answer)
    assert solution.verified
    code = next(step for step in solution.steps if step.type == "code")
    assert code.highlight  # the sheet highlights the answer lines


def test_answer_lines_are_read_from_code_lines_only() -> None:
    marked = answer_lines(source("linear"))
    assert [text.strip() for _, text in marked["A"]] == [
        "self.weight = torch.empty(in_feat, out_feat)", "self.bias = torch.empty(out_feat)"]


@given(seeds, st.integers(1, 6), st.integers(1, 6), st.integers(1, 6))
def test_linear_against_torch(seed: int, batch: int, n_in: int, n_out: int) -> None:
    torch.manual_seed(seed)
    layer = Linear(n_in, n_out)
    x = torch.randn(batch, n_in, dtype=torch.float64)
    layer.weight, layer.bias = layer.weight.double(), layer.bias.double()
    expected = torch.sigmoid(F.linear(x, layer.weight.T, layer.bias))
    assert torch.allclose(layer.forward(x), expected, atol=1e-12, rtol=0)


@given(seeds, st.integers(1, 5), st.integers(1, 5))
def test_activation_backward_against_autograd(seed: int, rows: int, cols: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, cols, generator=generator, dtype=torch.float64)
    x[0, 0] = 0.0
    upstream = torch.randn(rows, cols, generator=generator, dtype=torch.float64)
    for layer, reference in ((ReLU(), torch.relu), (Sigmoid(), torch.sigmoid)):
        leaf = x.clone().requires_grad_(True)
        reference(leaf).backward(upstream)
        layer.forward(x)
        assert torch.allclose(layer.backward(upstream), leaf.grad, atol=1e-12, rtol=0)


def finite_difference(f, x: torch.Tensor, upstream: torch.Tensor, eps: float = 1e-6):
    grad = torch.zeros_like(x)
    for index in range(x.numel()):
        step = torch.zeros_like(x).view(-1)
        step[index] = eps
        step = step.view_as(x)
        grad.view(-1)[index] = ((f(x + step) - f(x - step)) * upstream).sum() / (2 * eps)
    return grad


def test_backward_passes_match_finite_differences() -> None:
    generator = torch.Generator().manual_seed(1)
    # Away from ReLU's kink, where finite differences are meaningful.
    x = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    x = x + 0.1 * torch.sign(x)
    upstream = torch.randn(4, 3, generator=generator, dtype=torch.float64)
    for layer in (ReLU(), Sigmoid()):
        layer.forward(x)
        analytic = layer.backward(upstream)
        numeric = finite_difference(lambda t, layer=layer: layer.forward(t), x, upstream)
        assert torch.allclose(analytic, numeric, atol=1e-8, rtol=0)


@st.composite
def conv_cases(draw: st.DrawFn):
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    p = draw(st.integers(0, 2))
    k = draw(st.integers(1, min(h, w) + 2 * p))
    s = draw(st.integers(1, 3))
    return n, c, h, w, f, k, s, p, draw(seeds)


@given(conv_cases())
def test_conv_against_conv2d(case) -> None:
    n, c, h, w, f, k, s, p, seed = case
    torch.manual_seed(seed)
    layer = Conv2d(c, f, k, stride=s, padding=p)
    layer.weight, layer.bias = layer.weight.double(), layer.bias.double()
    x = torch.randn(n, c, h, w, dtype=torch.float64)
    expected = F.conv2d(x, layer.weight, layer.bias, stride=s, padding=p)
    assert torch.allclose(layer.forward(x), expected, atol=1e-12, rtol=0)


def test_conv_gradcheck() -> None:
    torch.manual_seed(0)
    layer = Conv2d(2, 2, 3, stride=2, padding=1)
    weight = layer.weight.double().requires_grad_(True)
    bias = layer.bias.double().requires_grad_(True)
    x = torch.randn(1, 2, 5, 5, dtype=torch.float64, requires_grad=True)

    def run(x, weight, bias):
        layer.weight, layer.bias = weight, bias
        return layer.forward(x)

    assert torch.autograd.gradcheck(run, (x, weight, bias))


@given(seeds, st.floats(0.0, 0.99), st.floats(1e-3, 0.5), st.integers(1, 8))
def test_momentum_against_sgd(seed: int, rho: float, lr: float, steps: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    x0 = torch.randn(2, generator=generator, dtype=torch.float64)
    v0 = torch.randn(2, generator=generator, dtype=torch.float64)
    target = torch.randn(2, generator=generator, dtype=torch.float64)

    def grad(a, b):
        return torch.stack([a - target[0], 3 * (b - target[1])])

    ours, v = x0.clone(), v0.clone()
    theirs = x0.clone().requires_grad_(True)
    sgd = torch.optim.SGD([theirs], lr=lr, momentum=rho, dampening=rho)
    sgd.state[theirs]["momentum_buffer"] = v0.clone()
    for _ in range(steps):
        ours, v = momentum(ours, rho, lr, v, Grad=grad)
        sgd.zero_grad()
        (0.5 * (theirs[0] - target[0]) ** 2 + 1.5 * (theirs[1] - target[1]) ** 2).backward()
        sgd.step()
    assert torch.allclose(ours, theirs.detach(), atol=1e-10, rtol=0)


def test_momentum_regression_one_step() -> None:
    # v = 0.9 * 1 + 0.1 * 2x = 0.9 + 0.2 * 1 = 1.1 at x = 1; X' = 1 - 0.5 * 1.1 = 0.45.
    x, v = momentum(torch.tensor([1.0, 0.0]), 0.9, 0.5, torch.tensor([1.0, 0.0]))
    assert torch.allclose(v, torch.tensor([1.1, 0.0]))
    assert torch.allclose(x, torch.tensor([0.45, 0.0]))


def test_dropout_net_eval_formula_and_train_scaling() -> None:
    torch.manual_seed(3)
    net = FCNet_do().eval()
    x = torch.randn(5, 16)
    with torch.no_grad():
        h1 = F.relu(F.linear(x, net.fc1.weight, net.fc1.bias))
        expected = F.linear(F.relu(F.linear(h1, net.fc2.weight, net.fc2.bias)) + h1,
                            net.fc3.weight, net.fc3.bias)
        assert torch.allclose(net(x), expected, atol=1e-6)
        assert net(x).shape == (5, 64)
        net.train()
        out = net.dropout1(torch.ones(100_000))
        p = net.dropout1.p
        assert set(out.unique().tolist()) == {0.0, 1 / (1 - p)}
        assert abs(float((out == 0).float().mean()) - p) < 0.01


@given(seeds, st.integers(1, 3), st.integers(1, 5), st.integers(1, 4), st.integers(1, 5))
def test_rnn_against_nn_rnn(seed: int, n: int, t: int, d: int, h: int) -> None:
    torch.manual_seed(seed)
    ours = VanillaRNN(d, h).double()
    with torch.no_grad():
        ours.bias_xh.normal_()
        ours.bias_hh.normal_()
    reference = torch.nn.RNN(d, h, batch_first=True).double()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(ours.weight_xh.T)
        reference.weight_hh_l0.copy_(ours.weight_hh.T)
        reference.bias_ih_l0.copy_(ours.bias_xh)
        reference.bias_hh_l0.copy_(ours.bias_hh)
        x = torch.randn(n, t, d, dtype=torch.float64)
        assert torch.allclose(ours(x), reference(x)[0], atol=1e-12, rtol=0)


def test_rnn_gradcheck() -> None:
    torch.manual_seed(0)
    model = VanillaRNN(3, 4).double()
    x = torch.randn(2, 3, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(model, (x,))


@given(seeds, st.integers(1, 3), st.integers(1, 6), st.sampled_from([1, 2, 4, 8]))
def test_attention_against_sdpa(seed: int, b: int, t: int, d: int) -> None:
    torch.manual_seed(seed)
    layer = SelfAttention(d).double()
    x = torch.randn(b, t, d, dtype=torch.float64)
    with torch.no_grad():
        expected = F.scaled_dot_product_attention(layer.q(x), layer.k(x), layer.v(x))
        assert torch.allclose(layer(x), expected, atol=1e-12, rtol=0)


@given(seeds, st.integers(1, 6), st.integers(2, 6), st.integers(2, 9), st.integers(2, 9))
def test_autoencoder_shapes_range_and_count(seed: int, l_dim: int, s_img: int, h0: int,
                                            h1: int) -> None:
    torch.manual_seed(seed)
    model = Autoencoder(l_dim, s_img, [h0, h1])
    x = torch.rand(3, 1, s_img, s_img)
    with torch.no_grad():
        out = model(x)
        assert model.encoder(x).shape == (3, l_dim)
    assert out.shape == x.shape
    assert float(out.min()) >= 0 and float(out.max()) <= 1
    n2 = s_img * s_img
    formula = 2 * (n2 * h0 + h0 * h1 + h1 * l_dim) + (h0 + h1 + l_dim) + (h1 + h0 + n2)
    assert sum(p.numel() for p in model.parameters()) == formula


def test_lab_answers_are_deterministic() -> None:
    first, second = solve("lab.8"), solve("lab.8")
    assert [c.detail for c in first.checks] == [c.detail for c in second.checks]
    errors = [c.max_abs_error for c in first.checks if c.max_abs_error is not None]
    assert errors and all(math.isfinite(e) for e in errors)
