"""Decides one tick box from the upright page: clearly filled, clearly empty, or unclear
(set aside for a person). Darkness is measured against the paper just around the box and
the page's printed black, and "empty" against the page's own empty boxes, never a fixed
global threshold.

What a person's mark looks like inside the box (the outline left out):
- a fill: dark ink over most of the box, every half of it covered;
- a tick or a cross: dark strokes spanning the box, no solid area;
- unclear: a faint mark (light pencil, an erased mark), a partial fill (ink solid over only
  part of the box), a small dot; any other dark shape that is neither.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from solver.paper import geometry as g
from solver.paper.scan.locate import SCALE

INSET = 0.45 * g.MM  # inside the outline (its blur and JPEG ringing stay outside)
CORE = 0.8 * g.MM  # the box's core, where a fill is judged (people leave the edges)
RING = (0.6 * g.MM, 1.8 * g.MM)  # the paper around the box, for its local white
REFINE = 0.7 * g.MM  # how far a box is looked for around its place (a scanner's stretch)
DARK = 0.6  # a pixel this dark (0 paper … 1 printed black) is ink
GRAIN = 12  # smaller specks of dark pixels are paper grain, noise or pencil texture
SOLID_KERNEL = 7  # pixels: erosion by it removes pen strokes (≤ 0.8 mm at 200 dpi)
FILL = 0.80  # a fill covers this much of the box's core …
FILL_HALF = 0.6  # … and this much of each half of it
STROKES = 0.06  # ticks and crosses cover at least this much of the box …
SPAN = 0.42  # … spanning this much of the box's width and height (a dot: a third) …
STROKE_SOLID = 0.11  # … with at most this much solid (eroded) ink in its core
EMPTY_INK = 0.004  # an empty box has no more dark specks than this


@dataclass(frozen=True)
class Measure:
    mean: float  # mean darkness inside the outline
    peak: float  # the darkest 2 % inside the outline, smoothed: a faint mark shows here
    ink: float  # share of ink (dark specks of GRAIN pixels or more) inside the outline
    span: float  # the smaller of the ink's width and height, over the box's
    core_ink: float  # share of ink in the core
    solid: float  # share of solid ink in the core (left after eroding strokes away)
    halves: float  # the least ink of the core's four halves and two diagonal halves
    shift: tuple[int, int]  # pixels the box was found away from its place


@dataclass(frozen=True)
class Decision:
    state: str  # "filled", "empty" or "unclear"
    why: str  # for unclear boxes: what the reader saw


def levels(page: Any) -> float:
    """The page's printed black: the median of the corner markers' border cells."""
    import numpy as np

    values = []
    for marker in range(4):
        x, y = g.marker_origin(marker)
        cell = g.MARKER_SIZE / 6
        x0, y0 = round((x + cell * 0.3) * SCALE), round((y + cell * 0.3) * SCALE)
        x1 = round((x + g.MARKER_SIZE - cell * 0.3) * SCALE)
        values.append(page[y0:y0 + max(2, round(cell * 0.4 * SCALE)), x0:x1].ravel())
    return float(np.median(np.concatenate(values)))


def _darkness(page: Any, x: float, y: float, w: float, h: float, black: float
              ) -> tuple[Any, int, int]:
    """Darkness (0 paper … 1 printed black) around a box, against the paper just around it;
    with the window's top-left pixel."""
    import numpy as np

    pad = RING[1] + REFINE
    x0, y0 = max(0, round((x - pad) * SCALE)), max(0, round((y - pad) * SCALE))
    x1, y1 = round((x + w + pad) * SCALE), round((y + h + pad) * SCALE)
    window = page[y0:y1, x0:x1].astype(np.float32)
    inner = round((RING[1] - RING[0]) * SCALE)
    ring = np.concatenate([window[:inner].ravel(), window[-inner:].ravel(),
                           window[:, :inner].ravel(), window[:, -inner:].ravel()])
    white = _kth(ring, 0.80)
    return np.clip((white - window) / max(white - black, 40.0), 0.0, 1.0), x0, y0


def _found(dark: Any, left: int, top: int, side_w: int, side_h: int) -> tuple[int, int]:
    """The offset, within REFINE, at which the printed outline lies: the darkest thin frame
    of the box's size (sums over rectangles from the integral image)."""
    import cv2
    import numpy as np

    total = cv2.integral(dark)
    reach = round(REFINE * SCALE)
    offsets = np.arange(-reach, reach + 1)
    dy, dx = np.meshgrid(offsets, offsets, indexing="ij")

    def rect_sum(x0: Any, y0: Any, x1: Any, y1: Any) -> Any:
        return total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0]

    t = 2
    ox, oy = left + dx, top + dy
    outer = rect_sum(ox - t, oy - t, ox + side_w + t, oy + side_h + t)
    inner = rect_sum(ox + t, oy + t, ox + side_w - t, oy + side_h - t)
    score = (outer - inner) - 1e-3 * (dx**2 + dy**2)  # ties: the nearest
    best = np.unravel_index(int(np.argmax(score)), score.shape)
    return int(dx[best]), int(dy[best])


def measure(page: Any, x: float, y: float, w: float, h: float, black: float) -> Measure:
    import cv2
    import numpy as np

    dark, x0, y0 = _darkness(page, x, y, w, h, black)
    left, top = round(x * SCALE) - x0, round(y * SCALE) - y0
    side_w, side_h = round(w * SCALE), round(h * SCALE)
    sx, sy = _found(dark, left, top, side_w, side_h)
    left, top = left + sx, top + sy
    inset, core = round(INSET * SCALE), round(CORE * SCALE)
    inside = dark[top + inset:top + side_h - inset, left + inset:left + side_w - inset]
    mask = (inside >= DARK).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= GRAIN
    ink = keep[labels]
    cut = core - inset
    core_ink = ink[cut:ink.shape[0] - cut, cut:ink.shape[1] - cut]
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (SOLID_KERNEL, SOLID_KERNEL))
    solid = cv2.erode(core_ink.astype(np.uint8), kernel)
    rows, cols = np.nonzero(ink)
    span = 0.0
    if rows.size:
        span = min((rows.max() - rows.min() + 1) / ink.shape[0],
                   (cols.max() - cols.min() + 1) / ink.shape[1])
    smooth = cv2.GaussianBlur(inside, (0, 0), 1.2)
    return Measure(float(inside.mean()), _kth(smooth, 0.98), float(ink.mean()),
                   float(span), float(core_ink.mean()), float(solid.mean()),
                   _least_half(core_ink), (sx, sy))


def _kth(values: Any, share: float) -> float:
    """The value below which ``share`` of ``values`` lie (a quantile without interpolation:
    one partial sort)."""
    import numpy as np

    flat = values.ravel()
    k = min(flat.size - 1, int(share * flat.size))
    return float(np.partition(flat, k)[k])


def _least_half(ink: Any) -> float:
    import numpy as np

    h, w = ink.shape
    halves = [ink[: h // 2], ink[h - h // 2:], ink[:, : w // 2], ink[:, w - w // 2:]]
    if h == w:
        upper, anti = _diagonals(h)
        halves += [ink[upper], ink[~upper], ink[anti], ink[~anti]]
    return float(min(np.count_nonzero(half) / half.size for half in halves if half.size))


@functools.cache
def _diagonals(side: int) -> tuple[Any, Any]:
    """The masks of a square's halves above its two diagonals."""
    import numpy as np

    upper = np.triu(np.ones((side, side), bool))
    return upper, np.fliplr(upper)


def decide(m: Measure, empty_peak: float) -> Decision:
    """``empty_peak``: the smoothed darkness above which a box is not clearly empty (from the
    page's own empty boxes, :func:`empty_level`)."""
    if m.ink <= EMPTY_INK and m.peak < empty_peak:
        return Decision("empty", "")
    if m.core_ink >= FILL and m.halves >= FILL_HALF:
        return Decision("filled", "")
    if m.ink >= STROKES and m.solid <= STROKE_SOLID and m.span >= SPAN:
        return Decision("filled", "")
    if m.ink <= EMPTY_INK:
        return Decision("unclear", "a faint mark (light pencil or an erased mark?)")
    if m.solid > STROKE_SOLID:
        return Decision("unclear", "partly filled")
    if m.span < SPAN:
        return Decision("unclear", "a small mark (a stray dot?)")
    return Decision("unclear", "a light or broken mark")


def empty_level(peaks: list[float]) -> float:
    """Above it a box's smoothed darkness is not clearly empty: the page's typical empty box
    (the median box is empty: most boxes of a page are) plus a margin of six median
    absolute deviations, at least 0.04 (4 % of printed black)."""
    import numpy as np

    if not peaks:
        return 0.05
    values = np.array(peaks)
    median = float(np.median(values))
    spread = float(np.median(np.abs(values - median)))
    return median + max(0.04, 6 * spread)
