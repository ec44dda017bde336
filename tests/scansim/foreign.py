"""Pages that are not booklet pages but end up in the scanner's feeder anyway.

A blank sheet, and a page of some other document: a heading, paragraphs of text and a
ruled table with square cells, which look like tick boxes to a careless reader.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from tests.scansim.handwriting import WORDS

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)


def page_shape(dpi: float, size_mm: tuple[float, float] = A4_MM) -> tuple[int, int]:
    """(height, width) in pixels of a page size_mm (width, height) at dpi."""
    return (round(size_mm[1] * dpi / MM_PER_INCH), round(size_mm[0] * dpi / MM_PER_INCH))


def blank_page(dpi: float, size_mm: tuple[float, float] = A4_MM) -> NDArray[np.uint8]:
    return np.full(page_shape(dpi, size_mm), 255, np.uint8)


def text_page(
    rng: np.random.Generator, dpi: float, size_mm: tuple[float, float] = A4_MM
) -> NDArray[np.uint8]:
    """A page of another document: heading, paragraphs and a table of square cells."""
    page = blank_page(dpi, size_mm)
    mm = dpi / MM_PER_INCH
    w = page.shape[1]
    left, right = round(25 * mm), w - round(25 * mm)
    font = cv2.FONT_HERSHEY_SIMPLEX
    y = round(30 * mm)
    title = " ".join(str(WORDS[i]) for i in rng.integers(len(WORDS), size=4)).title()
    cv2.putText(page, title, (left, y), font, 2.0 * mm / 8, 0, max(1, round(0.5 * mm)),
                cv2.LINE_AA)
    scale = 1.2 * mm / 8
    y += round(12 * mm)
    for _ in range(int(rng.integers(2, 5))):  # paragraphs
        for _ in range(int(rng.integers(3, 8))):  # lines
            x = left
            while True:
                word = str(WORDS[rng.integers(len(WORDS))])
                width = cv2.getTextSize(word + " ", font, scale, 1)[0][0]
                if x + width > right:
                    break
                cv2.putText(page, word, (x, y), font, scale, 0, max(1, round(0.2 * mm)),
                            cv2.LINE_AA)
                x += width
            y += round(5.5 * mm)
        y += round(4 * mm)
    cell = round(rng.uniform(4.0, 8.0) * mm)
    top = y
    rows, cols = int(rng.integers(3, 7)), int(rng.integers(4, 10))
    for r in range(rows + 1):
        cv2.line(page, (left, top + r * cell), (left + cols * cell, top + r * cell), 0,
                 max(1, round(0.2 * mm)))
    for c in range(cols + 1):
        cv2.line(page, (left + c * cell, top), (left + c * cell, top + rows * cell), 0,
                 max(1, round(0.2 * mm)))
    return page
