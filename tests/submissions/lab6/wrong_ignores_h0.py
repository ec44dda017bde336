# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (B): the first step ignores h0 and its term, b_hh included:
h_1 = tanh(x_1 W_xh + b_xh). Expected: A 2, B 0."""
import torch
import torch.nn as nn


class VanillaRNN(nn.Module):
    def __init__(self, input_size, hidden_size):
        super(VanillaRNN, self).__init__()
        self.hidden_size = hidden_size
        self.weight_xh = nn.Parameter(torch.randn(input_size, hidden_size) * 0.1)
        self.weight_hh = nn.Parameter(torch.randn(hidden_size, hidden_size) * 0.1)
        self.bias_xh = nn.Parameter(torch.zeros(hidden_size))
        self.bias_hh = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, x):
        x = x.transpose(0, 1)
        T, N = x.shape[0], x.shape[1]
        h0 = torch.zeros(N, self.hidden_size)  # noqa: F841 - never used: the bug
        y = []
        h = None
        for t in range(T):
            a = x[t] @ self.weight_xh + self.bias_xh
            if h is not None:
                a = a + h @ self.weight_hh + self.bias_hh
            h = torch.tanh(a)
            y.append(h)
        return torch.stack(y).transpose(0, 1)
