"""Lecture 1: learnable parameters of a conv layer followed by a fully connected layer."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Check, Math, Meta, Reading, Rubric, Solution, Table, Text
from solver.params import as_dict, require

META = Meta(
    id="lecture.1",
    title="Parameters of a conv + fully connected network",
    points={"count": 4},
    question=(
        "A 2-layer network: a 3x3 convolution (padding 1, stride 1) from 3 input channels "
        "to 5 hidden channels, then a fully connected layer to 2 output features, with "
        "bias terms, on a 16x16 image. How many learnable parameters does it have?"
    ),
)


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


def solve(params: Params) -> Solution:
    p = params
    b = 1 if p.bias else 0
    solution = Solution(META, as_dict(p))
    solution.add(
        Reading(
            "The figure is lost in the exam text. Reading used: the convolution maps "
            f"{p.in_channels} -> {p.hidden_channels} channels and the fully connected layer "
            "maps the flattened conv output to the outputs (no pooling in between)."
        ),
        Text("Step 1: spatial size after the convolution."),
        Math(
            r"H' = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{p.height} + 2 \cdot {p.padding} - {p.kernel_size}}}"
            rf"{{{p.stride}}} \right\rfloor + 1 = "
            rf"{_output_size(p.height, p.kernel_size, p.padding, p.stride)}",
        ),
    )
    out_h = _output_size(p.height, p.kernel_size, p.padding, p.stride)
    out_w = _output_size(p.width, p.kernel_size, p.padding, p.stride)
    if p.width != p.height:
        solution.add(Math(rf"W' = {out_w}", label="likewise for the width:"))
    k2 = p.kernel_size * p.kernel_size
    conv_weights = p.hidden_channels * p.in_channels * k2
    conv = conv_weights + b * p.hidden_channels
    flat = p.hidden_channels * out_h * out_w
    fc = flat * p.out_features + b * p.out_features
    total = conv + fc
    bias_conv = rf" + {p.hidden_channels}" if b else ""
    bias_fc = rf" + {p.out_features}" if b else ""
    solution.add(
        Text(
            "Step 2: the convolution has one k x k x C_in filter per output channel, "
            "plus one bias per output channel."
        ),
        Math(
            rf"C_{{out}} \cdot C_{{in}} \cdot k^2{' + C_{out}' if b else ''} = "
            rf"{p.hidden_channels} \cdot {p.in_channels} \cdot {p.kernel_size}"
            rf" \cdot {p.kernel_size}{bias_conv} = {conv}"
        ),
        Text("Step 3: flatten the conv output into the fully connected layer's input."),
        Math(rf"C_{{out}} \cdot H' \cdot W' = {p.hidden_channels} \cdot {out_h} \cdot {out_w}"
             rf" = {flat}"),
        Text("Step 4: the fully connected layer has one weight per (input, output) pair, "
             "plus one bias per output."),
        Math(rf"{flat} \cdot {p.out_features}{bias_fc} = {fc}"),
        Text("Step 5: add both layers."),
        Math(rf"{conv} + {fc} = {total}"),
        Table(
            ("layer", "weights", "biases", "total"),
            (
                ("conv", str(conv_weights), str(b * p.hidden_channels), str(conv)),
                ("fc", str(flat * p.out_features), str(b * p.out_features), str(fc)),
                ("network", str(conv_weights + flat * p.out_features),
                 str(b * (p.hidden_channels + p.out_features)), str(total)),
            ),
            caption="Learnable parameters per layer",
        ),
    )
    solution.give("conv_params", conv, str(conv))
    solution.give("fc_params", fc, str(fc))
    solution.give("total", total, str(total))

    # Second method: slide the window to find H', W', then count array entries by shape.
    slid = (
        _windows_by_sliding(p.height, p.kernel_size, p.padding, p.stride),
        _windows_by_sliding(p.width, p.kernel_size, p.padding, p.stride),
    )
    shapes = [
        (p.hidden_channels, p.in_channels, p.kernel_size, p.kernel_size),
        (p.hidden_channels,) if b else (0,),
        (p.out_features, p.hidden_channels * slid[0] * slid[1]),
        (p.out_features,) if b else (0,),
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
            slid == (out_h, out_w) and by_shape == total,
            f"sliding gives H' x W' = {slid[0]} x {slid[1]}; shapes {shapes} hold "
            f"{by_shape} entries",
            max_abs_error=float(abs(by_shape - total)),
            tolerance=0.0,
        )
    )
    solution.rubric.append(
        Rubric("count", 4, "conv weights and biases (1), output size and flatten (1), "
               "fc weights and biases (1), correct total (1)")
    )
    return solution
