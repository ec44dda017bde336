"""Lecture 1: learnable parameters of a conv layer followed by a fully connected layer."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from solver.marking import AnswerGap, WrongPath
from solver.model import Check, Math, Meta, Solution, Table, Text
from solver.params import as_dict, require

# The exam record's reading notes this solver places: the lost figure, before step 1.
READINGS = ("figure",)


@dataclass(frozen=True)
class Params:
    in_channels: int = 3
    hidden_channels: int = 5
    kernel_size: int = 3
    padding: int = 1
    stride: int = 1
    height: int = 16
    width: int = 16
    out_features: int = 2
    bias: bool = True

    def __post_init__(self) -> None:
        for name in ("in_channels", "hidden_channels", "out_features", "height", "width"):
            require(getattr(self, name) >= 1, f"parameter {name} must be at least 1")
        require(self.kernel_size >= 1, "parameter kernel_size must be at least 1")
        require(self.stride >= 1, "parameter stride must be at least 1")
        require(self.padding >= 0, "parameter padding must be 0 or more")
        for name, size in (("height", self.height), ("width", self.width)):
            require(
                self.kernel_size <= size + 2 * self.padding,
                f"parameter kernel_size={self.kernel_size} is larger than the padded "
                f"{name} {size + 2 * self.padding}; it must be at most that",
            )
        for name in ("in_channels", "hidden_channels", "kernel_size", "padding", "stride",
                     "height", "width", "out_features"):
            require(getattr(self, name) <= 100_000, f"parameter {name} must be at most 100000")


def _output_size(size: int, k: int, p: int, s: int) -> int:
    return (size + 2 * p - k) // s + 1


def _windows_by_sliding(size: int, k: int, p: int, s: int) -> int:
    """Independent count: slide the window along the padded axis and count positions."""
    count, start = 0, 0
    while start + k <= size + 2 * p:
        count, start = count + 1, start + s
    return count


@dataclass(frozen=True)
class _Counts:
    """The conv output size and the learnable parameters, layer by layer."""

    bias: int  # 1 with bias terms, 0 without: it multiplies every bias count
    out_h: int
    out_w: int
    conv_weights: int
    conv: int
    flat: int
    fc: int
    total: int


def solve(params: Params, meta: Meta) -> Solution:
    counts = _counts(params)
    solution = Solution(meta, as_dict(params))
    solution.reading("figure")
    _spatial_size_step(solution, counts, params)
    _layer_count_steps(solution, counts, params)
    _answers(solution, counts, params)
    _checks(solution, counts, params)
    return solution


def _counts(p: Params) -> _Counts:
    b = 1 if p.bias else 0
    out_h = _output_size(p.height, p.kernel_size, p.padding, p.stride)
    out_w = _output_size(p.width, p.kernel_size, p.padding, p.stride)
    conv_weights = p.hidden_channels * p.in_channels * p.kernel_size * p.kernel_size
    conv = conv_weights + b * p.hidden_channels
    flat = p.hidden_channels * out_h * out_w
    fc = flat * p.out_features + b * p.out_features
    return _Counts(b, out_h, out_w, conv_weights, conv, flat, fc, conv + fc)


def _spatial_size_step(solution: Solution, c: _Counts, p: Params) -> None:
    solution.add(
        Text("Step 1: spatial size after the convolution."),
        Math(
            r"H' = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{p.height} + 2 \cdot {p.padding} - {p.kernel_size}}}"
            rf"{{{p.stride}}} \right\rfloor + 1 = {c.out_h}",
        ),
    )
    if p.width != p.height:
        solution.add(Math(rf"W' = {c.out_w}", label="likewise for the width:"))


def _layer_count_steps(solution: Solution, c: _Counts, p: Params) -> None:
    b = c.bias
    bias_conv = rf" + {p.hidden_channels}" if b else ""
    bias_fc = rf" + {p.out_features}" if b else ""
    solution.add(
        Text(
            f"Step 2: the convolution has one {p.kernel_size}×{p.kernel_size}×{p.in_channels} "
            "filter per output channel" + (", plus one bias per output channel." if b else
                                           "; the network has no bias terms.")
        ),
        Math(
            r"C_{\mathrm{out}} \cdot C_{\mathrm{in}} \cdot k^2"
            + (r" + C_{\mathrm{out}}" if b else "") + " = "
            rf"{p.hidden_channels} \cdot {p.in_channels} \cdot {p.kernel_size}"
            rf" \cdot {p.kernel_size}{bias_conv} = {c.conv}"
        ),
        Text("Step 3: flatten the conv output into the fully connected layer's input."),
        Math(r"C_{\mathrm{out}} \cdot H' \cdot W' = "
             rf"{p.hidden_channels} \cdot {c.out_h} \cdot {c.out_w} = {c.flat}"),
        Text("Step 4: the fully connected layer has one weight per (input, output) pair"
             + (", plus one bias per output." if b else ".")),
        Math(rf"{c.flat} \cdot {p.out_features}{bias_fc} = {c.fc}"),
        Text("Step 5: add both layers."),
        Math(rf"{c.conv} + {c.fc} = {c.total}"),
        Table(
            ("layer", "weights", "biases", "total"),
            (
                ("conv", str(c.conv_weights), str(b * p.hidden_channels), str(c.conv)),
                ("fc", str(c.flat * p.out_features), str(b * p.out_features), str(c.fc)),
                ("network", str(c.conv_weights + c.flat * p.out_features),
                 str(b * (p.hidden_channels + p.out_features)), str(c.total)),
            ),
            caption="Learnable parameters per layer",
        ),
    )


def _answers(solution: Solution, c: _Counts, p: Params) -> None:
    solution.give("conv_params", c.conv, str(c.conv))
    solution.give("fc_params", c.fc, str(c.fc))
    solution.give("total", c.total, str(c.total))
    solution.words.update(out_h=c.out_h, out_w=c.out_w)
    solution.answer_part("", (
        f"{c.total} learnable parameters: the convolution has {c.conv} "
        f"({p.hidden_channels}·{p.in_channels}·{p.kernel_size}·{p.kernel_size} weights"
        + (f" + {p.hidden_channels} biases" if c.bias else "") + f"), its output is "
        f"{p.hidden_channels}×{c.out_h}×{c.out_w} = {c.flat} features, and the fully "
        f"connected layer has {c.fc} ({c.flat}·{p.out_features} weights"
        + (f" + {p.out_features} biases" if c.bias else "") + ")."
    ))


def _checks(solution: Solution, c: _Counts, p: Params) -> None:
    """Second method: slide the window to find H', W', then count array entries by shape."""
    slid = (
        _windows_by_sliding(p.height, p.kernel_size, p.padding, p.stride),
        _windows_by_sliding(p.width, p.kernel_size, p.padding, p.stride),
    )
    shapes = [
        (p.hidden_channels, p.in_channels, p.kernel_size, p.kernel_size),
        (p.hidden_channels,) if c.bias else (0,),
        (p.out_features, p.hidden_channels * slid[0] * slid[1]),
        (p.out_features,) if c.bias else (0,),
    ]
    by_shape = 0
    for shape in shapes:
        size = 1
        for dim in shape:
            size *= dim
        by_shape += size
    solution.checks.append(
        Check(
            "count by tensor shapes with a sliding-window output size",
            slid == (c.out_h, c.out_w) and by_shape == c.total,
            f"sliding gives H′ × W′ = {slid[0]} × {slid[1]}; shapes {shapes} hold "
            f"{by_shape} entries",
            max_abs_error=float(abs(by_shape - c.total)),
            tolerance=0.0,
        )
    )


SIDES = range(8, 33)  # image heights a variant draws from
MAX_DRAWS = 100


def sample(rng: random.Random) -> dict[str, Any]:
    """A network a student can count by hand: small channels, odd kernels, 'same' padding
    or none, biases, and image sides the stride divides: (side + 2·padding − kernel) is a
    multiple of the stride for the height and the width, so no output size is rounded down.
    The conv output never has as many features as the input, so flattening the input (a
    known wrong path) never gives the right total (nor does forgetting the biases), and no
    count equals a number the question prints."""
    for _ in range(MAX_DRAWS):
        kernel = rng.choice((1, 3, 5))
        stride = rng.choice((1, 1, 2))
        padding = rng.choice((0, kernel // 2))
        side = rng.choice([s for s in SIDES if (s + 2 * padding - kernel) % stride == 0])
        width = rng.choice((side, side, side + 4))  # the stride (1 or 2) divides 4 too
        drawn: dict[str, Any] = {
            "in_channels": rng.choice((1, 3, 4)), "hidden_channels": rng.randint(2, 8),
            "kernel_size": kernel, "padding": padding, "stride": stride, "height": side,
            "width": width, "out_features": rng.randint(2, 10), "bias": True,
        }
        counts = _counts(Params(**drawn))
        printed = {value for value in drawn.values() if not isinstance(value, bool)}
        if (counts.flat != drawn["in_channels"] * side * width  # flattening the input
                and printed.isdisjoint((counts.conv, counts.fc, counts.total))):
            return drawn
    raise RuntimeError(f"lecture 1: no fair draw in {MAX_DRAWS} tries")  # pragma: no cover


# The total only: the per-layer counts are its working, not asked.
GAPS = (AnswerGap("total", "Total number of learnable parameters"),)


def wrong_paths(solution: Solution) -> list[WrongPath]:
    """Typical wrong totals: biases forgotten, or the flatten size taken from the input."""
    p = solution.params
    out_h, out_w = solution.words["out_h"], solution.words["out_w"]
    k2 = p["kernel_size"] ** 2
    weights = (p["hidden_channels"] * p["in_channels"] * k2
               + p["hidden_channels"] * out_h * out_w * p["out_features"])
    biases = p["hidden_channels"] + p["out_features"] if p["bias"] else 0
    flat_input = (p["hidden_channels"] * p["in_channels"] * k2
                  + p["in_channels"] * p["height"] * p["width"] * p["out_features"] + biases)
    paths = [WrongPath("total", "flattened the input, not the conv output", flat_input,
                       credit="25")]  # the conv layer alone right
    if p["bias"]:
        paths.append(WrongPath("total", "forgot the bias terms", weights,
                               credit="50"))  # layers, output size and flatten right
    return paths
