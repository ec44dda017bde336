# ruff: noqa
# A student submission in the exam template's style (a grading test fixture).
import torch.nn as nn


class FCNet_do(nn.Module):
    """Simple fully connected neural network with residual connections and dropout
    layers in PyTorch."""

    def __init__(self):
        super(FCNet_do, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 64)
        # A) Define dropout layers.
        self.do1 = nn.Dropout(0.3)
        self.do2 = nn.Dropout(0.3)
        # END OF YOUR CODE

    def forward(self, x):
        # B) Implement forward pass as in figure
        h1 = self.do1(torch.relu(self.fc1(x)))
        h2 = self.do2(torch.relu(self.fc2(h1)))
        v = self.fc3(h1 + h2)
        # END OF YOUR CODE
        return v
