"""Lab 8: the fully connected auto-encoder: shapes, range, size, and it learns."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from solver.model import Check, Meta, Rubric, Solution
from solver.questions.labkit import finish, start

META = Meta(
    id="lab.8",
    title="Auto-encoder",
    points={"A": 2, "B": 1, "C": 2, "D": 1},
    question=(
        "Complete the auto-encoder: A) the Encoder's layers; B) the Encoder's final layer; "
        "C) the Decoder's forward pass; D) the Autoencoder's forward pass."
    ),
)

S_IMG, L_DIM, STEPS = 8, 4, 60


@dataclass(frozen=True)
class Params:
    """No parameters: the checks use a seeded synthetic image set."""


def _count(l_dim: int, s_img: int, h_dim: list[int]) -> int:
    """Parameters by the formula: each Linear(a, b) has a*b weights and b biases."""
    sizes = [s_img * s_img, h_dim[0], h_dim[1], l_dim]
    encoder = sum(a * b + b for a, b in pairwise(sizes))
    decoder = sum(a * b + b for a, b in pairwise(sizes[::-1]))
    return encoder + decoder


def _blobs(count: int, generator: Any) -> Any:
    """Images of one soft bright square each, at seeded positions, in [0, 1]."""
    import torch

    images = torch.zeros(count, 1, S_IMG, S_IMG)
    rows = torch.randint(0, S_IMG - 3, (count,), generator=generator)
    cols = torch.randint(0, S_IMG - 3, (count,), generator=generator)
    for index, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        images[index, 0, r:r + 3, c:c + 3] = 0.9
    return images


def solve(params: Params) -> Solution:
    import torch

    from solver.labs import Autoencoder
    from solver.seed import torch_generator

    solution = start(
        META, "solver.labs.autoencoder",
        readings=[
            "h_dim defaults to [256, 128]. Encoder: s_img^2 -> h_dim[0] -> h_dim[1] -> l_dim "
            "with ReLU between; no non-linearity on the last layer (the latent code is "
            "unbounded). The decoder mirrors it and ends in a sigmoid, reshaped to an image.",
        ],
        explanations={
            "A": "Three linear layers shrinking the flattened image to the latent size, "
                 "and a ReLU module that forward() uses between them.",
            "B": "The last encoder layer is linear only: a ReLU would clip the latent code to "
                 "non-negative values and waste half of the latent space.",
            "C": "The mirror image of the encoder: two ReLU layers, then a sigmoid so every "
                 "pixel lies in [0, 1] like the input, reshaped to s_img x s_img.",
            "D": "Encode, then decode; view_as(x) gives the reconstruction the input's shape "
                 "(for example N x 1 x s x s) so a pixel-wise loss can compare them.",
        },
    )
    generator = torch_generator()
    model = Autoencoder(L_DIM, S_IMG)
    images = _blobs(64, generator)
    with torch.no_grad():
        latent = model.encoder(images)
        output = model(images)
    solution.checks.append(Check(
        "shapes: latent N x l_dim, reconstruction shaped like the input",
        tuple(latent.shape) == (64, L_DIM) and output.shape == images.shape,
        f"latent {tuple(latent.shape)}, output {tuple(output.shape)}"))
    low, high = float(output.min()), float(output.max())
    solution.checks.append(Check("reconstruction lies in [0, 1] (sigmoid)",
                                 low >= 0.0 and high <= 1.0, f"range [{low:.4f}, {high:.4f}]"))
    counted = sum(p.numel() for p in model.parameters())
    formula = _count(L_DIM, S_IMG, [256, 128])
    solution.checks.append(Check(
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
    solution.checks.append(Check(
        f"{STEPS} Adam steps on 64 synthetic 8x8 images lower the reconstruction loss",
        losses[-1] < 0.5 * losses[0],
        f"MSE {losses[0]:.4f} -> {losses[-1]:.4f}"))
    solution.rubric += [
        Rubric("A", 2, "three Linear layers with the right sizes (1), ReLU (1)"),
        Rubric("B", 1, "final linear layer without non-linearity"),
        Rubric("C", 2, "mirrored layers with ReLU (1), sigmoid and reshape (1)"),
        Rubric("D", 1, "decoder(encoder(x))"),
    ]
    return finish(solution)
