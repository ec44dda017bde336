"""Places a scanned page on the booklet's page: the four ArUco corner markers (their ids
say which corner each is, so a page upside down is turned by the same map), a homography
from the printed points to the scan's pixels, and the page warped upright at the reading
resolution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.paper import geometry as g

SCALE = 200 / 72  # canonical pixels per point (200 dpi)
MIN_MARKERS = 3


@dataclass(frozen=True)
class Placed:
    image: Any  # the page upright, SCALE pixels per point
    markers: int  # how many corner markers were found
    error: float  # the homography's largest reprojection error, in points


def _detector() -> Any:
    import cv2

    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    return cv2.aruco.ArucoDetector(dictionary, parameters)


def printed_corners(marker: int) -> list[tuple[float, float]]:
    """A marker's outer corners in points, in OpenCV's order (clockwise from top-left)."""
    x, y = g.marker_origin(marker)
    s = g.MARKER_SIZE
    return [(x, y), (x + s, y), (x + s, y + s), (x, y + s)]


def _detected(image: Any) -> dict[int, Any]:
    corners, ids, _ = _detector().detectMarkers(image)
    found: dict[int, Any] = {}
    for marker_corners, marker_id in zip(corners, [] if ids is None else ids.ravel(),
                                         strict=False):
        if int(marker_id) in g.ARUCO_4X4 and int(marker_id) not in found:
            found[int(marker_id)] = marker_corners.reshape(4, 2)
    return found


def _markers(image: Any) -> dict[int, Any]:
    """The corner markers found, by id: looked for at half the resolution (four times
    faster; a marker is still 6 pixels a cell at 200 dpi), their corners then refined on the
    page itself; the whole page searched when that finds fewer than three."""
    import cv2
    import numpy as np

    if min(image.shape[:2]) < 1200:
        return _detected(image)
    found = _detected(cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    if len(found) < MIN_MARKERS:
        return _detected(image)
    points = np.concatenate([c * 2 + 0.5 for c in found.values()]).astype(np.float32)
    stop = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 0.01)
    refined = cv2.cornerSubPix(image, points.reshape(-1, 1, 2), (5, 5), (-1, -1), stop)
    return {marker: refined[4 * k:4 * k + 4].reshape(4, 2)
            for k, marker in enumerate(found)}


def place(image: Any) -> Placed | str:
    """The page upright, or why not (the reason a person reads on the review list)."""
    import cv2
    import numpy as np

    found = _markers(image)
    if len(found) < MIN_MARKERS:
        return ("no corner markers found (a blank page or another document?)" if not found
                else f"only {len(found)} of 4 corner markers found (a corner cut off?)")
    source = np.array([p for m in sorted(found) for p in printed_corners(m)], np.float32)
    target = np.array([p for m in sorted(found) for p in found[m]], np.float32)
    homography, _ = cv2.findHomography(source, target, 0)
    if homography is None:
        return "the corner markers do not describe a page"
    back = cv2.perspectiveTransform(source.reshape(-1, 1, 2), homography).reshape(-1, 2)
    pixels_per_point = _pixels_per_point(homography)
    error = float(np.max(np.linalg.norm(back - target, axis=1))) / pixels_per_point
    if error > 1.5 or not 50 <= pixels_per_point * 72 <= 1200:
        return "the corner markers are not where a booklet page has them (another document?)"
    to_canonical = np.diag([SCALE, SCALE, 1.0]) @ np.linalg.inv(homography)
    size = (round(g.WIDTH * SCALE), round(g.HEIGHT * SCALE))
    upright = cv2.warpPerspective(image, to_canonical, size, flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return Placed(upright, len(found), error)


def _pixels_per_point(homography: Any) -> float:
    """The scan's scale at the page's centre (pixels per point)."""
    import cv2
    import numpy as np

    centre = np.array([[[g.WIDTH / 2, g.HEIGHT / 2]], [[g.WIDTH / 2 + 1, g.HEIGHT / 2]]],
                      np.float32)
    a, b = cv2.perspectiveTransform(centre, homography).reshape(2, 2)
    return float(np.linalg.norm(b - a))
