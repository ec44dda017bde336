# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (A): the ReLU mask is y >= 0, which lets the gradient through where x <= 0
(the cache y is 0 there). Expected: A 0, B 2."""
import torch


class ReLU(object):
    """ReLU non-linear activation function."""

    def __init__(self):
        super(ReLU, self).__init__()
        self.cache = None

    def forward(self, x):
        y = torch.clamp(x, min=0)  # forward pass
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        # Making sure that we don't modify the
        # incoming upstream gradient
        dupstream = dupstream.clone()
        # A) ReLU Backward pass
        dx = dupstream * (self.cache >= 0)
        # END OF YOUR CODE
        return dx


class Sigmoid(object):
    """Sigmoid non-linear activation function."""

    def __init__(self):
        super(Sigmoid, self).__init__()
        self.cache = None

    def forward(self, x):
        y = 1.0 / (1.0 + torch.exp(-x))
        self.cache = y  # update cache
        return y

    def backward(self, dupstream):
        # B) Sigmoid Backward pass
        dx = dupstream * self.cache * (1 - self.cache)
        # END OF YOUR CODE
        return dx
