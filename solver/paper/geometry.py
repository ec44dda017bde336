"""The booklet page's fixed geometry, shared by the writer and the scanner: A4 in points
from the top-left corner, the corner markers and the page-code strip.

The markers are ArUco markers (OpenCV's DICT_4X4_50, ids 0–3), not AMC's plain discs: each
corner has its own id, so a page turned by 180° or a missing corner is known at once; each
gives four sub-pixel corners, so three markers still place the page; OpenCV's detector is
field-proven on phone photos and scans alike. Their outer edge lies 12 mm inside the paper
edge (printers cut up to ~5 mm; the issue asks at least 10 mm). The patterns are written out
here so printing a booklet needs no OpenCV; a test checks them against OpenCV's dictionary.
"""

from __future__ import annotations

from solver.paper import code

MM = 72 / 25.4
WIDTH = 210 * MM
HEIGHT = 297 * MM

MARKER_INSET = 12 * MM  # from each paper edge to the marker's outer edge
MARKER_SIZE = 10 * MM  # the marker's side, its black border included (6 cells)
# Each marker's 4×4 inner cells, row by row from its top-left, "1" black (DICT_4X4_50).
ARUCO_4X4 = {
    0: ("0100", "1010", "1100", "1101"),
    1: ("1111", "0000", "0110", "0101"),
    2: ("1100", "1100", "1101", "0010"),
    3: ("0110", "0110", "1011", "1001"),
}
CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")  # ids 0, 1, 2, 3


def marker_origin(marker: int) -> tuple[float, float]:
    """The top-left corner of marker ``marker``'s outer square, in points."""
    right = WIDTH - MARKER_INSET - MARKER_SIZE
    bottom = HEIGHT - MARKER_INSET - MARKER_SIZE
    return ((MARKER_INSET, MARKER_INSET), (right, MARKER_INSET), (right, bottom),
            (MARKER_INSET, bottom))[marker]


# The page code: CODE_ROWS × CODE_COLUMNS cells between the bottom markers.
CODE_CELL = 2.5 * MM
CODE_COLUMNS = 48
CODE_ROWS = code.BITS // CODE_COLUMNS
CODE_X = (WIDTH - CODE_COLUMNS * CODE_CELL) / 2
CODE_Y = HEIGHT - MARKER_INSET - MARKER_SIZE / 2 - CODE_ROWS * CODE_CELL / 2

# Where questions go: inside the markers' band, above the code's human-readable line.
LEFT = 15 * MM
RIGHT = WIDTH - 15 * MM
TOP = MARKER_INSET + MARKER_SIZE + 5 * MM
BOTTOM = HEIGHT - MARKER_INSET - MARKER_SIZE - 9 * MM

BOX = 4.5 * MM  # a tick box's side
BOX_STEP = 6.5 * MM  # from one box to the next in a row or a digit column
LINE = 8 * MM  # a ruled line's height
