"""Lecture 3: convolution of a 5x5x2 image with an average-value kernel: the question's
kernels, steps, figure and answers (the exact arithmetic is ``conv_arithmetic``'s)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from solver.exact import matrix_latex, matrix_of, max_abs_diff, rational, to_json, to_text
from solver.marking import AnswerGap
from solver.model import Check, Figure, Math, Meta, Solution, Table, Text
from solver.params import as_dict, number_grid, require, require_decimals
from solver.questions.conv_arithmetic import Grid, box_means, channel_sums, convolve, padded

# The exam's image, channels first: X[:, :, 0] and X[:, :, 1].
EXAM_IMAGE = [
    [[1, 0, 2, 6, 4], [0, 2, 1, 2, 5], [2, 1, 0, 4, 2], [6, 2, 4, -4, -3], [-4, -2, 0, 3, -2]],
    [[0, -2, 1, 2, 2], [-3, 0, -2, 3, 2], [1, -2, -2, 2, 2], [0, 4, 4, -1, -1], [2, 2, 0, 3, -2]],
]
# The exam record's reading note this solver places first: which average kernel.
READINGS = ("average",)
MODES = ("joint", "per_channel")
MAX_SIDE = 10
MAX_CHANNELS = 4
MAX_CELL = 1_000_000
PLACES = 6
# Exact window sums cost about one sympy addition per (output cell, kernel entry, channel),
# and the sheet lists every output cell in a table: bound both (see the hardening note).
MAX_WORK = 40_000
MAX_ROWS = 200


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
        require(channels <= MAX_CHANNELS and height <= MAX_SIDE and width <= MAX_SIDE,
                f"parameter image may have at most {MAX_CHANNELS} channels of "
                f"{MAX_SIDE}x{MAX_SIDE} cells")
        for value in (v for channel in grid for row in channel for v in row):
            require(abs(value) <= MAX_CELL,
                    f"parameter image cells must be within ±{MAX_CELL}, got {value!r}")
            if isinstance(value, float):
                require_decimals("image", value, PLACES)
        require(self.mode in MODES,
                f"parameter mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        require(1 <= self.kernel_size <= MAX_SIDE,
                f"parameter kernel_size must be in 1..{MAX_SIDE}")
        require(1 <= self.stride <= MAX_SIDE, f"parameter stride must be in 1..{MAX_SIDE}")
        require(0 <= self.padding < self.kernel_size,
                "parameter padding must be 0..kernel_size-1 (more padding only adds "
                "windows of zeros)")
        require(
            self.kernel_size <= min(height, width) + 2 * self.padding,
            f"parameter kernel_size={self.kernel_size} is larger than the padded image "
            f"({height + 2 * self.padding}x{width + 2 * self.padding}); it must be at most that",
        )
        out_h, out_w = self.output_size
        planes = 1 if self.mode == "joint" else channels
        work = out_h * out_w * self.kernel_size**2 * channels
        require(work <= MAX_WORK,
                f"this convolution needs {work} window terms; at most {MAX_WORK} are allowed "
                "(use a smaller image, kernel or padding, or a larger stride)")
        require(out_h * out_w * planes <= MAX_ROWS,
                f"the output has {out_h * out_w * planes} cells; at most {MAX_ROWS} are shown")

    @property
    def output_size(self) -> tuple[int, int]:
        height, width = len(self.image[0]), len(self.image[0][0])
        k, p, s = self.kernel_size, self.padding, self.stride
        return (height + 2 * p - k) // s + 1, (width + 2 * p - k) // s + 1


def context(params: Params) -> dict[str, Any]:
    """The statement's image as one typeset matrix per channel, and its sizes; the entries
    of a joint average kernel (``field``, channels·k·k) and of one channel's (``window``,
    k·k), for the readings."""
    k = params.kernel_size
    return {
        "field": len(params.image) * k * k, "window": k * k,
        "channels": len(params.image), "height": len(params.image[0]),
        "width": len(params.image[0][0]),
        "image_latex": [matrix_latex([[rational(v) for v in row] for row in channel])
                        for channel in params.image],
    }


def _matrix(rows: Grid) -> str:
    """A matrix of exact values with fractions written a/b, so every row has the same
    height; a matrix whose entries are all one fraction is written as that fraction times
    a matrix of ones."""
    cells = {value for row in rows for value in row}
    if len(cells) == 1 and not sp.sympify(next(iter(cells))).is_Integer:
        value = sp.Rational(next(iter(cells)))
        ones = matrix_of([["1" for _ in row] for row in rows])
        return rf"\frac{{{value.p}}}{{{value.q}}}{ones}"
    return matrix_of([[_cell(value) for value in row] for row in rows])


def _cell(value: Any) -> str:
    number = sp.Rational(value)
    return str(number.p) if number.q == 1 else f"{number.p}/{number.q}"


def _windows_figure(image: list[Grid], k: int, stride: int, out_h: int, out_w: int) -> Figure:
    """The channel-summed (padded) input with the windows of the output's corner cells."""
    summed = tuple(tuple(map(float, row)) for row in channel_sums(image))
    corners = sorted({(0, 0), (0, out_w - 1), (out_h - 1, out_w - 1)})
    return Figure(
        caption=("The input" if len(image) == 1 else f"Input summed over its {len(image)} "
                 "channels") + "; outlined (see the legend): the "
                f"{k}×{k} windows of output cells {', '.join(map(str, corners))} (stride "
                f"{stride}). Each output is the sum inside its window times the kernel weight.",
        xlabel="column", ylabel="row",
        grid=summed,
        boxes=tuple((i * stride, j * stride, k) for i, j in corners),
    )


@dataclass(frozen=True)
class _Convolution:
    """The padded image, the kernel of the chosen reading, its output computed twice, and
    the other reading's output."""

    image: list[Grid]  # padded
    channels: int
    k: int
    joint: bool
    weight: Any
    kernel: list[Grid]
    out_h: int
    out_w: int
    output: Any  # one plane (joint) or one per channel
    planes: list[Grid]
    second: Any  # by the summed-area table
    variant: Any  # the other reading's output


def solve(params: Params, meta: Meta) -> Solution:
    conv = _convolution(params)
    solution = Solution(meta, as_dict(params))
    solution.reading("average")
    solution.add(Text("A convolution in deep learning is a cross-correlation (no kernel "
                      "flip); for a constant kernel the two coincide."))
    _part_kernel(solution, conv)
    _part_output(solution, conv, params)
    _other_reading(solution, conv)
    _answers(solution, conv)
    _checks(solution, conv)
    return solution


def _convolution(p: Params) -> _Convolution:
    image = padded(p.image, p.padding)
    channels, k = len(image), p.kernel_size
    joint = p.mode == "joint"
    weight = sp.Rational(1, channels * k * k) if joint else sp.Rational(1, k * k)
    kernel = [[[weight] * k for _ in range(k)] for _ in range(channels)]
    out_h = (len(image[0]) - k) // p.stride + 1
    out_w = (len(image[0][0]) - k) // p.stride + 1
    output: Any
    variant: Any
    if joint:
        output = convolve(image, kernel, p.stride)
        planes = [output]
        second = box_means(image, k, p.stride, channels * k * k)
        variant = [convolve([image[c]], [[[sp.Rational(1, k * k)] * k] * k], p.stride)
                   for c in range(channels)]
    else:
        planes = [convolve([image[c]], [kernel[c]], p.stride) for c in range(channels)]
        output = planes
        second = [box_means([image[c]], k, p.stride, k * k) for c in range(channels)]
        variant = convolve(image, [[[sp.Rational(1, channels * k * k)] * k] * k] * channels,
                            p.stride)
    return _Convolution(image, channels, k, joint, weight, kernel, out_h, out_w, output,
                        planes, second, variant)


def _part_kernel(solution: Solution, c: _Convolution) -> None:
    solution.add(
        Text(f"Sub-question {solution.label(0)}: "
             "the kernel. " + ("Every" if c.channels == 1 else  # one channel: one reading
                               f"{'Joint' if c.joint else 'Per-channel'} reading: every")
             + f" entry is {c.weight}, so that the entries sum to 1 over what they average."),
    )
    for channel in range(c.channels):
        solution.add(Math(rf"K[{{:}},{{:}},{channel}] = " + _matrix(c.kernel[channel])))


def _part_output(solution: Solution, c: _Convolution, p: Params) -> None:
    """The output size, then one table of window sums and one matrix per output plane."""
    k = c.k
    solution.add(
        Text(f"Sub-question {solution.label(1)}: "
             "the output size, then each output cell from its window."),
        Math(rf"H' = \left\lfloor \frac{{{len(p.image[0])} + 2 \cdot {p.padding} - {k}}}"
             rf"{{{p.stride}}} \right\rfloor + 1 = {c.out_h}, \quad W' = {c.out_w}"),
    )
    for index, plane in enumerate(c.planes):
        selected = range(c.channels) if c.joint else [index]
        rows = []
        for i in range(c.out_h):
            for j in range(c.out_w):
                r0, c0 = i * p.stride, j * p.stride
                window_sum = sum((c.image[ch][r0 + a][c0 + b] for ch in selected
                                  for a in range(k) for b in range(k)), sp.Integer(0))
                rows.append((f"({i}, {j})", f"rows {r0}–{r0 + k - 1}, cols {c0}–{c0 + k - 1}",
                             str(window_sum), f"{window_sum} × {c.weight}", str(plane[i][j])))
        caption = "Output cells" if c.joint else f"Output channel {index}"
        solution.add(Table(("cell", "window", "window sum", "times weight", "output"),
                           tuple(rows), caption=caption))
        label = "Y = " if c.joint else f"Y[{{:}},{{:}},{index}] = "
        solution.add(Math(label + _matrix(plane)))
    solution.add(_windows_figure(c.image, k, p.stride, c.out_h, c.out_w))


def _other_reading(solution: Solution, c: _Convolution) -> None:
    k = c.k
    if c.channels == 1:  # one channel: the joint and the per-channel readings coincide
        return
    if c.joint:
        solution.add(Text(f"The per-channel variant (every entry 1/{k * k}, each channel "
                          f"averaged on its own) gives {c.channels} output channels:"))
        solution.add(*(Math(f"Y[{{:}},{{:}},{channel}] = " + _matrix(plane))
                       for channel, plane in enumerate(c.variant)))
    else:
        solution.add(Text(f"The joint variant (one {k}×{k}×{c.channels} filter, every entry "
                          f"1/{c.channels * k * k}) gives one output channel:"),
                     Math("Y = " + _matrix(c.variant)))


def _answers(solution: Solution, c: _Convolution) -> None:
    k, channels = c.k, c.channels
    solution.give("kernel", to_json(c.kernel), to_text(c.kernel))
    solution.give("output", to_json(c.output), to_text(c.output))
    size = (f"{k}×{k}×1 kernel (the image has one channel)" if channels == 1 else
            f"{k}×{k}×{channels} kernel ({k}×{k} in each of the {channels} channels)"
            if c.joint else f"{k}×{k} kernel per channel ({channels} channels)")
    solution.answer_part("1", (
        f"A {size} with every entry {c.weight}, so its {k * k * (channels if c.joint else 1)} "
        "weights sum to 1."))
    shown = (f"Y = {to_text(c.output)}" if c.joint else "; ".join(
        f"Y[:,:,{channel}] = {to_text(plane)}" for channel, plane in enumerate(c.planes)))
    solution.answer_part("2", f"A {c.out_h}×{c.out_w} output" + ("" if c.joint else
                         f" per channel ({channels} channels)") + f": {shown}.")
    solution.words.update(kernel_channels=channels if c.joint else 1, weight=str(c.weight),
                          window=k * k, out_h=c.out_h, out_w=c.out_w)
    # The other reading's answers, for the key at a glance (a grader meets them too).
    def values(grid: Any) -> str:
        return to_text(grid).replace("-", "−")

    if c.joint:
        other_kernel = f"per-channel reading, a {k}×{k} kernel per channel with entries 1/{k * k}"
        other_output = "per-channel reading, " + "; ".join(
            f"Y[:,:,{channel}] = {values(plane)}" for channel, plane in enumerate(c.variant))
    else:
        other_kernel = (f"joint reading, one {k}×{k}×{channels} kernel with entries "
                        f"1/{channels * k * k}")
        other_output = f"joint reading, Y = {values(c.variant)}"
    solution.words.update(other_kernel=other_kernel, other_output=other_output)


def _checks(solution: Solution, c: _Convolution) -> None:
    solution.checks.append(
        Check(
            "exact window-by-window sums equal a summed-area-table computation",
            c.output == c.second,
            f"summed-area table gives {to_text(c.second)}",
            max_abs_error=max_abs_diff(c.output, c.second),
            tolerance=0.0,
        )
    )


SIDES = (4, 5, 6)  # a variant's square image sides
MAX_DRAWS = 1000


def sample(rng: random.Random) -> dict[str, Any]:
    """A small image of integer cells (never all zero under a window), kernel 2 or 3, and
    a side the stride divides: (side − kernel) is a multiple of the stride, so every row
    and column is used, and the output has at least 2×2 cells."""
    channels = rng.choice((1, 2, 2, 3))
    kernel = rng.choice((2, 3, 3))
    stride = rng.choice((1, 1, 2))
    side = rng.choice([s for s in SIDES
                       if (s - kernel) % stride == 0 and (s - kernel) // stride + 1 >= 2])
    for _ in range(MAX_DRAWS):
        image = [[[rng.randint(-4, 6) for _ in range(side)] for _ in range(side)]
                 for _ in range(channels)]
        sums = box_means(padded(image, 0), kernel, stride, 1)  # the window sums
        if all(cell != 0 for row in sums for cell in row):  # no output cell is 0
            return {"image": image, "kernel_size": kernel, "stride": stride, "padding": 0,
                    "mode": "joint"}
    raise RuntimeError(f"lecture 3: no fair draw in {MAX_DRAWS} tries")  # pragma: no cover


# Cell by cell, named channels last as the exam writes them (K[i,j,c], Y[i,j,c]); a kernel
# of equal entries (the average kernel) is asked once.
GAPS = (AnswerGap("kernel", "K", cells=True, uniform="Every entry of the kernel",
                  channels_last=True),
        AnswerGap("output", "Y", part=1, cells=True, channels_last=True))
