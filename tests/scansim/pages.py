"""A booklet page as one student filled it in: rendered, boxes marked, name and working
written. The same seed, booklet and page give the same pixels, so a page can be made again
to be scanned a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from tests.scansim import answers, handwriting, marks
from tests.scansim.layout import Booklet, Layout, Page
from tests.scansim.render import pt_box_to_px, px_per_mm, render_page

# Streams of randomness, keyed so that one booklet's marks do not depend on which other
# booklets or pages are simulated.
STUDENT, CHOICES, DRAWING, SCAN, ARRANGE, EXTRA = 1, 2, 3, 4, 5, 6


def stream(seed: int, *keys: int) -> np.random.Generator:
    """An independent Generator for one purpose (keys) under seed."""
    return np.random.default_rng([seed, *keys])


@dataclass(frozen=True)
class Writer:
    """Who fills in a booklet: the number and name they write."""

    number: str
    name: str


def writer(layout: Layout, booklet: Booklet, seed: int) -> Writer:
    """The roster's student if the booklet has one, else a made-up student."""
    rng = stream(seed, STUDENT, booklet.booklet)
    number = "".join(str(d) for d in rng.integers(0, 10, size=layout.id_digits))
    name = handwriting.fake_name(rng)
    if booklet.student is not None:
        return Writer(booklet.student.number, booklet.student.name or name)
    return Writer(number, name)


def filled_page(
    booklets_dir: Path,
    booklet: Booklet,
    page: Page,
    who: Writer,
    seed: int,
    dpi: int,
    mix: answers.Mix,
    mode: str,
) -> tuple[NDArray[np.uint8], dict[str, str]]:
    """The page rendered at dpi and filled in; with the mark of every box (which does not
    depend on dpi)."""
    chosen = answers.decide(page, who.number, stream(seed, CHOICES, booklet.booklet, page.page),
                            mix, mode)
    rng = stream(seed, DRAWING, booklet.booklet, page.page, dpi)
    image = render_page(booklets_dir / booklet.file, page.page - 1, dpi)
    ppm = px_per_mm(dpi)
    for box in page.boxes:
        marks.draw(image, pt_box_to_px(box.pt, dpi), chosen[box.id], rng, ppm)
    for area in page.areas:
        where = pt_box_to_px(area.pt, dpi)
        if area.what == "name":
            handwriting.write_name(image, where, who.name, rng, ppm)
        elif mode != "blank" and rng.random() < 0.7:
            handwriting.write_working(image, where, rng, ppm)
    return image, chosen
