"""Lectures 4, 6, 7, 8: the key numbers of each demonstration, against independent
references (torch autograd and modules, closed forms)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from solver.questions import lecture6, rnn_jacobians
from tests.conftest import solve


def test_lecture4_capacity_sweep_shows_both_regimes() -> None:
    answer = solve("lecture.4").answer
    train, val, best = answer["train_mse"], answer["validation_mse"], answer["best_degree"]
    noise_variance = 0.2**2
    assert train[0] > 5 * noise_variance  # degree 0 underfits: high training error
    assert 0 < best < len(val) - 1  # the best capacity is in between
    assert val[best] < val[0] and val[best] < val[-1]
    assert train[-1] < noise_variance < val[-1]  # the largest model fits the noise
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(train))


def test_lecture4_fit_matches_numpy_polyfit() -> None:
    from solver.questions.capacity_sweep import fit_vandermonde

    rng = np.random.default_rng(0)
    x, y = rng.uniform(0, 1, 20), rng.normal(size=20)
    ours = fit_vandermonde(x, y, 3)(x)
    assert np.allclose(ours, np.polyval(np.polyfit(x, y, 3), x), atol=1e-9)


def test_lecture6_jacobian_norms_match_torch_autograd() -> None:
    params = lecture6.Params()
    rng = np.random.default_rng(1)
    w = 1.25 * rnn_jacobians.random_orthogonal(params.hidden_size, rng)
    inputs = rng.normal(0, 0.01, size=(12, params.hidden_size))
    states = rnn_jacobians.forward_states(w, inputs)
    ours = rnn_jacobians.jacobian_norms(rnn_jacobians.chain_rule_jacobians(w, states))

    weight = torch.tensor(w)
    xs = torch.tensor(inputs)

    def unroll(h_start: torch.Tensor, start: int) -> torch.Tensor:
        h = h_start
        for x in xs[start:]:
            h = torch.tanh(weight @ h + x)
        return h

    for back in (1, 5, 12):
        start = 12 - back
        h_start = torch.tensor(states[start])
        jac = torch.autograd.functional.jacobian(lambda h, s=start: unroll(h, s), h_start)
        assert math.isclose(float(torch.linalg.matrix_norm(jac, ord=2)), ours[back],
                            rel_tol=1e-9)


def test_lecture6_vanishing_and_exploding_trends() -> None:
    answer = solve("lecture.6").answer
    assert answer["norm_small_radius"] < 0.8**30 * 1.0001  # bounded by rho^(T-t)
    assert answer["norm_small_radius"] < 1e-2
    assert answer["norm_large_radius"] > 10


def test_lecture7_counts_do_not_depend_on_length_and_match_torch() -> None:
    d, heads = 64, 4
    answer = solve("lecture.7", d=d, heads=heads, t=10).answer
    assert answer["params_single_t"] == answer["params_single_2t"]
    from solver.labs import SelfAttention

    lab = SelfAttention(d)
    assert answer["params_single_t"] == sum(p.numel() for p in lab.parameters())
    # Narrow: each head has its own (d/h) x (d/h) query, key and value maps on its own
    # slice of the embedding, then a d x d output projection: 3d^2/h + d^2.
    s = d // heads
    narrow = torch.nn.ModuleList([
        *(torch.nn.Linear(s, s, bias=False) for _ in range(3 * heads)),
        torch.nn.Linear(d, d, bias=False)])
    assert answer["params_narrow"] == sum(p.numel() for p in narrow.parameters()) == 7168
    # Wide: h full-width heads (lab 7's layer each) and an hd x d output projection:
    # h times torch's project-then-split layer (4d^2).
    wide = torch.nn.ModuleList([*(SelfAttention(d) for _ in range(heads)),
                                torch.nn.Linear(heads * d, d, bias=False)])
    split = torch.nn.MultiheadAttention(d, heads, bias=False)
    assert answer["params_wide"] == sum(p.numel() for p in wide.parameters()) == 65536
    assert answer["params_wide"] == heads * sum(p.numel() for p in split.parameters())
    # Torch's layers run on t and 2t with the same parameters.
    for t in (10, 20):
        x = torch.randn(t, 1, d)
        assert split(x, x, x)[0].shape == (t, 1, d)
        batch = x.transpose(0, 1)  # (1, t, d): head h attends over t with its slice
        slices = [torch.nn.functional.scaled_dot_product_attention(
            *(narrow[3 * h + i](batch[:, :, h * s:(h + 1) * s]) for i in range(3)))
            for h in range(heads)]
        assert narrow[-1](torch.cat(slices, dim=2)).shape == (1, t, d)


def test_lecture8_equilibrium_and_optimal_discriminator() -> None:
    answer = solve("lecture.8").answer
    assert math.isclose(answer["V_equilibrium"], -math.log(4), abs_tol=1e-9)
    assert -math.log(4) < answer["V_optimal_D"] < 0  # JSD > 0 for different distributions
    same = solve("lecture.8", gen_mean=0.0, gen_sd=1.0).answer
    assert math.isclose(same["V_optimal_D"], -math.log(4), abs_tol=1e-9)
    assert math.isclose(same["JSD"], 0.0, abs_tol=1e-12)
    # JSD by an independent Monte Carlo estimate (torch distributions), loose tolerance.
    torch.manual_seed(0)
    p, q = torch.distributions.Normal(0.0, 1.0), torch.distributions.Normal(1.5, 0.7)
    def half_kl(a, b) -> float:
        x = a.sample((400_000,))
        m = torch.logaddexp(a.log_prob(x), b.log_prob(x)) - math.log(2)
        return float((a.log_prob(x) - m).mean())
    jsd = 0.5 * half_kl(p, q) + 0.5 * half_kl(q, p)
    assert math.isclose(answer["JSD"], jsd, abs_tol=5e-3)
