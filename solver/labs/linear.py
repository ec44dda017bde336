"""Lab 1: forward pass of a linear layer followed by the sigmoid of the formula."""

import torch


class Linear(object):
    """Fully connected layer.

    in_feat: number of input features
    out_feat: number of output features
    """

    def __init__(self, in_feat, out_feat):
        super(Linear, self).__init__()
        # A) Define placeholder tensors for layer weight and bias. y = xW + b with x of
        # shape [batch_size, in_feat], so W is [in_feat, out_feat] and b is [out_feat].
        self.weight = torch.empty(in_feat, out_feat)  # A)
        self.bias = torch.empty(out_feat)  # A)
        # END OF YOUR CODE
        self.init_params()  # Init. parameters

    def init_params(self):
        """Sample weight from a Gaussian and bias from a uniform distribution."""
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        """Forward pass: multiply the input by the weights, add the bias, apply sigmoid.

        Args:
          x: input tensor [batch_size, in_feat]
        Returns:
          y: output tensor [batch_size, out_feat]
        """
        # B) Forward pass.
        y = x @ self.weight + self.bias  # B)
        y = 1.0 / (1.0 + torch.exp(-y))  # B)
        # (the exam's template stops before its return)
        return y  # B)
