# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (A): weight_hh is a plain tensor, not an nn.Parameter (an optimiser would never
train it). Expected: A 0, B 2."""
import torch
import torch.nn as nn


class VanillaRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super(VanillaRNN, self).__init__()
        self.hidden_size = hidden_size
        self.weight_xh = nn.Parameter(torch.randn(input_size, hidden_size) * 0.1)
        self.weight_hh = torch.randn(hidden_size, hidden_size) * 0.1
        self.bias_xh = nn.Parameter(torch.zeros(hidden_size))
        self.bias_hh = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, x):
        x = x.transpose(0, 1)
        h = torch.zeros(x.shape[1], self.hidden_size)
        y = []
        for t in range(x.shape[0]):
            h = torch.tanh(x[t] @ self.weight_xh + self.bias_xh + h @ self.weight_hh
                           + self.bias_hh)
            y.append(h)
        return torch.stack(y).transpose(0, 1)
