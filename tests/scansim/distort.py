"""What a scanner does to a marked page, and the files it writes.

scan_like() places the page crookedly on the glass (rotation, scale, shift, or upside
down; the lid shows white around it), lights it unevenly on slightly grey paper, blurs it
through the optics and adds sensor noise. save() and save_pdf() write the scans as a
scanner does: PNG, JPEG (lossy), TIFF or a multi-page PDF of JPEG pages. Everything random
comes from the caller's Generator and the files carry no timestamps, so a seed fixes
every byte.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

FORMATS = {"png": "PNG", "jpeg": "JPEG", "jpg": "JPEG", "tiff": "TIFF", "tif": "TIFF"}
PDF_DATE = time.struct_time((2025, 1, 1, 0, 0, 0, 2, 1, 0))  # fixed: same seed, same bytes
PAPER = (0.90, 0.98)  # scanned "white": slightly grey paper
SHADE = (0.0, 0.08)  # darkening across the page from uneven lighting


def placement(
    shape: tuple[int, int],
    *,
    dpi: float,
    rotate_deg: float,
    scale: float,
    shift_mm: tuple[float, float],
    upside_down: bool,
) -> NDArray[np.float64]:
    """The 2x3 affine matrix taking page pixels to scan pixels: scale and rotate (by 180
    degrees more if upside down, counter-clockwise for positive angles, as seen) about the
    page centre, then shift by shift_mm (x right, y down)."""
    h, w = shape
    angle = rotate_deg + (180.0 if upside_down else 0.0)
    matrix = np.asarray(
        cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, scale), np.float64)
    matrix[:, 2] += np.asarray(shift_mm, np.float64) * dpi / 25.4
    return matrix


def _lighting(rng: np.random.Generator, shape: tuple[int, int]) -> NDArray[np.float32]:
    """Paper tone times a gentle linear fall-off in a random direction."""
    h, w = shape
    tone = rng.uniform(*PAPER)
    depth = rng.uniform(*SHADE)
    angle = rng.uniform(0.0, 2 * np.pi)
    across = (np.arange(w, dtype=np.float32) / max(w, 1) - 0.5) * np.float32(np.cos(angle))
    down = (np.arange(h, dtype=np.float32) / max(h, 1) - 0.5) * np.float32(np.sin(angle))
    span = max(float(np.ptp(down) + np.ptp(across)), 1e-9)
    down = (down - down.min()) / np.float32(span)  # together they run from 0 to 1
    across = (across - across.min()) / np.float32(span)
    gain = np.float32(tone) * (1 - np.float32(depth) * (down[:, None] + across[None, :]))
    return np.asarray(gain, np.float32)


def scan_like(
    image: NDArray[np.uint8],
    rng: np.random.Generator,
    *,
    dpi: float = 200,
    rotate_deg: float = 0.0,
    scale: float = 1.0,
    shift_mm: tuple[float, float] = (0.0, 0.0),
    noise_sigma: float = 0.0,
    blur_sigma: float = 0.0,
    upside_down: bool = False,
    lighting: bool = True,
) -> NDArray[np.uint8]:
    """A scan of the grey page image (255 = white), same size: placed crookedly, unevenly
    lit on grey paper (if lighting), blurred (gaussian, blur_sigma pixels) and noisy
    (gaussian, noise_sigma grey levels)."""
    h, w = image.shape[:2]
    matrix = placement((h, w), dpi=dpi, rotate_deg=rotate_deg, scale=scale,
                       shift_mm=shift_mm, upside_down=upside_down)
    page = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    out: NDArray[np.float32] = page.astype(np.float32)
    if lighting:
        out = out * _lighting(rng, (h, w))
    if blur_sigma > 0:
        out = np.asarray(cv2.GaussianBlur(out, (0, 0), blur_sigma), np.float32)
    if noise_sigma > 0:
        out += rng.standard_normal(size=out.shape, dtype=np.float32) * np.float32(noise_sigma)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def save(
    image: NDArray[np.uint8],
    path: Path | str,
    fmt: str,
    *,
    jpeg_quality: int = 50,
    dpi: float | None = None,
) -> Path:
    """Write one grey scan as png, jpeg (at jpeg_quality) or tiff; returns the path."""
    kind = FORMATS.get(fmt.lower())
    if kind is None:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    options: dict[str, object] = {}
    if dpi:
        options["dpi"] = (dpi, dpi)
    if kind == "JPEG":
        options["quality"] = jpeg_quality
    if kind == "PNG":
        options["compress_level"] = 1  # scans are noisy: more effort buys little
    if kind == "TIFF":
        options["compression"] = "tiff_deflate"
    path = Path(path)
    Image.fromarray(image, mode="L").save(path, kind, **options)
    return path


def save_pdf(
    images: Sequence[NDArray[np.uint8]],
    path: Path | str,
    dpi: float,
    *,
    jpeg_quality: int = 75,
) -> Path:
    """Write grey scans (all at dpi) as the pages of one PDF, each page a JPEG image, as
    a scanner's document feeder does; returns the path."""
    if not images:
        raise ValueError("a PDF needs at least one page")
    pages = [Image.fromarray(page, mode="L") for page in images]
    path = Path(path)
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi),
                  quality=jpeg_quality, title="scan", creationDate=PDF_DATE, modDate=PDF_DATE)
    return path
