"""Lab 8: the fully connected auto-encoder: shapes, range, size, and it learns."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from solver.model import Check

S_IMG, L_DIM, STEPS = 8, 4, 60


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


def checks(params: Any, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    found: list[Check] = []
    import torch

    Autoencoder = lab.Autoencoder
    from solver.seed import torch_generator

    generator = torch_generator()
    model = Autoencoder(L_DIM, S_IMG)
    images = _blobs(64, generator)
    with torch.no_grad():
        latent = model.encoder(images)
        output = model(images)
    found.append(Check(
        "shapes: latent N × l_dim, reconstruction shaped like the input",
        tuple(latent.shape) == (64, L_DIM) and output.shape == images.shape,
        f"latent {tuple(latent.shape)}, output {tuple(output.shape)}"))
    low, high = float(output.min()), float(output.max())
    found.append(Check("reconstruction lies in [0, 1] (sigmoid)",
                                 low >= 0.0 and high <= 1.0, f"range [{low:.4f}, {high:.4f}]"))
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
        f"{STEPS} Adam steps on 64 synthetic 8×8 images lower the reconstruction loss",
        losses[-1] < 0.5 * losses[0],
        f"MSE {losses[0]:.4f} → {losses[-1]:.4f}"))
    return found
