"""Lab 3: forward pass of a 2-D convolutional layer, looping over output positions."""

import torch


class Conv2d(object):
    """2D convolutional layer."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        """Initialize the layer with given params.

        Args:
          in_channels: num. of input channels
          out_channels: num. of output channels
          kernel_size: kernel size, single int
          stride: step size of conv. operation
          padding: num pixels to zero-pad input
        """
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        # A) Create placeholder tensors for weight and bias with correct dims:
        # one [C, k, k] filter and one bias per output channel F.
        self.weight = torch.empty(out_channels, in_channels, kernel_size, kernel_size)  # A)
        self.bias = torch.empty(out_channels)  # A)
        # END OF YOUR CODE
        # Initialize parameters
        self.init_params()

    def init_params(self):
        """Sample weight from a Gaussian and bias from a uniform distribution."""
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        """Forward pass of convolutional layer.

        Args:
          x: input tensor (N, C, H, W)
        Returns:
          y: output tensor (N, F, H', W'), where
             H' = 1 + (H + 2 * padding - kernel_size) // stride
             W' = 1 + (W + 2 * padding - kernel_size) // stride
        """
        # Pad the input
        x_padded = torch.nn.functional.pad(x, [self.padding] * 4)
        # Unpack the needed dimensions
        N, _, H, W = x.shape
        # Calculate output height and width
        Hp = 1 + (H + 2 * self.padding - self.kernel_size) // self.stride
        Wp = 1 + (W + 2 * self.padding - self.kernel_size) // self.stride
        # Create an empty output to fill in (in the input's dtype)
        y = torch.empty((N, self.out_channels, Hp, Wp), dtype=x.dtype)
        for i in range(Hp):
            for j in range(Wp):
                # B) Make window: all channels of the kernel-sized patch at output (i, j).
                r, c = i * self.stride, j * self.stride  # B)
                window = x_padded[:, :, r:r + self.kernel_size, c:c + self.kernel_size]  # B)
                for k in range(N):
                    # C) Forward pass: cross-correlate each filter with sample k's window.
                    y[k, :, i, j] = (window[k] * self.weight).sum(dim=(1, 2, 3)) + self.bias  # C)
        # END OF YOUR CODE
        # Cache input to use in backward pass
        self.cache = x_padded
        return y
