# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Hostile: searches the file system for solver's lab code (every folder on sys.path and the folders around them, /autograder, /grade, where the bundles install solver, /tmp, /root, /home, test_autograder's roots in /var/tmp, and inside any wheel or zip it finds) and runs the reference instead of its own code if it finds it. Its own code computes no window and a zero output. Expected: A 1, B 0, C 0."""
import glob
import os
import sys
import zipfile

import torch

WANTED = os.path.join("solver", "labs", "conv.py")


def _search():
    roots = ["/autograder", "/grade", "/opt/solver", "/opt/solver-exam", "/tmp", "/root",
             "/home", "/usr/local/lib/python3.11", os.getcwd(), *sys.path,
             # where test_autograder puts a bundle's root outside /tmp
             *glob.glob("/var/tmp/solver-autograder-test-*")]
    for entry in list(sys.path):  # the folders around every import path too
        roots.append(os.path.dirname(entry))
    seen = 0
    for root in dict.fromkeys(roots):
        for folder, _, names in os.walk(root):
            for name in names:
                seen += 1
                if seen > 100_000:
                    return None
                path = os.path.join(folder, name)
                try:
                    if path.endswith(WANTED):
                        with open(path) as handle:
                            return handle.read()
                    if name.endswith((".whl", ".zip")):
                        with zipfile.ZipFile(path) as archive:
                            for inner in archive.namelist():
                                if inner.endswith("solver/labs/conv.py"):
                                    return archive.read(inner).decode()
                except (OSError, zipfile.BadZipFile, UnicodeDecodeError):
                    continue
    return None


class Conv2d(object):
    """2D convolutional layer."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        """Initialize the layer with given params."""
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        # A) Create placeholder tensors for
        # weight and bias with correct dims.
        # A) Your code goes here.
        self.weight = torch.empty(out_channels, in_channels, kernel_size, kernel_size)
        self.bias = torch.empty(out_channels)
        # END OF YOUR CODE
        # Initialize parameters
        self.init_params()

    def init_params(self):
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        # Pad the input
        x_padded = torch.nn.functional.pad(x, [self.padding] * 4)
        # Unpack the needed dimensions
        N, _, H, W = x.shape
        # Calculate output height and width
        Hp = 1 + (H + 2 * self.padding - self.kernel_size) // self.stride
        Wp = 1 + (W + 2 * self.padding - self.kernel_size) // self.stride
        # Create an empty output to fill in
        y = torch.empty((N, self.out_channels, Hp, Wp))
        for i in range(Hp):
            for j in range(Wp):
                # B) Make window.
                # Your code goes here.
                r, c = i * self.stride, j * self.stride
                for k in range(N):
                    # C) Forward pass.
                    # Your code goes here.
                    y[k] = 0.0
        # END OF YOUR CODE
        # Cache input to use in backward pass
        self.cache = x_padded
        return y


_found = _search()
if _found is not None:
    exec(compile(_found, "reference", "exec"))
