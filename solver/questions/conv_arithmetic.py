"""Exact convolution arithmetic on channels-first grids of sympy numbers: zero padding,
sums over channels, cross-correlation by window sums, and window means from a
summed-area table (an independent second method)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from solver.exact import rational

Grid = list[list[Any]]


def padded(image: list[Grid], pad: int) -> list[Grid]:
    """Each channel with its cells as exact rationals, inside ``pad`` rings of zeros."""
    out = []
    for channel in image:
        width = len(channel[0]) + 2 * pad
        rows = [[sp.Integer(0)] * width for _ in range(pad)]
        rows += [[sp.Integer(0)] * pad + [rational(v) for v in row] + [sp.Integer(0)] * pad
                 for row in channel]
        rows += [[sp.Integer(0)] * width for _ in range(pad)]
        out.append(rows)
    return out


def channel_sums(image: list[Grid]) -> Grid:
    """The image summed over its channels, cell by cell."""
    return [[sum((channel[r][c] for channel in image), sp.Integer(0))
             for c in range(len(image[0][0]))] for r in range(len(image[0]))]


def convolve(image: list[Grid], kernel: list[Grid], stride: int) -> Grid:
    """Cross-correlation of a C-channel image with one C x k x k filter, by window sums."""
    k = len(kernel[0])
    height, width = len(image[0]), len(image[0][0])
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    return [
        [
            sum(
                (kernel[c][a][b] * image[c][i * stride + a][j * stride + b]
                 for c in range(len(image)) for a in range(k) for b in range(k)),
                sp.Integer(0),
            )
            for j in range(out_w)
        ]
        for i in range(out_h)
    ]


def box_means(image: list[Grid], k: int, stride: int, count: int) -> Grid:
    """Second method: window sums from a summed-area table, divided by ``count``."""
    height, width = len(image[0]), len(image[0][0])
    table = [[sp.Integer(0)] * (width + 1) for _ in range(height + 1)]
    cells = channel_sums(image)
    for r in range(height):
        for c in range(width):
            table[r + 1][c + 1] = cells[r][c] + table[r][c + 1] + table[r + 1][c] - table[r][c]
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    result = []
    for i in range(out_h):
        row = []
        for j in range(out_w):
            top, left = i * stride, j * stride
            total = (table[top + k][left + k] - table[top][left + k]
                     - table[top + k][left] + table[top][left])
            row.append(total / count)
        result.append(row)
    return result
