"""Booklet pages as a scanner's glass sees them: PDF pages rasterised to grey pixels.

booklets.json gives every box in PDF points from the page's top-left corner; the page is
rendered at dpi / 72 pixels per point, so a box maps to pixels by that same factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
from numpy.typing import NDArray

PT_PER_INCH = 72.0
MM_PER_INCH = 25.4

BoxPx = tuple[float, float, float, float]


def px_per_mm(dpi: float) -> float:
    return dpi / MM_PER_INCH


def render_page(pdf_path: Path | str, page_index: int, dpi: float) -> NDArray[np.uint8]:
    """Page page_index (0-based) of the PDF as a grey uint8 image (255 = white) at dpi."""
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_index]
        try:
            bitmap = page.render(scale=dpi / PT_PER_INCH, grayscale=True,
                                 fill_color=(255, 255, 255, 255))
            pixels = np.array(bitmap.to_numpy(), copy=True)
            bitmap.close()
        finally:
            page.close()
    finally:
        pdf.close()
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    elif pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels[:, :, :3], cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(pixels, np.uint8)


def pt_box_to_px(box: Mapping[str, float] | tuple[float, float, float, float],
                 dpi: float) -> BoxPx:
    """A booklets.json box (x, y, w, h in pt, top-left origin; a mapping or a tuple) in
    pixels of a page rendered at dpi."""
    if isinstance(box, Mapping):
        x, y, w, h = (float(box[key]) for key in ("x", "y", "w", "h"))
    else:
        x, y, w, h = (float(value) for value in box)
    s = dpi / PT_PER_INCH
    return (x * s, y * s, w * s, h * s)
