"""Lab 3: the loop convolution, verified against F.conv2d.

Versions: the dilation the template's layer takes (the exam's: none; 2: the window takes
kernel_size pixels, dilation apart) and whether the layer cross-correlates, as F.conv2d
and the exam do, or computes a true convolution (the kernel flipped in both spatial
dimensions, as in signal processing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from solver.model import Check
from solver.params import require_one_of
from solver.questions.labkit import Edit, compare

# Dilation 3 is valid (every case below still has an output) but not drawn: its completed
# code is dilation 2's, with another default, and the grader could not tell them apart.
DILATIONS = (1, 2, 3)
AXES: dict[str, tuple[Any, ...]] = {"dilation": (1, 2), "flip_kernel": (False, True)}

# (N, C, H, W, F, kernel, stride, padding): small, so the loop stays fast; each has an
# output of at least 1x1 up to dilation 3.
CASES = (
    (2, 3, 7, 7, 4, 3, 1, 0),
    (2, 2, 8, 6, 3, 3, 2, 1),
    (1, 3, 5, 5, 2, 2, 1, 2),
    (2, 1, 9, 9, 2, 5, 2, 2),
)

# The exam's answer lines, and the given output-size lines a dilated version changes.
WINDOW = ("                window = x_padded[:, :, r:r + self.kernel_size, "
          "c:c + self.kernel_size]  # B)\n")
PRODUCT = "(window[k] * self.weight).sum(dim=(1, 2, 3)) + self.bias  # C)"
SIZE = "{0} = 1 + ({1} + 2 * self.padding - self.kernel_size) // self.stride\n"
DILATED_SIZE = ("{0} = 1 + ({1} + 2 * self.padding - self.dilation * (self.kernel_size - 1) "
                "- 1) // self.stride\n")
SIZE_DOC = "{0}' = 1 + ({0} + 2 * padding - kernel_size) // stride\n"
DILATED_SIZE_DOC = "{0}' = 1 + ({0} + 2 * padding - dilation * (kernel_size - 1) - 1) // stride\n"


@dataclass(frozen=True)
class Params:
    dilation: int = 1
    flip_kernel: bool = False

    def __post_init__(self) -> None:
        require_one_of("dilation", self.dilation, DILATIONS)
        require_one_of("flip_kernel", self.flip_kernel, (True, False))


def edits(params: Params) -> list[Edit]:
    """The version's code as changes of the exam's completed template."""
    found: list[Edit] = []
    d = params.dilation
    if d > 1:
        found += [
            Edit("forward pass of a 2-D convolutional layer",
                 "forward pass of a dilated 2-D convolutional layer"),
            Edit("stride=1, padding=0):", f"stride=1, padding=0, dilation={d}):"),
            Edit("          padding: num pixels to zero-pad input\n",
                 "          padding: num pixels to zero-pad input\n"
                 "          dilation: spacing between kernel elements\n"),
            Edit("        self.padding = padding\n",
                 "        self.padding = padding\n        self.dilation = dilation\n"),
            Edit(SIZE_DOC.format("H"), DILATED_SIZE_DOC.format("H")),
            Edit(SIZE_DOC.format("W"), DILATED_SIZE_DOC.format("W")),
            Edit(SIZE.format("Hp", "H"), DILATED_SIZE.format("Hp", "H")),
            Edit(SIZE.format("Wp", "W"), DILATED_SIZE.format("Wp", "W")),
            Edit("kernel-sized patch at output (i, j).",
                 "kernel-sized patch at output (i, j),\n"
                 "                # its pixels dilation apart: it spans dilation * (k - 1) + 1."),
            Edit(WINDOW,
                 "                span = self.dilation * (self.kernel_size - 1) + 1  # B)\n"
                 "                window = x_padded[:, :, r:r + span:self.dilation, "
                 "c:c + span:self.dilation]  # B)\n"),
        ]
    if params.flip_kernel:
        found += [
            Edit("looping over output positions.",
                 "looping over output positions;\na true convolution: the kernel is flipped."),
            Edit("cross-correlate each filter with sample k's window.",
                 "convolve sample k's window with each filter,\n"
                 "                    # flipped in both spatial dims (signal processing)."),
            # Two lines: the flipped kernel named, so each stays within the key's width.
            Edit(f"y[k, :, i, j] = {PRODUCT}",
                 "kernel = self.weight.flip(2, 3)  # C)\n                    "
                 "y[k, :, i, j] = (window[k] * kernel).sum(dim=(1, 2, 3)) + self.bias  # C)"),
        ]
    return found


def checks(params: Params | None, lab: Any) -> list[Check]:
    """The lab version ``params`` names, its code loaded as ``lab``, against torch."""
    import torch
    import torch.nn.functional as F

    from solver.seed import torch_generator

    params = params or Params()
    d, flip = params.dilation, params.flip_kernel
    oracle = "F.conv2d" + (" with the kernel flipped" if flip else "")
    cases = [(case, d) for case in CASES]
    if d > 1:  # the layer uses its dilation argument, not the template's default
        cases.append((CASES[0], 3 if d == 2 else 2))
    found: list[Check] = []
    torch_generator()
    for (n, c, h, w, f, k, s, p), dilation in cases:
        extra = {"dilation": dilation} if d > 1 else {}
        layer = lab.Conv2d(c, f, k, stride=s, padding=p, **extra)
        x = torch.randn(n, c, h, w)
        weight = layer.weight.flip(2, 3) if flip else layer.weight
        expected = F.conv2d(x, weight, layer.bias, stride=s, padding=p, dilation=dilation)
        given = f", dilation={dilation}" if d > 1 else ""
        found.append(compare(
            f"k={k}, stride={s}, padding={p}{given} on {n}×{c}×{h}×{w} equals {oracle}",
            layer.forward(x), expected, 1e-4))
    return found
