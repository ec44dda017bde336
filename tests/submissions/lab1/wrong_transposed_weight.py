# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (A): the weight placeholder is [out_feat, in_feat] (nn.Linear's layout, the
transpose of y = xW + b). Expected: A 0, B 3."""
import torch


class Linear(object):
    def __init__(self, in_feat, out_feat):
        super(Linear, self).__init__()
        self.weight = torch.empty(out_feat, in_feat)
        self.bias = torch.empty(out_feat)
        self.init_params()

    def init_params(self):
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        y = x @ self.weight + self.bias
        return 1.0 / (1.0 + torch.exp(-y))
