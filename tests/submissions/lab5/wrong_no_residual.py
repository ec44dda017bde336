# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
"""Wrong (B): the residual sum (+ h1) is missing. Expected: A 1, B 0."""
import torch
import torch.nn as nn


class FCNet_do(nn.Module):
    def __init__(self):
        super(FCNet_do, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 64)
        self.dropout1 = nn.Dropout(p=0.5)
        self.dropout2 = nn.Dropout(p=0.5)

    def forward(self, x):
        h1 = self.dropout1(torch.relu(self.fc1(x)))
        h2 = self.dropout2(torch.relu(self.fc2(h1)))
        return self.fc3(h2)
