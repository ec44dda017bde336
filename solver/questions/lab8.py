"""Lab 8: the fully connected auto-encoder (Encoder, Decoder, Autoencoder).

Versions: the activation after the encoder's last layer (the exam's: none, an unbounded
latent code; tanh, a code in (-1, 1); ReLU, a non-negative code) and the decoder's
output activation (the exam's: sigmoid, pixels in [0, 1]; tanh, pixels in [-1, 1]),
which the Decoder's given __init__ names.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from solver.model import Check
from solver.params import require_one_of
from solver.questions.labkit import Edit, compare

S_IMG, L_DIM, STEPS = 8, 4, 60
BOTTLENECKS = ("none", "tanh", "relu")
OUTPUTS = ("sigmoid", "tanh")
AXES: dict[str, tuple[Any, ...]] = {"bottleneck": BOTTLENECKS, "output": OUTPUTS}

# Each bottleneck: the statement's sentence, the template's part-B comment and line.
BOTTLENECK_SENTENCES = {
    "none": "the latent code is unbounded (any real value)",
    "tanh": "the latent code is bounded: a tanh after the encoder's last layer keeps it "
            "in (-1, 1)",
    "relu": "the latent code is non-negative: the encoder's ReLU also follows its last "
            "layer",
}
BOTTLENECK_LINES = {
    "none": ("# B) Final layer, no non-linearity: the latent code is unbounded.",
             "x = self.linear3(x)  # B)"),
    "tanh": ("# B) Final layer, then a tanh: the latent code lies in (-1, 1).",
             "x = torch.tanh(self.linear3(x))  # B)"),
    "relu": ("# B) Final layer, then the ReLU: the latent code is non-negative.",
             "x = self.relu(self.linear3(x))  # B)"),
}
# Each output activation: its nn class (the Decoder's given attribute) and pixel range.
OUTPUT_CLASSES = {"sigmoid": "Sigmoid", "tanh": "Tanh"}
PIXEL_RANGES = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}


@dataclass(frozen=True)
class Params:
    bottleneck: str = "none"
    output: str = "sigmoid"

    def __post_init__(self) -> None:
        require_one_of("bottleneck", self.bottleneck, BOTTLENECKS)
        require_one_of("output", self.output, OUTPUTS)


def _range_text(output: str) -> str:
    low, high = PIXEL_RANGES[output]
    return f"[{low:g}, {high:g}]"


def context(params: Params) -> dict[str, Any]:
    return {"bottleneck_sentence": BOTTLENECK_SENTENCES[params.bottleneck],
            "output_class": OUTPUT_CLASSES[params.output],
            "pixel_range": _range_text(params.output)}


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    found: list[Edit] = []
    if params.bottleneck != "none":
        (old_comment, old_line), (comment, line) = (BOTTLENECK_LINES["none"],
                                                    BOTTLENECK_LINES[params.bottleneck])
        found.append(Edit(f"{old_comment}\n        {old_line}", f"{comment}\n        {line}"))
    if params.output != "sigmoid":
        name, cls = params.output, OUTPUT_CLASSES[params.output]
        found += [
            Edit("self.sigmoid = nn.Sigmoid()", f"self.{name} = nn.{cls}()"),
            Edit("a sigmoid maps the s_img * s_img pixels into [0, 1].",
                 f"a {name} maps the s_img * s_img pixels into {_range_text(name)}."),
            Edit("z = self.sigmoid(self.linear3(z))  # C)",
                 f"z = self.{name}(self.linear3(z))  # C)"),
        ]
    return found


def _count(l_dim: int, s_img: int, h_dim: list[int]) -> int:
    """Parameters by the formula: each Linear(a, b) has a*b weights and b biases."""
    sizes = [s_img * s_img, h_dim[0], h_dim[1], l_dim]
    encoder = sum(a * b + b for a, b in pairwise(sizes))
    decoder = sum(a * b + b for a, b in pairwise(sizes[::-1]))
    return encoder + decoder


def _blobs(count: int, generator: Any, low: float) -> Any:
    """Images of one soft bright square each, at seeded positions, on a background at the
    bottom of the pixel range (``low``)."""
    import torch

    images = torch.full((count, 1, S_IMG, S_IMG), low)
    rows = torch.randint(0, S_IMG - 3, (count,), generator=generator)
    cols = torch.randint(0, S_IMG - 3, (count,), generator=generator)
    for index, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        images[index, 0, r:r + 3, c:c + 3] = 0.9
    return images


def _oracles(params: Params) -> tuple[Any, Any, str, str]:
    """The encoder and decoder as torch.nn.functional formulas on a module's own layers,
    and those formulas in words."""
    import torch
    import torch.nn.functional as F

    def layer(module: Any, name: str, h: Any) -> Any:
        linear = getattr(module, name)
        return F.linear(h, linear.weight, linear.bias)

    last = {"none": lambda h: h, "tanh": torch.tanh, "relu": F.relu}[params.bottleneck]
    out = {"sigmoid": torch.sigmoid, "tanh": torch.tanh}[params.output]

    def encode(encoder: Any, x: Any) -> Any:
        h = F.relu(layer(encoder, "linear1", torch.flatten(x, start_dim=1)))
        return last(layer(encoder, "linear3", F.relu(layer(encoder, "linear2", h))))

    def decode(decoder: Any, z: Any) -> Any:
        h = F.relu(layer(decoder, "linear2", F.relu(layer(decoder, "linear1", z))))
        return out(layer(decoder, "linear3", h))

    inner = "F.linear(relu(F.linear(relu(F.linear(flatten(x), W1, b1)), W2, b2)), W3, b3)"
    encoded = inner if params.bottleneck == "none" else f"{params.bottleneck}({inner})"
    decoded = (f"torch.{params.output}(F.linear(relu(F.linear(relu(F.linear(z, W1, b1)), "
               "W2, b2)), W3, b3))")
    return encode, decode, encoded, decoded


def _latent_range(params: Params, low: float, high: float) -> Check:
    detail = f"range [{low:.4f}, {high:.4f}]"
    if params.bottleneck == "tanh":
        return Check("latent code lies in (-1, 1) and takes both signs (tanh)",
                     -1.0 < low < 0.0 < high < 1.0, detail)
    if params.bottleneck == "relu":
        return Check("latent code is non-negative (ReLU)", low >= 0.0 < high, detail)
    return Check("latent code takes negative values (unbounded, not clipped)",
                 low < 0.0 < high, detail)


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch

    from solver.seed import torch_generator

    params = params or Params()
    encode, decode, encoded, decoded = _oracles(params)
    low, high = PIXEL_RANGES[params.output]
    found: list[Check] = []
    generator = torch_generator()
    model = lab.Autoencoder(L_DIM, S_IMG)
    images = _blobs(64, generator, low)
    with torch.no_grad():
        latent = model.encoder(images)
        output = model(images)
        code = torch.randn(64, L_DIM, generator=generator)
        expected_latent = encode(model.encoder, images)
        found += [
            compare(f"Encoder.forward equals {encoded} on its own layers", latent,
                    expected_latent, 1e-6),
            compare(f"Decoder.forward equals {decoded} on its own layers",
                    model.decoder(code), decode(model.decoder, code), 1e-6),
            compare("Autoencoder.forward equals the decoder formula of the encoder formula, "
                    "shaped like x", output,
                    decode(model.decoder, expected_latent).reshape(images.shape), 1e-6),
        ]
    found.append(Check(
        "shapes: latent N × l_dim, reconstruction shaped like the input",
        tuple(latent.shape) == (64, L_DIM) and output.shape == images.shape,
        f"latent {tuple(latent.shape)}, output {tuple(output.shape)}"))
    found.append(_latent_range(params, float(latent.min()), float(latent.max())))
    got_low, got_high = float(output.min()), float(output.max())
    found.append(Check(f"reconstruction lies in {_range_text(params.output)} "
                       f"({params.output})", low <= got_low and got_high <= high,
                       f"range [{got_low:.4f}, {got_high:.4f}]"))
    counted = sum(p.numel() for p in model.parameters())
    formula = _count(L_DIM, S_IMG, [256, 128])
    found.append(Check(
        "parameter count equals the formula sum(a*b + b) over the six Linear layers",
        counted == formula, f"model {counted}, formula {formula}",
        max_abs_error=float(abs(counted - formula)), tolerance=0.0))
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(STEPS):
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(model(images), images)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    found.append(Check(
        f"{STEPS} Adam steps on 64 synthetic 8×8 images in {_range_text(params.output)} "
        "lower the reconstruction loss", losses[-1] < 0.5 * losses[0],
        f"MSE {losses[0]:.4f} → {losses[-1]:.4f}"))
    return found
