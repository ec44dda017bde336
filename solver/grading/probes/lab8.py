"""Lab 8 probe: Encoder, Decoder and Autoencoder(l_dim, s_img, h_dim).

A: the layers of two fresh encoders (linear1..3: in and out features; relu: its class and
its output on a seeded sample). B: Encoder.forward with the grader's layers installed
(seeded weights of the right sizes and nn.ReLU), so B does not depend on A; the version's
activation after the last layer is the student's. C: Decoder.forward with the grader's
seeded layers and the version's output activation, installed under the name the Decoder's
given __init__ uses (sigmoid: nn.Sigmoid, tanh: nn.Tanh). D: Autoencoder.forward with
stand-ins for the encoder (flatten, one linear map) and the decoder (one linear map,
unflatten to s_img x s_img), so D does not depend on B or C. B, C and D send their output
and the gradients of a seeded loss.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
from torch import nn

from . import kit

L_DIM, S_IMG, H_DIM, BATCH = 4, 8, (32, 16), 5
SHAPES = ((4, 8, (32, 16)), (3, 6, (20, 10)))  # (l_dim, s_img, h_dim)
PIXELS = S_IMG * S_IMG
ENCODER = (("linear1", PIXELS, H_DIM[0]), ("linear2", H_DIM[0], H_DIM[1]),
           ("linear3", H_DIM[1], L_DIM))
DECODER = (("linear1", L_DIM, H_DIM[1]), ("linear2", H_DIM[1], H_DIM[0]),
           ("linear3", H_DIM[0], PIXELS))
# The encoder's last layer is scaled up so that the latent code spans about ±2, where a
# tanh after it is far from the identity (at the other layers' scale it spans ±0.3).
LATENT_GAIN = 8.0
# The decoder's output activation per version: the given __init__'s attribute and class.
OUTPUTS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


def inputs(seed: int, params: dict[str, Any]) -> dict[str, Any]:
    g = kit.generator(seed, 0)
    data: dict[str, Any] = {"sample": kit.randn(g, 3, 7)}
    for part, layers in (("enc", ENCODER), ("dec", DECODER)):
        for name, n_in, n_out in layers:
            gain = LATENT_GAIN if (part, name) == ("enc", "linear3") else 1.0
            data[f"{part}.{name}.weight"] = kit.randn(g, n_out, n_in) * gain / n_in**0.5
            data[f"{part}.{name}.bias"] = kit.randn(g, n_out) * 0.1
    data["stand.encoder.weight"] = kit.randn(g, L_DIM, PIXELS) / PIXELS**0.5
    data["stand.encoder.bias"] = kit.randn(g, L_DIM) * 0.1
    data["stand.decoder.weight"] = kit.randn(g, PIXELS, L_DIM) / L_DIM**0.5
    data["stand.decoder.bias"] = kit.randn(g, PIXELS) * 0.1
    g = kit.generator(seed, 1)
    data["x"] = kit.rand(g, BATCH, 1, S_IMG, S_IMG)
    data["z"] = kit.randn(g, BATCH, L_DIM)
    data["up.B"] = kit.randn(g, BATCH, L_DIM)
    data["up.C"] = kit.randn(g, BATCH, S_IMG, S_IMG)
    data["up.D"] = kit.randn(g, BATCH, 1, S_IMG, S_IMG)
    output = params.get("output", "sigmoid")
    data["output"] = output if output in OUTPUTS else "sigmoid"
    return data


def linear(data: dict[str, Any], key: str) -> nn.Linear:
    weight, bias = data[f"{key}.weight"], data[f"{key}.bias"]
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(weight)
        layer.bias.copy_(bias)
    return layer


def stand_ins(data: dict[str, Any]) -> tuple[nn.Module, nn.Module]:
    """The encoder and decoder that part D runs with (the parent builds the same)."""
    encoder = nn.Sequential(nn.Flatten(), linear(data, "stand.encoder"))
    decoder = nn.Sequential(linear(data, "stand.decoder"), nn.Unflatten(1, (S_IMG, S_IMG)))
    return encoder, decoder


def run(namespace: dict[str, Any], data: dict[str, Any], step: kit.Step) -> None:
    def layers(l_dim: int, s_img: int, h_dim: tuple[int, int]) -> dict[str, Any]:
        encoder = kit.need(namespace, "Encoder")(l_dim, s_img, list(h_dim))
        found: dict[str, Any] = {}
        for name in ("linear1", "linear2", "linear3"):
            layer = getattr(encoder, name, None)
            found[name] = [type(layer).__name__, getattr(layer, "in_features", None),
                           getattr(layer, "out_features", None)]
        relu = getattr(encoder, "relu", None)
        found["relu"] = type(relu).__name__
        found["relu_out"] = relu(data["sample"].clone()) if callable(relu) else None
        return found

    def install(module: Any, part: str, names: tuple[tuple[str, int, int], ...],
                leaves: dict[str, torch.Tensor]) -> None:
        for name, _, _ in names:
            layer = linear(data, f"{part}.{name}")
            setattr(module, name, layer)
            leaves[f"{name}.weight"], leaves[f"{name}.bias"] = layer.weight, layer.bias
        module.relu = nn.ReLU()

    def encode() -> dict[str, Any]:
        encoder = kit.need(namespace, "Encoder")(L_DIM, S_IMG, list(H_DIM))
        leaves = {"x": kit.leaf(data["x"])}
        install(encoder, "enc", ENCODER, leaves)
        z = encoder(leaves["x"])
        return {"y": z, **kit.backward(z, data["up.B"], leaves)}

    def decode() -> dict[str, Any]:
        decoder = kit.need(namespace, "Decoder")(L_DIM, S_IMG, list(H_DIM))
        leaves = {"z": kit.leaf(data["z"])}
        install(decoder, "dec", DECODER, leaves)
        setattr(decoder, data["output"], OUTPUTS[data["output"]]())
        image = decoder(leaves["z"])
        return {"y": image, **kit.backward(image, data["up.C"], leaves)}

    def autoencode() -> dict[str, Any]:
        model = kit.need(namespace, "Autoencoder")(L_DIM, S_IMG, list(H_DIM))
        model.encoder, model.decoder = stand_ins(data)
        leaves = {"x": kit.leaf(data["x"])}
        leaves.update({f"encoder.{k}": p for k, p in model.encoder.named_parameters()})
        leaves.update({f"decoder.{k}": p for k, p in model.decoder.named_parameters()})
        output = model(leaves["x"])
        return {"y": output, **kit.backward(output, data["up.D"], leaves)}

    for l_dim, s_img, h_dim in SHAPES:
        step(f"A.{l_dim}-{s_img}", partial(layers, l_dim, s_img, h_dim))
    step("B.encoder", encode)
    step("C.decoder", decode)
    step("D.autoencoder", autoencode)


preset = kit.preset
