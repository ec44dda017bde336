"""Lecture 3: convolution of a 5x5x2 image with an average-value kernel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from solver.exact import matrix_latex, max_abs_diff, rational, to_json, to_text
from solver.model import Check, Figure, Math, Meta, Reading, Rubric, Solution, Table, Text
from solver.params import as_dict, number_grid, require

META = Meta(
    id="lecture.3",
    title="Convolution with an average-value kernel",
    points={"kernel": 2, "output": 4},
    question=(
        "Convolve the 5x5x2 image X with an average-value kernel of spatial size 3 (no "
        "padding, stride 1): give the kernel matrix and compute the output."
    ),
)

# The exam's image, channels first: X[:, :, 0] and X[:, :, 1].
EXAM_IMAGE = [
    [[1, 0, 2, 6, 4], [0, 2, 1, 2, 5], [2, 1, 0, 4, 2], [6, 2, 4, -4, -3], [-4, -2, 0, 3, -2]],
    [[0, -2, 1, 2, 2], [-3, 0, -2, 3, 2], [1, -2, -2, 2, 2], [0, 4, 4, -1, -1], [2, 2, 0, 3, -2]],
]
MODES = ("joint", "per_channel")
MAX_SIDE = 64


@dataclass(frozen=True)
class Params:
    image: Any = field(default_factory=lambda: [[list(r) for r in c] for c in EXAM_IMAGE])
    kernel_size: int = 3
    stride: int = 1
    padding: int = 0
    mode: str = "joint"

    def __post_init__(self) -> None:
        grid = number_grid("image", self.image, 3)
        channels, height, width = len(grid), len(grid[0]), len(grid[0][0])
        require(channels <= 16 and height <= MAX_SIDE and width <= MAX_SIDE,
                f"parameter image may have at most 16 channels of {MAX_SIDE}x{MAX_SIDE}")
        require(self.mode in MODES,
                f"parameter mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        require(self.kernel_size >= 1, "parameter kernel_size must be at least 1")
        require(self.stride >= 1, "parameter stride must be at least 1")
        require(0 <= self.padding <= MAX_SIDE, f"parameter padding must be 0..{MAX_SIDE}")
        require(
            self.kernel_size <= min(height, width) + 2 * self.padding,
            f"parameter kernel_size={self.kernel_size} is larger than the padded image "
            f"({height + 2 * self.padding}x{width + 2 * self.padding}); it must be at most that",
        )


Grid = list[list[Any]]


def _padded(image: list[Grid], pad: int) -> list[Grid]:
    out = []
    for channel in image:
        width = len(channel[0]) + 2 * pad
        rows = [[sp.Integer(0)] * width for _ in range(pad)]
        rows += [[sp.Integer(0)] * pad + [rational(v) for v in row] + [sp.Integer(0)] * pad
                 for row in channel]
        rows += [[sp.Integer(0)] * width for _ in range(pad)]
        out.append(rows)
    return out


def _convolve(image: list[Grid], kernel: list[Grid], stride: int) -> Grid:
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


def _box_means(image: list[Grid], k: int, stride: int, count: int) -> Grid:
    """Second method: window sums from a summed-area table, divided by ``count``."""
    height, width = len(image[0]), len(image[0][0])
    table = [[sp.Integer(0)] * (width + 1) for _ in range(height + 1)]
    for r in range(height):
        for c in range(width):
            cell = sum((channel[r][c] for channel in image), sp.Integer(0))
            table[r + 1][c + 1] = cell + table[r][c + 1] + table[r + 1][c] - table[r][c]
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


def _windows_figure(image: list[Grid], k: int, stride: int, out_h: int, out_w: int) -> Figure:
    """The channel-summed (padded) input with the windows of the output's corner cells."""
    summed = tuple(
        tuple(float(sum((channel[r][c] for channel in image), sp.Integer(0)))
              for c in range(len(image[0][0])))
        for r in range(len(image[0]))
    )
    corners = sorted({(0, 0), (0, out_w - 1), (out_h - 1, out_w - 1)})
    return Figure(
        caption=f"Input summed over its {len(image)} channels; outlined: the {k}x{k} windows "
                f"of output cells {', '.join(map(str, corners))} (stride {stride}). Each "
                "output is the sum inside its window times the kernel weight.",
        grid=summed,
        boxes=tuple((i * stride, j * stride, k) for i, j in corners),
    )


def solve(params: Params) -> Solution:
    p = params
    solution = Solution(META, as_dict(p))
    image = _padded(p.image, p.padding)
    channels, k = len(image), p.kernel_size
    joint = p.mode == "joint"
    weight = sp.Rational(1, channels * k * k) if joint else sp.Rational(1, k * k)
    kernel = [[[weight] * k for _ in range(k)] for _ in range(channels)]
    solution.add(
        Reading(
            "\"Average value kernel\" on a multi-channel image. Primary reading (mode=joint): "
            f"one {k}x{k}x{channels} filter whose {channels * k * k} entries are all "
            f"1/{channels * k * k}, the mean over the whole receptive field, giving one "
            f"output channel. Variant (mode=per_channel): a depthwise {k}x{k} mean with "
            f"entries 1/{k * k} per channel, giving {channels} output channels."
        ),
        Reading("A convolution in deep learning is a cross-correlation (no kernel flip); "
                "for a constant kernel the two coincide."),
        Text(f"Sub-question 1: the kernel. Mode {p.mode}: every entry is {weight}, so that "
             "the entries sum to 1 over what they average."),
    )
    for c in range(channels):
        solution.add(Math(rf"K[:,:,{c}] = " + matrix_latex(kernel[c])))
    out_h = (len(image[0]) - k) // p.stride + 1
    out_w = (len(image[0][0]) - k) // p.stride + 1
    solution.add(
        Text("Sub-question 2: the output size, then each output cell from its window."),
        Math(rf"H' = \left\lfloor \frac{{{len(p.image[0])} + 2 \cdot {p.padding} - {k}}}"
             rf"{{{p.stride}}} \right\rfloor + 1 = {out_h}, \quad W' = {out_w}"),
    )
    if joint:
        output: Any = _convolve(image, kernel, p.stride)
        planes = [output]
        second = _box_means(image, k, p.stride, channels * k * k)
    else:
        planes = [_convolve([image[c]], [kernel[c]], p.stride) for c in range(channels)]
        output = planes
        second = [_box_means([image[c]], k, p.stride, k * k) for c in range(channels)]
    for index, plane in enumerate(planes):
        selected = range(channels) if joint else [index]
        rows = []
        for i in range(out_h):
            for j in range(out_w):
                r0, c0 = i * p.stride, j * p.stride
                window_sum = sum((image[c][r0 + a][c0 + b] for c in selected
                                  for a in range(k) for b in range(k)), sp.Integer(0))
                rows.append((f"({i}, {j})", f"rows {r0}..{r0 + k - 1}, cols {c0}..{c0 + k - 1}",
                             str(window_sum), f"{window_sum} x {weight}", str(plane[i][j])))
        caption = "Output cells" if joint else f"Output channel {index}"
        solution.add(Table(("cell", "window", "window sum", "times weight", "output"),
                           tuple(rows), caption=caption))
        label = "Y = " if joint else f"Y[:,:,{index}] = "
        solution.add(Math(label + matrix_latex(plane)))
    if joint:
        variant = [_convolve([image[c]], [[[sp.Rational(1, k * k)] * k] * k], p.stride)
                   for c in range(channels)]
        solution.add(Reading(f"Variant (per_channel, 1/{k * k}): output channels "
                             f"{to_text(variant)}."))
    else:
        variant = _convolve(image, [[[sp.Rational(1, channels * k * k)] * k] * k] * channels,
                            p.stride)
        solution.add(Reading(f"Variant (joint, 1/{channels * k * k}): output {to_text(variant)}."))
    solution.add(_windows_figure(image, k, p.stride, out_h, out_w))
    solution.give("kernel", to_json(kernel), to_text(kernel))
    solution.give("output", to_json(output), to_text(output))
    solution.checks.append(
        Check(
            "exact window-by-window sums equal a summed-area-table computation",
            output == second,
            f"summed-area table gives {to_text(second)}",
            max_abs_error=max_abs_diff(output, second),
            tolerance=0.0,
        )
    )
    solution.rubric += [
        Rubric("kernel", 2, f"a {k}x{k}x{channels} kernel with every entry {weight} (2); "
               f"the per-channel reading (1/{k * k}) earns full marks if stated"),
        Rubric("output", 4, "output size (1), window sums (2), correct averaged values (1)"),
    ]
    return solution
