# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
import torch


class Linear(object):
    """Fully connected layer.
    in_feat: number of input features
    out_feat: number of output features
    """

    def __init__(self, in_feat, out_feat):
        super(Linear, self).__init__()
        # A) Define placeholder tensors for
        # layer weight and bias.
        # A) Your code goes here.
        self.weight = torch.empty(in_feat, out_feat)
        self.bias = torch.empty(out_feat)
        # END OF YOUR CODE
        self.init_params()  # Init. parameters

    def init_params(self):
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        # B) Forward pass.
        y = torch.matmul(x, self.weight) + self.bias
        y = torch.sigmoid(y)
        return y
