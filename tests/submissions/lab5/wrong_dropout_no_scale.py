# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (A): a hand-written dropout that zeroes units but does not scale the survivors
by 1/(1 - p). Expected: A 0, B 3."""
import torch
import torch.nn as nn


class MyDropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training:
            return x
        return x * (torch.rand_like(x) >= self.p)


class FCNet_do(nn.Module):
    def __init__(self):
        super(FCNet_do, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 64)
        self.dropout1 = MyDropout(0.5)
        self.dropout2 = MyDropout(0.5)

    def forward(self, x):
        h1 = self.dropout1(torch.relu(self.fc1(x)))
        h2 = self.dropout2(torch.relu(self.fc2(h1))) + h1
        return self.fc3(h2)
