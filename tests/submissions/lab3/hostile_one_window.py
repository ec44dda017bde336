# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Hostile (review of the autograder): makes the window at (0, 0) only, then raises; B once scored 2 from that one window. Expected: A 1, B 0, C 0."""
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
        x_padded = torch.nn.functional.pad(x, [self.padding] * 4)
        # The first window only (no loop, no stride), then it stops.
        window = x_padded[:, :, :self.kernel_size, :self.kernel_size]
        raise NotImplementedError("forward pass not written")
