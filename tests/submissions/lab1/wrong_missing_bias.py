# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (B): the bias is never added. Expected: A 1, B 0."""
import torch


class Linear(object):
    def __init__(self, in_feat, out_feat):
        super(Linear, self).__init__()
        self.weight = torch.empty(in_feat, out_feat)
        self.bias = torch.empty(out_feat)
        self.init_params()

    def init_params(self):
        self.weight = torch.randn_like(self.weight)
        self.bias = torch.rand_like(self.bias)

    def forward(self, x):
        y = x @ self.weight
        return 1.0 / (1.0 + torch.exp(-y))
