"""The marks a person makes in a printed tick box, drawn realistically, with their truth.

Each mark class has a ground truth the reader must reproduce: "filled" and "empty" are
clear; "unclear" marks (light, half, erased, dot) must be flagged, never decided silently.
Every random choice comes from the caller's Generator, so a seed fixes every pixel.
Shapes are drawn in box-relative coordinates (u, v in [0, 1] across the printed box) and
re-drawn when a sample misses its class's stated range, so each mark honours its class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from tests.scansim.ink import Floats, InkLayer, Points, bow, smooth_noise

MARKS = ("none", "solid", "tick", "cross", "light", "half", "erased", "dot")
TRUTH: dict[str, str] = {
    "none": "empty",
    "solid": "filled",
    "tick": "filled",
    "cross": "filled",
    "light": "unclear",
    "half": "unclear",
    "erased": "unclear",
    "dot": "unclear",
}

Box = tuple[float, float, float, float]

INSET_MM = 0.3  # the box interior: the printed box less its outline and a little slack
PEN_MM = (0.4, 0.8)  # pen stroke width
PEN_DARK = (0.75, 1.0)  # pen darkness of clear marks
SOLID_COVER = (0.75, 1.0)  # share of the interior a solid fill covers
HALF_COVER = (0.40, 0.60)  # share of the interior a half fill covers
LIGHT_MEAN = (0.30, 0.40)  # mean darkness of a light pencil fill over the interior
LIGHT_MAX = 0.65  # no pencil grain is darker than this
ERASED_PEAK = (0.08, 0.20)  # darkness of what an eraser leaves (99th percentile)
DOT_MM = (0.6, 1.2)  # a stray dot's width
TICK_EXTENT = 0.6  # a tick or cross spans at least this share of the box each way
INKED = 0.5  # darkness from which a pixel counts as inked
TRIES = 40


@dataclass
class Sketch:
    """A box being marked: box-relative geometry and the ink layer around it."""

    box: Box
    ppm: float  # pixels per millimetre
    layer: InkLayer

    def path(self, uv: Points) -> Points:
        """Pixel coordinates of box-relative points (u, v)."""
        x, y, w, h = self.box
        return np.asarray(uv, np.float64) * [w, h] + [x, y]

    def mm(self, value: float) -> float:
        return value * self.ppm

    def interior(self) -> NDArray[np.bool_]:
        """Mask, in layer coordinates, of the box interior."""
        return interior_mask(self.layer.shape, (self.layer.ox, self.layer.oy), self.box,
                             self.mm(INSET_MM))

    def cover(self) -> float:
        """Share of the interior inked (darkness >= INKED)."""
        return float(np.mean(self.layer.ink[self.interior()] >= INKED))

    def pressure(self, rng: np.random.Generator, depth: float) -> Floats:
        """Smooth darkness variation in [1 - depth, 1], as pen pressure varies."""
        return 1.0 - depth * smooth_noise(rng, self.layer.shape, self.mm(1.0))


def interior_mask(
    shape: tuple[int, int], origin: tuple[int, int], box: Box, inset_px: float
) -> NDArray[np.bool_]:
    """Pixels (of a window of the given shape at origin) whose centres lie inside box less
    inset_px on every side."""
    x, y, w, h = box
    cols = np.arange(shape[1]) + origin[0] + 0.5
    rows = np.arange(shape[0]) + origin[1] + 0.5
    inside_x = (cols >= x + inset_px) & (cols <= x + w - inset_px)
    inside_y = (rows >= y + inset_px) & (rows <= y + h - inset_px)
    return inside_y[:, None] & inside_x[None, :]


def draw(
    image: NDArray[np.uint8],
    box: Box,
    mark: str,
    rng: np.random.Generator,
    px_per_mm: float,
) -> None:
    """Draw mark into the grey image (255 = white) in place over the printed box
    (x, y, w, h in pixels). Ink only darkens."""
    if mark not in TRUTH:
        raise ValueError(f"unknown mark {mark!r}; known: {', '.join(MARKS)}")
    if mark == "none":
        return
    sketch = _DRAWERS[mark](image.shape[:2], box, rng, px_per_mm)
    sketch.layer.apply(image)


def _new(shape: tuple[int, ...], box: Box, ppm: float) -> Sketch:
    return Sketch(box, ppm, InkLayer.around(shape, box, margin=2.0 * ppm))


def _retry(
    make: Callable[[], Sketch], accept: Callable[[Sketch], bool]
) -> Sketch:
    """Draw samples until one meets its class's range (the last one if none does)."""
    sketch = make()
    for _ in range(TRIES):
        if accept(sketch):
            break
        sketch = make()
    return sketch


def _pen(rng: np.random.Generator) -> tuple[float, float]:
    """A pen: (darkness, stroke width in mm)."""
    return float(rng.uniform(*PEN_DARK)), float(rng.uniform(*PEN_MM))


def _jittered_quad(rng: np.random.Generator, lo: float, hi: float) -> Points:
    """A hand-drawn quadrilateral outline, corners inset lo..hi (negative = outside the
    box), with wobbling midpoints."""
    i = rng.uniform(lo, hi, size=8)
    corners = np.array([[i[0], i[1]], [1 - i[2], i[3]], [1 - i[4], 1 - i[5]], [i[6], 1 - i[7]]])
    points = []
    for k in range(4):
        a, b = corners[k], corners[(k + 1) % 4]
        points.append(a)
        points.append((a + b) / 2 + rng.normal(0.0, 0.02, size=2))
    return np.array(points)


def _zigzag(rng: np.random.Generator, region: Points, spacing: float) -> Points:
    """A back-and-forth scribble across region's bounding box (box-relative), passes
    spacing apart, as a pen fills a box."""
    u0, v0 = region.min(axis=0)
    u1, v1 = region.max(axis=0)
    vs = np.arange(v0 + spacing / 2, v1, spacing)
    points = []
    for k, v in enumerate(vs):
        left = u0 + rng.uniform(0.0, 0.06)
        right = u1 - rng.uniform(0.0, 0.06)
        jitter = rng.normal(0.0, spacing * 0.15)
        points.append((left, v + jitter) if k % 2 == 0 else (right, v + jitter))
        points.append((right, v + jitter + spacing / 2) if k % 2 == 0 else
                      (left, v + jitter + spacing / 2))
    return np.array(points)


def _fill(sketch: Sketch, rng: np.random.Generator, region: Points, dark: float,
          width_mm: float) -> None:
    """Ink a region (box-relative polygon) solid with a pen, unevenly: an even fill, an
    even fill whose pen strokes show at the edges, or a dense back-and-forth scribble."""
    style = rng.integers(3)
    cov = np.zeros(sketch.layer.shape, np.float32)
    if style < 2:
        cov = sketch.layer.polygon_coverage(sketch.path(region)) * rng.uniform(0.85, 1.0)
    if style > 0:
        spacing = sketch.mm(width_mm) / sketch.box[2] * rng.uniform(0.55, 0.85)
        scribble = sketch.layer.stroke_coverage(
            sketch.path(_zigzag(rng, region, spacing)), sketch.mm(width_mm))
        cov = np.maximum(cov, scribble)
    sketch.layer.add(dark * sketch.pressure(rng, 0.12), cov)


def _solid(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    def make() -> Sketch:
        sketch = _new(shape, box, ppm)
        dark, width = _pen(rng)
        level = rng.uniform(-0.05, 0.14)  # < 0: spills over the outline
        region = _jittered_quad(rng, level - 0.03, level + 0.03)
        _fill(sketch, rng, region, dark, width)
        return sketch

    return _retry(make, lambda s: SOLID_COVER[0] <= s.cover() <= SOLID_COVER[1])


def _extent_ok(sketch: Sketch) -> bool:
    """A tick or cross spans most of the box both ways."""
    ys, xs = np.nonzero(sketch.layer.ink >= INKED)
    if xs.size == 0:
        return False
    w, h = sketch.box[2], sketch.box[3]
    return bool((np.ptp(xs) + 1) >= TICK_EXTENT * w and (np.ptp(ys) + 1) >= TICK_EXTENT * h)


def _strokes(sketch: Sketch, rng: np.random.Generator, lines: list[Points], dark: float,
             width_mm: float) -> None:
    for uv in lines:
        width = sketch.mm(width_mm) * rng.uniform(0.9, 1.1)
        cov = sketch.layer.stroke_coverage(sketch.path(uv), width)
        sketch.layer.add(dark * sketch.pressure(rng, 0.15), cov)


def _rotate(uv: Points, degrees: float) -> Points:
    """Rotate box-relative points about the box centre."""
    t = np.radians(degrees)
    rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return np.asarray((np.asarray(uv, np.float64) - 0.5) @ rot.T + 0.5, np.float64)


def _tick(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    def make() -> Sketch:
        sketch = _new(shape, box, ppm)
        dark, width = _pen(rng)
        a = (rng.uniform(0.0, 0.22), rng.uniform(0.35, 0.65))
        b = (rng.uniform(0.28, 0.5), rng.uniform(0.78, 1.02))
        c = (rng.uniform(0.8, 1.06), rng.uniform(-0.06, 0.2))
        turn = rng.uniform(-10, 10)
        down = _rotate(bow(a, b, rng.normal(0, 0.03)), turn)
        up = _rotate(bow(b, c, rng.normal(0, 0.06)), turn)
        one_motion = rng.random() < 0.6  # drawn without lifting the pen
        lines = [np.vstack([down, up[1:]])] if one_motion else [down, up]
        _strokes(sketch, rng, lines, dark, width)
        return sketch

    return _retry(make, _extent_ok)


def _cross(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    def make() -> Sketch:
        sketch = _new(shape, box, ppm)
        dark, width = _pen(rng)
        lo, hi = (-0.06, 0.16), (0.84, 1.06)
        one = bow((rng.uniform(*lo), rng.uniform(*lo)), (rng.uniform(*hi), rng.uniform(*hi)),
                  rng.normal(0, 0.04))
        two = bow((rng.uniform(*hi), rng.uniform(*lo)), (rng.uniform(*lo), rng.uniform(*hi)),
                  rng.normal(0, 0.04))
        _strokes(sketch, rng, [_rotate(one, rng.uniform(-5, 5)), two], dark, width)
        return sketch

    return _retry(make, _extent_ok)


def _hatching(sketch: Sketch, rng: np.random.Generator, region: Points) -> Floats:
    """Pencil texture over a region: jittered parallel strokes times graphite grain,
    unscaled (values in [0, 1])."""
    angle = np.radians(rng.choice([1, -1]) * rng.uniform(25, 65))
    along = np.array([np.cos(angle), np.sin(angle)])
    across = np.array([-along[1], along[0]])
    width_mm = rng.uniform(0.3, 0.5)
    spacing = width_mm * rng.uniform(0.6, 1.1) / (sketch.box[2] / sketch.ppm)
    tex = np.zeros(sketch.layer.shape, np.float32)
    for off in np.arange(-0.8, 0.8, spacing):
        mid = 0.5 + across * (off + rng.normal(0, spacing * 0.15))
        line = np.array([mid - along * 0.8, mid + along * 0.8])
        cov = sketch.layer.stroke_coverage(sketch.path(line), sketch.mm(width_mm))
        tex = np.maximum(tex, cov * rng.uniform(0.5, 1.0))
    grain = rng.uniform(0.35, 1.0, size=tex.shape).astype(np.float32)
    grain = np.asarray(cv2.GaussianBlur(grain, (0, 0), 0.6), np.float32)
    shape_cov = sketch.layer.polygon_coverage(sketch.path(region))
    return np.asarray(tex * grain * shape_cov, np.float32)


def _light(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    sketch = _new(shape, box, ppm)
    tex = _hatching(sketch, rng, _jittered_quad(rng, 0.0, 0.08))
    inside = sketch.interior()
    target = rng.uniform(*LIGHT_MEAN)
    lo, hi = 0.0, 20.0
    for _ in range(40):  # bisect the pencil's pressure to the target mean darkness
        k = (lo + hi) / 2
        mean = float(np.mean(np.clip(k * tex[inside], 0.0, LIGHT_MAX)))
        lo, hi = (k, hi) if mean < target else (lo, k)
    sketch.layer.add(1.0, np.clip(lo * tex, 0.0, LIGHT_MAX))
    return sketch


def _clip_half_plane(poly: Points, normal: Points, limit: float) -> Points:
    """The part of a convex polygon where normal . p <= limit (Sutherland-Hodgman)."""
    out = []
    for k in range(len(poly)):
        a, b = poly[k], poly[(k + 1) % len(poly)]
        da, db = float(normal @ a) - limit, float(normal @ b) - limit
        if da <= 0:
            out.append(a)
        if da * db < 0:
            out.append(a + (b - a) * (da / (da - db)))
    return np.array(out) if out else np.zeros((0, 2))


def _area(poly: Points) -> float:
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    return float(abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))) / 2)


def _half_region(rng: np.random.Generator, share: float) -> Points:
    """Part of the (slightly hand-drawn) box on one side or corner, share of its area."""
    sides = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]
    direction = np.array(sides[rng.integers(len(sides))], np.float64)
    direction = _rotate(direction[None, :] + 0.5, rng.uniform(-6, 6))[0] - 0.5
    normal = direction / np.hypot(*direction)
    square = _jittered_quad(rng, 0.0, 0.06)
    whole = _area(square)
    centre = float(normal @ np.array([0.5, 0.5]))
    lo, hi = centre - 1.0, centre + 1.0
    for _ in range(40):  # bisect the dividing line to the share wanted
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _area(_clip_half_plane(square, normal, mid)) < share * whole \
            else (lo, mid)
    return _clip_half_plane(square, normal, lo)


def _half(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    def make() -> Sketch:
        sketch = _new(shape, box, ppm)
        dark, _ = _pen(rng)
        region = _half_region(rng, rng.uniform(0.42, 0.58))
        sketch.layer.add(dark * sketch.pressure(rng, 0.12),
                         sketch.layer.polygon_coverage(sketch.path(region)))
        return sketch

    return _retry(make, lambda s: HALF_COVER[0] <= s.cover() <= HALF_COVER[1])


def _streaks(rng: np.random.Generator, shape: tuple[int, int], ppm: float) -> Floats:
    """Rubbing streaks in [0, 1]: fine across the eraser's path, long along it."""
    h, w = shape
    fine, long = max(2, int(h / (0.3 * ppm)) + 1), max(2, int(w / (2.0 * ppm)) + 1)
    grid = rng.random((fine, long)).astype(np.float32)
    if rng.random() < 0.5:  # the eraser went up and down, not side to side
        grid = np.ascontiguousarray(grid.T)
    return np.asarray(cv2.resize(grid, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)


def _erased(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    before = _solid(shape, box, rng, ppm) if rng.random() < 0.5 else _cross(shape, box, rng, ppm)
    ink = before.layer.ink
    residue = ink * (0.55 + 0.45 * _streaks(rng, ink.shape, ppm))
    smudge = cv2.GaussianBlur(ink, (0, 0), rng.uniform(0.4, 1.0) * ppm)
    shift = rng.normal(0.0, 0.4 * ppm, size=2).round().astype(int)
    smudge = np.roll(smudge, (int(shift[1]), int(shift[0])), axis=(0, 1))
    left = 1.0 - (1.0 - residue) * (1.0 - smudge * rng.uniform(0.3, 0.6))
    peak = float(np.percentile(left[before.interior()], 99)) or 1.0
    sketch = _new(shape, box, ppm)
    sketch.layer.add(1.0, np.clip(left * (rng.uniform(*ERASED_PEAK) / peak), 0.0, 1.0))
    return sketch


def _dot(shape: tuple[int, ...], box: Box, rng: np.random.Generator, ppm: float) -> Sketch:
    sketch = _new(shape, box, ppm)
    dark, _ = _pen(rng)
    size = rng.uniform(*DOT_MM) * ppm
    axes = (size / 2, size / 2 * rng.uniform(0.75, 1.0))
    x, y, w, h = box
    room = INSET_MM * ppm + size / 2
    cx = rng.uniform(x + room, max(x + room, x + w - room))
    cy = rng.uniform(y + room, max(y + room, y + h - room))
    cov = sketch.layer.ellipse_coverage((cx, cy), axes, rng.uniform(0, 180))
    sketch.layer.add(dark, cov)
    return sketch


_DRAWERS: dict[str, Callable[[tuple[int, ...], Box, np.random.Generator, float], Sketch]] = {
    "solid": _solid,
    "tick": _tick,
    "cross": _cross,
    "light": _light,
    "half": _half,
    "erased": _erased,
    "dot": _dot,
}
