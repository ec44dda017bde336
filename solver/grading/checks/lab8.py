"""Lab 8: the auto-encoder; each part is run with the grader's layers or stand-ins for
the others, so it is judged on its own.

- A) Encoder layers of two sizes: linear1 (s_img^2 -> h_dim[0]), linear2 (h_dim[0] ->
  h_dim[1]), linear3 (h_dim[1] -> l_dim) as nn.Linear, and a relu that acts as ReLU.
- B) Encoder.forward with the grader's layers: output and gradients (latent code, after
  linear3 the version's activation: none, tanh or ReLU).
- C) Decoder.forward with the grader's layers: output and gradients, the pixels flat
  (N, s_img²) as the template allows (it keeps no s_img), or shaped (N, s_img, s_img) or
  (N, 1, s_img, s_img); the version's output activation (sigmoid or tanh).

A wrong output of B or C out of the version's range also says so (the range in words).
- D) Autoencoder.forward with stand-in encoder and decoder: decoder(encoder(x)), shaped
  like x or like the decoder's output, and gradients.
"""

from __future__ import annotations

from typing import Any

from solver.grading.checks.base import Judge, Verdict, keep, leaf
from solver.grading.compare import first_wrong
from solver.grading.probes import lab8 as probe
from solver.grading.versions import LabVersion

MODULE = "autoencoder"  # the completed template solver/labs/autoencoder.py
LABELS = ("A", "B", "C", "D")


def reference(seed: int, version: LabVersion) -> dict[str, Any]:
    import torch

    labs = version.module

    data = probe.inputs(seed, version.raw)
    ref: dict[str, Any] = {"relu": torch.relu(data["sample"])}
    for letter, kind, part, names, given in (
            ("B", labs.Encoder, "enc", probe.ENCODER, "x"),
            ("C", labs.Decoder, "dec", probe.DECODER, "z")):
        module = kind(probe.L_DIM, probe.S_IMG, list(probe.H_DIM))
        leaves = {given: leaf(data[given])}
        for name, _, _ in names:
            layer = probe.linear(data, f"{part}.{name}")
            setattr(module, name, layer)
            leaves[f"{name}.weight"], leaves[f"{name}.bias"] = layer.weight, layer.bias
        output = module(leaves[given])  # the upstream takes its shape, as in the probe
        keep(ref, letter, output, data[f"up.{letter}"].reshape(output.shape), leaves)
    encoder, decoder = probe.stand_ins(data)
    leaves = {"x": leaf(data["x"])}
    leaves.update({f"encoder.{k}": p for k, p in encoder.named_parameters()})
    leaves.update({f"decoder.{k}": p for k, p in decoder.named_parameters()})
    keep(ref, "D", decoder(encoder(leaves["x"])).view_as(leaves["x"]), data["up.D"], leaves)
    return ref


def _layers(j: Judge, ref: dict[str, Any]) -> Verdict:
    for l_dim, s_img, h_dim in probe.SHAPES:
        model = f"Encoder({l_dim}, {s_img}, {list(h_dim)})"
        values = j.step(f"A.{l_dim}-{s_img}", model).values
        sizes = {"linear1": (s_img * s_img, h_dim[0], "s_img * s_img -> h_dim[0]"),
                 "linear2": (h_dim[0], h_dim[1], "h_dim[0] -> h_dim[1]"),
                 "linear3": (h_dim[1], l_dim, "h_dim[1] -> l_dim")}
        for name, (n_in, n_out, meaning) in sizes.items():
            kind, got_in, got_out = (values.get(name) or ["missing", None, None])[:3]
            if [kind, got_in, got_out] != ["Linear", n_in, n_out]:
                got = f"{kind}({got_in}, {got_out})" if kind == "Linear" else f"a {kind}"
                return Verdict(False, (f"{model}.{name} is {got}, expected Linear({n_in}, "
                                       f"{n_out}) ({meaning}); {j.worked('A', name)}"))
        wrong = first_wrong(f"{model}.relu(sample)", values.get("relu_out"), ref["relu"])
        if wrong:
            return Verdict(False, f"{wrong} (relu is {values.get('relu')}); sample 3x7, "
                                  f"{j.seed_of(0)}; {j.worked('A', 'relu')}")
    return Verdict(True, "three Linear layers of the right sizes and a ReLU, for two sizes")


def _out_of_range(j: Judge, letter: str, got: Any, expected: Any) -> str:
    """Why a wrong output of B (the latent code) or C (the pixels) is out of the version's
    range, in the exam's words; '' when its range is not what gives it away."""
    import numpy as np

    if letter not in ("B", "C") or not isinstance(got, np.ndarray) or not got.size:
        return ""
    low, high = float(got.min()), float(got.max())
    if letter == "B":
        what, bottleneck = "the latent code", getattr(j.params, "bottleneck", "none")
        wanted, bottom, top = {"none": ("be unbounded", -np.inf, np.inf),
                               "tanh": ("lie in (-1, 1) (a tanh)", -1.0, 1.0),
                               "relu": ("be non-negative (a ReLU)", 0.0, np.inf)}[bottleneck]
    else:
        what, output = "every pixel", getattr(j.params, "output", "sigmoid")
        wanted, bottom, top = {"sigmoid": ("lie in [0, 1] (a sigmoid)", 0.0, 1.0),
                               "tanh": ("lie in [-1, 1] (a tanh)", -1.0, 1.0)}[output]
    if low < bottom or high > top:
        return f"{what} should {wanted}, but its values span [{low:.4g}, {high:.4g}]"
    if float(expected.min()) < 0 <= low:
        return f"{what} should {wanted}, but none of its values is negative"
    return ""


def _forward(j: Judge, ref: dict[str, Any], letter: str, doing: str, source: str,
             shapes: tuple[tuple[int, ...], ...]) -> Verdict:
    key = {"B": "B.encoder", "C": "C.decoder", "D": "D.autoencoder"}[letter]
    got = j.value(key, "y", doing)
    expected = ref[f"y{letter}"]
    if getattr(got, "shape", None) in shapes:
        expected = expected.reshape(got.shape)
    names = {name: f"dL/d{name}" for name in ref[f"grads{letter}"]}
    wrong = j.output_then_gradients(key, doing, "output", got, expected, names,
                                    ref[f"grads{letter}"], subject="the output")
    if wrong:
        hint = _out_of_range(j, letter, got, expected) if wrong.startswith("output[") else ""
        return Verdict(False, f"{wrong}; {hint + '; ' if hint else ''}{source}; "
                              f"{j.worked(letter)}")
    return Verdict(True, "output and gradients match")


def judge(j: Judge, ref: dict[str, Any]) -> dict[str, Verdict]:
    n, s, l_dim = probe.BATCH, probe.S_IMG, probe.L_DIM
    seed = j.seed_of(1)
    return {
        "A": j.part(lambda: _layers(j, ref)),
        "B": j.part(lambda: _forward(j, ref, "B", "Encoder.forward(x) with the grader's layers",
                                     f"input x {n}x1x{s}x{s}, layers from {j.seed_of(0)}, "
                                     f"{seed}", ())),
        "C": j.part(lambda: _forward(j, ref, "C", "Decoder.forward(z) with the grader's layers",
                                     f"input z {n}x{l_dim}, layers from {j.seed_of(0)}, {seed}",
                                     ((n, s, s), (n, 1, s, s)))),
        "D": j.part(lambda: _forward(j, ref, "D", "Autoencoder.forward(x) with stand-in "
                                     "encoder (flatten, linear) and decoder (linear, unflatten)",
                                     f"input x {n}x1x{s}x{s}, {seed}", ((n, s, s),))),
    }
