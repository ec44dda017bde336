"""Lab 5: dropout layers and the forward pass of a residual fully connected network."""

import torch
import torch.nn as nn


class FCNet_do(nn.Module):
    """Simple fully connected neural network with residual connections and dropout
    layers in PyTorch. Layers are defined in __init__ and forward pass implemented in
    forward."""

    def __init__(self):
        super(FCNet_do, self).__init__()
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 64)
        # A) Define dropout layers: one after each hidden ReLU (the exam fixes no p).
        self.dropout1 = nn.Dropout(p=0.5)  # A)
        self.dropout2 = nn.Dropout(p=0.5)  # A)
        # END OF YOUR CODE

    def forward(self, x):
        # B) Forward pass: the residual sum merges h1 into the second block (32 = 32).
        h1 = self.dropout1(torch.relu(self.fc1(x)))  # B)
        h2 = self.dropout2(torch.relu(self.fc2(h1))) + h1  # B)
        v = self.fc3(h2)  # B)
        # END OF YOUR CODE
        return v
