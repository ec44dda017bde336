# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Hostile (review of the autograder): computes no convolution; forward returns an output with zero columns, which once made C "carried forward" (3 points). Expected: A 1, B 0, C 0."""
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
        N, _, H, W = x.shape
        Hp = 1 + (H + 2 * self.padding - self.kernel_size) // self.stride
        # An output with no columns: no window to check, an empty sum to compare.
        return torch.zeros(N, self.out_channels, Hp, 0)
