# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Hostile (review of the autograder): the right code, then a record on the grader's pipe whose JSON header nests 60 000 deep, past the grader's recursion limit (the pipe's descriptor is in sys.argv). It crashed the whole grading run. Expected: its zero, the run goes on."""
import torch


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
                window = x_padded[:, :, r:r + self.kernel_size, c:c + self.kernel_size]
                for k in range(N):
                    # C) Forward pass.
                    # Your code goes here.
                    y[k, :, i, j] = (window[k] * self.weight).sum(dim=(1, 2, 3)) + self.bias
        # END OF YOUR CODE
        # Cache input to use in backward pass
        self.cache = x_padded
        return y



import json as _json
import os as _os
import struct as _struct
import sys as _sys

_fd = _json.loads(_sys.argv[1])["fd"]
_header = b"[" * 60000
_os.write(_fd, _struct.pack(">II", len(_header), 0) + _header)
