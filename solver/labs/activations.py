"""Lab 2: backward passes of ReLU and Sigmoid."""

import torch


class ReLU(object):
    """ReLU non-linear activation function."""

    def __init__(self):
        super(ReLU, self).__init__()
        # Cache forward pass variables for use during backward pass.
        self.cache = None

    def forward(self, x):
        """y = max(0, x); the template caches the output y."""
        y = torch.clamp(x, min=0)  # forward pass
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        """Return the downstream gradient dx = dupstream * 1[x > 0].

        The cache holds y = max(0, x), and y > 0 exactly where x > 0.
        """
        # Making sure that we don't modify the incoming upstream gradient
        dupstream = dupstream.clone()
        # A) ReLU Backward pass
        dx = dupstream * (self.cache > 0)  # A)
        # END OF YOUR CODE
        return dx


class Sigmoid(object):
    """Sigmoid non-linear activation function."""

    def __init__(self):
        super(Sigmoid, self).__init__()
        # Cache forward pass variables for use during backward pass.
        self.cache = None

    def forward(self, x):
        """y = 1 / (1 + exp(-x)); the cache holds y."""
        y = 1.0 / (1.0 + torch.exp(-x))
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        """Return dx = dupstream * sigma'(x), with sigma'(x) = y (1 - y)."""
        # B) Sigmoid Backward pass
        dx = dupstream * self.cache * (1.0 - self.cache)  # B)
        # END OF YOUR CODE
        return dx
