"""A supersampled ink layer: pen and pencil strokes drawn anti-aliased, then laid on paper.

cv2 only anti-aliases 8-bit canvases and rounds thicknesses to whole pixels, so each
primitive is drawn at SUPER times the resolution and averaged down: strokes of 2.4 px
(0.4 mm at 150 dpi) keep their true width. Ink is darkness in [0, 1]; laying it on paper
multiplies, so ink only ever darkens.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

SUPER = 4

Floats = NDArray[np.float32]
Points = NDArray[np.float64]


class InkLayer:
    """Darkness over a window of an image (origin ox, oy; size width x height, in pixels)."""

    def __init__(self, ox: int, oy: int, width: int, height: int) -> None:
        self.ox, self.oy = ox, oy
        self.ink: Floats = np.zeros((height, width), np.float32)

    @classmethod
    def around(
        cls, image_shape: tuple[int, ...], box: tuple[float, float, float, float], margin: float
    ) -> InkLayer:
        """A layer covering box plus margin pixels on each side, clipped to the image."""
        x, y, w, h = box
        x0 = max(0, int(np.floor(x - margin)))
        y0 = max(0, int(np.floor(y - margin)))
        x1 = min(image_shape[1], int(np.ceil(x + w + margin)))
        y1 = min(image_shape[0], int(np.ceil(y + h + margin)))
        return cls(x0, y0, max(1, x1 - x0), max(1, y1 - y0))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.ink.shape[0], self.ink.shape[1])

    def _canvas(self) -> NDArray[np.uint8]:
        h, w = self.shape
        return np.zeros((h * SUPER, w * SUPER), np.uint8)

    def _hi(self, points: Points) -> NDArray[np.int32]:
        """Image pixel coordinates (x, y) to supersampled canvas coordinates."""
        local = (np.asarray(points, np.float64) - [self.ox, self.oy]) * SUPER
        return np.rint(local).astype(np.int32).reshape(-1, 1, 2)

    def _down(self, canvas: NDArray[np.uint8]) -> Floats:
        h, w = self.shape
        small = cv2.resize(canvas, (w, h), interpolation=cv2.INTER_AREA)
        return small.astype(np.float32) / 255.0

    def stroke_coverage(self, points: Points, width_px: float) -> Floats:
        """Coverage in [0, 1] of a polyline through points drawn width_px wide."""
        canvas = self._canvas()
        thickness = max(1, round(width_px * SUPER))
        cv2.polylines(canvas, [self._hi(points)], False, 255, thickness, cv2.LINE_AA)
        return self._down(canvas)

    def polygon_coverage(self, points: Points) -> Floats:
        """Coverage in [0, 1] of a filled polygon."""
        canvas = self._canvas()
        cv2.fillPoly(canvas, [self._hi(points)], 255, cv2.LINE_AA)
        return self._down(canvas)

    def ellipse_coverage(
        self, centre: tuple[float, float], axes: tuple[float, float], angle_deg: float
    ) -> Floats:
        """Coverage in [0, 1] of a filled ellipse (axes are half-widths in pixels)."""
        canvas = self._canvas()
        cx, cy = (centre[0] - self.ox) * SUPER, (centre[1] - self.oy) * SUPER
        ax = max(1, round(axes[0] * SUPER))
        ay = max(1, round(axes[1] * SUPER))
        cv2.ellipse(canvas, (round(cx), round(cy)), (ax, ay), angle_deg, 0, 360, 255, -1,
                    cv2.LINE_AA)
        return self._down(canvas)

    def add(self, darkness: Floats | float, coverage: Floats) -> None:
        """Lay ink of the given darkness where coverage is; overlapping ink darkens further."""
        self.ink = 1.0 - (1.0 - self.ink) * (1.0 - np.clip(coverage * darkness, 0.0, 1.0))
        self.ink = self.ink.astype(np.float32)

    def apply(self, image: NDArray[np.uint8]) -> None:
        """Multiply the ink into image in place (255 = white paper); never lightens a pixel."""
        h, w = self.shape
        window = image[self.oy : self.oy + h, self.ox : self.ox + w]
        ink = np.clip(self.ink[: window.shape[0], : window.shape[1]], 0.0, 1.0)
        darker = np.floor(window.astype(np.float32) * (1.0 - ink) + 0.5)
        window[...] = np.minimum(window, darker.astype(np.uint8))


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cell_px: float) -> Floats:
    """Smooth random field in [0, 1] whose features are about cell_px wide."""
    h, w = shape
    gh = max(2, int(np.ceil(h / max(cell_px, 1.0))) + 1)
    gw = max(2, int(np.ceil(w / max(cell_px, 1.0))) + 1)
    grid = rng.random((gh, gw)).astype(np.float32)
    return np.clip(cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC), 0.0, 1.0)


def bow(
    start: tuple[float, float], end: tuple[float, float], bend: float, n: int = 12
) -> Points:
    """Points on a gently curved stroke from start to end; bend = sideways offset (px) of
    its middle, as a hand's arc."""
    p0, p2 = np.asarray(start, np.float64), np.asarray(end, np.float64)
    d = p2 - p0
    normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-9)
    p1 = (p0 + p2) / 2 + normal * bend * 2  # quadratic Bezier control point
    t = np.linspace(0.0, 1.0, n)[:, None]
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2
