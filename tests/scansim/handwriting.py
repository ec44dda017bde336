"""Handwriting on a page: a name in the name area, a few lines of working in written areas.

The reader must ignore writing outside the tick boxes; this puts pen strokes where students
put them (always inside the area, never over a box), slanted, wobbly and of varying size.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from tests.scansim.ink import SUPER, InkLayer

BoxPx = tuple[float, float, float, float]

FIRST = ("Anna", "Bram", "Chen", "Daan", "Eva", "Fatima", "Gijs", "Hana", "Ivo", "Jasmijn",
         "Kofi", "Lotte", "Mehmet", "Noor", "Olga", "Pieter", "Roos", "Sven", "Tess", "Yusuf")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos",
        "Peters", "Hendriks", "van Dijk", "Kaya", "Nguyen", "Dekker", "Brouwer", "Wong")
WORDS = ("loss", "grad", "=", "x", "w", "relu", "so", "the", "0.25", "3", "layer", "sum",
         "softmax", "->", "because", "dL/dw", "lr", "1/2", "output", "is", "y", "n", "step")
FONTS = (cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC,
         cv2.FONT_HERSHEY_PLAIN | cv2.FONT_ITALIC)


def fake_name(rng: np.random.Generator) -> str:
    return f"{FIRST[rng.integers(len(FIRST))]} {LAST[rng.integers(len(LAST))]}"


def _ascii(text: str) -> str:
    """cv2's Hershey fonts draw ASCII only."""
    return text.encode("ascii", "replace").decode("ascii")


def write_line(
    image: NDArray[np.uint8],
    area: BoxPx,
    text: str,
    rng: np.random.Generator,
    px_per_mm: float,
    *,
    height_mm: float,
    at: tuple[float, float],
) -> None:
    """Write text in pen into image, the baseline starting at `at` (pixels), letters about
    height_mm tall, clipped to the area (pixels)."""
    x, y, w, h = area
    band = height_mm * px_per_mm  # the line's band: ascenders above, descenders below
    top = max(y, at[1] - 2.5 * band)
    bottom = min(y + h, at[1] + 1.5 * band)
    if bottom <= top:
        return
    layer = InkLayer(int(x), int(top), max(1, int(w)), max(1, int(bottom - top)))
    lh, lw = layer.shape
    canvas = np.zeros((lh * SUPER, lw * SUPER), np.uint8)
    font = FONTS[rng.integers(len(FONTS))]
    cap_px = cv2.getTextSize("H", font, 1.0, 1)[0][1]
    scale = height_mm * px_per_mm * SUPER / max(cap_px, 1)
    thickness = max(1, round(rng.uniform(0.3, 0.55) * px_per_mm * SUPER))
    origin = (round((at[0] - layer.ox) * SUPER), round((at[1] - layer.oy) * SUPER))
    cv2.putText(canvas, _ascii(text), origin, font, scale, 255, thickness, cv2.LINE_AA)
    slant = rng.uniform(-0.25, 0.05)  # x shifts with height: letters lean right
    turn = np.radians(rng.uniform(-2.0, 2.0))
    ox, oy = origin
    matrix = np.array([[np.cos(turn), -np.sin(turn) + slant, 0.0],
                       [np.sin(turn), np.cos(turn), 0.0]])
    matrix[:, 2] = [ox, oy] - matrix[:, :2] @ [ox, oy]  # keep the line's start in place
    canvas = np.asarray(cv2.warpAffine(canvas, matrix, (canvas.shape[1], canvas.shape[0]),
                                       flags=cv2.INTER_LINEAR), np.uint8)
    coverage = cv2.resize(canvas, (lw, lh), interpolation=cv2.INTER_AREA)
    layer.add(rng.uniform(0.75, 1.0), coverage.astype(np.float32) / 255.0)
    layer.apply(image)


def write_name(
    image: NDArray[np.uint8], area: BoxPx, name: str, rng: np.random.Generator,
    px_per_mm: float,
) -> None:
    """A name written across the lower part of the name area."""
    x, y, _, h = area
    height_mm = rng.uniform(3.0, 5.0)
    base = y + h - rng.uniform(1.5, 3.0) * px_per_mm
    start = x + rng.uniform(1.0, 10.0) * px_per_mm
    write_line(image, area, name, rng, px_per_mm, height_mm=height_mm, at=(start, base))


def write_working(
    image: NDArray[np.uint8], area: BoxPx, rng: np.random.Generator, px_per_mm: float,
) -> None:
    """A few lines of working from the top of a written area, each up to its width."""
    x, y, w, h = area
    pitch = rng.uniform(7.0, 9.0) * px_per_mm
    lines = int(rng.integers(1, 5))
    for k in range(lines):
        base = y + (k + 1) * pitch - rng.uniform(0.5, 1.5) * px_per_mm
        if base > y + h - 0.5 * px_per_mm:
            break
        height_mm = rng.uniform(2.5, 3.5)
        budget = rng.uniform(0.3, 0.95) * w / (height_mm * px_per_mm * 0.9)  # characters
        words: list[str] = []
        while sum(len(word) + 1 for word in words) < budget:
            words.append(WORDS[rng.integers(len(WORDS))])
        start = x + rng.uniform(1.0, 6.0) * px_per_mm
        write_line(image, area, " ".join(words), rng, px_per_mm, height_mm=height_mm,
                   at=(start, base))
